/**
 * Golden backtest of approvals and a silence window, through the shipped CLI (bin/medic.js), on
 * events/approvals/ with its own runbook (rollback waits for approval, 30 minutes):
 *   04:00 fraud-prod 5xx ALARM: scale runs, rollback waits as apr-b67e…;
 *   04:05 a silence on fraud-prod until 04:20;
 *   04:10 apr-b67e… granted: held by the silence, stays pending;
 *   04:25 granted again: the rollback runs;
 *   04:40 churn-prod 5xx ALARM: rollback waits as apr-3d64…, nobody decides: expired at 05:10;
 *   05:30 fraud-prod 5xx ALARM again (cooldown over): apr-583b…, rejected at 05:35.
 * UPDATE_GOLDEN=1 rewrites the text report.
 */
import { describe, expect, it } from 'vitest';
import type { BacktestSummary } from '../../shared/backtest/index.js';
import { runBuiltCli } from '../support/built-cli.js';
import { compareGolden, transcript } from '../support/golden.js';

const DIR = 'events/approvals';
const ARGV = ['backtest', DIR, '--runbook', `${DIR}/runbook.yml`];

describe('golden backtest with approvals and a silence window (built CLI)', () => {
  it('says which rollbacks waited, which grant a silence held, which ran, expired and were rejected', () => {
    const json = runBuiltCli([...ARGV, '--json']);
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    const summary = JSON.parse(json.stdout) as BacktestSummary;
    expect(summary.events).toBe(7);
    expect(summary.operator).toBe(4); // the silence, the grant that was held, the grant that ran, the rejection
    expect(summary.matchedEvents).toBe(3); // the three ALARMs; grants run a rule's action but match nothing
    expect(summary.rules['errors-rollback-approved']).toMatchObject({
      matched: 3,
      suppressed: 4,
      suppressedBy: { 'awaiting-approval': 3, silenced: 1 },
    });
    expect(summary.approvals).toMatchObject({ asked: 3, granted: 1, rejected: 1, expired: 1, held: 1, pending: 0 });
    expect(summary.approvals.listed.map((a) => [a.approval, a.endpoint, a.events.map((e) => e.split(': ')[0])])).toEqual([
      [
        'apr-b67e283aac65ef4b',
        'fraud-prod',
        ['2026-11-23T04:00:12.000Z asked', '2026-11-23T04:10:41.000Z held', '2026-11-23T04:25:09.000Z granted'],
      ],
      ['apr-3d6444796a3b504b', 'churn-prod', ['2026-11-23T04:40:05.000Z asked', '2026-11-23T05:11:05.000Z expired']],
      ['apr-583ba0edd8f230f5', 'fraud-prod', ['2026-11-23T05:30:12.000Z asked', '2026-11-23T05:35:50.000Z rejected']],
    ]);
    // One rollback ran (the grant after the silence); scales and notifies for the ALARMs, one
    // notice per decided approval (granted, expired, rejected) and one for the held grant.
    expect(summary.endpoints['fraud-prod']).toEqual({
      notify: { executed: 5, suppressed: 0, skipped: 0, failed: 0, suppressedBy: {} },
      rollback: { executed: 1, suppressed: 3, skipped: 0, failed: 0, suppressedBy: { 'awaiting-approval': 2, silenced: 1 } },
      scale: { executed: 2, suppressed: 0, skipped: 0, failed: 0, suppressedBy: {} },
    });
    expect(summary.endpoints['churn-prod']).toMatchObject({
      notify: { executed: 2 },
      rollback: { executed: 0, suppressed: 1, suppressedBy: { 'awaiting-approval': 1 } },
    });

    const text = runBuiltCli(ARGV);
    const lines = text.stdout.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);
    compareGolden('backtest-approvals.txt', transcript(ARGV, { code: text.code ?? -1, stdout: lines, stderr: [] }));
  });

  it('replay of the first ALARM shows the waiting rollback with its id, the command and the deadline', () => {
    const { code, stdout } = runBuiltCli(['replay', `${DIR}/01-alarm-5xx-rate-fraud-prod-0400.json`, '--runbook', `${DIR}/runbook.yml`, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    const rollback = report.actions.find((a: { type: string }) => a.type === 'rollback');
    expect(rollback).toMatchObject({ status: 'awaiting-approval', suppressedBy: 'awaiting-approval', approval: 'apr-b67e283aac65ef4b' });
    expect(rollback.reason).toContain('medic approve apr-b67e283aac65ef4b');
    const notify = report.actions.find((a: { type: string }) => a.type === 'notify');
    expect(notify.calls[0].input.Message).toContain('rollback: WAITING FOR YOUR APPROVAL');
    expect(report.scheduled).toEqual([expect.objectContaining({ approval: 'apr-b67e283aac65ef4b', rule: 'errors-rollback-approved' })]);
  });
});
