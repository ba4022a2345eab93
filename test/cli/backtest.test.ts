import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { orderByEventTime } from '../../cli/backtest/run.js';
import { alarmEvent } from '../../cli/generate/events.js';
import type { BacktestSummary } from '../../shared/backtest/index.js';
import { runCli } from '../support/cli.js';
import { AWS_STATE, RUNBOOK } from '../support/samples.js';

const T0 = Date.parse('2026-11-23T04:00:00Z');
const MIN = 60_000;

/** A folder of latency alarms on churn-prod at the given minutes; file names run against time. */
function latencyFolder(minutes: number[], extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'medic-backtest-'));
  minutes.forEach((m, i) => {
    const event = alarmEvent({ endpoint: 'churn-prod', variant: 'v2', metric: 'ModelLatency', time: T0 + m * MIN });
    writeFileSync(join(dir, `${String(minutes.length - i).padStart(3, '0')}-latency.json`), JSON.stringify(event));
  });
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text);
  return dir;
}

async function backtestJson(dir: string, ...args: string[]): Promise<{ code: number; summary: BacktestSummary; stderr: string[] }> {
  const { code, stdout, stderr } = await runCli(['backtest', dir, '--runbook', RUNBOOK, '--aws-state', AWS_STATE, '--json', ...args]);
  expect(stdout).toHaveLength(1);
  return { code, summary: JSON.parse(stdout[0] as string) as BacktestSummary, stderr };
}

describe('medic backtest', () => {
  it('runs events in event-time order on a virtual clock: cooldowns expire between events, ladder checks run between them', async () => {
    // latency-scale-out has a 10m cooldown and a ladder (scale again after 10m, page 10m later).
    // 0 acts and starts a ladder; 5 is held back (cooldown) and starts its own ladder (a new ALARM
    // transition), which cancels the first one's check; 15: that ladder's step 1 scales (and its
    // change starts the cooldown again); 20 is held back; 25 acts; 35 and 45: its ladder's steps,
    // then one "did not clear". The file names run against time: in name order the clock could
    // not go back, and only one would act.
    const { code, summary } = await backtestJson(latencyFolder([0, 5, 20, 25]));
    expect(code).toBe(0);
    expect(summary.rules['latency-scale-out']).toMatchObject({
      matched: 4,
      executed: 10,
      suppressed: 4,
      suppressedBy: { cooldown: 4 },
      escalated: 3,
    });
    expect(summary.endpoints['churn-prod']?.scale).toMatchObject({ executed: 4, suppressed: 2 });
    expect(summary.ladders).toEqual({ started: 4, resolved: 3, exhausted: 1, steps: 3, gaveUp: 0, checks: 3, cancelled: 0, open: 0 });
    expect(summary.from).toBe('2026-11-23T04:00:00.000Z');
    expect(summary.to).toBe('2026-11-23T04:25:00.000Z');
  });

  it('replay, on the wall clock, holds back every repeat instead', async () => {
    const dir = latencyFolder([0, 5, 20, 25]);
    const { stdout } = await runCli(['replay', dir, '--json']);
    const statuses = stdout.map(
      (l) => (JSON.parse(l) as { actions: Array<{ type: string; status: string }> }).actions.find((a) => a.type === 'scale')?.status,
    );
    expect(statuses.filter((s) => s === 'planned')).toHaveLength(1);
  });

  it('orders by event time, ties by file name, files without a time last', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medic-backtest-'));
    const at = (iso: string) => JSON.stringify({ time: iso });
    const files = {
      'a.json': at('2026-11-23T05:00:00Z'),
      'b.json': at('2026-11-23T04:00:00Z'),
      'c.json': '{broken',
      'd.json': at('2026-11-23T04:00:00Z'),
      'e.json': '{}',
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const ordered = orderByEventTime(Object.keys(files).map((name) => ({ file: join(dir, name), label: name })));
    expect(ordered.map((e) => e.label)).toEqual(['b.json', 'd.json', 'a.json', 'c.json', 'e.json']);
  });

  it('counts rejected events, lists them, still runs the rest, exits 2', async () => {
    const dir = latencyFolder([0], { 'bad.json': '{"version":', 'empty.json': '' });
    const { code, summary } = await backtestJson(dir);
    expect(code).toBe(2);
    expect(summary.events).toBe(3);
    expect(summary.rejected).toBe(2);
    expect(summary.rejectedEvents.map((r) => r.event.split('/').pop())).toEqual(['bad.json', 'empty.json']);
    // The alarm's two actions, then its ladder: scale and notify, page, "did not clear".
    expect(summary.rules['latency-scale-out']?.executed).toBe(6);
  });

  it('skips aws-state* files and subfolders', async () => {
    const dir = latencyFolder([0], { 'aws-state.json': '{}' });
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'x.json'), '{}');
    const { summary } = await backtestJson(dir);
    expect(summary.events).toBe(1);
  });

  it('progress and timing go to stderr with --progress or on a terminal, never to stdout', async () => {
    const dir = latencyFolder([0, 5]);
    const forced = await runCli(['backtest', dir, '--json', '--progress']);
    expect(() => JSON.parse(forced.stdout.join('\n'))).not.toThrow();
    expect(forced.stderr.at(-1)).toMatch(/^backtest: 2 events in \d+\.\d s \([\d,]+ events\/s\), peak RSS \d+ MB$/);
    const tty = await runCli(['backtest', dir, '--json'], { errIsTTY: true });
    expect(tty.stderr).toHaveLength(1);
    const quiet = await runCli(['backtest', dir, '--json'], { errIsTTY: false });
    expect(quiet.stderr).toEqual([]);
  });

  it('prints a readable summary that says planned counts as executed', async () => {
    const { code, stdout } = await runCli(['backtest', latencyFolder([0, 5])]);
    expect(code).toBe(0);
    const text = stdout.join('\n');
    expect(text).toMatch(/^Backtest of 2 events, 2026-11-23T04:00:00.000Z → 2026-11-23T04:05:00.000Z/);
    expect(text).toContain('"executed" counts the actions that would have run (planned)');
    expect(text).toContain('does not change as actions "run"');
    // 2 actions, 2 held back, then the second ALARM's ladder: scale + notify, page + "did not clear".
    expect(text).toMatch(/latency-scale-out\s+2\s+6\s+2\s+cooldown 2\s+0\s+0/);
    expect(text).toContain('Ladders: 2 started, 1 resolved, 1 exhausted; 2 steps ran in 2 checks');
    expect(text).toContain('Never matched (14):');
  });

  it('usage errors: no folder, an empty folder, --live', async () => {
    expect((await runCli(['backtest'])).code).toBe(2);
    const empty = mkdtempSync(join(tmpdir(), 'medic-backtest-'));
    const none = await runCli(['backtest', empty]);
    expect(none.code).toBe(2);
    expect(none.stderr[0]).toMatch(/no \.json event files/);
    const live = await runCli(['backtest', 'events/', '--live']);
    expect(live.code).toBe(2);
    expect(live.stderr[0]).toMatch(/--live/);
  });

  it('an invalid runbook is refused with exit 2 before any event runs', async () => {
    const dir = latencyFolder([0]);
    writeFileSync(join(dir, 'bad.yml'), 'version: 2\nrules: []\n');
    const { code, stderr } = await runCli(['backtest', dir, '--runbook', join(dir, 'bad.yml')]);
    expect(code).toBe(2);
    expect(stderr.at(-1)).toMatch(/the runbook was not loaded/);
  });
});
