/**
 * Golden backtests: the sample folder, and a generated storm (400 events over ~7 hours, with
 * flapping alarms, duplicates, malformed files) under the storm runbook, which adds a restore
 * rule so thrash shows. Text and --json each. UPDATE_GOLDEN=1 rewrites them.
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BacktestSummary } from '../../shared/backtest/index.js';
import { compareGolden } from '../support/golden.js';
import { writeStorm } from '../backtest/storm.js';
import { runCli } from '../support/cli.js';
import { ROOT, sampleEventFiles } from '../support/samples.js';
import { TEST_RUNBOOK } from '../support/test-runbook.js';

describe('golden backtest of events/', () => {
  it('text matches backtest-events.txt', async () => {
    const { code, stdout, stderr } = await runCli(['backtest', 'events/', '--runbook', TEST_RUNBOOK]);
    expect(stderr).toEqual([]);
    expect(code).toBe(0);
    compareGolden('backtest-events.txt', `${stdout.join('\n')}\n`);
  });

  it('--json matches backtest-events.json', async () => {
    const { code, stdout } = await runCli(['backtest', 'events/', '--json', '--runbook', TEST_RUNBOOK]);
    expect(code).toBe(0);
    const summary = JSON.parse(stdout.join('\n')) as BacktestSummary;
    expect(summary.events).toBe(sampleEventFiles().length);
    compareGolden('backtest-events.json', `${JSON.stringify(summary, null, 2)}\n`);
  });
});

describe('golden backtest of a generated storm', () => {
  let cwd: string;
  const argv = ['backtest', 'storm/', '--runbook', 'storm-runbook.yml', '--aws-state', 'storm/aws-state.json'];

  beforeAll(() => {
    cwd = mkdtempSync(join(tmpdir(), 'medic-storm-'));
    writeStorm({ dir: join(cwd, 'storm'), count: 400, seed: 7, gapMs: 60_000 });
    copyFileSync(join(ROOT, 'test/backtest/fixtures/storm-runbook.yml'), join(cwd, 'storm-runbook.yml'));
  });

  it('text matches backtest-storm.txt (exit 2: the storm holds malformed files)', async () => {
    const { code, stdout } = await runCli(argv, { cwd });
    expect(code).toBe(2);
    const text = stdout.join('\n');
    expect(text).toMatch(/Thrash: \d+ reversals? within an hour/);
    compareGolden('backtest-storm.txt', `${text}\n`);
  });

  it('--json matches backtest-storm.json', async () => {
    const { code, stdout } = await runCli([...argv, '--json'], { cwd });
    expect(code).toBe(2);
    const summary = JSON.parse(stdout.join('\n')) as BacktestSummary;
    expect(summary.events).toBe(400);
    expect(summary.rejected).toBeGreaterThan(0);
    expect(summary.thrashTotal).toBeGreaterThan(0);
    expect(summary.thrash.some((t) => t.kind === 'shift')).toBe(true);
    expect(summary.thrash.some((t) => t.kind === 'scale')).toBe(true);
    for (const cause of ['cooldown', 'dedupe', 'circuit', 'limit'] as const) {
      expect(Object.values(summary.rules).some((r) => (r.suppressedBy[cause] ?? 0) > 0), cause).toBe(true);
    }
    compareGolden('backtest-storm.json', `${JSON.stringify(summary, null, 2)}\n`);
  });
});
