import { describe, expect, it } from 'vitest';
import { BacktestAggregator, OTHER_REASONS } from '../../shared/backtest/index.js';
import type { ActionReport, EventReport } from '../../shared/report.js';
import { loadRunbook } from '../../shared/runbook/load.js';
import type { Signal } from '../../shared/signals/types.js';

const RUNBOOK = loadRunbook(
  `version: 1
defaults: { scale: { max: 8 } }
topics: { ops: arn:aws:sns:us-east-1:111122223333:ops }
rules:
  - id: restore
    match: { kind: alarm, state: OK }
    actions: [ { scale: { restore: true } }, { notify: { topic: ops } } ]
  - id: scale-out
    match: { kind: alarm, state: ALARM, metric: ModelLatency }
    actions: [ { scale: { by: 1 } }, { notify: { topic: ops } } ]
  - id: shift
    match: { kind: alarm, state: ALARM, metric: Invocation5XXErrors }
    actions: [ { shift-traffic: { to: previous } } ]
  - id: never
    match: { kind: monitoring }
    actions: [ { notify: { topic: ops } } ]
`,
  'runbook.yml',
  {},
);

const T0 = Date.parse('2026-11-23T00:00:00Z');
const MIN = 60_000;

function signal(endpoint = 'churn-prod'): Signal {
  return {
    kind: 'alarm',
    endpoint,
    key: 'k',
    source: 'aws.cloudwatch',
    eventId: 'e',
    time: '',
    account: '1',
    region: 'r',
    alarm: 'a',
    alarmArn: 'arn',
    composite: false,
    state: 'ALARM',
    stateTimestamp: '',
    metrics: [],
  };
}

function action(type: ActionReport['type'], rule: string, status: ActionReport['status'], extra: Partial<ActionReport> = {}): ActionReport {
  return { type, rule, status, reason: `${type} ${status}`, calls: [], ...extra };
}

function report(event: string, rule: string | null, actions: ActionReport[], extra: Partial<EventReport> = {}): EventReport {
  return { event, signal: rule ? signal() : null, rule, actions, ignored: null, error: null, ...extra };
}

function shiftTo(variant: string, other: string): ActionReport {
  return action('shift-traffic', 'shift', 'planned', {
    calls: [
      {
        service: 'sagemaker',
        operation: 'UpdateEndpointWeightsAndCapacities',
        input: {
          EndpointName: 'churn-prod',
          DesiredWeightsAndCapacities: [
            { VariantName: variant, DesiredWeight: 1 },
            { VariantName: other, DesiredWeight: 0 },
          ],
        },
      },
    ],
  });
}

describe('BacktestAggregator', () => {
  it('counts matched events per rule and actions by outcome; planned counts as executed', () => {
    const agg = new BacktestAggregator(RUNBOOK);
    agg.add(report('1', 'scale-out', [action('scale', 'scale-out', 'planned'), action('notify', 'scale-out', 'planned')]), T0);
    agg.add(
      report('2', 'scale-out', [
        action('scale', 'scale-out', 'suppressed', { suppressedBy: 'cooldown' }),
        action('notify', 'scale-out', 'suppressed', { suppressedBy: 'cooldown' }),
      ]),
      T0 + MIN,
    );
    agg.add(
      report('3', 'scale-out', [
        action('scale', 'scale-out', 'skipped', { reason: 'at the cap' }),
        action('notify', 'scale-out', 'failed'),
      ]),
      T0 + 2 * MIN,
    );
    agg.add(
      report('4', 'scale-out', [
        action('scale', 'scale-out', 'suppressed', { suppressedBy: 'dedupe' }),
        action('notify', 'scale-out', 'executed'),
      ]),
      T0 + 3 * MIN,
    );
    const s = agg.summary();
    expect(s.events).toBe(4);
    expect(s.matchedEvents).toBe(4);
    expect(s.rules['scale-out']).toEqual({
      matched: 4,
      escalated: 0,
      executed: 3,
      suppressed: 3,
      skipped: 1,
      failed: 1,
      suppressedBy: { cooldown: 2, dedupe: 1 },
      skippedReasons: [{ reason: 'at the cap', count: 1 }],
    });
    expect(s.endpoints['churn-prod']?.scale).toEqual({
      executed: 1,
      suppressed: 2,
      skipped: 1,
      failed: 0,
      suppressedBy: { cooldown: 1, dedupe: 1 },
    });
    expect(s.endpoints['churn-prod']?.notify).toMatchObject({ executed: 2, suppressed: 1, failed: 1 });
    expect(s.neverMatched).toEqual(['restore', 'shift', 'never']);
    expect(s.from).toBe('2026-11-23T00:00:00.000Z');
    expect(s.to).toBe('2026-11-23T00:03:00.000Z');
    expect(s.executedMeans).toBe('planned');
  });

  it('keeps the documented keys (docs/cli.md): events, rules, endpoints, thrash, neverMatched, ignored, rejected', () => {
    const s = new BacktestAggregator(RUNBOOK).summary();
    for (const key of ['events', 'rules', 'endpoints', 'thrash', 'neverMatched', 'ignored', 'rejected']) expect(s).toHaveProperty(key);
    for (const rule of Object.values(s.rules)) {
      for (const key of ['matched', 'executed', 'suppressed', 'skipped', 'failed'])
        expect(typeof (rule as unknown as Record<string, unknown>)[key]).toBe('number');
    }
  });

  it('counts ignored, recorded, rejected and other errors separately', () => {
    const agg = new BacktestAggregator(RUNBOOK);
    agg.add(report('a', null, [], { ignored: 'no runbook rule matched' }));
    agg.add(report('b', null, [], { ignored: 'no runbook rule matched' }));
    agg.add(report('c', null, [], { ignored: 'unsupported event type' }));
    agg.add(report('d', null, [], { recorded: 'fraud-prod: c1 is live' }));
    agg.add(report('e', null, [], { error: 'not valid JSON', errorKind: 'invalid-event' }));
    agg.add(report('f', null, [], { error: 'throttled', errorKind: 'aws-throttled' }));
    const s = agg.summary();
    expect(s).toMatchObject({ events: 6, ignored: 3, recorded: 1, rejected: 1, errors: 1, matchedEvents: 0 });
    expect(s.ignoredReasons).toEqual([
      { reason: 'no runbook rule matched', count: 2 },
      { reason: 'unsupported event type', count: 1 },
    ]);
    expect(s.rejectedEvents).toEqual([{ event: 'e', error: 'not valid JSON' }]);
  });

  it('several rules in one event (continue: true) each count the event as matched', () => {
    const agg = new BacktestAggregator(RUNBOOK);
    agg.add(
      report('1', 'scale-out', [action('notify', 'scale-out', 'planned'), action('notify', 'never', 'planned')], {
        rules: ['scale-out', 'never'],
      }),
    );
    const s = agg.summary();
    expect(s.rules['scale-out']?.matched).toBe(1);
    expect(s.rules.never?.matched).toBe(1);
    expect(s.matchedEvents).toBe(1);
  });

  it('bounds the distinct skip reasons it remembers, lumping the rest', () => {
    const agg = new BacktestAggregator(RUNBOOK);
    for (let i = 0; i < 250; i++)
      agg.add(report(String(i), 'scale-out', [action('scale', 'scale-out', 'skipped', { reason: `reason ${i}` })]));
    for (let i = 0; i < 3; i++) agg.add(report('x', 'scale-out', [action('scale', 'scale-out', 'skipped', { reason: 'reason 7' })]));
    const top = agg.summary().rules['scale-out']?.skippedReasons ?? [];
    expect(top[0]).toEqual({ reason: OTHER_REASONS, count: 50 });
    expect(top[1]).toEqual({ reason: 'reason 7', count: 4 });
    expect(top).toHaveLength(5);
  });
});

