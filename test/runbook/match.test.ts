import { describe, expect, it } from 'vitest';
import { compileRunbook, decide, explain } from '../../shared/runbook/index.js';
import { loadRunbook } from '../../shared/runbook/load.js';
import type { Signal } from '../../shared/signals/types.js';
import { alarmSignal, monitoringSignal } from './fixtures.js';

/** Compiles rules written in YAML under a fixed head (defaults.scale.max 8, topic ops). */
function compiled(...ruleLines: string[]) {
  const text = [
    'version: 1',
    'defaults: { scale: { max: 8 } }',
    'topics:',
    '  ops: arn:aws:sns:us-east-1:111122223333:ops',
    'rules:',
    ...ruleLines,
  ].join('\n');
  return compileRunbook(loadRunbook(text, 'runbook.yml', {}));
}

const rule = (id: string, match: string, extra: string[] = []) => [
  `  - id: ${id}`,
  `    match: ${match}`,
  '    actions: [{ notify: { topic: ops } }]',
  ...extra.map((line) => `    ${line}`),
];

const matchedIds = (runbook: ReturnType<typeof compiled>, signal: Signal) => decide(runbook, signal).matches.map((r) => r.id);

describe('decide', () => {
  it('first match wins', () => {
    const runbook = compiled(...rule('first', '{ kind: alarm }'), ...rule('second', '{ kind: alarm, endpoint: "*-prod" }'));
    expect(matchedIds(runbook, alarmSignal())).toEqual(['first']);
  });

  it('a matched rule with continue lets later rules match; the first without continue stops', () => {
    const runbook = compiled(
      ...rule('audit', '{}', ['continue: true']),
      ...rule('unrelated', '{ kind: monitoring }'),
      ...rule('latency', '{ metric: ModelLatency }'),
      ...rule('never-reached', '{ kind: alarm }'),
    );
    expect(matchedIds(runbook, alarmSignal())).toEqual(['audit', 'latency']);
    expect(matchedIds(runbook, monitoringSignal())).toEqual(['audit', 'unrelated']);
  });

  it('continue on a rule that does not match changes nothing', () => {
    const runbook = compiled(...rule('a', '{ kind: monitoring }', ['continue: true']), ...rule('b', '{}'), ...rule('c', '{}'));
    expect(matchedIds(runbook, alarmSignal())).toEqual(['b']);
  });

  it('no rule matches: an empty decision', () => {
    const runbook = compiled(...rule('a', '{ kind: monitoring }'));
    expect(decide(runbook, alarmSignal())).toEqual({ matches: [] });
  });

  it('returns the rules themselves, with their actions', () => {
    const runbook = compiled(...rule('a', '{ kind: alarm }'));
    expect(decide(runbook, alarmSignal()).matches).toEqual([runbook.runbook.rules[0]]);
  });

  it('all keys of one match must hold', () => {
    const runbook = compiled(...rule('r', '{ kind: alarm, state: ALARM, endpoint: churn-prod, metric: ModelLatency }'));
    expect(matchedIds(runbook, alarmSignal())).toEqual(['r']);
    expect(matchedIds(runbook, alarmSignal({ state: 'OK' }))).toEqual([]);
    expect(matchedIds(runbook, alarmSignal({ endpoint: 'fraud-prod' }))).toEqual([]);
  });

  it('a list means any of', () => {
    const runbook = compiled(...rule('r', '{ metric: [ModelLatency, CPUUtilization] }'));
    expect(matchedIds(runbook, alarmSignal({ metric: 'ModelLatency' }))).toEqual(['r']);
    expect(matchedIds(runbook, alarmSignal({ metric: 'CPUUtilization' }))).toEqual(['r']);
    expect(matchedIds(runbook, alarmSignal({ metric: 'Invocation4XXErrors' }))).toEqual([]);
  });

  it('strings are globs; lists may mix globs and exact values', () => {
    const runbook = compiled(...rule('prod', '{ endpoint: "*-prod" }'), ...rule('mixed', '{ endpoint: [search-staging, "fraud-?"] }'));
    expect(matchedIds(runbook, alarmSignal({ endpoint: 'churn-prod' }))).toEqual(['prod']);
    expect(matchedIds(runbook, alarmSignal({ endpoint: 'search-staging' }))).toEqual(['mixed']);
    expect(matchedIds(runbook, alarmSignal({ endpoint: 'fraud-a' }))).toEqual(['mixed']);
    expect(matchedIds(runbook, alarmSignal({ endpoint: 'fraud-ab' }))).toEqual([]);
  });

  it('a key the signal does not have fails the criterion, even for a `*` glob', () => {
    const runbook = compiled(...rule('any-endpoint', '{ endpoint: "*" }'), ...rule('schedule', '{ schedule: "*" }'));
    expect(matchedIds(runbook, alarmSignal({ endpoint: undefined }))).toEqual([]);
    expect(matchedIds(runbook, alarmSignal())).toEqual(['any-endpoint']);
    expect(matchedIds(runbook, monitoringSignal({ endpoint: undefined }))).toEqual(['schedule']);
  });

  it('booleans: composite', () => {
    const runbook = compiled(...rule('composite', '{ composite: true }'), ...rule('single', '{ composite: false }'));
    expect(matchedIds(runbook, alarmSignal({ composite: true }))).toEqual(['composite']);
    expect(matchedIds(runbook, alarmSignal({ composite: false }))).toEqual(['single']);
    expect(matchedIds(runbook, monitoringSignal())).toEqual([]);
  });

  it('source, alarm, previousState, breach, namespace, variant, status, monitoringType and schedule', () => {
    const runbook = compiled(
      ...rule(
        'cw',
        '{ source: aws.cloudwatch, alarm: "churn-*", previousState: OK, breach: above, namespace: AWS/SageMaker, variant: AllTraffic }',
      ),
      ...rule('mm', '{ source: "aws.sage*", status: [Failed, Stopped], monitoringType: ModelQuality, schedule: "churn-*" }'),
    );
    expect(matchedIds(runbook, alarmSignal())).toEqual(['cw']);
    expect(matchedIds(runbook, alarmSignal({ breach: 'below' }))).toEqual([]);
    expect(matchedIds(runbook, alarmSignal({ previousState: undefined }))).toEqual([]);
    const failed = monitoringSignal({ status: 'Failed', monitoringType: 'ModelQuality', schedule: 'churn-mq' });
    expect(matchedIds(runbook, failed)).toEqual(['mm']);
    expect(matchedIds(runbook, { ...failed, status: 'Completed' })).toEqual([]);
  });

  describe('violations', () => {
    const runbook = compiled(
      ...rule('two-drifts', '{ violations: { check: baseline_drift_check, atLeast: 2 } }'),
      ...rule('age-type', '{ violations: { check: [data_type_check, completeness_check], feature: "age*" } }'),
      ...rule('any-three', '{ violations: { atLeast: 3 } }'),
    );
    const drift = (feature: string) => ({ check: 'baseline_drift_check', feature, description: 'drift' });

    it('counts the listed checks and needs at least atLeast', () => {
      expect(matchedIds(runbook, monitoringSignal({ violations: [drift('a')] }))).toEqual([]);
      expect(matchedIds(runbook, monitoringSignal({ violations: [drift('a'), drift('b')] }))).toEqual(['two-drifts']);
    });

    it('atLeast defaults to 1; feature is a glob and a violation without a feature fails it', () => {
      const typeCheck = (feature?: string) => ({ check: 'data_type_check', ...(feature ? { feature } : {}), description: 't' });
      expect(matchedIds(runbook, monitoringSignal({ violations: [typeCheck('age_years')] }))).toEqual(['age-type']);
      expect(matchedIds(runbook, monitoringSignal({ violations: [typeCheck('income')] }))).toEqual([]);
      expect(matchedIds(runbook, monitoringSignal({ violations: [typeCheck()] }))).toEqual([]);
    });

    it('without check, every violation counts', () => {
      const mixed = [drift('a'), { check: 'data_type_check', description: 't' }, { check: 'x', description: 'y' }];
      expect(matchedIds(runbook, monitoringSignal({ violations: mixed }))).toEqual(['any-three']);
    });

    it('an alarm has no violations, so never matches a violations criterion', () => {
      expect(matchedIds(runbook, alarmSignal())).toEqual([]);
    });
  });
});

