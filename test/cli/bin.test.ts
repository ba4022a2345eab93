/** The real command, as a user runs it: a fresh Node process, no test harness in between. */
import { describe, expect, it } from 'vitest';
import { runBuiltCli, runBuiltCliClosingStdout } from '../support/built-cli.js';

const medic = (...args: string[]) => runBuiltCli(args);
const STACK_TRACE = /\n\s+at |EPIPE|Unhandled/;

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

describe('a closed stdout pipe (`medic ... | head -1`)', () => {
  // Eight copies of the folder: far more output than a pipe buffers, so the writes after the
  // first line really meet a closed pipe.
  const many = Array<string>(8).fill('events/');

  it.each([[['replay', ...many]], [['replay', ...many, '--json']]])('%j: the first line, then a quiet end with exit 0', async (argv) => {
    const { code, firstLine, stderr } = await runBuiltCliClosingStdout(argv, 'first-line');
    expect(firstLine).toMatch(/events\/01-alarm-latency-churn-prod\.json/);
    expect(stderr).not.toMatch(STACK_TRACE);
    expect(code).toBe(0);
  });

  it.each([[['backtest', 'events/']], [['backtest', 'events/', '--json']], [['runbook']], [['replay', 'events/']]])(
    '%j: nothing read at all (`| true`), still no stack trace',
    async (argv) => {
      const { code, stderr } = await runBuiltCliClosingStdout(argv, 'start');
      expect(stderr).not.toMatch(STACK_TRACE);
      expect(code).toBe(0);
    },
  );
});
