/**
 * Operator events through the real engine: silences hold what they match and nothing else, for
 * their time range only; a closed circuit lets the next remediation run; an operator event is
 * applied once, and one from another source is refused.
 */
import { describe, expect, it } from 'vitest';
import { handleEvent } from '../../shared/engine.js';
import type { EventReport } from '../../shared/report.js';
import { operatorEvent } from '../../shared/signals/operator.js';
import { occurrence, START, TOPIC, testEngine } from '../support/engine.js';
import { sample } from '../support/samples.js';

const RUNBOOK = `
version: 1
defaults: { cooldown: 0s, scale: { max: 8 }, maxRemediationsPerHour: 2 }
topics: { ops: ${TOPIC} }
rules:
  - id: scale-out
    match: { kind: alarm, state: ALARM, metric: CPUUtilization }
    actions:
      - scale: { by: 1 }
      - notify: { topic: ops }
`;
const MINUTE = 60_000;
const BY = 'arn:aws:sts::111122223333:assumed-role/oncall/alice';
const where = (at: number, id: string) => ({ account: '111122223333', region: 'us-east-1', time: new Date(at), id });
const iso = (ms: number) => new Date(ms).toISOString();
const outcome = (r: EventReport) => r.actions.map((a) => `${a.type}:${a.status}${a.suppressedBy ? `:${a.suppressedBy}` : ''}`);

function silence(id: string, at: number, detail: Record<string, unknown>) {
  return operatorEvent('Silence Created', { silence: id, by: BY, reason: 'load test', quiet: false, ...detail }, where(at, `op-${id}`));
}

