/**
 * The StateStore contract: one suite, run against every implementation (memory and DynamoDB
 * on dynalite). Times are fixed epoch ms, never the system clock,
 * because the stores must work on backtest's virtual clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionReport } from '../../shared/report.js';
import { DynamoStateStore } from '../../shared/state/dynamodb.js';
import { MEMORY_AUDIT_KEPT, MemoryStateStore } from '../../shared/state/memory.js';
import type { AuditRecord, LadderState, ScaleChange, StateStore } from '../../shared/state/store.js';
import { CONFIG_HISTORY_LIMIT } from '../../shared/state/table-layout.js';
import { type LocalDynamo, startDynalite } from '../support/dynalite.js';

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const KEY = 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:fraud-prod-latency#ALARM#2026-01-15T12:00:00.000+0000';

const action = (status: ActionReport['status'], reason = 'done'): ActionReport => ({
  type: 'scale',
  rule: 'scale-out',
  status,
  reason,
  calls: [{ service: 'sagemaker', operation: 'UpdateEndpointWeightsAndCapacities', input: { EndpointName: 'fraud-prod' } }],
});

const audit = (event: string, at: number, endpoint?: string): AuditRecord => ({
  event,
  at,
  key: `key-${event}`,
  ...(endpoint === undefined ? {} : { endpoint }),
  signal: null,
  rule: 'scale-out',
  actions: [action('executed')],
  ignored: null,
  error: null,
});

function stateStoreContract(name: string, makeStore: () => Promise<StateStore>): void {
  describe(`StateStore contract: ${name}`, () => {
    describe('signal claims', () => {
      it('the first claim starts; a concurrent owner sees in-progress with the holder; the holder may claim again', async () => {
        const store = await makeStore();
        expect(await store.claimSignal(KEY, 'a', T0, MINUTE, HOUR)).toEqual({ status: 'started' });
        expect(await store.claimSignal(KEY, 'b', T0 + SECOND, MINUTE, HOUR)).toEqual({ status: 'in-progress', owner: 'a' });
        expect(await store.claimSignal(KEY, 'a', T0 + 2 * SECOND, MINUTE, HOUR)).toEqual({ status: 'started' });
        expect(await store.claimSignal('other-key', 'b', T0, MINUTE, HOUR)).toEqual({ status: 'started' });
      });

      it('a completed signal is a duplicate for everyone, its owner included, until its TTL passes', async () => {
        const store = await makeStore();
        await store.claimSignal(KEY, 'a', T0, MINUTE, HOUR);
        await store.completeSignal(KEY, 'a', T0 + SECOND, HOUR);
        expect(await store.claimSignal(KEY, 'b', T0 + 2 * SECOND, MINUTE, HOUR)).toEqual({ status: 'completed' });
        expect(await store.claimSignal(KEY, 'a', T0 + 2 * SECOND, MINUTE, HOUR)).toEqual({ status: 'completed' });
        // Completion restarts the TTL from its own time: still a duplicate just before, forgotten at it.
        expect(await store.claimSignal(KEY, 'b', T0 + SECOND + HOUR - 1, MINUTE, HOUR)).toEqual({ status: 'completed' });
        expect(await store.claimSignal(KEY, 'b', T0 + SECOND + HOUR, MINUTE, HOUR)).toEqual({ status: 'started' });
      });

      it('completing without a claim records the signal as handled', async () => {
        const store = await makeStore();
        await store.completeSignal(KEY, 'a', T0, HOUR);
        expect(await store.claimSignal(KEY, 'b', T0 + 1, MINUTE, HOUR)).toEqual({ status: 'completed' });
      });

      it('a lease that runs out lets another owner take over; the old holder then sees the new one', async () => {
        const store = await makeStore();
        await store.claimSignal(KEY, 'a', T0, MINUTE, HOUR);
        expect(await store.claimSignal(KEY, 'b', T0 + MINUTE - 1, MINUTE, HOUR)).toEqual({ status: 'in-progress', owner: 'a' });
        expect(await store.claimSignal(KEY, 'b', T0 + MINUTE, MINUTE, HOUR)).toEqual({ status: 'started' });
        expect(await store.claimSignal(KEY, 'a', T0 + MINUTE + 1, MINUTE, HOUR)).toEqual({ status: 'in-progress', owner: 'b' });
      });

      it('an in-progress claim past its TTL is absent, even with a longer lease', async () => {
        const store = await makeStore();
        await store.claimSignal(KEY, 'a', T0, 2 * HOUR, HOUR);
        expect(await store.claimSignal(KEY, 'b', T0 + HOUR, MINUTE, HOUR)).toEqual({ status: 'started' });
      });

      it('release by the owner frees the key at once; release by anyone else, or after completion, does nothing', async () => {
        const store = await makeStore();
        await store.claimSignal(KEY, 'a', T0, MINUTE, HOUR);
        await store.releaseSignal(KEY, 'b');
        expect(await store.claimSignal(KEY, 'b', T0 + 1, MINUTE, HOUR)).toEqual({ status: 'in-progress', owner: 'a' });
        await store.releaseSignal(KEY, 'a');
        expect(await store.claimSignal(KEY, 'b', T0 + 2, MINUTE, HOUR)).toEqual({ status: 'started' });
        await store.completeSignal(KEY, 'b', T0 + 3, HOUR);
        await store.releaseSignal(KEY, 'b');
        expect(await store.claimSignal(KEY, 'c', T0 + 4, MINUTE, HOUR)).toEqual({ status: 'completed' });
        await store.releaseSignal('never-claimed', 'a');
      });
    });

    describe('action records', () => {
      it('are kept per signal key and action id; a later put replaces an earlier one', async () => {
        const store = await makeStore();
        expect(await store.getActionRecords(KEY)).toEqual(new Map());
        await store.claimSignal(KEY, 'a', T0, MINUTE, HOUR);
        await store.putActionRecord(KEY, 'scale-out#0', action('skipped', 'first'), T0, HOUR);
        await store.putActionRecord(KEY, 'scale-out#0', action('executed'), T0 + 1, HOUR);
        await store.putActionRecord(KEY, 'scale-out#1', action('executed', 'notified'), T0 + 2, HOUR);
        await store.putActionRecord('other-key', 'scale-out#0', action('skipped'), T0, HOUR);
        expect(await store.getActionRecords(KEY)).toEqual(
          new Map([
            ['scale-out#0', action('executed')],
            ['scale-out#1', action('executed', 'notified')],
          ]),
        );
        // The caller gets a copy: changing it changes nothing stored.
        (await store.getActionRecords(KEY)).clear();
        expect((await store.getActionRecords(KEY)).size).toBe(2);
      });

      it('survive a release and re-claim within the window (a Lambda retry finishes only what is left)', async () => {
        const store = await makeStore();
        await store.claimSignal(KEY, 'a', T0, MINUTE, HOUR);
        await store.putActionRecord(KEY, 'scale-out#0', action('executed'), T0 + 1, HOUR);
        await store.releaseSignal(KEY, 'a');
        expect(await store.claimSignal(KEY, 'b', T0 + 2 * MINUTE, MINUTE, HOUR)).toEqual({ status: 'started' });
        expect([...(await store.getActionRecords(KEY)).keys()]).toEqual(['scale-out#0']);
      });

      it('from a window whose TTL passed are absent when the key is claimed again', async () => {
        const store = await makeStore();
        await store.claimSignal(KEY, 'a', T0, MINUTE, HOUR);
        await store.putActionRecord(KEY, 'scale-out#0', action('executed'), T0 + 1, HOUR);
        await store.completeSignal(KEY, 'a', T0 + 2, HOUR);
        expect(await store.claimSignal(KEY, 'b', T0 + 2 * HOUR, MINUTE, HOUR)).toEqual({ status: 'started' });
        expect(await store.getActionRecords(KEY)).toEqual(new Map());
      });
    });

    describe('cooldowns', () => {
      it('are per rule and endpoint (`*` when the signal has none), absent until set, replaced when set again', async () => {
        const store = await makeStore();
        expect(await store.getCooldownUntil('scale-out', 'fraud-prod')).toBeUndefined();
        await store.setCooldownUntil('scale-out', 'fraud-prod', T0 + 10 * MINUTE);
        await store.setCooldownUntil('scale-out', '*', T0 + 5 * MINUTE);
        expect(await store.getCooldownUntil('scale-out', 'fraud-prod')).toBe(T0 + 10 * MINUTE);
        expect(await store.getCooldownUntil('scale-out', '*')).toBe(T0 + 5 * MINUTE);
        expect(await store.getCooldownUntil('notify-only', 'fraud-prod')).toBeUndefined();
        expect(await store.getCooldownUntil('scale-out', 'search-prod')).toBeUndefined();
        await store.setCooldownUntil('scale-out', 'fraud-prod', T0 + 20 * MINUTE);
        expect(await store.getCooldownUntil('scale-out', 'fraud-prod')).toBe(T0 + 20 * MINUTE);
      });

      it('remember the signal that started them (the endpoint snapshot shows it), and forget it when set again without one', async () => {
        const store = await makeStore();
        await store.setCooldownUntil('scale-out', 'fraud-prod', T0 + 10 * MINUTE, KEY);
        await store.setCooldownUntil('notify-only', 'fraud-prod', T0 + 10 * MINUTE);
        await store.setCooldownUntil('scale-out', '*', T0 + 10 * MINUTE, 'other-key');
        expect((await store.getEndpointSnapshot('fraud-prod', T0)).cooldowns).toEqual([
          { rule: 'notify-only', until: T0 + 10 * MINUTE },
          { rule: 'scale-out', until: T0 + 10 * MINUTE, by: KEY },
        ]);
        expect((await store.getEndpointSnapshot('*', T0)).cooldowns).toEqual([
          { rule: 'scale-out', until: T0 + 10 * MINUTE, by: 'other-key' },
        ]);
        await store.setCooldownUntil('scale-out', 'fraud-prod', T0 + 20 * MINUTE);
        expect((await store.getEndpointSnapshot('fraud-prod', T0)).cooldowns).toContainEqual({
          rule: 'scale-out',
          until: T0 + 20 * MINUTE,
        });
        expect(await store.getCooldownUntil('scale-out', 'fraud-prod')).toBe(T0 + 20 * MINUTE);
      });
    });

    describe('endpoint locks', () => {
      it('one holder at a time; the holder renews; the lease lapses at exactly now + lease', async () => {
        const store = await makeStore();
        expect(await store.acquireLock('fraud-prod', 'a', T0, MINUTE)).toBe(true);
        expect(await store.acquireLock('fraud-prod', 'b', T0 + 1, MINUTE)).toBe(false);
        expect(await store.acquireLock('search-prod', 'b', T0 + 1, MINUTE)).toBe(true);
        expect(await store.acquireLock('fraud-prod', 'a', T0 + 30 * SECOND, MINUTE)).toBe(true);
        expect(await store.acquireLock('fraud-prod', 'b', T0 + 90 * SECOND - 1, MINUTE)).toBe(false);
        expect(await store.acquireLock('fraud-prod', 'b', T0 + 90 * SECOND, MINUTE)).toBe(true);
        expect(await store.acquireLock('fraud-prod', 'a', T0 + 90 * SECOND, MINUTE)).toBe(false);
      });

      it('release by a non-holder does nothing; release by the holder frees it at once', async () => {
        const store = await makeStore();
        await store.acquireLock('fraud-prod', 'a', T0, MINUTE);
        await store.releaseLock('fraud-prod', 'b');
        expect(await store.acquireLock('fraud-prod', 'b', T0 + 1, MINUTE)).toBe(false);
        await store.releaseLock('fraud-prod', 'a');
        expect(await store.acquireLock('fraud-prod', 'b', T0 + 2, MINUTE)).toBe(true);
        // A late release from the old holder must not free the new holder's lock.
        await store.releaseLock('fraud-prod', 'a');
        expect(await store.acquireLock('fraud-prod', 'c', T0 + 3, MINUTE)).toBe(false);
        await store.releaseLock('never-locked', 'a');
      });

      it("taken for a key: the holder of that key's claim takes it over from another owner of the same key, only when it says so", async () => {
        const store = await makeStore();
        // A duplicate of the signal took the lock in the round trip of its (lost) claim.
        expect(await store.acquireLock('fraud-prod', 'duplicate', T0, MINUTE, KEY)).toBe(true);
        // Another owner without takeOver, or for another key, waits as for any holder.
        expect(await store.acquireLock('fraud-prod', 'winner', T0 + 1, MINUTE, KEY)).toBe(false);
        expect(await store.acquireLock('fraud-prod', 'other', T0 + 1, MINUTE, 'other-key', true)).toBe(false);
        expect(await store.acquireLock('fraud-prod', 'other', T0 + 1, MINUTE)).toBe(false);
        // The claim's winner takes it over; the duplicate's late release then frees nothing.
        expect(await store.acquireLock('fraud-prod', 'winner', T0 + 1, MINUTE, KEY, true)).toBe(true);
        await store.releaseLock('fraud-prod', 'duplicate');
        expect(await store.acquireLock('fraud-prod', 'other', T0 + 2, MINUTE, 'other-key', true)).toBe(false);
        expect((await store.getEndpointSnapshot('fraud-prod', T0 + 2)).lock).toEqual({ owner: 'winner', until: T0 + 1 + MINUTE });
        // A lock taken for no key is never taken over.
        await store.releaseLock('fraud-prod', 'winner');
        expect(await store.acquireLock('fraud-prod', 'check', T0 + 3, MINUTE)).toBe(true);
        expect(await store.acquireLock('fraud-prod', 'winner', T0 + 4, MINUTE, KEY, true)).toBe(false);
      });
    });

    describe('remediation counts', () => {
      it('count what was recorded at or after `since`, per endpoint (a sliding window)', async () => {
        const store = await makeStore();
        expect(await store.countRemediations('fraud-prod', T0 - HOUR)).toBe(0);
        for (const [i, minutes] of [0, 10, 50, 59].entries()) {
          await store.recordRemediation('fraud-prod', `k${i}#scale-out#0`, T0 + minutes * MINUTE, HOUR);
        }
        await store.recordRemediation('search-prod', 'k9#scale-out#0', T0 + 5 * MINUTE, HOUR);
        expect(await store.countRemediations('fraud-prod', T0 - HOUR)).toBe(4);
        expect(await store.countRemediations('fraud-prod', T0)).toBe(4);
        expect(await store.countRemediations('fraud-prod', T0 + 1)).toBe(3);
        expect(await store.countRemediations('fraud-prod', T0 + 50 * MINUTE)).toBe(2);
        expect(await store.countRemediations('fraud-prod', T0 + 60 * MINUTE)).toBe(0);
        expect(await store.countRemediations('search-prod', T0 - HOUR)).toBe(1);
      });

      it('counting forgets nothing: a later count from an earlier `since` sees it all', async () => {
        const store = await makeStore();
        await store.recordRemediation('fraud-prod', 'k1#scale-out#0', T0, HOUR);
        expect(await store.countRemediations('fraud-prod', T0 + MINUTE)).toBe(0);
        expect(await store.countRemediations('fraud-prod', T0)).toBe(1);
      });

      it('recording the same remediation twice (a retried write) counts it once', async () => {
        const store = await makeStore();
        await store.recordRemediation('fraud-prod', 'k1#scale-out#0', T0, HOUR);
        await store.recordRemediation('fraud-prod', 'k1#scale-out#0', T0, HOUR);
        expect(await store.countRemediations('fraud-prod', T0 - HOUR)).toBe(1);
      });
    });

    describe('circuit breaker', () => {
      it('opens exactly once while open, reports its state, and can open again once it has lapsed', async () => {
        const store = await makeStore();
        expect(await store.getCircuit('fraud-prod', T0)).toBeUndefined();
        expect(await store.openCircuit('fraud-prod', T0, T0 + HOUR, '3 changes in the last hour')).toBe(true);
        expect(await store.openCircuit('fraud-prod', T0 + 1, T0 + 2 * HOUR, 'again')).toBe(false);
        expect(await store.openCircuit('search-prod', T0 + 1, T0 + HOUR, 'other')).toBe(true);
        expect(await store.getCircuit('fraud-prod', T0 + HOUR - 1)).toEqual({
          openedAt: T0,
          until: T0 + HOUR,
          reason: '3 changes in the last hour',
        });
        expect(await store.getCircuit('fraud-prod', T0 + HOUR)).toBeUndefined();
        expect(await store.openCircuit('fraud-prod', T0 + HOUR, T0 + 2 * HOUR, 'later')).toBe(true);
        expect(await store.getCircuit('fraud-prod', T0 + HOUR)).toEqual({ openedAt: T0 + HOUR, until: T0 + 2 * HOUR, reason: 'later' });
      });

      it('closing it lets the next call open it again', async () => {
        const store = await makeStore();
        await store.openCircuit('fraud-prod', T0, T0 + HOUR, 'limit');
        await store.closeCircuit('fraud-prod');
        expect(await store.getCircuit('fraud-prod', T0 + 1)).toBeUndefined();
        expect(await store.openCircuit('fraud-prod', T0 + 2, T0 + HOUR, 'limit again')).toBe(true);
        await store.closeCircuit('never-opened');
      });
    });

    describe('endpoint config history', () => {
      it('appends oldest first, skips a repeat of the live config, keeps older repeats, per endpoint', async () => {
        const store = await makeStore();
        expect(await store.getEndpointConfigHistory('fraud-prod')).toEqual([]);
        for (const config of ['cfg-1', 'cfg-2', 'cfg-2', 'cfg-1', 'cfg-1']) {
          await store.recordEndpointConfig('fraud-prod', config, T0);
        }
        await store.recordEndpointConfig('search-prod', 'search-1', T0);
        expect(await store.getEndpointConfigHistory('fraud-prod')).toEqual(['cfg-1', 'cfg-2', 'cfg-1']);
        expect(await store.getEndpointConfigHistory('search-prod')).toEqual(['search-1']);
      });

      it(`keeps only the newest ${CONFIG_HISTORY_LIMIT} configs`, async () => {
        const store = await makeStore();
        const configs = Array.from({ length: CONFIG_HISTORY_LIMIT + 5 }, (_, i) => `cfg-${i}`);
        for (const config of configs) await store.recordEndpointConfig('fraud-prod', config, T0);
        expect(await store.getEndpointConfigHistory('fraud-prod')).toEqual(configs.slice(-CONFIG_HISTORY_LIMIT));
      });
    });

    describe('scale changes', () => {
      it('put, get and delete per endpoint and variant', async () => {
        const store = await makeStore();
        const change: ScaleChange = {
          via: 'auto-scaling',
          before: { min: 1, max: 4 },
          after: { min: 2, max: 4 },
          rule: 'scale-out',
          at: T0,
        };
        expect(await store.getScaleChange('fraud-prod', 'AllTraffic')).toBeUndefined();
        await store.putScaleChange('fraud-prod', 'AllTraffic', change);
        await store.putScaleChange('fraud-prod', 'Canary', { ...change, via: 'instance-count', before: { count: 1 }, after: { count: 2 } });
        expect(await store.getScaleChange('fraud-prod', 'AllTraffic')).toEqual(change);
        expect((await store.getScaleChange('fraud-prod', 'Canary'))?.after).toEqual({ count: 2 });
        await store.deleteScaleChange('fraud-prod', 'AllTraffic');
        expect(await store.getScaleChange('fraud-prod', 'AllTraffic')).toBeUndefined();
        expect(await store.getScaleChange('fraud-prod', 'Canary')).toBeDefined();
        await store.deleteScaleChange('fraud-prod', 'never-scaled');
      });
    });

    describe('audit trail', () => {
      it('queries by endpoint or across all, from `since` (inclusive), newest first, up to `limit`', async () => {
        const store = await makeStore();
        const records = [
          audit('e1', T0, 'fraud-prod'),
          audit('e2', T0 + 2 * MINUTE, 'search-prod'),
          audit('e3', T0 + 3 * MINUTE, 'fraud-prod'),
          audit('e4', T0 + 4 * MINUTE),
          audit('e5', T0 + 1 * MINUTE, 'fraud-prod'),
        ];
        for (const r of records) await store.putAudit(r, 30 * 24 * HOUR);
        const events = (found: AuditRecord[]) => found.map((r) => r.event);
        expect(events(await store.queryAudit({ endpoint: 'fraud-prod', since: T0 - HOUR }))).toEqual(['e3', 'e5', 'e1']);
        expect(events(await store.queryAudit({ endpoint: 'fraud-prod', since: T0 + MINUTE }))).toEqual(['e3', 'e5']);
        expect(events(await store.queryAudit({ endpoint: 'fraud-prod', since: T0 - HOUR, limit: 2 }))).toEqual(['e3', 'e5']);
        expect(events(await store.queryAudit({ since: T0 - HOUR }))).toEqual(['e4', 'e3', 'e2', 'e5', 'e1']);
        expect(events(await store.queryAudit({ since: T0 + 2 * MINUTE, limit: 2 }))).toEqual(['e4', 'e3']);
        expect(await store.queryAudit({ endpoint: 'nowhere', since: 0 })).toEqual([]);
        expect(await store.queryAudit({ endpoint: 'fraud-prod', since: T0 + 3 * MINUTE })).toEqual([records[2]]);
      });

      it('records that share a millisecond come back in one stable order: by event id, last first (bytes, as DynamoDB sorts)', async () => {
        const store = await makeStore();
        // Written in an order that is neither ascending nor descending; U+FF21 sorts before an
        // emoji in UTF-8 (DynamoDB) but after it in UTF-16 (a plain JavaScript comparison).
        const written = ['evt-b', 'evt-\u{1F600}', 'evt-a', 'evt-\uFF21', 'evt-c'];
        for (const event of written) await store.putAudit(audit(event, T0, 'fraud-prod'), 30 * 24 * HOUR);
        await store.putAudit(audit('later', T0 + 1, 'search-prod'), 30 * 24 * HOUR);
        await store.putAudit(audit('earlier', T0 - 1), 30 * 24 * HOUR);
        const events = (found: AuditRecord[]) => found.map((r) => r.event);
        const sameMs = ['evt-\u{1F600}', 'evt-\uFF21', 'evt-c', 'evt-b', 'evt-a'];
        expect(events(await store.queryAudit({ endpoint: 'fraud-prod', since: 0 }))).toEqual(sameMs);
        expect(events(await store.queryAudit({ since: 0 }))).toEqual(['later', ...sameMs, 'earlier']);
        expect(events(await store.queryAudit({ since: 0, limit: 3 }))).toEqual(['later', ...sameMs.slice(0, 2)]);
      });

      it('a record written again for the same event in the same millisecond replaces the first', async () => {
        const store = await makeStore();
        await store.putAudit({ ...audit('evt-a', T0, 'fraud-prod'), rule: 'first-attempt' }, 30 * 24 * HOUR);
        await store.putAudit({ ...audit('evt-a', T0, 'fraud-prod'), rule: 'second-attempt' }, 30 * 24 * HOUR);
        expect((await store.queryAudit({ since: 0 })).map((r) => r.rule)).toEqual(['second-attempt']);
      });
    });

    describe('endpoint status', () => {
      it('keeps the newest event: an older state change arriving late does not overwrite it', async () => {
        const store = await makeStore();
        expect(await store.getEndpointStatus('fraud-prod')).toBeUndefined();
        await store.recordEndpointStatus('fraud-prod', { status: 'Updating', at: T0 + MINUTE }, HOUR);
        await store.recordEndpointStatus('fraud-prod', { status: 'InService', at: T0 }, HOUR);
        expect(await store.getEndpointStatus('fraud-prod')).toEqual({ status: 'Updating', at: T0 + MINUTE });
        await store.recordEndpointStatus('fraud-prod', { status: 'InService', at: T0 + 2 * MINUTE }, HOUR);
        expect(await store.getEndpointStatus('fraud-prod')).toEqual({ status: 'InService', at: T0 + 2 * MINUTE });
        expect(await store.getEndpointStatus('other-prod')).toBeUndefined();
      });
    });

    describe('escalation ladders', () => {
      const ALARM_ARN = 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:fraud-prod-5xx';
      const ladder = (rule: string, over: Partial<LadderState> = {}): LadderState => ({
        key: `${ALARM_ARN}#2026-01-15T12:00:00.000+0000`,
        rule,
        alarmArn: ALARM_ARN,
        alarm: 'fraud-prod-5xx',
        endpoint: 'fraud-prod',
        since: '2026-01-15T12:00:00.000+0000',
        startedAt: T0,
        status: 'open',
        next: { step: 1, attempt: 1, at: T0 + 10 * MINUTE, timer: 'medic-check-abc-1-1' },
        stepsRun: 0,
        signal: {
          kind: 'alarm',
          key: KEY,
          source: 'aws.cloudwatch',
          eventId: 'e1',
          time: '2026-01-15T12:00:00Z',
          account: '111122223333',
          region: 'us-east-1',
          endpoint: 'fraud-prod',
          alarm: 'fraud-prod-5xx',
          alarmArn: ALARM_ARN,
          composite: false,
          state: 'ALARM',
          stateTimestamp: '2026-01-15T12:00:00.000+0000',
          metrics: [],
        },
        ...over,
      });

      it('one ladder per alarm and rule: a put replaces it, and every rule of the alarm is read back', async () => {
        const store = await makeStore();
        expect(await store.getLadders(ALARM_ARN)).toEqual([]);
        await store.putLadder(ladder('errors'), 24 * HOUR, T0);
        await store.putLadder(ladder('latency'), 24 * HOUR, T0);
        const advanced = ladder('errors', { stepsRun: 1, next: { step: 2, attempt: 1, at: T0 + 25 * MINUTE, timer: 't2' } });
        await store.putLadder(advanced, 24 * HOUR, T0 + 10 * MINUTE);
        const found = (await store.getLadders(ALARM_ARN)).sort((a, b) => a.rule.localeCompare(b.rule));
        expect(found).toEqual([advanced, ladder('latency')]);
      });

      it('lists the open ladders of an endpoint, newest first; ended and expired ones are not listed', async () => {
        const store = await makeStore();
        const other = 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:fraud-prod-latency';
        await store.putLadder(ladder('errors'), 24 * HOUR, T0);
        await store.putLadder(ladder('latency', { alarmArn: other, startedAt: T0 + MINUTE }), 24 * HOUR, T0 + MINUTE);
        await store.putLadder(ladder('short', { alarmArn: other, startedAt: T0 + 2 * MINUTE }), MINUTE, T0 + 2 * MINUTE);
        expect((await store.listOpenLadders('fraud-prod', T0 + 2 * MINUTE)).map((l) => l.rule)).toEqual(['short', 'latency', 'errors']);
        expect((await store.listOpenLadders('fraud-prod', T0 + 4 * MINUTE)).map((l) => l.rule)).toEqual(['latency', 'errors']);
        const { next: _next, ...ended } = ladder('errors', { status: 'resolved', endedAt: T0 + 5 * MINUTE, endReason: 'OK' });
        await store.putLadder(ended, 24 * HOUR, T0 + 5 * MINUTE);
        expect((await store.listOpenLadders('fraud-prod', T0 + 5 * MINUTE)).map((l) => l.rule)).toEqual(['latency']);
        expect(await store.listOpenLadders('other-prod', T0)).toEqual([]);
      });
    });

    describe('operator controls', () => {
      const silence = (id: string, over: Record<string, unknown> = {}) => ({
        silence: id,
        endpoint: 'fraud-*',
        startsAt: T0,
        endsAt: T0 + HOUR,
        quiet: false,
        by: 'arn:aws:sts::111122223333:assumed-role/oncall/alice',
        reason: 'load test',
        createdAt: T0,
        ...over,
      });

      it('silences: put once, listed until they end (by themselves or early), ended once', async () => {
        const store = await makeStore();
        await store.putSilence(silence('sil-a'), 7 * 24 * HOUR);
        await store.putSilence(silence('sil-a', { reason: 'again' }), 7 * 24 * HOUR); // a redelivery: the first stands
        await store.putSilence(
          silence('sil-b', { startsAt: T0 + HOUR, endsAt: T0 + 2 * HOUR, rule: 'scale-*', kind: 'alarm' }),
          7 * 24 * HOUR,
        );
        expect((await store.listSilences(T0)).map((x) => [x.silence, x.reason])).toEqual([
          ['sil-a', 'load test'],
          ['sil-b', 'load test'],
        ]);
        expect(await store.endSilence('sil-a', T0 + MINUTE, 'bob', 'done')).toBe(true);
        expect(await store.endSilence('sil-a', T0 + 2 * MINUTE, 'bob')).toBe(false);
        expect(await store.endSilence('nope', T0, 'bob')).toBe(false);
        expect((await store.listSilences(T0 + 2 * MINUTE)).map((x) => x.silence)).toEqual(['sil-b']);
        expect((await store.listSilences(T0 + 2 * HOUR)).map((x) => x.silence)).toEqual([]);
      });

      it('approvals: put once, decided once, granted only before the deadline; pending ones listed', async () => {
        const store = await makeStore();
        const approval = {
          id: 'apr-1',
          rule: 'rollback-rule',
          endpoint: 'fraud-prod',
          action: { type: 'rollback' as const, params: {} },
          index: 0,
          signal: {
            kind: 'monitoring' as const,
            key: 'k',
            source: 's',
            eventId: 'e',
            time: 't',
            account: 'a',
            region: 'r',
            job: 'j',
            jobArn: 'ja',
            status: 'Failed' as const,
            violations: [],
          },
          createdAt: T0,
          expiresAt: T0 + HOUR,
          status: 'pending' as const,
        };
        expect(await store.putApproval(approval, 7 * 24 * HOUR)).toEqual(approval);
        expect(await store.putApproval({ ...approval, rule: 'other' }, 7 * 24 * HOUR)).toEqual(approval);
        await store.putApproval({ ...approval, id: 'apr-2', expiresAt: T0 + 2 * HOUR }, 7 * 24 * HOUR);
        expect((await store.listPendingApprovals(T0)).map((a) => a.id)).toEqual(['apr-1', 'apr-2']);
        expect(await store.decideApproval('apr-1', 'granted', 'bob', T0 + HOUR + 1)).toBe(false); // too late
        expect(await store.decideApproval('apr-1', 'granted', 'bob', T0 + MINUTE, 'ok')).toBe(true);
        expect(await store.decideApproval('apr-1', 'rejected', 'carol', T0 + 2 * MINUTE)).toBe(false);
        expect(await store.getApproval('apr-1')).toMatchObject({
          status: 'granted',
          decidedBy: 'bob',
          decidedAt: T0 + MINUTE,
          reason: 'ok',
        });
        // A held grant reopens it, only for whoever granted it; then it can be decided again.
        expect(await store.reopenApproval('apr-1', 'carol')).toBe(false);
        expect(await store.reopenApproval('apr-1', 'bob')).toBe(true);
        expect(await store.getApproval('apr-1')).toEqual(expect.objectContaining({ status: 'pending' }));
        expect((await store.getApproval('apr-1'))?.decidedBy).toBeUndefined();
        expect(await store.reopenApproval('apr-1', 'bob')).toBe(false);
        expect(await store.decideApproval('apr-1', 'granted', 'bob', T0 + 2 * MINUTE)).toBe(true);
        expect(await store.decideApproval('apr-2', 'expired', 'model-medic', T0 + 3 * HOUR)).toBe(true);
        expect(await store.listPendingApprovals(T0)).toEqual([]);
        expect(await store.getApproval('nope')).toBeUndefined();
      });

      it('an endpoint snapshot: live cooldowns, lock, circuit and status; forgetting the last hour of remediations', async () => {
        const store = await makeStore();
        await store.setCooldownUntil('scale-out', 'fraud-prod', T0 + 10 * MINUTE);
        await store.setCooldownUntil('old', 'fraud-prod', T0 - MINUTE);
        await store.setCooldownUntil('scale-out', 'churn-prod', T0 + 10 * MINUTE);
        await store.acquireLock('fraud-prod', 'req-1', T0, 5 * MINUTE);
        await store.openCircuit('fraud-prod', T0, T0 + 6 * HOUR, 'too many');
        await store.recordEndpointStatus('fraud-prod', { status: 'Updating', at: T0 }, HOUR);
        expect(await store.getEndpointSnapshot('fraud-prod', T0)).toEqual({
          cooldowns: [{ rule: 'scale-out', until: T0 + 10 * MINUTE }],
          lock: { owner: 'req-1', until: T0 + 5 * MINUTE },
          circuit: { openedAt: T0, until: T0 + 6 * HOUR, reason: 'too many' },
          status: { status: 'Updating', at: T0 },
        });
        expect(await store.getEndpointSnapshot('search-prod', T0)).toEqual({ cooldowns: [] });

        await store.recordRemediation('fraud-prod', 'r1', T0 - 2 * HOUR, 3 * HOUR);
        await store.recordRemediation('fraud-prod', 'r2', T0 - MINUTE, 3 * HOUR);
        await store.recordRemediation('fraud-prod', 'r3', T0, 3 * HOUR);
        await store.forgetRemediations('fraud-prod', T0 - HOUR);
        expect(await store.countRemediations('fraud-prod', T0 - 3 * HOUR)).toBe(1);
      });
    });

    describe('conditional ladder writes', () => {
      it('only over the open ladder of that key waiting for that check', async () => {
        const store = await makeStore();
        const arn = 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:x';
        const base: LadderState = {
          key: `${arn}#t1`,
          rule: 'r',
          alarmArn: arn,
          alarm: 'x',
          since: 't1',
          startedAt: T0,
          status: 'open',
          next: { step: 1, attempt: 1, at: T0 + MINUTE, timer: 't' },
          stepsRun: 0,
          signal: {
            kind: 'alarm',
            key: 'k',
            source: 's',
            eventId: 'e',
            time: 't',
            account: 'a',
            region: 'r',
            alarm: 'x',
            alarmArn: arn,
            composite: false,
            state: 'ALARM',
            stateTimestamp: 't1',
            metrics: [],
          },
        };
        expect(await store.putLadder(base, HOUR, T0, { key: base.key })).toBe(false); // nothing stored yet
        expect(await store.putLadder(base, HOUR, T0)).toBe(true);
        const step2 = { ...base, next: { step: 2, attempt: 1, at: T0 + 2 * MINUTE, timer: 't2' }, stepsRun: 1 };
        expect(await store.putLadder(step2, HOUR, T0, { key: base.key, next: { step: 1, attempt: 2 } })).toBe(false);
        expect(await store.putLadder(step2, HOUR, T0, { key: base.key, next: { step: 1, attempt: 1 } })).toBe(true);
        expect(await store.putLadder(step2, HOUR, T0, { key: `${arn}#t0` })).toBe(false);
        const { next: _n, ...rest } = step2;
        expect(await store.putLadder({ ...rest, status: 'resolved' }, HOUR, T0, { key: base.key })).toBe(true);
        expect(await store.putLadder(step2, HOUR, T0, { key: base.key })).toBe(false); // ended: not brought back
        expect((await store.getLadders(arn))[0]?.status).toBe('resolved');
      });
    });
  });
}

stateStoreContract('memory', async () => new MemoryStateStore());

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo?.stop();
});
// A fresh table per test: no test sees another's items.
stateStoreContract(
  'dynamodb (dynalite)',
  async () => new DynamoStateStore({ client: dynamo.client, tableName: await dynamo.createTable() }),
);

describe('MemoryStateStore: bounded audit', () => {
  it(`keeps the newest ${MEMORY_AUDIT_KEPT} audit records, so a long-lived container or a storm does not grow without bound`, async () => {
    const store = new MemoryStateStore();
    const at0 = Date.parse('2026-11-23T04:00:00Z');
    const written = 2 * MEMORY_AUDIT_KEPT + 5;
    for (let i = 0; i < written; i++) {
      const record = {
        event: `e-${i}`,
        signal: null,
        rule: null,
        actions: [],
        ignored: 'x',
        error: null,
        at: at0 + i,
        endpoint: 'fraud-prod',
      };
      await store.putAudit(record);
      // Written again as the same item (an event that fails after its audit): one record, not two.
      if (i % 10 === 0) await store.putAudit({ ...record, ignored: 'y' });
    }
    const kept = await store.queryAudit({ since: 0 });
    expect(kept).toHaveLength(MEMORY_AUDIT_KEPT);
    expect(kept[0]?.event).toBe(`e-${written - 1}`);
    expect(kept.at(-1)?.event).toBe(`e-${written - MEMORY_AUDIT_KEPT}`);
    expect(kept.find((r) => r.event === `e-${written - 5}`)?.ignored).toBe('y');
  });
});
