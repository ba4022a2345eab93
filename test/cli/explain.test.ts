import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RuleExplanation } from '../../shared/runbook/index.js';
import { runBuiltCli } from '../support/built-cli.js';
import { runCli } from '../support/cli.js';
import { ROOT } from '../support/samples.js';

describe('medic explain', () => {
  it('for every rule: matched, or the first failing criterion with the actual value', async () => {
    const { code, stdout } = await runCli(['explain', 'events/06-alarm-4xx-churn-prod.json']);
    expect(code).toBe(0);
    const line = (rule: string) =>
      stdout
        .find((l) => l.trimStart().startsWith(`${rule} `))
        ?.replace(/\s+/g, ' ')
        .trim();
    expect(line('latency-scale-out')).toBe(
      'latency-scale-out ✗ metric is Invocation4XXErrors, wanted ModelLatency|OverheadLatency|CPUUtilization|GPUUtilization|MemoryUtilization|GPUMemoryUtilization',
    );
    expect(line('client-errors-notify')).toBe('client-errors-notify ✓ match');
    expect(line('resolved')).toBe('resolved ✗ state is ALARM, wanted OK');
    expect(line('churn-drift-retrain')).toBe('churn-drift-retrain ✗ kind is alarm, wanted monitoring');
    expect(line('other-alarm-notify')).toBe(
      'other-alarm-notify ~ shadowed would match, but client-errors-notify matched first (it has no continue: true)',
    );
    expect(stdout).toContain('  → acts: client-errors-notify');
  });

  it('names the violations a monitoring rule wanted and the count it saw', async () => {
    const { stdout } = await runCli(['explain', 'events/21-monitor-schema-violations-fraud-prod.json']);
    const text = stdout.join('\n');
    expect(text).toMatch(/fraud-drift-retrain\s+✗\s+violations: 0 baseline_drift_check, wanted at least 1/);
    expect(text).toMatch(/data-schema-notify\s+✓ match/);
  });

  it('does not evaluate guards: the same answer every time, and it says so', async () => {
    const first = await runCli(['explain', 'events/01-alarm-latency-churn-prod.json']);
    const again = await runCli(['explain', 'events/01-alarm-latency-churn-prod.json']);
    expect(again.stdout).toEqual(first.stdout);
    expect(first.stdout.at(-1)).toBe(
      '  Guards (dedupe, cooldown, lock, limits, silences) are not evaluated here: `medic replay` shows what would run.',
    );
    expect(first.stdout.join('\n')).not.toMatch(/cooling down|duplicate/);
  });

  it('a suppressed composite: says no rule will act', async () => {
    const { stdout } = await runCli(['explain', 'events/10-alarm-composite-suppressed.json']);
    expect(stdout).toContain('  note   actions suppressed by WaitPeriod: no rule will act on this event');
    expect(stdout).toContain('  → would match, but the alarm is suppressed: composite-page');
  });

  it('no rule: says the event would be ignored', async () => {
    const { stdout } = await runCli(['explain', 'events/25-monitor-clean-churn-prod.json']);
    expect(stdout).toContain('  → no rule matches: the event would be ignored');
  });

  it('--json gives the signal and one explanation per rule, in runbook order', async () => {
    const { code, stdout } = await runCli(['explain', 'events/06-alarm-4xx-churn-prod.json', '--json']);
    expect(code).toBe(0);
    const out = JSON.parse(stdout[0] as string) as { signal: { metric: string }; rules: RuleExplanation[] };
    expect(out.signal.metric).toBe('Invocation4XXErrors');
    expect(out.rules).toHaveLength(15);
    expect(out.rules.find((r) => r.rule === 'latency-scale-out')).toEqual({
      rule: 'latency-scale-out',
      matched: false,
      reason:
        'metric is Invocation4XXErrors, wanted ModelLatency|OverheadLatency|CPUUtilization|GPUUtilization|MemoryUtilization|GPUMemoryUtilization',
    });
    expect(out.rules.find((r) => r.rule === 'other-alarm-notify')).toMatchObject({
      matched: false,
      shadowed: expect.stringContaining('client-errors-notify'),
    });
  });

  it('an endpoint state change and an unsupported event say why no rule is evaluated', async () => {
    expect((await runCli(['explain', 'events/34-endpoint-state-fraud-prod-inservice.json'])).stdout[1]).toMatch(
      /endpoint state change: fraud-prod is InService on fraud-prod-config-2026-11-20/,
    );
    expect((await runCli(['explain', 'events/36-unknown-event-type.json'])).stdout[1]).toMatch(/ignored: unsupported event type/);
  });

  it('a malformed event: exit 2, one line naming the file', async () => {
    const { code, stderr } = await runCli(['explain', 'events/invalid/empty.json']);
    expect(code).toBe(2);
    expect(stderr).toEqual(['medic: events/invalid/empty.json: the file is empty']);
  });

  it('no event: usage error', async () => {
    const { code, stderr } = await runCli(['explain']);
    expect(code).toBe(2);
    expect(stderr[0]).toMatch(/explain needs one event file/);
  });
});

describe('medic explain on a Silence Created (built CLI)', () => {
  const SAMPLE = 'events/operator/01-silence-created-churn-prod.json';

  it('says what the silence would hold: window, endpoint, rule (and the rules it matches), kind, quiet', () => {
    const { code, stdout } = runBuiltCli(['explain', SAMPLE]);
    expect(code).toBe(0);
    expect(stdout.split('\n').slice(2, -1)).toEqual([
      '  silence  sil-1a2b3c4d from 2026-11-23T14:00:00Z until 2026-11-23T16:00:00Z (2h)',
      '  endpoint churn-prod',
      '  rule     latency-* (matches latency-scale-out in this runbook)',
      '  kind     alarm signals only',
      '  quiet    no: scale, shift-traffic, rollback, retrain and redeploy are held; notify still runs and reports them as "held back (silenced)"',
    ]);
  });

  it('a rule glob that matches no rule is pointed out; a quiet silence holds everything', () => {
    const event = JSON.parse(readFileSync(join(ROOT, SAMPLE), 'utf8')) as { detail: Record<string, unknown> };
    const { rule: _rule, kind: _kind, ...rest } = event.detail;
    const file = join(mkdtempSync(join(tmpdir(), 'medic-explain-silence-')), 'silence.json');
    writeFileSync(file, JSON.stringify({ ...event, detail: { ...rest, endpoint: '*-prod', rule: 'latency-scaleout', quiet: true } }));
    const { code, stdout } = runBuiltCli(['explain', file]);
    expect(code).toBe(0);
    expect(stdout.split('\n').slice(3, -1)).toEqual([
      '  endpoint *-prod',
      '  rule     latency-scaleout (matches no rule in this runbook: the silence would hold nothing)',
      '  kind     alarm and monitoring signals',
      '  quiet    yes: every action of the matching rules is held, notify included',
    ]);
    const anyRule = join(file, '..', 'any-rule.json');
    writeFileSync(anyRule, JSON.stringify({ ...event, detail: rest }));
    expect(runBuiltCli(['explain', anyRule]).stdout).toContain('\n  rule     any rule\n');
  });
});
