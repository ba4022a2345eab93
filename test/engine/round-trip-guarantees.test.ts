/**
 * What fewer DynamoDB round trips (issue 14) must not cost: the claim and the lock taken in one
 * round, one snapshot for every rule of a signal, a change's record and guard state written
 * together, and the last writes in one round. Run on the memory store and on DynamoDB (dynalite).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleEvent } from '../../shared/engine.js';
import { MedicError } from '../../shared/errors.js';
import { DynamoStateStore } from '../../shared/state/dynamodb.js';
import { MemoryStateStore } from '../../shared/state/memory.js';
import type { StateStore } from '../../shared/state/store.js';
import { type LocalDynamo, startDynalite } from '../support/dynalite.js';
import { occurrence, SCALE_RUNBOOK, START, TOPIC, testEngine } from '../support/engine.js';
import { sample } from '../support/samples.js';

const MINUTE = 60_000;
const KEY = `arn:aws:cloudwatch:us-east-1:111122223333:alarm:fraud-prod-cpu-high|ALARM|${new Date(START).toISOString()}`;
const transient = () => new MedicError('aws-throttled', 'dynamodb:PutItem failed: ThrottlingException: slow down');

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo?.stop();
});

const stores: Array<[string, () => Promise<StateStore>]> = [
  ['memory', async () => new MemoryStateStore()],
  ['dynalite', async () => new DynamoStateStore({ client: dynamo.client, tableName: await dynamo.createTable() })],
];

const outcome = (report: { actions: Array<{ type: string; status: string; suppressedBy?: string }> }) =>
  report.actions.map((a) => `${a.type}:${a.status}${a.suppressedBy ? `:${a.suppressedBy}` : ''}`);

describe.each(stores)('round trips keep the guarantees (%s)', (_, makeStore) => {
  it("a duplicate that took the lock in the round trip of its lost claim does not hold up the claim's winner", async () => {
    const { deps, store, writer } = await testEngine(SCALE_RUNBOOK, { store: await makeStore() });
    // The duplicate's lock landed first; it has not let go yet.
    expect(await store.acquireLock('fraud-prod', 'duplicate', START, 5 * MINUTE, KEY)).toBe(true);
    const report = await handleEvent(occurrence(sample('02-'), START), 'winner', deps);
    expect(outcome(report)).toEqual(['scale:executed', 'notify:executed']);
    expect(writer.operations()).toEqual(['sagemaker:UpdateEndpointWeightsAndCapacities', 'sns:Publish']);
    // The duplicate's late release frees nothing; the winner let go at its end.
    await store.releaseLock('fraud-prod', 'duplicate');
    expect((await store.getEndpointSnapshot('fraud-prod', START)).lock).toBeUndefined();
  });

  it('a lock held for another signal is waited for as before: busy, and the claim is released for the retry', async () => {
    const { deps, store } = await testEngine(SCALE_RUNBOOK, { store: await makeStore() });
    expect(await store.acquireLock('fraud-prod', 'someone-else', START, 5 * MINUTE, 'another-signal')).toBe(true);
    const report = await handleEvent(occurrence(sample('02-'), START), 'x', deps);
    expect(report.errorKind).toBe('busy');
    expect(await store.claimSignal(KEY, 'retry', START, MINUTE, 3600_000)).toEqual({ status: 'started' });
  });

  it("a change whose record was lost: the retry is not held by the cooldown that the change's own round started", async () => {
    const store = await makeStore();
    const put = store.putActionRecord.bind(store);
    let lost = false;
    store.putActionRecord = async (key, id, record, now, ttl) => {
      if (id === 'scale-out#0' && !lost) {
        lost = true;
        throw transient();
      }
      return put(key, id, record, now, ttl);
    };
    const { deps, writer, clock } = await testEngine(SCALE_RUNBOOK, { store });
    const event = occurrence(sample('02-'), START);
    const first = await handleEvent(event, 'try-1', deps);
    expect(first.errorKind).toBe('aws-throttled');
    // Its cooldown and its count landed with it, so another signal of the rule is held...
    expect((await store.getEndpointSnapshot('fraud-prod', START)).cooldowns).toEqual([
      { rule: 'scale-out', until: START + 10 * MINUTE, by: KEY },
    ]);
    // ...but the retry of this one, which cannot know the scale-out happened, does as today: acts again.
    const retry = await handleEvent(event, 'try-2', deps);
    expect(outcome(retry)).toEqual(['scale:executed', 'notify:executed']);
    expect(writer.operations()).toEqual([
      'sagemaker:UpdateEndpointWeightsAndCapacities',
      'sagemaker:UpdateEndpointWeightsAndCapacities',
      'sns:Publish',
    ]);
    clock.set(START + MINUTE);
    const other = await handleEvent(occurrence(sample('02-'), START + MINUTE), 'other', deps);
    expect(outcome(other)).toEqual(['scale:suppressed:cooldown', 'notify:suppressed:cooldown']);
  });

  it('the last round fails: retryable, lock and claim let go, the audit says so; the retry repeats nothing', async () => {
    const store = await makeStore();
    const complete = store.completeSignal.bind(store);
    let failed = false;
    store.completeSignal = async (...args) => {
      if (!failed) {
        failed = true;
        throw transient();
      }
      return complete(...args);
    };
    const { deps, writer } = await testEngine(SCALE_RUNBOOK, { store });
    const event = occurrence(sample('02-'), START);
    const first = await handleEvent(event, 'try-1', deps);
    expect(first.errorKind).toBe('aws-throttled');
    expect(outcome(first)).toEqual(['scale:executed', 'notify:executed']);
    expect((await store.getEndpointSnapshot('fraud-prod', START)).lock).toBeUndefined();
    const audit = await store.queryAudit({ endpoint: 'fraud-prod', since: 0 });
    expect(audit.map((a) => [a.event, a.errorKind])).toEqual([['try-1', 'aws-throttled']]);

    const retry = await handleEvent(event, 'try-2', deps);
    expect(retry.error).toBeNull();
    expect(retry.actions.map((a) => a.reason)).toEqual([
      expect.stringMatching(/^already done in an earlier attempt/),
      expect.stringMatching(/^already done in an earlier attempt/),
    ]);
    expect(writer.operations()).toEqual(['sagemaker:UpdateEndpointWeightsAndCapacities', 'sns:Publish']);
    expect(await handleEvent(event, 'try-3', deps)).toMatchObject({ actions: [{ suppressedBy: 'dedupe' }, { suppressedBy: 'dedupe' }] });
  });

  it("two rules of one signal under one lock: the second sees the first one's change in the hourly limit", async () => {
    const runbook = `
version: 1
defaults: { cooldown: 10m, scale: { max: 8 }, maxRemediationsPerHour: 1 }
topics: { ops: ${TOPIC} }
rules:
  - id: scale-out
    match: { kind: alarm, state: ALARM, metric: CPUUtilization }
    continue: true
    actions: [ { scale: { by: 1 } } ]
  - id: scale-more
    match: { kind: alarm, state: ALARM, metric: CPUUtilization }
    actions: [ { scale: { by: 1 } }, { notify: { topic: ops } } ]
`;
    const { deps, store, writer } = await testEngine(runbook, { store: await makeStore() });
    const report = await handleEvent(occurrence(sample('02-'), START), 'a', deps);
    expect(outcome(report)).toEqual(['scale:executed', 'scale:suppressed:limit', 'notify:executed', 'notify:executed']);
    expect(writer.calls.filter((c) => String(c.input.Subject).includes('automatic remediation paused'))).toHaveLength(1);
    expect(await store.countRemediations('fraud-prod', START - 3600_000)).toBe(1);
    expect(await store.getCircuit('fraud-prod', START)).toMatchObject({ openedAt: START });
  });
});
