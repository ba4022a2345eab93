import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventReport } from '../../shared/report.js';
import { runBuiltCli } from '../support/built-cli.js';
import { runCli } from '../support/cli.js';
import { AWS_STATE, EVENTS_DIR, INVALID_DIR } from '../support/samples.js';

const parse = (lines: string[]) => lines.map((l) => JSON.parse(l) as EventReport);

describe('medic replay', () => {
  it('malformed events: exit 2, one line per file on stderr naming the file, no stack trace', async () => {
    const { code, stdout, stderr } = await runCli(['replay', INVALID_DIR, '--json']);
    expect(code).toBe(2);
    const reports = parse(stdout);
    expect(reports.length).toBeGreaterThanOrEqual(8);
    for (const r of reports) {
      expect(r.errorKind, r.event).toBe('invalid-event');
      expect(r.error, r.event).toBeTruthy();
    }
    expect(stderr).toHaveLength(reports.length);
    for (const line of stderr) {
      expect(line).toMatch(/^events\/invalid\/[\w-]+\.json(:\d+:\d+)?: \S/);
      expect(line).not.toMatch(/\bat .+:\d+:\d+/);
    }
    expect(stderr.find((l) => l.includes('empty.json'))).toBe('events/invalid/empty.json: the file is empty');
    expect(stderr.find((l) => l.includes('not-json.json'))).toBe(
      'events/invalid/not-json.json:27:1: not valid JSON: Expected double-quoted property name',
    );
  });

  it('every event is still processed when one is bad; the exit code is the worst', async () => {
    const { code, stdout } = await runCli([
      'replay',
      'events/01-alarm-latency-churn-prod.json',
      join(INVALID_DIR, 'empty.json'),
      'events/06-alarm-4xx-churn-prod.json',
      '--json',
    ]);
    expect(code).toBe(2);
    const reports = parse(stdout);
    expect(reports.map((r) => r.rule)).toEqual(['latency-scale-out', null, 'client-errors-notify']);
  });

  it('a folder replay skips the recorded state file and subfolders', async () => {
    const { stdout } = await runCli(['replay', 'events/', '--json']);
    const names = parse(stdout).map((r) => r.event);
    expect(names.some((n) => n.includes('aws-state'))).toBe(false);
    expect(names.some((n) => n.includes('invalid/'))).toBe(false);
  });

  it('a missing path is a usage error (exit 2)', async () => {
    const { code, stderr } = await runCli(['replay', 'nope/']);
    expect(code).toBe(2);
    expect(stderr[0]).toMatch(/nope\/: no such file or folder/);
  });

  it('no arguments is a usage error', async () => {
    const { code, stderr } = await runCli(['replay']);
    expect(code).toBe(2);
    expect(stderr[0]).toMatch(/replay needs at least one event file or folder/);
  });

  it('an unknown option is a usage error', async () => {
    const { code, stderr } = await runCli(['replay', 'events/', '--frobnicate']);
    expect(code).toBe(2);
    expect(stderr[0]).toMatch(/--frobnicate/);
  });

  it('an unreadable recorded state file is bad input (exit 2) with a clear line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medic-'));
    writeFileSync(join(dir, 'state.json'), '{"sagemaker": {"endpoints": 3}}');
    const { code, stderr } = await runCli(['replay', 'events/01-alarm-latency-churn-prod.json', '--aws-state', join(dir, 'state.json')]);
    expect(code).toBe(2);
    expect(stderr[0]).toMatch(/state\.json: sagemaker\.endpoints: /);
  });

  it('an invalid runbook is refused: exit 2, every error on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medic-'));
    writeFileSync(join(dir, 'bad.yml'), 'version: 2\nrules: []\n');
    const { code, stderr } = await runCli(['replay', 'events/', '--runbook', join(dir, 'bad.yml')]);
    expect(code).toBe(2);
    expect(stderr.join('\n')).toMatch(/bad\.yml:1:10 version: /);
  });

  it('the same event twice in one run acts once: the second is a duplicate', async () => {
    const { stdout } = await runCli([
      'replay',
      'events/01-alarm-latency-churn-prod.json',
      'events/01-alarm-latency-churn-prod.json',
      '--json',
    ]);
    const [first, second] = parse(stdout);
    expect(first?.actions.map((a) => a.status)).toEqual(['planned', 'planned']);
    expect(second?.actions.map((a) => [a.status, a.suppressedBy])).toEqual([
      ['suppressed', 'dedupe'],
      ['suppressed', 'dedupe'],
    ]);
  });

  it('without --live nothing is written, whatever the runbook mode says', async () => {
    const { stdout } = await runCli(['replay', 'events/', '--json']);
    const statuses = new Set(parse(stdout).flatMap((r) => r.actions.map((a) => a.status)));
    expect(statuses.has('executed')).toBe(false);
  });
});