describe('explain', () => {
  const runbook = compiled(
    ...rule('latency-scale-out', '{ kind: alarm, metric: [ModelLatency, CPUUtilization], endpoint: "*-prod" }'),
    ...rule('also-latency', '{ metric: ModelLatency }'),
    ...rule('drift-retrain', '{ kind: monitoring, violations: { check: baseline_drift_check, atLeast: 2 } }'),
    ...rule('composite-only', '{ composite: true }'),
    ...rule('audit', '{ kind: alarm }', ['continue: true']),
  );

  it('gives every rule, in order, the first failing criterion with the actual value', () => {
    expect(explain(runbook, alarmSignal({ metric: 'Invocation4XXErrors' }))).toEqual([
      { rule: 'latency-scale-out', matched: false, reason: 'metric is Invocation4XXErrors, wanted ModelLatency|CPUUtilization' },
      { rule: 'also-latency', matched: false, reason: 'metric is Invocation4XXErrors, wanted ModelLatency' },
      { rule: 'drift-retrain', matched: false, reason: 'kind is alarm, wanted monitoring' },
      { rule: 'composite-only', matched: false, reason: 'composite is false, wanted true' },
      { rule: 'audit', matched: true },
    ]);
  });

  it('says "unknown" for a field the signal does not have', () => {
    const [first] = explain(runbook, alarmSignal({ endpoint: 'search-staging' }));
    expect(first).toEqual({ rule: 'latency-scale-out', matched: false, reason: 'endpoint is search-staging, wanted *-prod' });
    const [again] = explain(runbook, alarmSignal({ endpoint: undefined }));
    expect(again).toEqual({ rule: 'latency-scale-out', matched: false, reason: 'endpoint is unknown, wanted *-prod' });
  });

  it('counts violations in the reason', () => {
    const signal = monitoringSignal({ violations: [{ check: 'baseline_drift_check', feature: 'age', description: 'd' }] });
    expect(explain(runbook, signal)[2]).toEqual({
      rule: 'drift-retrain',
      matched: false,
      reason: 'violations: 1 baseline_drift_check, wanted at least 2',
    });
  });

  it('marks rules that hold after a match without continue as shadowed by it', () => {
    expect(explain(runbook, alarmSignal())).toEqual([
      { rule: 'latency-scale-out', matched: true },
      { rule: 'also-latency', matched: false, shadowed: 'by latency-scale-out' },
      { rule: 'drift-retrain', matched: false, reason: 'kind is alarm, wanted monitoring' },
      { rule: 'composite-only', matched: false, reason: 'composite is false, wanted true' },
      { rule: 'audit', matched: false, shadowed: 'by latency-scale-out' },
    ]);
  });

  it('reports criteria in the order the rule wrote them', () => {
    const ordered = compiled(
      ...rule('r', '{ endpoint: "*-prod", kind: monitoring }'),
      ...rule('s', '{ kind: monitoring, endpoint: "*-prod" }'),
    );
    expect(explain(ordered, alarmSignal({ endpoint: 'x' })).map((e) => e.reason)).toEqual([
      'endpoint is x, wanted *-prod',
      'kind is alarm, wanted monitoring',
    ]);
  });

  it('explains violations on a signal that has none, and any-check counts', () => {
    const any = compiled(...rule('r', '{ violations: { feature: "age*" } }'));
    expect(explain(any, alarmSignal())[0]?.reason).toBe('violations is unknown, wanted at least 1 (any check) on feature age*');
    expect(explain(any, monitoringSignal())[0]?.reason).toBe('violations: 0 (any check) on feature age*, wanted at least 1');
  });

  it('agrees with decide on which rules match', () => {
    for (const signal of [alarmSignal(), alarmSignal({ metric: 'CPUUtilization', endpoint: 'a-staging' }), monitoringSignal()]) {
      const explained = explain(runbook, signal)
        .filter((e) => e.matched)
        .map((e) => e.rule);
      expect(explained).toEqual(matchedIds(runbook, signal));
    }
  });
});
