/**
 * Golden ladders, through the shipped CLI (bin/medic.js) and the default runbook's
 * error-rate-ladder (scale; after 10m redeploy; after 15m roll back) on the samples under
 * events/ladders/. UPDATE_GOLDEN=1 rewrites them.
 */
import { describe, expect, it } from 'vitest';
import type { BacktestSummary } from '../../shared/backtest/index.js';
import type { EventReport } from '../../shared/report.js';
import { runBuiltCli } from '../support/built-cli.js';
import { compareGolden, transcript } from '../support/golden.js';

function built(argv: string[]) {
  const result = runBuiltCli(argv);
  return { ...result, lines: result.stdout.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1) };
}

function backtestJson(dir: string): BacktestSummary {
  const { code, stdout, stderr } = runBuiltCli(['backtest', dir, '--json']);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return JSON.parse(stdout) as BacktestSummary;
}

describe('golden ladders (built CLI)', () => {
  it('one ALARM and no OK: every step at its virtual time, then exhausted with one "did not clear"', () => {
    const summary = backtestJson('events/ladders/persisting');
    expect(summary.ladders).toEqual({ started: 1, resolved: 0, exhausted: 1, steps: 2, gaveUp: 0, checks: 2, cancelled: 0, open: 0 });
    expect(summary.rules['error-rate-ladder']).toMatchObject({ matched: 1, escalated: 2, executed: 7 });
    expect(summary.endpoints['fraud-prod']).toMatchObject({
      scale: { executed: 1 },
      redeploy: { executed: 1 },
      rollback: { executed: 1 },
      notify: { executed: 4 }, // the rule's, each step's, and one "did not clear"
    });
    const argv = ['backtest', 'events/ladders/persisting'];
    const text = built(argv);
    compareGolden('ladder-persisting.txt', transcript(argv, { code: text.code ?? -1, stdout: text.lines, stderr: [] }));
  });

  it('an OK 12 minutes after the ALARM: resolved after the first step; the later step never runs', () => {
    const summary = backtestJson('events/ladders/resolved');
    expect(summary.ladders).toEqual({ started: 1, resolved: 1, exhausted: 0, steps: 1, gaveUp: 0, checks: 1, cancelled: 0, open: 0 });
    expect(summary.endpoints['fraud-prod']?.rollback).toBeUndefined();
    expect(summary.endpoints['fraud-prod']?.redeploy).toMatchObject({ executed: 1 });
    const argv = ['backtest', 'events/ladders/resolved'];
    const text = built(argv);
    compareGolden('ladder-resolved.txt', transcript(argv, { code: text.code ?? -1, stdout: text.lines, stderr: [] }));
  });

  it('a busy endpoint: the step is held (endpoint-busy) and tried again until the endpoint is InService', () => {
    const summary = backtestJson('events/ladders/busy');
    expect(summary.rules['error-rate-ladder']?.suppressedBy).toEqual({ 'endpoint-busy': 3 });
    expect(summary.ladders).toMatchObject({ started: 1, steps: 2, checks: 4, exhausted: 1 });
    compareGolden('ladder-busy.json', `${JSON.stringify(summary, null, 2)}\n`);
  });

  it('replay of the whole incident: the ALARM schedules the first check, the check runs step 1, the OK resolves', () => {
    const { code, stdout } = runBuiltCli(['replay', 'events/ladders/incident', '--json']);
    expect(code).toBe(0);
    const reports = stdout.trim().split('\n').map((l) => JSON.parse(l) as EventReport);
    expect(reports.map((r) => r.ladders?.map((l) => l.event))).toEqual([['started'], ['step'], ['resolved']]);
    expect(reports[0]?.scheduled).toEqual([expect.objectContaining({ step: 1, attempt: 1, rule: 'error-rate-ladder' })]);
    expect(reports[1]?.actions.map((a) => `${a.type}:${a.status}`)).toEqual(['redeploy:planned', 'notify:planned']);
    expect(reports[1]?.actions[0]?.calls.map((c) => c.operation)).toEqual(['CreateEndpointConfig', 'UpdateEndpoint']);
    const subject = reports[1]?.actions[1]?.calls[0]?.input.Subject;
    expect(subject).toBe('[HIGH] fraud-prod: ALARM fraud-prod-5xx-rate [escalation 1/2]');
    const resolvedNotify = String(reports[2]?.actions[0]?.calls[0]?.input.Message);
    expect(resolvedNotify).toContain('Escalation ladder of rule error-rate-ladder: fraud-prod-5xx-rate is OK since 2026-11-23T04:48:20.512+0000');
  });
});
