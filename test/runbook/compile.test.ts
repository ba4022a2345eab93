import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { candidatePositions } from '../../shared/runbook/compile.js';
import { type CompiledRunbook, compileRunbook, decide, explain } from '../../shared/runbook/index.js';
import { ruleMatches } from '../../shared/runbook/match.js';
import type { Rule, RuleMatch, Runbook } from '../../shared/runbook/types.js';
import type { Signal } from '../../shared/signals/types.js';
import { alarmSignal, monitoringSignal } from './fixtures.js';

function runbookOf(matches: Array<{ match: RuleMatch; continue: boolean }>): Runbook {
  const rules: Rule[] = matches.map((m, index) => ({
    id: `r${index}`,
    match: m.match,
    actions: [{ type: 'rollback', params: {} }],
    escalate: [],
    cooldownMs: 0,
    mode: 'live',
    continue: m.continue,
    line: index + 1,
    index,
  }));
  return {
    version: 1,
    file: 'runbook.yml',
    identity: { hash: 'test' },
    defaults: { mode: 'live', cooldownMs: 0, scale: { max: 8, min: 1 }, maxRemediationsPerHour: 6, lockLeaseMs: 1, dedupeMs: 1 },
    topics: {},
    pipelines: {},
    rules,
  };
}

/** The oracle: every rule, in order, no index. */
function fullScan(compiled: CompiledRunbook, signal: Signal): string[] {
  const ids: string[] = [];
  for (const candidate of compiled.rules) {
    if (!ruleMatches(candidate, signal)) continue;
    ids.push(candidate.rule.id);
    if (!candidate.rule.continue) break;
  }
  return ids;
}

// Small pools so that random rules and signals collide often.
const ENDPOINTS = ['churn-prod', 'fraud-prod', 'search-staging'];
const ALARMS = ['churn-latency', 'fraud-errors', 'search-cpu'];
const METRICS = ['ModelLatency', 'CPUUtilization', 'Invocation5XXErrors'];
const SCHEDULES = ['churn-dq', 'fraud-mq'];
const STATES = ['ALARM', 'OK', 'INSUFFICIENT_DATA'] as const;
const STATUSES = ['Completed', 'CompletedWithViolations', 'Failed', 'Stopped'] as const;
const TYPES = ['DataQuality', 'ModelQuality', 'ModelBias', 'ModelExplainability'] as const;
const CHECKS = ['baseline_drift_check', 'data_type_check', 'completeness_check'];

const oneOrList = (values: readonly string[]) =>
  fc.oneof(fc.constantFrom(...values), fc.uniqueArray(fc.constantFrom(...values), { minLength: 1, maxLength: 3 }));

const MATCH_VALUES: Record<string, fc.Arbitrary<unknown>> = {
  kind: oneOrList(['alarm', 'monitoring']),
  source: oneOrList(['aws.cloudwatch', 'aws.sagemaker', 'aws.*']),
  alarm: oneOrList([...ALARMS, 'churn-*', '*-errors', '*']),
  composite: fc.boolean(),
  state: oneOrList(STATES),
  endpoint: oneOrList([...ENDPOINTS, '*-prod', 'churn-*', 'c*-p?od', '?????-prod', '*', '[cf]*']),
  metric: oneOrList([...METRICS, '*Latency', 'CPU*']),
  status: oneOrList(STATUSES),
  monitoringType: oneOrList(TYPES),
  schedule: oneOrList([...SCHEDULES, '*-dq', 'churn-*']),
  violations: fc.record(
    {
      check: fc.uniqueArray(fc.constantFrom(...CHECKS), { minLength: 1, maxLength: 2 }),
      feature: fc.constantFrom('age*', 'income'),
      atLeast: fc.integer({ min: 1, max: 3 }),
    },
    { requiredKeys: ['atLeast'] },
  ),
};

/** Zero to three keys per rule, so that random rules match random signals often enough. */
const ruleMatch: fc.Arbitrary<RuleMatch> = fc
  .uniqueArray(fc.constantFrom(...Object.keys(MATCH_VALUES)), { maxLength: 3 })
  .chain((keys) => fc.record(Object.fromEntries(keys.map((key) => [key, MATCH_VALUES[key] as fc.Arbitrary<unknown>]))))
  .map((match) => match as RuleMatch);

const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

