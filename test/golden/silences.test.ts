/**
 * Golden backtest of a silence window, through the shipped CLI (bin/medic.js) and the default
 * runbook, on events/operator-backtest/: a `Silence Created` for fraud-prod from 04:00 to 05:00,
 * then fraud-prod CPU ALARMs at 04:10 and 04:40 (held: `silenced`), one at 05:20 (after the
 * window: acts), and a churn-prod latency ALARM at 04:15 (not matched by the silence: acts).
 * latency-scale-out has a ladder (10m: scale again; 10m later: page), whose steps run on the
 * virtual clock and are held by the silence like the rule's own actions. UPDATE_GOLDEN=1
 * rewrites the text report.
 */
import { copyFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BacktestSummary } from '../../shared/backtest/index.js';
import { runBuiltCli } from '../support/built-cli.js';
import { compareGolden, transcript } from '../support/golden.js';
import { ROOT } from '../support/samples.js';

const DIR = 'events/operator-backtest';

function backtestJson(dir: string): BacktestSummary {
  const { code, stdout, stderr } = runBuiltCli(['backtest', dir, '--json']);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return JSON.parse(stdout) as BacktestSummary;
}

describe('golden backtest with a silence window (built CLI)', () => {
  it('the silence holds fraud-prod scales inside 04:00-05:00 only, notify still reports them; churn-prod is untouched by it', () => {
    const summary = backtestJson(DIR);
    expect(summary.events).toBe(5);
    expect(summary.operator).toBe(1);
    expect(summary.matchedEvents).toBe(4);
    // Held, all by the silence: the 04:10 and 04:40 ALARMs' scales, and the ladder steps that came
    // due inside the window, which are held (not spent) and tried again every 5 minutes until the
    // silence ends at 05:00; their notifies speak at the first attempt and stay quiet on retries.
    expect(summary.rules['latency-scale-out']).toMatchObject({ matched: 4, suppressed: 14, suppressedBy: { silenced: 14 } });
    for (const [rule, counts] of Object.entries(summary.rules)) {
      if (rule !== 'latency-scale-out') expect(counts.suppressedBy, rule).toEqual({});
    }
    expect(summary.endpoints['fraud-prod']).toEqual({
      // 05:00: the held step runs once the silence is over; 05:20 acts, and its step at 05:30.
      scale: { executed: 3, suppressed: 9, skipped: 0, failed: 0, suppressedBy: { silenced: 9 } },
      notify: { executed: 11, suppressed: 5, skipped: 0, failed: 0, suppressedBy: { silenced: 5 } },
    });
    expect(summary.endpoints['churn-prod']).toEqual({
      scale: { executed: 2, suppressed: 0, skipped: 0, failed: 0, suppressedBy: {} },
      notify: { executed: 4, suppressed: 0, skipped: 0, failed: 0, suppressedBy: {} },
    });
    expect(summary.ladders).toMatchObject({ started: 4, steps: 6, checks: 13 });

    const argv = ['backtest', DIR];
    const text = runBuiltCli(argv);
    const lines = text.stdout.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);
    expect(text.stdout).toContain('latency-scale-out              4        20          14  silenced 14');
    compareGolden('backtest-silences.txt', transcript(argv, { code: text.code ?? -1, stdout: lines, stderr: [] }));
  });

  it('without the Silence Created, nothing is silenced: the same ALARMs act (the held scales above are the silence\'s doing)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medic-no-silence-'));
    for (const name of readdirSync(join(ROOT, DIR)).filter((n) => n.endsWith('.json') && !n.includes('silence'))) {
      copyFileSync(join(ROOT, DIR, name), join(dir, name));
    }
    const summary = backtestJson(dir);
    expect(summary.operator).toBe(0);
    expect(summary.rules['latency-scale-out']?.suppressedBy).not.toHaveProperty('silenced');
    expect(summary.endpoints['fraud-prod']?.scale).toMatchObject({ executed: 6, suppressedBy: {} });
  });
});