describe('operator events', () => {
  it('a silence holds the matching changes with its id, notify still says so; it ends by itself', async () => {
    const { deps, clock, writer } = await testEngine(RUNBOOK);
    const created = await handleEvent(
      silence('sil-0001', START, { endpoint: 'fraud-*', startsAt: iso(START), endsAt: iso(START + 60 * MINUTE) }),
      'op-1',
      deps,
    );
    expect(created.operator).toEqual({ type: 'Silence Created', by: BY, reason: 'load test' });
    expect(created.recorded).toBe(`silence sil-0001 (endpoint fraud-*) from ${iso(START)} until ${iso(START + 60 * MINUTE)}: set by ${BY}`);
    clock.set(START + 5 * MINUTE);
    const held = await handleEvent(occurrence(sample('02-'), START + 5 * MINUTE), 'alarm-1', deps);
    expect(outcome(held)).toEqual(['scale:suppressed:silenced', 'notify:executed']);
    expect(held.actions[0]).toMatchObject({
      silence: 'sil-0001',
      reason: `silenced by sil-0001 until ${iso(START + 60 * MINUTE)} (${BY}: load test)`,
    });
    expect(String(writer.calls[0]?.input.Message)).toContain('  - scale: held back (silenced): silenced by sil-0001');
    clock.set(START + 61 * MINUTE);
    const after = await handleEvent(occurrence(sample('02-'), START + 61 * MINUTE), 'alarm-2', deps);
    expect(outcome(after)).toEqual(['scale:executed', 'notify:executed']);
  });

  it('a silence holds a retrain too (hands off means no pipeline either); notify still reports it', async () => {
    const runbook = `
version: 1
topics: { ops: ${TOPIC} }
pipelines: { churn-retrain: { type: sagemaker, name: churn-retrain } }
rules:
  - id: drift-retrain
    match: { kind: monitoring, status: CompletedWithViolations, endpoint: "churn-*" }
    actions:
      - retrain: { pipeline: churn-retrain }
      - notify: { topic: ops }
`;
    const { deps, clock, writer } = await testEngine(runbook);
    await handleEvent(
      silence('sil-drift', START, { endpoint: 'churn-prod', startsAt: iso(START), endsAt: iso(START + 60 * MINUTE) }),
      'op',
      deps,
    );
    clock.set(START + MINUTE);
    const held = await handleEvent(sample('20-'), 'drift', deps);
    expect(outcome(held)).toEqual(['retrain:suppressed:silenced', 'notify:executed']);
    expect(writer.operations()).toEqual(['sns:Publish']);
  });

  it('matchers: rule and kind must match too; a quiet silence holds the notify as well', async () => {
    const { deps, clock } = await testEngine(RUNBOOK);
    const window = { startsAt: iso(START), endsAt: iso(START + 60 * MINUTE) };
    await handleEvent(silence('sil-other-rule', START, { endpoint: '*', rule: 'another-*', ...window }), 'a', deps);
    await handleEvent(silence('sil-monitoring', START, { endpoint: '*', kind: 'monitoring', ...window }), 'b', deps);
    clock.set(START + MINUTE);
    expect(outcome(await handleEvent(occurrence(sample('02-'), START + MINUTE), 'alarm-1', deps))).toEqual([
      'scale:executed',
      'notify:executed',
    ]);
    await handleEvent(
      silence('sil-quiet', START + MINUTE, { endpoint: 'fraud-prod', rule: 'scale-*', kind: 'alarm', quiet: true, ...window }),
      'c',
      deps,
    );
    clock.set(START + 2 * MINUTE);
    expect(outcome(await handleEvent(occurrence(sample('02-'), START + 2 * MINUTE), 'alarm-2', deps))).toEqual([
      'scale:suppressed:silenced',
      'notify:suppressed:silenced',
    ]);
  });

  it('a silence that has not started holds nothing yet; Silence Expired ends one early, once', async () => {
    const { deps, clock } = await testEngine(RUNBOOK);
    await handleEvent(
      silence('sil-later', START, { endpoint: 'fraud-prod', startsAt: iso(START + 10 * MINUTE), endsAt: iso(START + 60 * MINUTE) }),
      'a',
      deps,
    );
    clock.set(START + MINUTE);
    expect(outcome(await handleEvent(occurrence(sample('02-'), START + MINUTE), 'alarm-1', deps))[0]).toBe('scale:executed');
    clock.set(START + 11 * MINUTE);
    expect(outcome(await handleEvent(occurrence(sample('02-'), START + 11 * MINUTE), 'alarm-2', deps))[0]).toBe(
      'scale:suppressed:silenced',
    );
    const expire = operatorEvent('Silence Expired', { silence: 'sil-later', by: BY }, where(START + 12 * MINUTE, 'op-expire'));
    clock.set(START + 12 * MINUTE);
    expect((await handleEvent(expire, 'op-expire', deps)).recorded).toBe(`silence sil-later ended by ${BY}`);
    const again = operatorEvent('Silence Expired', { silence: 'sil-later', by: BY }, where(START + 12 * MINUTE, 'op-expire-2'));
    expect((await handleEvent(again, 'op-expire-2', deps)).ignored).toBe(
      'silence sil-later had already ended at 2026-11-23T04:12:00.000Z, when this event was applied (at its end time, or expired earlier), or was never created: nothing to expire',
    );
    clock.set(START + 13 * MINUTE);
    expect(outcome(await handleEvent(occurrence(sample('02-'), START + 13 * MINUTE), 'alarm-3', deps))[0]).toBe('scale:executed');
  });

  it('Circuit Closed: the next remediation runs normally (the hour starts over), and the audit says who closed it', async () => {
    const { deps, clock, store } = await testEngine(RUNBOOK);
    for (let i = 0; i < 3; i++) {
      clock.set(START + i * MINUTE);
      await handleEvent(occurrence(sample('02-'), START + i * MINUTE), `alarm-${i}`, deps);
    }
    expect(await store.getCircuit('fraud-prod', clock.now())).toBeDefined();
    clock.set(START + 5 * MINUTE);
    const close = operatorEvent(
      'Circuit Closed',
      { endpoint: 'fraud-prod', by: BY, reason: 'fixed the model' },
      where(START + 5 * MINUTE, 'op-close'),
    );
    const closed = await handleEvent(close, 'op-close', deps);
    expect(closed.recorded).toMatch(
      /^circuit of fraud-prod \(open since .*\) closed by arn:aws:sts::111122223333:assumed-role\/oncall\/alice: the next remediation runs normally$/,
    );
    const [audit] = await store.queryAudit({ endpoint: 'fraud-prod', since: START + 5 * MINUTE });
    expect(audit).toMatchObject({ event: 'op-close', operator: { type: 'Circuit Closed', by: BY, reason: 'fixed the model' } });
    clock.set(START + 6 * MINUTE);
    expect(outcome(await handleEvent(occurrence(sample('02-'), START + 6 * MINUTE), 'alarm-after', deps))).toEqual([
      'scale:executed',
      'notify:executed',
    ]);
    const none = operatorEvent('Circuit Closed', { endpoint: 'churn-prod', by: BY, reason: 'x' }, where(START, 'op-none'));
    expect((await handleEvent(none, 'op-none', deps)).ignored).toBe('no circuit is open on churn-prod: nothing to close');
  });

  it('an operator event is applied once however often it is delivered; one from another source, or malformed, is refused', async () => {
    const { deps } = await testEngine(RUNBOOK);
    const event = silence('sil-0002', START, { endpoint: 'x', startsAt: iso(START), endsAt: iso(START + MINUTE) });
    expect((await handleEvent(event, 'op-2', deps)).recorded).toMatch(/^silence sil-0002/);
    expect((await handleEvent(event, 'op-2', deps)).ignored).toBe('duplicate: operator event op-2 was already applied');
    const foreign = { ...event, source: 'my.app' };
    const refused = await handleEvent(foreign, 'foreign', deps);
    expect(refused.errorKind).toBe('invalid-event');
    expect(refused.error).toBe(
      'operator event "Silence Created" from source my.app refused: operator events come from model-medic.operator on the stack\'s bus',
    );
    const malformed = operatorEvent(
      'Silence Created',
      { silence: 'sil-3', endpoint: 'x', by: BY, reason: 'r', startsAt: iso(START), endsAt: iso(START - 1) },
      where(START, 'm'),
    );
    expect((await handleEvent(malformed, 'm', deps)).error).toBe('operator event Silence Created: detail.endsAt: must be after startsAt');
  });

  it('a silence id is unique: a second Silence Created of it is not applied; a time without its zone is refused', async () => {
    const { deps } = await testEngine(RUNBOOK);
    await handleEvent(silence('sil-dup', START, { endpoint: 'x', startsAt: iso(START), endsAt: iso(START + MINUTE) }), 'a', deps);
    const again = await handleEvent(
      silence('sil-dup', START, { endpoint: 'x', startsAt: iso(START), endsAt: iso(START + 9 * MINUTE) }),
      'b',
      deps,
    );
    expect(again.ignored).toBe(
      'silence sil-dup exists already: ids are unique, the first one stands (expire it and create a new one to change it)',
    );
    const local = await handleEvent(
      silence('sil-local', START, { endpoint: 'x', startsAt: '2026-11-23T04:00:00', endsAt: iso(START + MINUTE) }),
      'c',
      deps,
    );
    expect(local.error).toBe(
      'operator event Silence Created: detail.startsAt: expected an ISO 8601 time with its zone, e.g. 2026-11-23T04:00:00Z',
    );
  });
});
