/**
 * Backtest at scale, through the real command (a fresh Node process): a generated storm, one
 * summary, time and peak RSS from --progress. By default 6,000 events (past the 5,000-event
 * progress step, so a progress line is due however fast the machine is); MEDIC_BACKTEST_SCALE=N
 * (e.g. 100000) runs N and prints the measurement.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BacktestSummary } from '../../shared/backtest/index.js';
import { ROOT } from '../support/samples.js';
import { writeStorm } from './storm.js';

const COUNT = Number(process.env.MEDIC_BACKTEST_SCALE || 6_000);

describe(`backtest of ${COUNT.toLocaleString('en-US')} generated events`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'medic-scale-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('streams them through one engine and reports time and peak RSS', { timeout: 600_000 }, () => {
    const storm = writeStorm({ dir: join(dir, 'storm'), count: COUNT, seed: 1 });
    copyFileSync(join(ROOT, 'test/backtest/fixtures/storm-runbook.yml'), join(dir, 'storm-runbook.yml'));
    const result = spawnSync(
      process.execPath,
      [
        join(ROOT, 'bin/medic.js'),
        'backtest',
        'storm/',
        '--runbook',
        'storm-runbook.yml',
        '--aws-state',
        'storm/aws-state.json',
        '--json',
        '--progress',
      ],
      { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' }, maxBuffer: 64 * 1024 * 1024 },
    );
    expect(result.status, result.stderr.slice(-2000)).toBe(2); // the storm holds malformed files
    const summary = JSON.parse(result.stdout) as BacktestSummary;
    expect(summary.events).toBe(COUNT);
    expect(summary.rejected).toBe(storm.rejected);
    expect(summary.matchedEvents + summary.ignored + summary.recorded + summary.rejected + summary.errors).toBe(COUNT);
    const done = result.stderr.trim().split('\n').at(-1) ?? '';
    const m = /^backtest: ([\d,]+) events in ([\d.]+) s \(([\d,]+) events\/s\), peak RSS (\d+) MB$/.exec(done);
    expect(m, result.stderr).not.toBeNull();
    const [, , seconds, rate, rss] = m as RegExpExecArray;
    console.log(`backtest of ${COUNT} events: ${seconds} s (${rate} events/s), peak RSS ${rss} MB`);
    expect(Number(rss)).toBeLessThan(1024);
    // Every 5,000 events (or every second) a progress line: count-based, so never a timing race.
    if (COUNT > 5_000) expect(result.stderr).toMatch(/backtest: running 5,000\//);
  });
});