const signal: fc.Arbitrary<Signal> = fc.oneof(
  fc
    .record({
      alarm: fc.constantFrom(...ALARMS),
      composite: fc.boolean(),
      state: fc.constantFrom(...STATES),
      endpoint: maybe(fc.constantFrom(...ENDPOINTS)),
      metric: maybe(fc.constantFrom(...METRICS)),
    })
    .map((fields) => alarmSignal(fields)),
  fc
    .record({
      status: fc.constantFrom(...STATUSES),
      monitoringType: maybe(fc.constantFrom(...TYPES)),
      schedule: maybe(fc.constantFrom(...SCHEDULES)),
      endpoint: maybe(fc.constantFrom(...ENDPOINTS)),
      violations: fc.array(
        fc.record({ check: fc.constantFrom(...CHECKS), feature: maybe(fc.constantFrom('age', 'income')), description: fc.constant('v') }),
        { maxLength: 4 },
      ),
    })
    .map((fields) => monitoringSignal(fields)),
);

describe('compileRunbook index', () => {
  it('gives the same decisions as a full scan of every rule, in order', () => {
    let signalsThatMatched = 0;
    fc.assert(
      fc.property(
        fc.array(fc.record({ match: ruleMatch, continue: fc.boolean() }), { maxLength: 25 }),
        fc.array(signal, { minLength: 1, maxLength: 10 }),
        (rules, signals) => {
          const compiled = compileRunbook(runbookOf(rules));
          for (const s of signals) {
            const expected = fullScan(compiled, s);
            if (expected.length > 0) signalsThatMatched += 1;
            expect(decide(compiled, s).matches.map((r) => r.id)).toEqual(expected);
            expect(
              explain(compiled, s)
                .filter((e) => e.matched)
                .map((e) => e.rule),
            ).toEqual(expected);
          }
        },
      ),
      { numRuns: 500 },
    );
    // The comparison means something only if random rules do match random signals.
    expect(signalsThatMatched).toBeGreaterThan(500);
  });

  it('keeps runbook order across rules filed under different keys, each rule once', () => {
    const compiled = compileRunbook(
      runbookOf([
        { match: { composite: false }, continue: true }, // a candidate for every signal
        { match: { kind: 'alarm' }, continue: true }, // filed under kind
        { match: { alarm: 'churn-latency' }, continue: true }, // under its alarm name
        { match: { endpoint: ['churn-prod', 'churn-*', 'churn-?rod'] }, continue: true }, // reached three ways
        { match: { kind: 'alarm', endpoint: '*-prod' }, continue: true }, // under the suffix -prod
        { match: { state: 'ALARM' }, continue: false }, // under state
        { match: {}, continue: false },
      ]),
    );
    const ids = (s: Signal) => decide(compiled, s).matches.map((r) => r.id);
    expect(ids(alarmSignal())).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
    expect(ids(alarmSignal({ state: 'OK' }))).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r6']);
    expect(ids(alarmSignal({ state: 'OK', endpoint: 'x', alarm: 'y' }))).toEqual(['r0', 'r1', 'r6']);
  });
});

describe('decision latency', () => {
  /**
   * A large runbook shaped like real ones: most rules name an endpoint or an alarm, some use
   * endpoint globs, a few match on booleans only (candidates for every signal).
   */
  function bigRunbook(size: number): CompiledRunbook {
    const rules = Array.from({ length: size }, (_, i) => {
      const endpoint = `model-${i % 500}-prod`;
      if (i % 50 === 49) return { match: { composite: true }, continue: true };
      if (i % 10 === 9) return { match: { kind: 'alarm', endpoint: `model-${i % 7}*-prod`, metric: '*Latency' }, continue: false };
      if (i % 3 === 0) return { match: { alarm: `alarm-${i}`, state: 'ALARM' }, continue: false };
      return {
        match: { kind: 'alarm', state: 'ALARM', endpoint, metric: ['ModelLatency', 'CPUUtilization'] },
        continue: i % 4 === 0,
      };
    });
    return compileRunbook(runbookOf(rules as Array<{ match: RuleMatch; continue: boolean }>));
  }

  /**
   * Work per decision is counted, not timed (tests never assert on wall-clock time; the timing
   * lives in bench/): the index must hand decide() a few candidates, not the whole runbook.
   */
  function worstCandidates(compiled: CompiledRunbook): number {
    let worst = 0;
    for (let i = 0; i < 600; i++) {
      const signal = alarmSignal({
        endpoint: `model-${(i * 37) % 600}-prod`,
        alarm: `alarm-${(i * 11) % 2000}`,
        metric: i % 2 ? 'ModelLatency' : 'OverheadLatency',
      });
      worst = Math.max(worst, candidatePositions(compiled, signal).length);
    }
    return worst;
  }

  it('at 1,000 rules a decision looks at a small fraction of them', () => {
    expect(worstCandidates(bigRunbook(1_000))).toBeLessThan(100);
  });

  it('at 10,000 rules the candidates grow far slower than the runbook', () => {
    const small = worstCandidates(bigRunbook(1_000));
    const large = worstCandidates(bigRunbook(10_000));
    expect(large).toBeLessThan(1_000);
    expect(large).toBeLessThanOrEqual(small * 10);
  });
});
