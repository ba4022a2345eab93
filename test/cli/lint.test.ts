/**
 * The lint behind `medic validate`: shadowing is decided conservatively (never a false
 * warning: checked against the real matcher with fast-check), and each lint's edge cases.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CompiledRule, compileRunbook, type Rule, type Runbook } from '../../shared/runbook/index.js';
import { covers, lintRunbook } from '../../shared/runbook/lint.js';
import { loadRunbook } from '../../shared/runbook/load.js';
import { ruleMatches } from '../../shared/runbook/match.js';
import type { AlarmSignal, MonitoringSignal, Signal } from '../../shared/signals/types.js';
import { runCli } from '../support/cli.js';

const OPS = 'topics: { ops: arn:aws:sns:us-east-1:111122223333:ops }';

/** `head` holds everything between `version: 1` and `rules:`. */
function runbook(rules: string, head = `defaults: { scale: { max: 8 } }\n${OPS}`, file = 'runbook.yml'): Runbook {
  return loadRunbook(`version: 1\n${head}\nrules:\n${rules}`, file, {});
}

const codes = (rb: Runbook) => lintRunbook(rb).map((f) => `${f.code} ${f.rule ?? f.path}`);

describe('lint: shadowed rules', () => {
  it('an earlier rule covering every key of a later one shadows it; continue: true does not', () => {
    const rb = runbook(`
  - { id: a, match: { kind: alarm, endpoint: "*-prod" }, actions: [ { notify: { topic: ops } } ] }
  - { id: b, match: { kind: alarm, endpoint: churn-prod, state: ALARM }, actions: [ { notify: { topic: ops } } ] }
  - { id: c, match: { endpoint: churn-prod }, actions: [ { notify: { topic: ops } } ] }
  - { id: d, match: { kind: monitoring }, actions: [ { notify: { topic: ops } } ], continue: true }
  - { id: e, match: { kind: monitoring, status: Failed }, actions: [ { notify: { topic: ops } } ] }
`);
    expect(codes(rb)).toEqual(['shadowed-rule b']);
  });

  it('names the earlier rule and its line, at the later rule line:col', () => {
    const rb = runbook(`
  - id: a
    match: { kind: alarm }
    actions: [ { notify: { topic: ops } } ]
  - id: b
    match: { kind: alarm, metric: [ModelLatency, CPUUtilization] }
    actions: [ { notify: { topic: ops } } ]
`);
    const [finding] = lintRunbook(rb);
    expect(finding).toMatchObject({ code: 'shadowed-rule', rule: 'b', path: 'rules[1]', line: 9, col: 1 });
    expect(finding?.message).toBe(
      'rule b can never match: rule a (line 6) comes first, matches every signal it would, and has no `continue: true`',
    );
  });

  it('list superset, glob matching an exact value, `*`, identical globs: covered; glob vs other glob: not', () => {
    const rule = (match: Rule['match']): Rule => ({
      id: 'x',
      match,
      actions: [],
      escalate: [],
      cooldownMs: 0,
      mode: 'live',
      continue: false,
      line: 1,
      index: 0,
    });
    expect(covers(rule({ metric: ['A', 'B', 'C'] }), rule({ metric: ['A', 'C'] }))).toBe(true);
    expect(covers(rule({ metric: ['A', 'B'] }), rule({ metric: ['A', 'D'] }))).toBe(false);
    expect(covers(rule({ endpoint: 'churn-*' }), rule({ endpoint: ['churn-prod', 'churn-dev'] }))).toBe(true);
    expect(covers(rule({ endpoint: '*' }), rule({ endpoint: 'x-*-y' }))).toBe(true);
    expect(covers(rule({ endpoint: 'churn-*' }), rule({ endpoint: 'churn-*' }))).toBe(true);
    expect(covers(rule({ endpoint: 'churn-*' }), rule({ endpoint: 'churn-p*' }))).toBe(false);
    expect(covers(rule({ composite: true }), rule({ composite: true, kind: 'alarm' }))).toBe(true);
    expect(covers(rule({ composite: true }), rule({ composite: [true, false] }))).toBe(false);
    expect(covers(rule({ violations: { atLeast: 1 } }), rule({ violations: { check: ['x'], atLeast: 1 } }))).toBe(true);
    expect(covers(rule({ violations: { check: ['x'], atLeast: 1 } }), rule({ violations: { atLeast: 5 } }))).toBe(false);
    expect(covers(rule({ violations: { feature: 'tenure', atLeast: 1 } }), rule({ violations: { feature: 'tenure', atLeast: 2 } }))).toBe(
      true,
    );
    expect(covers(rule({ violations: { atLeast: 2 } }), rule({ violations: { atLeast: 1 } }))).toBe(false);
    expect(covers(rule({}), rule({ kind: 'alarm' }))).toBe(true);
  });

  it('is never wrong: when it says covered, every signal the later rule matches, the earlier one matches too', () => {
    const text = (values: string[]) =>
      fc.oneof(fc.constantFrom(...values), fc.uniqueArray(fc.constantFrom(...values), { minLength: 1, maxLength: 3 }));
    const endpoints = ['churn-prod', 'fraud-prod', 'search-staging', '*-prod', 'churn-*', '*', 'c*-prod', 'fraud-[a-p]rod'];
    const match = fc.record(
      {
        kind: fc.constantFrom('alarm', 'monitoring'),
        state: text(['ALARM', 'OK']),
        metric: text(['ModelLatency', 'CPUUtilization', 'Invocation5XXErrors']),
        endpoint: text(endpoints),
        composite: fc.oneof(fc.boolean(), fc.constant([true, false])),
        violations: fc.record({
          check: fc.option(fc.uniqueArray(fc.constantFrom('a', 'b'), { minLength: 1 }), { nil: undefined }),
          atLeast: fc.integer({ min: 1, max: 3 }),
        }),
      },
      { requiredKeys: [] },
    );
    const signal: fc.Arbitrary<Signal> = fc.oneof(
      fc
        .record({
          state: fc.constantFrom('ALARM', 'OK'),
          metric: fc.constantFrom('ModelLatency', 'CPUUtilization', 'Invocation5XXErrors'),
          endpoint: fc.constantFrom('churn-prod', 'fraud-prod', 'search-staging', 'cx-prod', 'fraud-qrod'),
          composite: fc.boolean(),
        })
        .map(
          (f): AlarmSignal => ({
            kind: 'alarm',
            key: 'k',
            source: 's',
            eventId: 'e',
            time: 't',
            account: 'a',
            region: 'r',
            alarm: 'al',
            alarmArn: 'arn',
            stateTimestamp: 't',
            metrics: [],
            ...f,
            state: f.state as 'ALARM' | 'OK',
          }),
        ),
      fc
        .record({
          endpoint: fc.constantFrom('churn-prod', 'fraud-prod'),
          checks: fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 4 }),
        })
        .map(
          (f): MonitoringSignal => ({
            kind: 'monitoring',
            key: 'k',
            source: 's',
            eventId: 'e',
            time: 't',
            account: 'a',
            region: 'r',
            job: 'j',
            jobArn: 'arn',
            status: 'CompletedWithViolations',
            endpoint: f.endpoint,
            violations: f.checks.map((check) => ({ check, description: '' })),
          }),
        ),
    );
    const toRule = (id: string, m: Rule['match'], index: number): Rule => ({
      id,
      match: m,
      actions: [],
      escalate: [],
      cooldownMs: 0,
      mode: 'live',
      continue: false,
      line: index + 1,
      index,
    });
    fc.assert(
      fc.property(match, match, fc.array(signal, { minLength: 20, maxLength: 20 }), (a, b, signals) => {
        const earlier = toRule('a', a as Rule['match'], 0);
        const later = toRule('b', b as Rule['match'], 1);
        fc.pre(covers(earlier, later));
        const compiled = compileRunbook({
          version: 1,
          file: 'x',
          identity: { hash: 'x' },
          defaults: runbook('  []').defaults,
          topics: {},
          pipelines: {},
          rules: [earlier, later],
        });
        for (const s of signals) {
          if (ruleMatches(compiled.rules[1] as CompiledRule, s)) expect(ruleMatches(compiled.rules[0] as CompiledRule, s)).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('lint: the others', () => {
  it('scale-outs without a cooldown; restore rows are exempt', () => {
    const rb = runbook(
      `
  - { id: out, match: { kind: alarm, state: ALARM }, actions: [ { scale: { by: 1 } } ] }
  - { id: back, match: { kind: alarm, state: OK }, actions: [ { scale: { restore: true } } ], cooldown: 0s }
  - { id: fine, match: { kind: monitoring }, actions: [ { scale: { to: 3 } } ], cooldown: 5m }
`,
      `defaults: { cooldown: 0s, scale: { max: 8 } }\n${OPS}`,
    );
    expect(codes(rb).sort()).toEqual(['scale-without-cooldown out', 'unused-topic topics.ops']);
  });

  it('dry-run rows: only when the default is live, or in a prod runbook', () => {
    const rows = `
  - { id: a, match: { kind: alarm }, actions: [ { notify: { topic: ops } } ], mode: dry-run }
`;
    expect(codes(runbook(rows))).toEqual(['dry-run-in-live a']);
    const dryDefault = `defaults: { mode: dry-run }\n${OPS}`;
    expect(codes(runbook(rows, dryDefault))).toEqual([]);
    // Without the file's positions a rule's own `mode: dry-run` cannot be told from the default's.
    expect(codes(runbook(rows, dryDefault, 'runbooks/prod.yml'))).toEqual(['dry-run-in-live defaults.mode']);
  });

  it('unused topics and pipelines', () => {
    const rb = runbook(
      `
  - { id: a, match: { kind: monitoring }, actions: [ { retrain: { pipeline: p1 } }, { notify: { topic: ops } } ] }
`,
      'topics: { ops: arn:aws:sns:us-east-1:111122223333:ops, spare: arn:aws:sns:us-east-1:111122223333:spare }\npipelines: { p1: { type: sagemaker, name: p1 }, p2: { type: codepipeline, name: p2 } }',
    );
    expect(codes(rb).sort()).toEqual(['unused-pipeline pipelines.p2', 'unused-topic topics.spare']);
  });

  it('ladders: longer than the dedupe window; a step repeating a change of the rule within its cooldown', () => {
    const rb = runbook(
      `
  - id: latency
    match: { kind: alarm, state: ALARM }
    actions: [ { scale: { by: 1 } }, { notify: { topic: ops } } ]
    cooldown: 30m
    escalate:
      - { after: 10m, actions: [ { notify: { topic: ops } }, { scale: { by: 1 } } ] }
      - { after: 30m, actions: [ { scale: { by: 1 } } ] }
  - id: long
    match: { kind: alarm, state: ALARM, metric: X }
    actions: [ { notify: { topic: ops } } ]
    escalate:
      - { after: 20h, actions: [ { notify: { topic: ops } } ] }
      - { after: 5h, actions: [ { scale: { by: 1 } } ] }
`,
      `defaults: { scale: { max: 8 }, dedupe: 24h }\n${OPS}`,
    );
    const findings = lintRunbook(rb).filter((f) => f.code.startsWith('ladder'));
    expect(findings.map((f) => `${f.code} ${f.path}: ${f.message}`)).toEqual([
      "ladder-repeats-cooled-action rules[0].escalate[0].actions[1]: rule latency escalate[0] runs scale again 10m after the rule's actions, within its 30m cooldown: ladder steps are not held by the cooldown, so this repeats what the cooldown would refuse; if that is intended, ignore this warning",
      "ladder-outlives-dedupe rules[1].escalate: rule long's ladder lasts 1d1h, longer than defaults.dedupe (1d): an ALARM event redelivered after that would start a second ladder; raise defaults.dedupe or shorten the steps",
    ]);
  });

  it('every action type that changes an endpoint is known to the lint', async () => {
    const { ACTIONS } = await import('../../shared/actions/registry.js');
    const { ACTIONS_THAT_CHANGE_ENDPOINTS } = await import('../../shared/actions/params.js');
    const changing = Object.entries(ACTIONS)
      .filter(([, d]) => d.mutatesEndpoint)
      .map(([type]) => type);
    expect([...ACTIONS_THAT_CHANGE_ENDPOINTS].sort()).toEqual(changing.sort());
  });

  it('the default runbook is clean', async () => {
    const { code, stderr, stdout } = await runCli(['validate']);
    expect(code).toBe(0);
    expect(stderr).toEqual([]);
    expect(stdout).toHaveLength(1);
  });
});

describe('medic validate --strict', () => {
  it('warnings exit 2 with --strict, 0 without; the runbook itself is valid either way', async () => {
    const loose = await runCli(['validate', 'test/golden/lint-dry-run.yml']);
    expect(loose.code).toBe(0);
    expect(loose.stderr).toEqual([
      'test/golden/lint-dry-run.yml:13:11 warning rules[0].mode: rule trial-rollback is in dry-run mode but the runbook default is live: it plans and notifies, changes nothing; remove `mode: dry-run` once it is trusted [dry-run-in-live]',
    ]);
    const strict = await runCli(['validate', 'test/golden/lint-dry-run.yml', '--strict']);
    expect(strict.code).toBe(2);
    expect(strict.stdout[1]).toBe('✗ 1 lint warning: --strict treats them as errors (exit 2)');
    expect((await runCli(['validate', '--strict'])).code).toBe(0);
  });
});