describe('thrash detection', () => {
  const out = (event: string, at: number, status: ActionReport['status'] = 'planned') =>
    [report(event, 'scale-out', [action('scale', 'scale-out', status), action('notify', 'scale-out', 'planned')]), at] as const;
  const restore = (event: string, at: number) => [report(event, 'restore', [action('scale', 'restore', 'planned')]), at] as const;

  it('flags a scale-out and its restore on one endpoint within an hour, once per reversal', () => {
    const agg = new BacktestAggregator(RUNBOOK);
    for (const [r, at] of [out('o1', T0), restore('r1', T0 + 20 * MIN), restore('r2', T0 + 25 * MIN), out('o2', T0 + 50 * MIN)])
      agg.add(r, at);
    const s = agg.summary();
    expect(s.thrashTotal).toBe(2);
    expect(s.thrash.map((t) => [t.kind, t.first.event, t.second.event, t.minutesApart])).toEqual([
      ['scale', 'o1', 'r1', 20],
      ['scale', 'r2', 'o2', 25],
    ]);
    expect(s.thrash[0]).toMatchObject({
      endpoint: 'churn-prod',
      first: { change: 'scale out', rule: 'scale-out', time: '2026-11-23T00:00:00.000Z' },
      second: { change: 'scale restore', rule: 'restore' },
    });
  });

  it('does not flag reversals more than an hour apart, repeats in one direction, or actions that did not run', () => {
    const agg = new BacktestAggregator(RUNBOOK);
    for (const [r, at] of [
      out('o1', T0),
      out('o2', T0 + 10 * MIN),
      restore('r1', T0 + 71 * MIN),
      out('o3', T0 + 200 * MIN, 'suppressed'),
      restore('r2', T0 + 210 * MIN),
    ])
      agg.add(r, at);
    // o2 -> r1 is 61 min; o3 was suppressed, so r2 reverses nothing recent.
    expect(agg.summary().thrashTotal).toBe(0);
  });

  it('flags shift and shift-back, not two shifts to the same variant', () => {
    const agg = new BacktestAggregator(RUNBOOK);
    const shift = (event: string, to: string, from: string, at: number) => agg.add(report(event, 'shift', [shiftTo(to, from)]), at);
    shift('s1', 'v1', 'v2', T0);
    shift('s2', 'v1', 'v2', T0 + 10 * MIN);
    shift('s3', 'v2', 'v1', T0 + 40 * MIN);
    const s = agg.summary();
    expect(s.thrash.map((t) => [t.kind, t.first.event, t.second.event, t.first.change, t.second.change])).toEqual([
      ['shift', 's2', 's3', 'shift to v1', 'shift to v2'],
    ]);
  });

  it('keeps endpoints apart and caps the list, not the count', () => {
    const agg = new BacktestAggregator(RUNBOOK, { thrashListed: 3 });
    for (let i = 0; i < 10; i++) {
      const [r, at] = i % 2 === 0 ? out(`o${i}`, T0 + i * MIN) : restore(`r${i}`, T0 + i * MIN);
      agg.add(r, at);
      agg.add({ ...r, signal: signal('fraud-prod') }, at);
    }
    const s = agg.summary();
    expect(s.thrashTotal).toBe(18);
    expect(s.thrash).toHaveLength(3);
  });
});