describe('medic replay of operator events (built CLI)', () => {
  it('a Silence Expired for a silence that has ended says when it was applied and what that means', () => {
    // The sample silence runs 14:00-16:00 on 2026-11-23; replay applies operator events at its
    // own clock (now), long after, so there is nothing left to expire, and the line says why.
    const { code, stdout } = runBuiltCli([
      'replay',
      'events/operator/01-silence-created-churn-prod.json',
      'events/operator/02-silence-expired-churn-prod.json',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /\n {2}ignored silence sil-1a2b3c4d had already ended at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z, when this event was applied \(at its end time, or expired earlier\), or was never created: nothing to expire\n/,
    );
  });
});

describe('an events folder with a file that cannot be read (built CLI)', () => {
  it('a dangling link is rejected with its reason, exit 2, and the other events are still handled; a named pipe is no event', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medic-dangling-'));
    copyFileSync(join(EVENTS_DIR, '01-alarm-latency-churn-prod.json'), join(dir, '01-alarm-latency-churn-prod.json'));
    symlinkSync(join(dir, 'gone.json'), join(dir, '02-dangling.json'));
    // Reading a FIFO waits for a writer that never comes: it must not be listed at all.
    execFileSync('mkfifo', [join(dir, '03-pipe.json')]);
    for (const command of ['replay', 'backtest']) {
      const { code, stdout, stderr } = runBuiltCli([command, dir], { timeoutMs: 30_000 });
      expect(code, `${command}: ${stderr}`).toBe(2);
      // replay says it on stderr too; backtest lists it under "Rejected (bad input)".
      expect(stdout).toContain(`${join(dir, '02-dangling.json')}`);
      expect(`${stdout}${stderr}`).toContain('cannot read the file (ENOENT)');
      expect(stderr).not.toMatch(/unexpected error|\n\s+at /);
      expect(stdout).toContain('latency-scale-out');
      expect(`${stdout}${stderr}`).not.toContain('03-pipe.json');
    }
  });
});

describe('a folder of folders (built CLI)', () => {
  it('names the folders inside, since folders are not read recursively', () => {
    for (const command of ['replay', 'backtest']) {
      const { code, stderr } = runBuiltCli([command, 'events/ladders']);
      expect(code).toBe(2);
      expect(stderr.trim().split('\n')[0]).toBe(
        'medic: no .json event files in events/ladders; folders are not read recursively: give the ones inside (events/ladders/busy events/ladders/incident events/ladders/persisting events/ladders/resolved)',
      );
    }
  });
});

describe('a folder with its own recorded state (medic capture --events writes one)', () => {
  /** The latency alarm sample in a folder whose aws-state.json has no churn-prod: its scale cannot plan there. */
  function capturedFolder(): { dir: string; file: string } {
    const dir = join(mkdtempSync(join(tmpdir(), 'medic-own-state-')), 'last-week');
    mkdirSync(dir);
    const file = join(dir, '01-alarm-latency-churn-prod.json');
    copyFileSync(join(EVENTS_DIR, '01-alarm-latency-churn-prod.json'), file);
    const state = JSON.parse(readFileSync(AWS_STATE, 'utf8')) as { sagemaker: { endpoints: Record<string, unknown> } };
    delete state.sagemaker.endpoints['churn-prod'];
    writeFileSync(join(dir, 'aws-state.json'), JSON.stringify(state));
    return { dir, file };
  }
  const scaleOf = (lines: string[]) => parse(lines)[0]?.actions.find((a) => a.type === 'scale');
  const NOTE = (dir: string) =>
    `note: recorded AWS state ${join(dir, 'aws-state.json')} (the events' folder's own; --aws-state F for another)`;

  it('replay DIR (built CLI) plans against it and says so; --aws-state still wins', async () => {
    const { dir } = capturedFolder();
    const own = runBuiltCli(['replay', dir, '--json']);
    expect(own.stderr.trim()).toBe(NOTE(dir));
    expect(scaleOf(own.stdout.trim().split('\n'))).toMatchObject({ status: 'skipped', reason: 'endpoint churn-prod does not exist' });
    const given = runBuiltCli(['replay', dir, '--json', '--aws-state', AWS_STATE]);
    expect(given.stderr).toBe('');
    expect(scaleOf(given.stdout.trim().split('\n'))?.status).toBe('planned');
  });

  it('replay of files in it and explain of one of them read it too; the sample folder reads the default without a note', async () => {
    const { dir, file } = capturedFolder();
    const replay = await runCli(['replay', file, '--json']);
    expect(replay.stderr).toEqual([NOTE(dir)]);
    expect(scaleOf(replay.stdout)?.status).toBe('skipped');
    const explain = await runCli(['explain', file]);
    expect(explain.stderr).toEqual([NOTE(dir)]);
    const samples = await runCli(['replay', 'events/01-alarm-latency-churn-prod.json', '--json']);
    expect(samples.stderr).toEqual([]);
    expect(scaleOf(samples.stdout)?.status).toBe('planned');
  });
});
