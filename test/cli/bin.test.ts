/** The real command, as a user runs it: a fresh Node process, no test harness in between. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/samples.js';

function medic(...args: string[]) {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin/medic.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('bin/medic.js', () => {
  it('replays the sample folder with exit 0 and a summary', () => {
    const { code, stdout, stderr } = medic('replay', 'events/');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/\d+ events, \d+ matched a rule/);
    expect(stdout).toMatch(/nothing was written to AWS/);
  });

  it('rejects malformed events with exit 2 and no stack trace', () => {
    const { code, stderr } = medic('replay', 'events/invalid/');
    expect(code).toBe(2);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stderr.trim().split('\n').length).toBeGreaterThanOrEqual(8);
  });

  it('validates the default runbook', () => {
    const { code, stdout } = medic('validate');
    expect(code).toBe(0);
    expect(stdout).toMatch(/runbook\.yml: valid/);
  });

  it('prints help with exit 0 on --help and exit 2 with no command', () => {
    expect(medic('--help').code).toBe(0);
    expect(medic().code).toBe(2);
  });
});
