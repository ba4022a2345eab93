import { describe, expect, it } from 'vitest';
import { handleEvent } from '../../shared/engine.js';
import { MedicError } from '../../shared/errors.js';
import { occurrence, SCALE_RUNBOOK, START, TOPIC, testEngine } from '../support/engine.js';
import { sample } from '../support/samples.js';

const MINUTE = 60_000;

describe('guards', () => {
  it('cooldown per rule + endpoint: a second occurrence within it is suppressed and recorded as such', async () => {
    const { deps, writer, clock } = await testEngine(SCALE_RUNBOOK);
    const first = await handleEvent(occurrence(sample('02-'), START), 'a', deps);
    expect(first.actions.map((a) => a.status)).toEqual(['executed', 'executed']);
    clock.set(START + 5 * MINUTE);
    const second = await handleEvent(occurrence(sample('02-'), START + 5 * MINUTE), 'b', deps);
    expect(second.actions.map((a) => [a.status, a.suppressedBy])).toEqual([
      ['suppressed', 'cooldown'],
      ['suppressed', 'cooldown'],
    ]);
    expect(second.actions[0]?.reason).toBe('rule scale-out is cooling down on fraud-prod until 2026-11-23T04:10:00.000Z (cooldown 10m)');
    clock.set(START + 11 * MINUTE);
    const third = await handleEvent(occurrence(sample('02-'), START + 11 * MINUTE), 'c', deps);
    expect(third.actions.map((a) => a.status)).toEqual(['executed', 'executed']);
    expect(writer.operations()).toEqual([
      'sagemaker:UpdateEndpointWeightsAndCapacities',
      'sns:Publish',
      'sagemaker:UpdateEndpointWeightsAndCapacities',
      'sns:Publish',
    ]);
  });

  it('the limit opens the circuit once: exactly one "human needed" notification, later changes held back', async () => {
    const runbook = SCALE_RUNBOOK.replace('cooldown: 10m', 'cooldown: 0s');
    const { deps, writer, clock } = await testEngine(runbook);
    const statuses: string[][] = [];
    for (let i = 0; i < 6; i++) {
      const at = START + i * MINUTE;
      clock.set(at);
      const report = await handleEvent(occurrence(sample('02-'), at), `e${i}`, deps);
      statuses.push(report.actions.map((a) => `${a.type}:${a.status}${a.suppressedBy ? `:${a.suppressedBy}` : ''}`));
    }
    expect(statuses).toEqual([
      ['scale:executed', 'notify:executed'],
      ['scale:executed', 'notify:executed'],
      ['scale:executed', 'notify:executed'],
      ['scale:suppressed:limit', 'notify:executed', 'notify:executed'],
      ['scale:suppressed:circuit', 'notify:executed'],
      ['scale:suppressed:circuit', 'notify:executed'],
    ]);
    const humanNeeded = writer.calls.filter((c) => String(c.input.Subject).includes('human needed'));
    expect(humanNeeded).toHaveLength(1);
    expect(humanNeeded[0]?.input).toMatchObject({
      TopicArn: TOPIC,
      Subject: '[CRITICAL] fraud-prod: automatic remediation paused [human needed]',
    });
    expect(String(humanNeeded[0]?.input.Message)).toMatch(/3 automatic changes to fraud-prod in the last hour reached the limit of 3/);
  });

  it('"human needed" is sent at least once: a publish that fails is sent by the retry, and then never again', async () => {
    const runbook = SCALE_RUNBOOK.replace('cooldown: 10m', 'cooldown: 0s');
    const { deps, writer, clock } = await testEngine(runbook);
    for (let i = 0; i < 3; i++) {
      clock.set(START + i * MINUTE);
      await handleEvent(occurrence(sample('02-'), START + i * MINUTE), `e${i}`, deps);
    }
    const isNotice = (c: { input: Record<string, unknown> }) => String(c.input.Subject).includes('human needed');
    // SNS fails the first "human needed" publish with a transient error.
    let down = true;
    writer.fail = (call) => {
      if (!isNotice(call) || !down) return undefined;
      down = false;
      return new MedicError('aws-error', 'sns:Publish failed: InternalError (AWS or the network failed)');
    };
    clock.set(START + 3 * MINUTE);
    const opening = occurrence(sample('02-'), START + 3 * MINUTE);
    const first = await handleEvent(opening, 'e3', deps);
    expect(first.actions.map((a) => `${a.type}:${a.status}`)).toEqual(['scale:suppressed', 'notify:executed', 'notify:failed']);
    expect(writer.calls.filter(isNotice)).toHaveLength(0);

    // Lambda retries the same event: the circuit is already open, and the notice goes out now.
    const retry = await handleEvent(opening, 'e3-retry', deps);
    expect(retry.actions.map((a) => `${a.type}:${a.status}`)).toContain('notify:executed');
    expect(writer.calls.filter(isNotice)).toHaveLength(1);

    // Later events find the circuit open and the notice delivered: nothing more.
    clock.set(START + 4 * MINUTE);
    await handleEvent(occurrence(sample('02-'), START + 4 * MINUTE), 'e4', deps);
    expect(writer.calls.filter(isNotice)).toHaveLength(1);
  });

  it('the limit window slides: an hour later changes are allowed again once the circuit closes', async () => {
    const runbook = SCALE_RUNBOOK.replace('cooldown: 10m', 'cooldown: 0s');
    const { deps, clock, store } = await testEngine(runbook);
    for (let i = 0; i < 4; i++) {
      clock.set(START + i * MINUTE);
      await handleEvent(occurrence(sample('02-'), START + i * MINUTE), `e${i}`, deps);
    }
    await store.closeCircuit('fraud-prod'); // a human looked and closed it
    const later = START + 2 * 60 * MINUTE;
    clock.set(later);
    const report = await handleEvent(occurrence(sample('02-'), later), 'later', deps);
    expect(report.actions[0]?.status).toBe('executed');
  });

  it('a held lock makes the event fail as retryable (busy), and releases nothing it does not own', async () => {
    const { deps, store, writer } = await testEngine(SCALE_RUNBOOK);
    expect(await store.acquireLock('fraud-prod', 'someone-else', START, 60_000)).toBe(true);
    const report = await handleEvent(occurrence(sample('02-'), START), 'x', deps);
    expect(report.errorKind).toBe('busy');
    expect(report.error).toMatch(/endpoint fraud-prod is locked by another remediation/);
    expect(writer.calls).toEqual([]);
    // The signal was released, so a retry after the lock frees up acts.
    await store.releaseLock('fraud-prod', 'someone-else');
    const retry = await handleEvent(occurrence(sample('02-'), START), 'x', deps);
    expect(retry.actions.map((a) => a.status)).toEqual(['executed', 'executed']);
  });

  it('a retry after a partial failure re-runs only the failed action, repeats no notification, and says once that it recovered', async () => {
    const runbook = `
version: 1
defaults: { scale: { max: 8 } }
topics: { ops: ${TOPIC} }
rules:
  - id: scale-out
    match: { kind: alarm, state: ALARM, metric: CPUUtilization }
    actions:
      - notify: { topic: ops, subject: before }
      - scale: { by: 1 }
      - notify: { topic: ops, subject: after }
`;
    const { deps, writer } = await testEngine(runbook);
    writer.fail = (call, attempt) =>
      call.operation === 'UpdateEndpointWeightsAndCapacities' && attempt === 1 ? new MedicError('aws-throttled', 'throttled') : undefined;
    const event = occurrence(sample('02-'), START);
    const first = await handleEvent(event, 'try-1', deps);
    expect(first.actions.map((a) => a.status)).toEqual(['executed', 'failed', 'executed']);
    expect(first.actions[1]?.error?.kind).toBe('aws-throttled');

    const retry = await handleEvent(event, 'try-2', deps);
    expect(retry.actions.map((a) => a.status)).toEqual(['executed', 'executed', 'executed', 'executed']);
    expect(retry.actions[0]?.reason).toMatch(/^already done in an earlier attempt/);
    expect(retry.actions[1]?.reason).toMatch(/^scale fraud-prod\/AllTraffic from 2 to 3 instances/);
    expect(retry.actions[2]?.reason).toMatch(/^already done in an earlier attempt/);
    // "after" told ops the scale failed: ops now hears, once, that it succeeded on the retry.
    const recovered = writer.calls[3];
    expect(writer.calls.map((c) => c.input.Subject ?? c.operation)).toEqual([
      'before',
      'after',
      'UpdateEndpointWeightsAndCapacities',
      'fraud-prod: scale succeeded on retry (ALARM fraud-prod-cpu-high) [RECOVERED]',
    ]);
    expect(recovered?.input).toMatchObject({
      TopicArn: TOPIC,
      MessageAttributes: { outcome: { DataType: 'String', StringValue: 'recovered' } },
    });
    expect(String(recovered?.input.Message)).toContain('  - scale: scale fraud-prod/AllTraffic from 2 to 3 instances');

    // Delivered again (the retry's own redelivery): a duplicate, nothing more is sent.
    await handleEvent(event, 'try-3', deps);
    expect(writer.calls).toHaveLength(4);
  });

  it('a permanent failure does not release the signal: a redelivery is a duplicate', async () => {
    const { deps, writer } = await testEngine(SCALE_RUNBOOK);
    writer.fail = (call) => (call.service === 'sagemaker' ? new MedicError('aws-denied', 'denied') : undefined);
    const event = occurrence(sample('02-'), START);
    const first = await handleEvent(event, 'a', deps);
    expect(first.actions.map((a) => a.status)).toEqual(['failed', 'executed']);
    const again = await handleEvent(event, 'b', deps);
    expect(again.actions.every((a) => a.suppressedBy === 'dedupe')).toBe(true);
  });

  it('a concurrent duplicate (same key, other owner, lease live) is suppressed as a duplicate', async () => {
    const { deps, store } = await testEngine(SCALE_RUNBOOK);
    const event = occurrence(sample('02-'), START);
    const key = `arn:aws:cloudwatch:us-east-1:111122223333:alarm:fraud-prod-cpu-high|ALARM|${new Date(START).toISOString()}`;
    expect(await store.claimSignal(key, 'other-invocation', START, 60_000, 3600_000)).toEqual({ status: 'started' });
    const report = await handleEvent(event, 'dup', deps);
    expect(report.actions[0]?.reason).toBe('duplicate: another invocation (other-invocation) is handling this signal right now');
  });

  it('dry-run rules plan the change and still notify, saying what would have been done', async () => {
    const { deps, writer } = await testEngine(SCALE_RUNBOOK.replace('defaults: {', 'defaults: { mode: dry-run,'));
    const report = await handleEvent(occurrence(sample('02-'), START), 'a', deps);
    expect(report.actions.map((a) => a.status)).toEqual(['planned', 'executed']);
    expect(report.actions[0]?.reason).toMatch(/\[dry-run\]$/);
    expect(writer.operations()).toEqual(['sns:Publish']);
    expect(String(writer.calls[0]?.input.Message)).toMatch(/would have done \(dry-run, nothing was changed\)/);
  });

  it('without writes allowed nothing is sent, whatever the mode', async () => {
    const { deps, writer } = await testEngine(SCALE_RUNBOOK, { allowWrites: false });
    const report = await handleEvent(occurrence(sample('02-'), START), 'a', deps);
    expect(report.actions.map((a) => a.status)).toEqual(['planned', 'planned']);
    expect(writer.calls).toEqual([]);
  });

  it('continue: true lets several rules act on one signal, in order', async () => {
    const runbook = `
version: 1
topics: { ops: ${TOPIC} }
rules:
  - id: first
    match: { kind: alarm }
    continue: true
    actions: [ { notify: { topic: ops, subject: one } } ]
  - id: second
    match: { kind: alarm, metric: CPUUtilization }
    actions: [ { notify: { topic: ops, subject: two } } ]
  - id: never
    match: { kind: alarm }
    actions: [ { notify: { topic: ops, subject: three } } ]
`;
    const { deps, writer } = await testEngine(runbook);
    const report = await handleEvent(occurrence(sample('02-'), START), 'a', deps);
    expect(report.rule).toBe('first');
    expect(report.rules).toEqual(['first', 'second']);
    expect(writer.calls.map((c) => c.input.Subject)).toEqual(['one', 'two']);
  });

  it('every handled signal leaves an audit record', async () => {
    const { deps, store } = await testEngine(SCALE_RUNBOOK);
    await handleEvent(occurrence(sample('02-'), START), 'a', deps);
    await handleEvent(sample('36-'), 'unknown', deps);
    const audit = await store.queryAudit({ since: 0 });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ endpoint: 'fraud-prod', rule: 'scale-out', at: START });
  });
});
