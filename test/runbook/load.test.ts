// biome-ignore-all lint/suspicious/noTemplateCurlyInString: runbook text spells ${env:NAME} literally
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidRunbookError } from '../../shared/errors.js';
import { RUNBOOK_DEFAULTS } from '../../shared/runbook/index.js';
import { loadRunbook, loadRunbookFile } from '../../shared/runbook/load.js';
import { issuesOf, withRules } from './fixtures.js';

const lines = (...text: string[]) => text.join('\n');
const TEMPLATES = '{{endpoint}}, {{variant}}, {{alarm}}, {{rule}}, {{monitoringType}}, {{schedule}}';
const MATCH_KEYS_LIST =
  'kind, source, alarm, composite, state, previousState, namespace, metric, breach, endpoint, variant, status, monitoringType, schedule, violations';
const SCALE_UNION = 'expected exactly one of { by: N }, { to: N }, { factor: X } (with optional max/min), or { restore: true }';

describe('loadRunbook: a valid runbook', () => {
  const FORMAT_EXAMPLE = lines(
    'version: 1',
    'defaults:',
    '  mode: live                 # live | dry-run',
    '  cooldown: 15m',
    '  scale: { max: 8 }',
    'topics:',
    '  ops: ${env:OPS_TOPIC_ARN, arn:aws:sns:us-east-1:111122223333:model-medic-ops}',
    'pipelines:',
    '  churn-retrain: { type: sagemaker, name: churn-retrain, parameters: { Endpoint: "{{endpoint}}" } }',
    '  fraud-build:   { type: codepipeline, name: fraud-model-build }',
    'rules:',
    '  - id: latency-scale-out',
    '    description: Latency above threshold on a prod endpoint -> add capacity',
    '    match:',
    '      kind: alarm',
    '      state: ALARM',
    '      metric: [ModelLatency, CPUUtilization]',
    '      endpoint: "*-prod"',
    '    actions:',
    '      - scale: { by: 1, max: 6 }',
    '      - notify: { topic: ops, severity: high }',
    '    cooldown: 10m',
    '  - id: drift-retrain',
    '    match:',
    '      kind: monitoring',
    '      monitoringType: DataQuality',
    '      status: CompletedWithViolations',
    '      violations: { check: baseline_drift_check, atLeast: 2 }',
    '    actions:',
    '      - retrain: { pipeline: churn-retrain }',
    '      - notify: { topic: ops }',
    '    mode: dry-run',
    '    continue: true',
  );

  it('a runbook is named by the sha256 of its source text, so one edit gives it another name', () => {
    const sha256 = createHash('sha256').update(FORMAT_EXAMPLE).digest('hex');
    expect(loadRunbook(FORMAT_EXAMPLE, 'runbook.yml', {}).identity).toEqual({ hash: sha256.slice(0, 12) });
    expect(loadRunbook(`${FORMAT_EXAMPLE}\n# edited`, 'runbook.yml', {}).identity.hash).not.toBe(sha256.slice(0, 12));
  });

  it('loads the format example (docs/runbook.md) with durations in ms, aliases resolved and defaults applied', () => {
    expect(loadRunbook(FORMAT_EXAMPLE, 'runbook.yml', {})).toEqual({
      version: 1,
      file: 'runbook.yml',
      identity: { hash: expect.stringMatching(/^[0-9a-f]{12}$/) },
      defaults: {
        mode: 'live',
        cooldownMs: 900_000,
        scale: { max: 8, min: 1 },
        maxRemediationsPerHour: 6,
        lockLeaseMs: 300_000,
        dedupeMs: 86_400_000,
      },
      topics: { ops: 'arn:aws:sns:us-east-1:111122223333:model-medic-ops' },
      pipelines: {
        'churn-retrain': { type: 'sagemaker', name: 'churn-retrain', parameters: { Endpoint: '{{endpoint}}' } },
        'fraud-build': { type: 'codepipeline', name: 'fraud-model-build', variables: {} },
      },
      rules: [
        {
          id: 'latency-scale-out',
          description: 'Latency above threshold on a prod endpoint -> add capacity',
          match: { kind: 'alarm', state: 'ALARM', metric: ['ModelLatency', 'CPUUtilization'], endpoint: '*-prod' },
          actions: [
            { type: 'scale', params: { by: 1, max: 6 } },
            { type: 'notify', params: { topic: 'ops', severity: 'high' } },
          ],
          escalate: [],
          cooldownMs: 600_000,
          mode: 'live',
          continue: false,
          line: 12,
          index: 0,
        },
        {
          id: 'drift-retrain',
          match: {
            kind: 'monitoring',
            monitoringType: 'DataQuality',
            status: 'CompletedWithViolations',
            violations: { check: ['baseline_drift_check'], atLeast: 2 },
          },
          actions: [
            { type: 'retrain', params: { pipeline: 'churn-retrain' } },
            { type: 'notify', params: { topic: 'ops', severity: 'medium' } },
          ],
          escalate: [],
          cooldownMs: 900_000,
          mode: 'dry-run',
          continue: true,
          line: 23,
          index: 1,
        },
      ],
    });
  });

  it('takes the topic ARN from the environment when set', () => {
    const loaded = loadRunbook(FORMAT_EXAMPLE, 'runbook.yml', { OPS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:444455556666:pager' });
    expect(loaded.topics.ops).toBe('arn:aws:sns:eu-west-1:444455556666:pager');
  });

  it('applies the documented defaults when `defaults:` is absent', () => {
    const loaded = loadRunbook(lines('version: 1', 'rules: []'), 'runbook.yml', {});
    expect(loaded.defaults).toEqual({
      mode: 'live',
      cooldownMs: 15 * 60_000,
      scale: { max: Number.POSITIVE_INFINITY, min: 1 },
      maxRemediationsPerHour: 6,
      lockLeaseMs: 5 * 60_000,
      dedupeMs: 24 * 60 * 60_000,
    });
    expect(RUNBOOK_DEFAULTS).toEqual({
      mode: 'live',
      cooldownMs: 900_000,
      scaleMin: 1,
      maxRemediationsPerHour: 6,
      lockLeaseMs: 300_000,
      dedupeMs: 86_400_000,
    });
    expect(loaded.topics).toEqual({});
    expect(loaded.pipelines).toEqual({});
  });

  it('reads every defaults key, and rules inherit mode and cooldown from them', () => {
    const loaded = loadRunbook(
      lines(
        'version: 1',
        'defaults:',
        '  mode: dry-run',
        '  cooldown: 1h',
        '  scale: { max: 10, min: 2 }',
        '  maxRemediationsPerHour: 3',
        '  lockLease: 90s',
        '  dedupe: 2d',
        'topics:',
        'pipelines:',
        'rules:',
        '  - id: r',
        '    match: {}',
        '    actions: [{ rollback: }]',
      ),
      'runbook.yml',
      {},
    );
    expect(loaded.defaults).toEqual({
      mode: 'dry-run',
      cooldownMs: 3_600_000,
      scale: { max: 10, min: 2 },
      maxRemediationsPerHour: 3,
      lockLeaseMs: 90_000,
      dedupeMs: 172_800_000,
    });
    expect(loaded.rules[0]).toMatchObject({ mode: 'dry-run', cooldownMs: 3_600_000, continue: false, match: {} });
    expect(loaded.rules[0]?.actions).toEqual([{ type: 'rollback', params: {} }]);
  });

  it('accepts scale actions without defaults.scale.max when each has its own max', () => {
    const loaded = loadRunbook(
      lines(
        'version: 1',
        'rules:',
        '  - id: r',
        '    match: {}',
        '    actions:',
        '      - scale: { factor: 2, max: 6 }',
        '      - scale: { restore: true }',
      ),
      'runbook.yml',
      {},
    );
    expect(loaded.rules[0]?.actions.map((a) => a.params)).toEqual([{ factor: 2, max: 6 }, { restore: true }]);
  });

  it('keeps match keys in the order they were written', () => {
    const loaded = loadRunbook(
      withRules('  - id: r', '    match: { endpoint: "*-prod", kind: alarm, composite: true }', '    actions: [{ rollback: {} }]'),
      'runbook.yml',
      {},
    );
    expect(Object.keys(loaded.rules[0]?.match ?? {})).toEqual(['endpoint', 'kind', 'composite']);
  });
});

describe('loadRunbook: every problem is reported with file:line:col path: message', () => {
  it('version must be 1', () => {
    expect(issuesOf(lines('version: 2', 'rules: []'))).toEqual(['runbook.yml:1:10 version: expected 1, the runbook format version']);
    expect(issuesOf('rules: []')).toEqual(['runbook.yml:1:1 version: required, expected 1, the runbook format version']);
  });

  it('the document must be a map with rules', () => {
    expect(issuesOf('')).toEqual(['runbook.yml:1:1 expected a map with version, defaults, topics, pipelines and rules']);
    expect(issuesOf('- version: 1')).toEqual(['runbook.yml:1:1 expected a map with version, defaults, topics, pipelines and rules']);
    expect(issuesOf('version: 1')).toEqual(['runbook.yml:1:1 rules: required, expected a list of rules']);
  });

  it('unknown top-level keys point at the key', () => {
    expect(issuesOf(lines('version: 1', 'rules: []', 'rule: []'))).toEqual([
      'runbook.yml:3:1 rule: unknown key "rule" (known: version, defaults, topics, pipelines, rules)',
    ]);
  });

  it('defaults: unknown keys, wrong types, bad durations', () => {
    expect(
      issuesOf(
        lines(
          'version: 1',
          'defaults:',
          '  mode: shadow',
          '  cooldown: 15 min',
          '  scale: { max: 0, min: -1 }',
          '  maxRemediationsPerHour: 2.5',
          '  lockLease: 0s',
          '  dedupe: 1w',
          '  cooldwn: 5m',
          'rules: []',
        ),
      ),
    ).toEqual([
      'runbook.yml:3:9 defaults.mode: expected one of live, dry-run',
      'runbook.yml:4:13 defaults.cooldown: expected a duration like 15m, 90s, 2h30m or 1d, got "15 min" (unexpected " " after "15")',
      'runbook.yml:5:17 defaults.scale.max: expected a positive integer',
      'runbook.yml:5:25 defaults.scale.min: expected a whole number ≥ 0',
      'runbook.yml:6:27 defaults.maxRemediationsPerHour: expected a positive integer',
      'runbook.yml:7:14 defaults.lockLease: expected a duration greater than zero, got "0s"',
      'runbook.yml:8:11 defaults.dedupe: expected a duration like 15m, 90s, 2h30m or 1d, got "1w" (unknown unit "w"; units are d, h, m, s, ms)',
      'runbook.yml:9:3 defaults.cooldwn: unknown key "cooldwn" (known: mode, cooldown, scale, maxRemediationsPerHour, lockLease, dedupe)',
    ]);
  });

  it('defaults.scale.min may not exceed defaults.scale.max', () => {
    expect(issuesOf(lines('version: 1', 'defaults:', '  scale:', '    max: 4', '    min: 5', 'rules: []'))).toEqual([
      'runbook.yml:5:10 defaults.scale.min: min 5 is above max 4',
    ]);
  });

  it('rules: wrong types, unknown keys, bad mode', () => {
    expect(
      issuesOf(
        withRules(
          '  - id: 42',
          '    description: [not, a, string]',
          '    match: { kind: alarm }',
          '    actions:',
          '      - rollback: {}',
          '    continue: yes',
          '    mode: shadow',
          '    colour: red',
          '    cooldown: 10 minutes',
        ),
      ),
    ).toEqual([
      'runbook.yml:9:9 rules[0].id: expected a rule id',
      'runbook.yml:10:18 rules[0].description: expected a string',
      'runbook.yml:14:15 rules[0].continue: expected true or false',
      'runbook.yml:15:11 rules[0].mode: expected one of live, dry-run',
      'runbook.yml:16:5 rules[0].colour: unknown key "colour" (known: id, description, match, actions, escalate, approval, cooldown, mode, continue)',
      'runbook.yml:17:15 rules[0].cooldown: expected a duration like 15m, 90s, 2h30m or 1d, got "10 minutes" (unexpected " " after "10")',
    ]);
  });

  it('rules: match and actions are required, and actions may not be empty', () => {
    expect(issuesOf(withRules('  - id: r'))).toEqual([
      'runbook.yml:9:5 rules[0].match: required, expected a map of match keys, e.g. { kind: alarm, endpoint: "*-prod" }',
      'runbook.yml:9:5 rules[0].actions: required, expected a list of actions',
    ]);
    expect(issuesOf(withRules('  - id: r', '    match: { kind: alarm }', '    actions: []'))).toEqual([
      'runbook.yml:11:14 rules[0].actions: expected at least one action',
    ]);
  });

  it('escalate: steps need after (at least 1m) and actions; only on rules matching kind: alarm and state: ALARM', () => {
    expect(
      issuesOf(
        withRules(
          '  - id: ok-ladder',
          '    match: { kind: alarm, state: ALARM }',
          '    actions: [{ rollback: {} }]',
          '    escalate:',
          '      - after: 30s',
          '        actions: [{ rollback: {} }]',
          '      - actions: []',
          '      - { after: 5m, actions: [{ notify: { topic: nowhere } }], wait: 1m }',
          '      - { after: 0, actions: [{ rollback: {} }] }',
          '  - id: any-state',
          '    match: { kind: alarm }',
          '    actions: [{ rollback: {} }]',
          '    escalate:',
          '      - after: 10m',
          '        actions: [{ rollback: {} }]',
          '  - id: monitoring',
          '    match: { kind: monitoring, state: ALARM }',
          '    actions: [{ rollback: {} }]',
          '    escalate: []',
        ),
      ),
    ).toEqual([
      'runbook.yml:13:16 rules[0].escalate[0].after: expected a duration of at least 1m, got 30s',
      'runbook.yml:15:9 rules[0].escalate[1].after: required, expected a duration like 15m, 90s, 2h30m or 1d',
      'runbook.yml:15:18 rules[0].escalate[1].actions: expected at least one action',
      'runbook.yml:16:51 rules[0].escalate[2].actions[0].notify.topic: unknown topic "nowhere" (known: ops, ml-team)',
      'runbook.yml:16:65 rules[0].escalate[2].wait: unknown key "wait" (known: after, actions)',
      'runbook.yml:17:18 rules[0].escalate[3].after: expected a duration like 15m, 90s, 2h30m or 1d, got 0 (0 has no unit; units are d, h, m, s, ms)',
      'runbook.yml:21:5 rules[1].escalate: escalate needs a rule whose match says `kind: alarm` and `state: ALARM`: a ladder runs while that alarm stays in ALARM',
      'runbook.yml:27:5 rules[2].escalate: escalate needs a rule whose match says `kind: alarm` and `state: ALARM`: a ladder runs while that alarm stays in ALARM',
      'runbook.yml:27:15 rules[2].escalate: expected at least one step',
    ]);
  });

  it('approval: for lists actions the rule runs (not notify), expires 5m..7d, and a notify must follow each approved action', () => {
    expect(
      issuesOf(
        withRules(
          '  - id: no-notify-after',
          '    match: { kind: alarm, state: ALARM }',
          '    approval: { for: [rollback, notify, teleport], expires: 1m }',
          '    actions: [{ notify: { topic: ops } }, { rollback: {} }]',
          '    escalate:',
          '      - { after: 10m, actions: [{ rollback: {} }, { notify: { topic: ops } }] }',
          '  - id: never-runs-it',
          '    match: { kind: monitoring }',
          '    approval: { for: [retrain], expires: 8d, when: now }',
          '    actions: [{ notify: { topic: ops } }]',
          '  - id: empty',
          '    match: { kind: monitoring }',
          '    approval: { for: [] }',
          '    actions: [{ notify: { topic: ops } }]',
        ),
      ),
    ).toEqual([
      'runbook.yml:11:33 rules[0].approval.for[1]: notify needs no approval: it changes nothing (approval is for scale, shift-traffic, rollback, retrain, redeploy)',
      'runbook.yml:11:41 rules[0].approval.for[2]: unknown action "teleport" (known: scale, shift-traffic, rollback, retrain, redeploy)',
      'runbook.yml:11:61 rules[0].approval.expires: expected a duration of at least 5m: a human must have time to read the page',
      'runbook.yml:12:43 rules[0].actions[1]: rollback waits for approval but no notify follows it in this list: nobody would learn the approval id, and it would expire unseen; add a notify after it',
      'runbook.yml:17:23 rules[1].approval.for[0]: approval for retrain, but this rule never runs retrain (neither in actions nor in escalate)',
      'runbook.yml:17:42 rules[1].approval.expires: expected a duration of at most 7d: an older approval would act on a situation nobody remembers',
      'runbook.yml:17:46 rules[1].approval.when: unknown key "when" (known: for, expires)',
      'runbook.yml:21:22 rules[2].approval.for: expected at least one action type',
    ]);
  });

  it('approval: loads with its expiry in ms (default 1h)', () => {
    const loaded = loadRunbook(
      lines(
        'version: 1',
        'topics: { ops: arn:aws:sns:us-east-1:111122223333:ops }',
        'rules:',
        '  - id: errors',
        '    match: { kind: alarm, state: ALARM }',
        '    approval: { for: [rollback] }',
        '    actions: [{ rollback: {} }, { notify: { topic: ops } }]',
        '  - id: drift',
        '    match: { kind: monitoring }',
        '    approval: { for: [retrain], expires: 4h }',
        '    actions: [{ retrain: { pipeline: p } }, { notify: { topic: ops } }]',
      ).replace('rules:', 'pipelines: { p: { type: sagemaker, name: p } }\nrules:'),
      'runbook.yml',
      {},
    );
    expect(loaded.rules.map((r) => r.approval)).toEqual([
      { for: ['rollback'], expiresMs: 3_600_000 },
      { for: ['retrain'], expiresMs: 4 * 3_600_000 },
    ]);
  });

  it('escalate: steps load in order with their after in ms', () => {
    const loaded = loadRunbook(
      lines(
        'version: 1',
        'topics: { ops: arn:aws:sns:us-east-1:111122223333:ops }',
        'rules:',
        '  - id: errors',
        '    match: { kind: [alarm], state: ALARM }',
        '    actions: [{ rollback: {} }]',
        '    escalate:',
        '      - { after: 10m, actions: [{ notify: { topic: ops } }] }',
        '      - { after: 1h, actions: [{ rollback: {} }, { notify: { topic: ops, severity: critical } }] }',
      ),
      'runbook.yml',
      {},
    );
    expect(loaded.rules[0]?.escalate).toEqual([
      { afterMs: 600_000, actions: [{ type: 'notify', params: { topic: 'ops', severity: 'medium' } }] },
      {
        afterMs: 3_600_000,
        actions: [
          { type: 'rollback', params: {} },
          { type: 'notify', params: { topic: 'ops', severity: 'critical' } },
        ],
      },
    ]);
  });

  it('rules: a duplicate id is reported at the second rule', () => {
    expect(
      issuesOf(
        withRules(
          '  - id: same',
          '    match: { kind: alarm }',
          '    actions: [{ rollback: {} }]',
          '  - id: same',
          '    match: { kind: monitoring }',
          '    actions: [{ rollback: {} }]',
        ),
      ),
    ).toEqual(['runbook.yml:12:9 rules[1].id: duplicate rule id "same" (first used by rules[0])']);
  });

  it('match: value types, enums, globs and unknown keys', () => {
    expect(
      issuesOf(
        withRules(
          '  - id: r',
          '    match:',
          '      kind: alert',
          '      state: [ALARM, ALRAM]',
          '      status: Done',
          '      monitoringType: DataDrift',
          '      breach: over',
          '      composite: "true"',
          '      endpoint: "*-prod["',
          '      metric: [ModelLatency, 5]',
          '      variant: []',
          '      colour: red',
          '      previousState: 3',
          '    actions: [{ rollback: {} }]',
        ),
      ),
    ).toEqual([
      'runbook.yml:11:13 rules[0].match.kind: expected one of alarm, monitoring, got "alert"',
      'runbook.yml:12:22 rules[0].match.state[1]: expected one of ALARM, OK, INSUFFICIENT_DATA, got "ALRAM"',
      'runbook.yml:13:15 rules[0].match.status: expected one of Completed, CompletedWithViolations, Failed, Stopped, got "Done"',
      'runbook.yml:14:23 rules[0].match.monitoringType: expected one of DataQuality, ModelQuality, ModelBias, ModelExplainability, got "DataDrift"',
      'runbook.yml:15:15 rules[0].match.breach: expected one of above, below, got "over"',
      'runbook.yml:16:18 rules[0].match.composite: expected true or false',
      'runbook.yml:17:17 rules[0].match.endpoint: invalid glob "*-prod[": [ at character 7 is never closed',
      'runbook.yml:18:30 rules[0].match.metric[1]: expected a string',
      'runbook.yml:19:16 rules[0].match.variant: expected at least one value in the list',
      `runbook.yml:20:7 rules[0].match.colour: unknown key "colour" (known: ${MATCH_KEYS_LIST})`,
      'runbook.yml:21:22 rules[0].match.previousState: expected one of ALARM, OK, INSUFFICIENT_DATA (or a list of them)',
    ]);
  });

  it('match.violations: check list, feature glob, atLeast and unknown keys', () => {
    expect(
      issuesOf(
        withRules(
          '  - id: r',
          '    match:',
          '      violations: { check: [baseline_drift_check, 3], feature: "age[", atLeast: 0, min: 2 }',
          '    actions: [{ rollback: {} }]',
        ),
      ),
    ).toEqual([
      'runbook.yml:11:51 rules[0].match.violations.check[1]: expected a string',
      'runbook.yml:11:64 rules[0].match.violations.feature: invalid glob "age[": [ at character 4 is never closed',
      'runbook.yml:11:81 rules[0].match.violations.atLeast: expected a positive integer',
      'runbook.yml:11:84 rules[0].match.violations.min: unknown key "min" (known: check, feature, atLeast)',
    ]);
  });

  it('match.violations: check may be one or a list, atLeast defaults to 1', () => {
    const loaded = loadRunbook(
      withRules(
        '  - id: r',
        '    match: { violations: { check: baseline_drift_check } }',
        '    actions: [{ rollback: {} }]',
        '  - id: s',
        '    match: { violations: { check: [a, b], feature: "age*", atLeast: 3 } }',
        '    actions: [{ rollback: {} }]',
      ),
      'runbook.yml',
      {},
    );
    expect(loaded.rules.map((r) => r.match.violations)).toEqual([
      { check: ['baseline_drift_check'], atLeast: 1 },
      { check: ['a', 'b'], feature: 'age*', atLeast: 3 },
    ]);
  });

  it('actions: entry shape, unknown types, params checked by each action schema, aliases and templates', () => {
    expect(
      issuesOf(
        withRules(
          '  - id: r',
          '    match: { kind: alarm }',
          '    actions:',
          '      - scale: { by: 0, max: 6 }',
          '      - notify: { topic: opz, sevrity: high }',
          '      - scael: { by: 1 }',
          '      - rollback',
          '      - { scale: { by: 1, max: 2 }, notify: { topic: ops } }',
          '      - retrain: { pipeline: churn-retrian }',
          '      - shift-traffic: { to: previous, weight: 0 }',
          '      - notify: { topic: ops, severity: urgent, subject: "{{endpoint}} {{enpdoint}}" }',
          '      - retrain: {}',
          '      - scale: { by: 1, to: 2 }',
        ),
      ),
    ).toEqual([
      'runbook.yml:12:22 rules[0].actions[0].scale.by: expected a positive integer',
      'runbook.yml:13:26 rules[0].actions[1].notify.topic: unknown topic "opz" (known: ops, ml-team)',
      'runbook.yml:13:31 rules[0].actions[1].notify.sevrity: unknown key "sevrity" (known: topic, severity, subject)',
      'runbook.yml:14:9 rules[0].actions[2].scael: unknown action "scael" (known: notify, scale, shift-traffic, rollback, retrain, redeploy)',
      'runbook.yml:15:9 rules[0].actions[3]: expected a single-key map such as { notify: { topic: ops } }',
      'runbook.yml:16:9 rules[0].actions[4]: expected a single-key map such as { notify: { topic: ops } }, got 2 keys (scale, notify); list each action as its own "- " item',
      'runbook.yml:17:30 rules[0].actions[5].retrain.pipeline: unknown pipeline "churn-retrian" (known: churn-retrain)',
      'runbook.yml:18:48 rules[0].actions[6].shift-traffic.weight: expected a percentage from 1 to 100',
      'runbook.yml:19:41 rules[0].actions[7].notify.severity: expected one of critical, high, medium, low, info',
      `runbook.yml:19:58 rules[0].actions[7].notify.subject: unknown template {{enpdoint}} (known: ${TEMPLATES})`,
      'runbook.yml:20:18 rules[0].actions[8].retrain.pipeline: required, expected a pipeline alias (a key of `pipelines`)',
      `runbook.yml:21:16 rules[0].actions[9].scale: ${SCALE_UNION}`,
    ]);
  });

  it('actions: an alias is looked up as an own key, and "no topics" is said plainly', () => {
    expect(
      issuesOf(lines('version: 1', 'rules:', '  - id: r', '    match: {}', '    actions:', '      - notify: { topic: constructor }')),
    ).toEqual(['runbook.yml:6:26 rules[0].actions[0].notify.topic: unknown topic "constructor" (no topics are defined)']);
  });

  it('scale: a scale-out with no cap at all is a "missing cap" error', () => {
    expect(
      issuesOf(
        lines(
          'version: 1',
          'rules:',
          '  - id: r',
          '    match: { kind: alarm }',
          '    actions:',
          '      - scale: { by: 1 }',
          '      - scale: { to: 3, max: 4 }',
          '      - scale: { restore: true }',
          '      - scale: { factor: 2 }',
        ),
      ),
    ).toEqual([
      'runbook.yml:6:16 rules[0].actions[0].scale: missing cap: give this scale action a max, or set defaults.scale.max',
      'runbook.yml:9:16 rules[0].actions[3].scale: missing cap: give this scale action a max, or set defaults.scale.max',
    ]);
  });

  it('scale: a target or floor above the cap is refused', () => {
    expect(
      issuesOf(
        withRules(
          '  - id: r',
          '    match: { kind: alarm }',
          '    actions:',
          '      - scale: { to: 10 }',
          '      - scale: { to: 5, max: 4 }',
          '      - scale: { by: 1, min: 9 }',
        ),
      ),
    ).toEqual([
      'runbook.yml:12:22 rules[0].actions[0].scale.to: scales to 10, above the cap of 8 (defaults.scale.max)',
      'runbook.yml:13:22 rules[0].actions[1].scale.to: scales to 5, above the cap of 4 (its max)',
      'runbook.yml:14:30 rules[0].actions[2].scale.min: min 9 is above the cap of 8 (defaults.scale.max)',
    ]);
  });

  it('topics and pipelines: ARNs, alias names, pipeline types and maps of strings, templates', () => {
    expect(
      issuesOf(
        lines(
          'version: 1',
          'topics:',
          '  ops: arn:aws:sns:us-east-1:111122223333',
          '  __proto__: arn:aws:sns:us-east-1:111122223333:x',
          '  list: [a]',
          'pipelines:',
          '  a: { type: sagemaker }',
          '  b: { type: codepipline, name: x }',
          '  c: { type: codepipeline, name: x, parameters: { A: b } }',
          '  d: { type: sagemaker, name: x, parameters: { A: [1] , B: 2 } }',
          '  e: just-a-name',
          '  f: { type: sagemaker, name: x, parameters: { Endpoint: "{{endpont}}" } }',
          'rules: []',
        ),
      ),
    ).toEqual([
      'runbook.yml:3:8 topics.ops: expected an SNS topic ARN like arn:aws:sns:REGION:ACCOUNT:NAME, got "arn:aws:sns:us-east-1:111122223333"',
      'runbook.yml:4:3 topics.__proto__: alias names start with a letter or digit and use only letters, digits, ".", "_" and "-"',
      'runbook.yml:5:9 topics.list: expected an SNS topic ARN',
      'runbook.yml:7:6 pipelines.a.name: required, expected a pipeline name',
      'runbook.yml:8:14 pipelines.b.type: expected type: sagemaker or type: codepipeline',
      'runbook.yml:9:37 pipelines.c.parameters: unknown key "parameters" (known: type, name, variables)',
      'runbook.yml:10:51 pipelines.d.parameters.A: expected a string',
      'runbook.yml:11:6 pipelines.e: expected a map like { type: sagemaker, name: my-pipeline }',
      `runbook.yml:12:58 pipelines.f.parameters.Endpoint: unknown template {{endpont}} (known: ${TEMPLATES})`,
    ]);
  });

  it('pipelines: parameter and variable values written as numbers or booleans become strings', () => {
    const loaded = loadRunbook(
      lines(
        'version: 1',
        'pipelines:',
        '  a: { type: sagemaker, name: a, parameters: { Threshold: 0.5, Enabled: true } }',
        '  b: { type: codepipeline, name: b, variables: { Run: 3 } }',
        'rules: []',
      ),
      'runbook.yml',
      {},
    );
    expect(loaded.pipelines).toEqual({
      a: { type: 'sagemaker', name: 'a', parameters: { Threshold: '0.5', Enabled: 'true' } },
      b: { type: 'codepipeline', name: 'b', variables: { Run: '3' } },
    });
  });

  it('YAML syntax errors and duplicate keys are issues too', () => {
    expect(issuesOf(lines('version: 1', 'rules:', '  - id: r', '    match: { kind: alarm', '    actions: []'))).toEqual([
      'runbook.yml:5:5 Flow map in block collection must be sufficiently indented and end with a }',
    ]);
    expect(issuesOf(lines('version: 1', 'version: 1', 'rules: []'))).toEqual(['runbook.yml:2:1 Map keys must be unique']);
  });

  it('nothing in a runbook executes: YAML tags are refused, not resolved', () => {
    expect(issuesOf(lines('version: !!js/function "return 1"', 'rules: []'))).toEqual([
      'runbook.yml:1:10 Unresolved tag: tag:yaml.org,2002:js/function',
    ]);
    expect(issuesOf(lines('version: 1', 'rules: !eval []'))).toEqual(['runbook.yml:2:8 Unresolved tag: !eval']);
  });

  it('reports all of five different mistakes at once, in file order, with line and column', () => {
    const text = lines(
      'version: 1',
      'defaults:',
      '  cooldown: 15min',
      '  scale: { max: 8 }',
      'topics:',
      '  ops: arn:aws:sns:us-east-1:111122223333:model-medic-ops',
      'rules:',
      '  - id: latency-scale-out',
      '    match:',
      '      kind: alarm',
      '      metric: [ModelLatency, CPUUtilization]',
      '      endpiont: "*-prod"',
      '    actions:',
      '      - scale: { by: 0, max: 6 }',
      '      - notify: { topic: opz, severity: high }',
      '  - id: latency-scale-out',
      '    match: { kind: monitoring }',
      '    actions:',
      '      - rollback: {}',
    );
    const expected = [
      'runbook.yml:3:13 defaults.cooldown: expected a duration like 15m, 90s, 2h30m or 1d, got "15min" (unknown unit "min"; units are d, h, m, s, ms)',
      `runbook.yml:12:7 rules[0].match.endpiont: unknown key "endpiont" (known: ${MATCH_KEYS_LIST})`,
      'runbook.yml:14:22 rules[0].actions[0].scale.by: expected a positive integer',
      'runbook.yml:15:26 rules[0].actions[1].notify.topic: unknown topic "opz" (known: ops)',
      'runbook.yml:16:9 rules[1].id: duplicate rule id "latency-scale-out" (first used by rules[0])',
    ];
    expect(issuesOf(text)).toEqual(expected);
    try {
      loadRunbook(text, 'runbook.yml', {});
    } catch (error) {
      const invalid = error as InvalidRunbookError;
      expect(invalid.message).toBe(expected.join('\n'));
      expect(invalid.issues.map(({ line, col }) => [line, col])).toEqual([
        [3, 13],
        [12, 7],
        [14, 22],
        [15, 26],
        [16, 9],
      ]);
    }
  });
});

describe('loadRunbookFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-test-'));

  it('reads from disk with the given environment', () => {
    const path = join(dir, 'runbook.yml');
    writeFileSync(path, lines('version: 1', 'topics:', '  ops: ${env:TOPIC}', 'rules: []'));
    const loaded = loadRunbookFile(path, { TOPIC: 'arn:aws:sns:us-east-1:111122223333:ops' });
    expect(loaded.file).toBe(path);
    expect(loaded.topics.ops).toBe('arn:aws:sns:us-east-1:111122223333:ops');
  });

  it('names the file in messages as the caller asks', () => {
    const path = join(dir, 'bad.yml');
    writeFileSync(path, lines('version: 3', 'rules: []'));
    expect(() => loadRunbookFile(path, {}, 'bad.yml')).toThrow('bad.yml:1:10 version: expected 1, the runbook format version');
  });

  it('an unreadable file is an invalid runbook at line 1, col 1', () => {
    const missing = join(dir, 'missing.yml');
    expect(() => loadRunbookFile(missing, {})).toThrow(
      new InvalidRunbookError(missing, [{ line: 1, col: 1, path: '', message: 'cannot read the runbook: no such file' }]),
    );
    try {
      loadRunbookFile(dir, {}, 'runbook.yml');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidRunbookError);
      expect((error as InvalidRunbookError).message).toBe('runbook.yml:1:1 cannot read the runbook: it is a directory');
    }
  });
});
