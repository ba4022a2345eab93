/**
 * StateStore over one DynamoDB table (layout in table-layout.ts). Same semantics as
 * MemoryStateStore; test/state/store-contract.test.ts runs one suite against both.
 *
 * - Every race is settled by a conditional write, never read-then-write: a claim, lock or
 *   circuit is taken by a PutItem whose ConditionExpression says when taking it is allowed.
 * - `now` always comes from the caller (virtual clocks); nothing here reads the system clock.
 * - TTL deletion is lazy (up to days late), so expiring items also carry their exact expiry in
 *   ms and every read or condition compares against it; `expiresAt` (seconds) only cleans up.
 * - Any DynamoDB failure surfaces as a MedicError naming the operation and the table, e.g.
 *   `dynamodb:PutItem on table medic-state, item ENDPOINT#fraud failed: ThrottlingException: ...`
 *   with kind aws-throttled, so the engine retries the event instead of losing it.
 */
import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { toMedicError } from '../aws/errors.js';
import { MedicError, RETRY_NOTE } from '../errors.js';
import type { ActionReport } from '../report.js';
import { nextCheckOf } from './ladder-check.js';
import type {
  Approval,
  ApprovalStatus,
  AuditRecord,
  CircuitState,
  EndpointSnapshot,
  EndpointStatusRecord,
  LadderExpectation,
  LadderState,
  ScaleChange,
  SignalClaim,
  Silence,
  StateStore,
} from './store.js';
import {
  ATTR,
  AUDIT_ITEM_MAX_BYTES,
  auditSortKey,
  CONFIG_HISTORY_LIMIT,
  compareKeyBytes,
  GSI1,
  keys,
  timeKey,
  ttlSeconds,
} from './table-layout.js';

export { createTableInput, timeToLiveInput } from './table-layout.js';

type Item = Record<string, AttributeValue>;

/** A conditional write lost: `old` is the item that made it lose (when DynamoDB returned it). */
type WriteOutcome = { ok: true; attributes?: Item } | { ok: false; old?: Item };

const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number): AttributeValue => ({ N: String(value) });
const str = (item: Item | undefined, name: string): string | undefined => item?.[name]?.S;
const num = (item: Item | undefined, name: string): number | undefined => {
  const raw = item?.[name]?.N;
  return raw === undefined ? undefined : Number(raw);
};

/** Placeholders for every attribute we name: several (status, owner, until) are reserved words. */
const NAMES = {
  '#pk': ATTR.pk,
  '#sk': ATTR.sk,
  '#expiresAtMs': ATTR.expiresAtMs,
  '#status': 'status',
  '#owner': 'owner',
  '#leaseUntil': 'leaseUntil',
  '#until': 'until',
  '#history': 'history',
  '#last': 'last',
  '#report': 'report',
  '#at': 'at',
  '#endsAt': 'endsAt',
  '#endedAt': 'endedAt',
  '#deadline': 'deadline',
  '#forKey': 'forKey',
  '#gsi1pk': ATTR.gsi1pk,
  '#gsi1sk': ATTR.gsi1sk,
};
/** DynamoDB rejects unused ExpressionAttributeNames, so pass only those an expression uses. */
function names(...expressions: string[]): Record<string, string> {
  const used: Record<string, string> = {};
  for (const [placeholder, name] of Object.entries(NAMES)) {
    if (expressions.some((e) => new RegExp(`${placeholder}\\b`).test(e))) used[placeholder] = name;
  }
  return used;
}

/** Claims can be contended while their holder releases or completes; a few rounds settle it. */
const CLAIM_ATTEMPTS = 5;

export class DynamoStateStore implements StateStore {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;

  constructor(options: { client: DynamoDBClient; tableName: string }) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  // ---- dedupe -----------------------------------------------------------------------------

  async claimSignal(key: string, owner: string, now: number, leaseMs: number, ttlMs: number): Promise<SignalClaim> {
    const { pk, sk } = keys.signal(key);
    // Take it when absent, expired, or in progress with a dead lease or our own; a completed
    // signal stays completed (even for the same owner) until it expires.
    const condition =
      'attribute_not_exists(#pk) OR #expiresAtMs <= :now OR (#status = :inProgress AND (#leaseUntil <= :now OR #owner = :owner))';
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      const outcome = await this.conditional('PutItem', pk, () =>
        this.client.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: {
              pk: s(pk),
              sk: s(sk),
              status: s('in-progress'),
              owner: s(owner),
              leaseUntil: n(now + leaseMs),
              // The reference for which action records still count (see getActionRecords).
              claimedAt: n(now),
              ...expiry(now + ttlMs),
            },
            ConditionExpression: condition,
            ExpressionAttributeNames: names(condition),
            ExpressionAttributeValues: { ':now': n(now), ':inProgress': s('in-progress'), ':owner': s(owner) },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      );
      if (outcome.ok) return { status: 'started' };
      // DynamoDB returns the winning item; emulators (dynalite) do not, so read it then.
      const held = outcome.old ?? (await this.getItem(pk, sk));
      if (held && (num(held, ATTR.expiresAtMs) ?? 0) > now) {
        if (str(held, 'status') === 'completed') return { status: 'completed' };
        const holder = str(held, 'owner') ?? 'unknown';
        if ((num(held, 'leaseUntil') ?? 0) > now && holder !== owner) return { status: 'in-progress', owner: holder };
      }
      // It changed between our write and the read (released or expired): try again.
    }
    throw new MedicError('busy', `signal ${key} is being claimed and released concurrently; ${RETRY_NOTE}`);
  }

  async completeSignal(key: string, owner: string, now: number, ttlMs: number): Promise<void> {
    const { pk, sk } = keys.signal(key);
    // UpdateItem, not PutItem: it keeps claimedAt, which getActionRecords measures against.
    const update = 'SET #status = :completed, #owner = :owner, #leaseUntil = :now, #expiresAtMs = :expiresAtMs, expiresAt = :expiresAt';
    await this.send('UpdateItem', pk, () =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: s(pk), sk: s(sk) },
          UpdateExpression: update,
          ExpressionAttributeNames: names(update),
          ExpressionAttributeValues: {
            ':completed': s('completed'),
            ':owner': s(owner),
            ':now': n(now),
            ':expiresAtMs': n(now + ttlMs),
            ':expiresAt': n(ttlSeconds(now + ttlMs)),
          },
        }),
      ),
    );
  }

  async releaseSignal(key: string, owner: string): Promise<void> {
    const { pk, sk } = keys.signal(key);
    const condition = '#owner = :owner AND #status = :inProgress';
    // Losing the condition means someone else holds it now, or it completed: leave it.
    await this.conditional('DeleteItem', pk, () =>
      this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { pk: s(pk), sk: s(sk) },
          ConditionExpression: condition,
          ExpressionAttributeNames: names(condition),
          ExpressionAttributeValues: { ':owner': s(owner), ':inProgress': s('in-progress') },
        }),
      ),
    );
  }

  // ---- per-action completion --------------------------------------------------------------

  /**
   * The records of the current dedupe window. There is no `now` here, so the claim's own time
   * is the reference: a record that had expired by the time the signal was (re)claimed belongs
   * to an earlier, forgotten window and is absent, whether or not TTL has deleted it yet.
   */
  async getActionRecords(key: string): Promise<Map<string, ActionReport>> {
    const { pk, sk: claimSk } = keys.signal(key);
    const items = await this.queryAll(pk, { TableName: this.tableName, ConsistentRead: true, ...partition(pk) });
    const claimedAt = num(
      items.find((i) => str(i, ATTR.sk) === claimSk),
      'claimedAt',
    );
    const records = new Map<string, ActionReport>();
    for (const item of items) {
      const sk = str(item, ATTR.sk) ?? '';
      if (!sk.startsWith(keys.actionSkPrefix)) continue;
      if (claimedAt !== undefined && (num(item, ATTR.expiresAtMs) ?? 0) <= claimedAt) continue;
      records.set(sk.slice(keys.actionSkPrefix.length), JSON.parse(str(item, 'record') ?? 'null') as ActionReport);
    }
    return records;
  }

  async putActionRecord(key: string, actionId: string, record: ActionReport, now: number, ttlMs: number): Promise<void> {
    const { pk, sk } = keys.action(key, actionId);
    await this.put(pk, { pk: s(pk), sk: s(sk), record: s(JSON.stringify(record)), ...expiry(now + ttlMs) });
  }

  // ---- cooldowns --------------------------------------------------------------------------

  async getCooldownUntil(rule: string, endpoint: string): Promise<number | undefined> {
    const { pk, sk } = keys.cooldown(rule, endpoint);
    return num(await this.getItem(pk, sk), 'until');
  }

  async setCooldownUntil(rule: string, endpoint: string, until: number, by?: string): Promise<void> {
    const { pk, sk } = keys.cooldown(rule, endpoint);
    // The caller compares `until` with its clock; TTL only removes it once it no longer matters.
    await this.put(pk, {
      pk: s(pk),
      sk: s(sk),
      until: n(until),
      ...(by === undefined ? {} : { by: s(by) }),
      expiresAt: n(ttlSeconds(until)),
    });
  }

  // ---- per-endpoint lock ------------------------------------------------------------------

  async acquireLock(endpoint: string, owner: string, now: number, leaseMs: number, forKey?: string, takeOver = false): Promise<boolean> {
    const { pk, sk } = keys.lock(endpoint);
    const sameKey = takeOver && forKey !== undefined;
    const condition = `attribute_not_exists(#pk) OR #leaseUntil <= :now OR #owner = :owner${sameKey ? ' OR #forKey = :forKey' : ''}`;
    const outcome = await this.conditional('PutItem', pk, () =>
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            pk: s(pk),
            sk: s(sk),
            owner: s(owner),
            leaseUntil: n(now + leaseMs),
            ...(forKey === undefined ? {} : { forKey: s(forKey) }),
            expiresAt: n(ttlSeconds(now + leaseMs)),
          },
          ConditionExpression: condition,
          ExpressionAttributeNames: names(condition),
          ExpressionAttributeValues: { ':now': n(now), ':owner': s(owner), ...(sameKey ? { ':forKey': s(forKey) } : {}) },
        }),
      ),
    );
    return outcome.ok;
  }

  async releaseLock(endpoint: string, owner: string): Promise<void> {
    const { pk, sk } = keys.lock(endpoint);
    // Only the holder releases; a late release after a takeover must not free the new holder's lock.
    await this.conditional('DeleteItem', pk, () =>
      this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { pk: s(pk), sk: s(sk) },
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: names('#owner'),
          ExpressionAttributeValues: { ':owner': s(owner) },
        }),
      ),
    );
  }

  // ---- limits and the circuit breaker -----------------------------------------------------

  async recordRemediation(endpoint: string, id: string, now: number, ttlMs: number): Promise<void> {
    const pk = keys.remediations(endpoint);
    // One item per remediation; the id in the key makes a retried write of the same one idempotent.
    await this.put(pk, { pk: s(pk), sk: s(`${timeKey(now)}#${id}`), at: n(now), ...expiry(now + ttlMs) });
  }

  async countRemediations(endpoint: string, since: number): Promise<number> {
    const pk = keys.remediations(endpoint);
    const input: QueryCommandInput = {
      TableName: this.tableName,
      ConsistentRead: true,
      KeyConditionExpression: '#pk = :pk AND #sk >= :since',
      ExpressionAttributeNames: names('#pk #sk'),
      ExpressionAttributeValues: { ':pk': s(pk), ':since': s(timeKey(since)) },
      Select: 'COUNT',
    };
    let count = 0;
    let start: Item | undefined;
    do {
      const page = await this.send('Query', pk, () => this.client.send(new QueryCommand({ ...input, ExclusiveStartKey: start })));
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    return count;
  }

  async openCircuit(endpoint: string, now: number, until: number, reason: string): Promise<boolean> {
    const { pk, sk } = keys.circuit(endpoint);
    // Only the call that finds it closed (absent or past its `until`) opens it, so one
    // "a human is needed" notification goes out however many events race here.
    const condition = 'attribute_not_exists(#pk) OR #until <= :now';
    const outcome = await this.conditional('PutItem', pk, () =>
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: { pk: s(pk), sk: s(sk), openedAt: n(now), until: n(until), reason: s(reason), expiresAt: n(ttlSeconds(until)) },
          ConditionExpression: condition,
          ExpressionAttributeNames: names(condition),
          ExpressionAttributeValues: { ':now': n(now) },
        }),
      ),
    );
    return outcome.ok;
  }

  async getCircuit(endpoint: string, now: number): Promise<CircuitState | undefined> {
    const { pk, sk } = keys.circuit(endpoint);
    const item = await this.getItem(pk, sk);
    const until = num(item, 'until');
    if (until === undefined || until <= now) return undefined;
    return { openedAt: num(item, 'openedAt') ?? 0, until, reason: str(item, 'reason') ?? '' };
  }

  async closeCircuit(endpoint: string): Promise<void> {
    const { pk, sk } = keys.circuit(endpoint);
    await this.send('DeleteItem', pk, () =>
      this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: { pk: s(pk), sk: s(sk) } })),
    );
  }

  async forgetRemediations(endpoint: string, since: number): Promise<void> {
    const pk = keys.remediations(endpoint);
    const items = await this.queryAll(pk, {
      TableName: this.tableName,
      ConsistentRead: true,
      KeyConditionExpression: '#pk = :pk AND #sk >= :since',
      ExpressionAttributeNames: names('#pk #sk'),
      ExpressionAttributeValues: { ':pk': s(pk), ':since': s(timeKey(since)) },
      ProjectionExpression: '#pk, #sk',
    });
    // At most the hourly limit's worth (a handful): one delete each.
    for (const item of items) {
      await this.send('DeleteItem', pk, () =>
        this.client.send(
          new DeleteItemCommand({ TableName: this.tableName, Key: { pk: item.pk as AttributeValue, sk: item.sk as AttributeValue } }),
        ),
      );
    }
  }

  // ---- endpoint config history ------------------------------------------------------------

  async recordEndpointConfig(endpoint: string, config: string, _now: number): Promise<void> {
    const { pk, sk } = keys.configHistory(endpoint);
    // `last` mirrors the list's tail so "append only if it differs" is one atomic condition.
    const update = 'SET #history = list_append(if_not_exists(#history, :empty), :one), #last = :config';
    const condition = 'attribute_not_exists(#last) OR #last <> :config';
    const values = { ':empty': { L: [] }, ':one': { L: [s(config)] }, ':config': s(config) };
    const outcome = await this.conditionalUpdate(pk, sk, update, condition, values, 'UPDATED_NEW');
    const length = outcome.ok ? (outcome.attributes?.history?.L?.length ?? 0) : 0;
    if (length > CONFIG_HISTORY_LIMIT) await this.trimConfigHistory(pk, sk, length);
  }

  /**
   * Drops the oldest entries beyond the limit. An update cannot append and remove in one
   * expression, so this is a second write, conditional on the length it saw: if another append
   * got in between, that appender trims instead (and a lost trim is redone by the next append).
   */
  private async trimConfigHistory(pk: string, sk: string, length: number): Promise<void> {
    const drop = Array.from({ length: length - CONFIG_HISTORY_LIMIT }, (_, i) => `#history[${i}]`);
    await this.conditionalUpdate(pk, sk, `REMOVE ${drop.join(', ')}`, 'size(#history) = :length', { ':length': n(length) });
  }

  async getEndpointConfigHistory(endpoint: string): Promise<string[]> {
    const { pk, sk } = keys.configHistory(endpoint);
    const list = (await this.getItem(pk, sk))?.history?.L ?? [];
    // The bound holds even if a trim was lost.
    return list.map((v) => v.S ?? '').slice(-CONFIG_HISTORY_LIMIT);
  }

  // ---- endpoint status (busy endpoints) ----------------------------------------------------

  async recordEndpointStatus(endpoint: string, status: EndpointStatusRecord, ttlMs: number): Promise<void> {
    const { pk, sk } = keys.endpointStatus(endpoint);
    // Events arrive out of order: an older state change must not overwrite a newer one.
    const condition = 'attribute_not_exists(#pk) OR #at <= :at';
    await this.conditional('PutItem', pk, () =>
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: { pk: s(pk), sk: s(sk), status: s(status.status), at: n(status.at), ...expiry(status.at + ttlMs) },
          ConditionExpression: condition,
          ExpressionAttributeNames: names(condition),
          ExpressionAttributeValues: { ':at': n(status.at) },
        }),
      ),
    );
  }

  async getEndpointStatus(endpoint: string): Promise<EndpointStatusRecord | undefined> {
    const { pk, sk } = keys.endpointStatus(endpoint);
    const item = await this.getItem(pk, sk);
    const status = str(item, 'status');
    const at = num(item, 'at');
    return status === undefined || at === undefined ? undefined : { status, at };
  }

  // ---- escalation ladders -----------------------------------------------------------------

  async getLadders(alarmArn: string): Promise<LadderState[]> {
    const pk = keys.ladders(alarmArn);
    const items = await this.queryAll(pk, { TableName: this.tableName, ConsistentRead: true, ...partition(pk) });
    return items.map((item) => JSON.parse(str(item, 'ladder') ?? 'null') as LadderState).filter((l) => l !== null);
  }

  async putLadder(ladder: LadderState, ttlMs: number, now: number, expected?: LadderExpectation): Promise<boolean> {
    const { pk, sk } = keys.ladder(ladder.alarmArn, ladder.rule);
    const open = ladder.status === 'open' && ladder.endpoint !== undefined;
    const nextCheck = nextCheckOf(ladder);
    const item: Item = {
      pk: s(pk),
      sk: s(sk),
      ladder: s(JSON.stringify(ladder)),
      // Beside the JSON so a write can be conditional on them (see LadderExpectation).
      ladderKey: s(ladder.key),
      status: s(ladder.status),
      ...(nextCheck ? { nextCheck: s(nextCheck) } : {}),
      ...(open
        ? {
            gsi1pk: s(keys.openLadders(ladder.endpoint as string)),
            gsi1sk: s(`${timeKey(ladder.startedAt)}#${ladder.alarmArn}#${ladder.rule}`),
          }
        : {}),
      ...expiry(now + ttlMs),
    };
    if (!expected) {
      await this.put(pk, item);
      return true;
    }
    const condition = `ladderKey = :key AND #status = :open${expected.next ? ' AND nextCheck = :next' : ''}`;
    const outcome = await this.conditional('PutItem', pk, () =>
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: condition,
          ExpressionAttributeNames: names(condition),
          ExpressionAttributeValues: {
            ':key': s(expected.key),
            ':open': s('open'),
            ...(expected.next ? { ':next': s(`${expected.next.step}.${expected.next.attempt}`) } : {}),
          },
        }),
      ),
    );
    return outcome.ok;
  }

  async listOpenLadders(endpoint: string, now: number): Promise<LadderState[]> {
    const pk = keys.openLadders(endpoint);
    const items = await this.queryAll(pk, {
      TableName: this.tableName,
      IndexName: GSI1,
      KeyConditionExpression: '#gsi1pk = :pk',
      ExpressionAttributeNames: names('#gsi1pk'),
      ExpressionAttributeValues: { ':pk': s(pk) },
      ScanIndexForward: false,
    });
    return items
      .filter((item) => (num(item, ATTR.expiresAtMs) ?? 0) > now)
      .map((item) => JSON.parse(str(item, 'ladder') ?? 'null') as LadderState)
      .filter((l) => l !== null && l.status === 'open');
  }

  // ---- silences ----------------------------------------------------------------------------

  async putSilence(silence: Silence, ttlMs: number): Promise<boolean> {
    const { pk, sk } = keys.silence(silence.silence);
    const { endedAt: _e, endedBy: _b, endReason: _r, ...spec } = silence;
    // A Silence Created delivered again is the same silence: the first write stands.
    const outcome = await this.conditional('PutItem', pk, () =>
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: { pk: s(pk), sk: s(sk), silence: s(JSON.stringify(spec)), endsAt: n(silence.endsAt), ...expiry(silence.endsAt + ttlMs) },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: names('#pk'),
        }),
      ),
    );
    return outcome.ok;
  }

  async endSilence(id: string, at: number, by: string, reason?: string): Promise<boolean> {
    const { pk, sk } = keys.silence(id);
    const update = `SET #endedAt = :at, endedBy = :by${reason ? ', endReason = :reason' : ''}`;
    const condition = 'attribute_exists(#pk) AND attribute_not_exists(#endedAt) AND #endsAt > :at';
    return this.updateIf(pk, sk, update, condition, { ':at': n(at), ':by': s(by), ...(reason ? { ':reason': s(reason) } : {}) });
  }

  async listSilences(now: number): Promise<Silence[]> {
    const pk = keys.silences;
    const items = await this.queryAll(pk, { TableName: this.tableName, ConsistentRead: true, ...partition(pk) });
    return items
      .map((item): Silence => {
        const endedAt = num(item, 'endedAt');
        const endedBy = str(item, 'endedBy');
        const endReason = str(item, 'endReason');
        return {
          ...(JSON.parse(str(item, 'silence') ?? '{}') as Silence),
          ...(endedAt !== undefined ? { endedAt } : {}),
          ...(endedBy !== undefined ? { endedBy } : {}),
          ...(endReason !== undefined ? { endReason } : {}),
        };
      })
      .filter((x) => x.endsAt > now && (x.endedAt === undefined || x.endedAt > now))
      .sort((a, b) => a.startsAt - b.startsAt || a.silence.localeCompare(b.silence));
  }

  // ---- approvals ----------------------------------------------------------------------------

  async putApproval(approval: Approval, ttlMs: number): Promise<Approval> {
    const { pk, sk } = keys.approval(approval.id);
    const { status, decidedBy: _b, decidedAt: _a, reason: _r, ...asked } = approval;
    const outcome = await this.conditional('PutItem', pk, () =>
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            pk: s(pk),
            sk: s(sk),
            approval: s(JSON.stringify(asked)),
            status: s(status),
            deadline: n(approval.expiresAt),
            ...expiry(approval.expiresAt + ttlMs),
          },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: names('#pk'),
        }),
      ),
    );
    if (outcome.ok) return approval;
    return (await this.getApproval(approval.id)) ?? approval;
  }

  async getApproval(id: string): Promise<Approval | undefined> {
    const { pk, sk } = keys.approval(id);
    const item = await this.getItem(pk, sk);
    return item ? approvalOf(item) : undefined;
  }

  async decideApproval(id: string, status: Exclude<ApprovalStatus, 'pending'>, by: string, at: number, reason?: string): Promise<boolean> {
    const { pk, sk } = keys.approval(id);
    const update = `SET #status = :status, decidedBy = :by, decidedAt = :at${reason ? ', reason = :reason' : ''}`;
    // Only a pending one is decided, once; only one whose deadline has not passed is granted.
    const condition = status === 'expired' ? '#status = :pending' : '#status = :pending AND #deadline > :at';
    return this.updateIf(pk, sk, update, condition, {
      ':status': s(status),
      ':pending': s('pending'),
      ':by': s(by),
      ':at': n(at),
      ...(reason ? { ':reason': s(reason) } : {}),
    });
  }

  async reopenApproval(id: string, by: string): Promise<boolean> {
    const { pk, sk } = keys.approval(id);
    return this.updateIf(pk, sk, 'SET #status = :pending REMOVE decidedBy, decidedAt, reason', '#status = :granted AND decidedBy = :by', {
      ':pending': s('pending'),
      ':granted': s('granted'),
      ':by': s(by),
    });
  }

  async listPendingApprovals(now: number): Promise<Approval[]> {
    const pk = keys.approvals;
    const items = await this.queryAll(pk, { TableName: this.tableName, ConsistentRead: true, ...partition(pk) });
    return items
      .map(approvalOf)
      .filter((a) => a.status === 'pending' && a.expiresAt > now)
      .sort((a, b) => a.expiresAt - b.expiresAt || a.id.localeCompare(b.id));
  }

  // ---- one endpoint at a glance ---------------------------------------------------------------

  async getEndpointSnapshot(endpoint: string, now: number): Promise<EndpointSnapshot> {
    const pk = keys.endpoint(endpoint);
    const items = await this.queryAll(pk, { TableName: this.tableName, ConsistentRead: true, ...partition(pk) });
    const snapshot: EndpointSnapshot = { cooldowns: [] };
    for (const item of items) {
      const sk = str(item, ATTR.sk) ?? '';
      if (sk.startsWith('COOLDOWN#')) {
        const until = num(item, 'until') ?? 0;
        const by = str(item, 'by');
        if (until > now) snapshot.cooldowns.push({ rule: sk.slice('COOLDOWN#'.length), until, ...(by === undefined ? {} : { by }) });
      } else if (sk === 'LOCK') {
        const until = num(item, 'leaseUntil') ?? 0;
        if (until > now) snapshot.lock = { owner: str(item, 'owner') ?? 'unknown', until };
      } else if (sk === 'CIRCUIT') {
        const until = num(item, 'until') ?? 0;
        if (until > now) snapshot.circuit = { openedAt: num(item, 'openedAt') ?? 0, until, reason: str(item, 'reason') ?? '' };
      } else if (sk === 'STATUS') {
        const status = str(item, 'status');
        const at = num(item, 'at');
        if (status !== undefined && at !== undefined) snapshot.status = { status, at };
      }
    }
    snapshot.cooldowns.sort((a, b) => compareKeyBytes(a.rule, b.rule));
    return snapshot;
  }

  // ---- scale-change memory ----------------------------------------------------------------

  async putScaleChange(endpoint: string, variant: string, change: ScaleChange): Promise<void> {
    const { pk, sk } = keys.scaleChange(endpoint, variant);
    await this.put(pk, { pk: s(pk), sk: s(sk), change: s(JSON.stringify(change)) });
  }

  async getScaleChange(endpoint: string, variant: string): Promise<ScaleChange | undefined> {
    const { pk, sk } = keys.scaleChange(endpoint, variant);
    const raw = str(await this.getItem(pk, sk), 'change');
    return raw === undefined ? undefined : (JSON.parse(raw) as ScaleChange);
  }

  async deleteScaleChange(endpoint: string, variant: string): Promise<void> {
    const { pk, sk } = keys.scaleChange(endpoint, variant);
    await this.send('DeleteItem', pk, () =>
      this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: { pk: s(pk), sk: s(sk) } })),
    );
  }

  // ---- audit trail ------------------------------------------------------------------------

  async putAudit(record: AuditRecord, ttlMs: number): Promise<void> {
    const pk = keys.audit(record.endpoint);
    const sk = auditSortKey(record);
    await this.put(pk, {
      pk: s(pk),
      sk: s(sk),
      gsi1pk: s(keys.auditAll),
      gsi1sk: s(sk),
      at: n(record.at),
      ...(record.endpoint === undefined ? {} : { endpoint: s(record.endpoint) }),
      report: s(fitAuditJson(record, AUDIT_ITEM_MAX_BYTES)),
      ...expiry(record.at + ttlMs),
    });
  }

  /** Newest first. By endpoint: the base table partition; otherwise gsi1 (eventually consistent). */
  async queryAudit(query: { endpoint?: string; since: number; limit?: number }): Promise<AuditRecord[]> {
    const byEndpoint = query.endpoint !== undefined;
    const [hash, range] = byEndpoint ? ['#pk', '#sk'] : ['#gsi1pk', '#gsi1sk'];
    const pk = byEndpoint ? keys.audit(query.endpoint) : keys.auditAll;
    const input: QueryCommandInput = {
      TableName: this.tableName,
      ...(byEndpoint ? { ConsistentRead: true } : { IndexName: GSI1 }),
      KeyConditionExpression: `${hash} = :pk AND ${range} >= :since`,
      ExpressionAttributeNames: names(hash, range, '#report'),
      ExpressionAttributeValues: { ':pk': s(pk), ':since': s(timeKey(query.since)) },
      ProjectionExpression: '#report',
      ScanIndexForward: false,
    };
    const items = await this.queryAll(pk, input, query.limit);
    return items.map((item) => JSON.parse(str(item, 'report') ?? 'null') as AuditRecord);
  }

  // ---- plumbing ---------------------------------------------------------------------------

  private async getItem(pk: string, sk: string): Promise<Item | undefined> {
    const out = await this.send('GetItem', pk, () =>
      this.client.send(new GetItemCommand({ TableName: this.tableName, Key: { pk: s(pk), sk: s(sk) }, ConsistentRead: true })),
    );
    return out.Item;
  }

  private async put(pk: string, item: Item): Promise<void> {
    await this.send('PutItem', pk, () => this.client.send(new PutItemCommand({ TableName: this.tableName, Item: item })));
  }

  /** Every page of a Query (a page stops at 1 MB), up to `limit` items. */
  private async queryAll(pk: string, input: QueryCommandInput, limit?: number): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const remaining = limit === undefined ? undefined : limit - items.length;
      if (remaining !== undefined && remaining <= 0) break;
      const page = await this.send('Query', pk, () =>
        this.client.send(new QueryCommand({ ...input, Limit: remaining, ExclusiveStartKey: start })),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /** UpdateItem under a condition: true when it held and the item was updated. */
  private async updateIf(pk: string, sk: string, update: string, condition: string, values: Item): Promise<boolean> {
    return (await this.conditionalUpdate(pk, sk, update, condition, values)).ok;
  }

  /** UpdateItem under a condition; losing it is an answer. `returnValues` asks for the updated attributes. */
  private conditionalUpdate(
    pk: string,
    sk: string,
    update: string,
    condition: string,
    values: Item,
    returnValues?: 'UPDATED_NEW',
  ): Promise<WriteOutcome> {
    return this.conditional('UpdateItem', pk, () =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: s(pk), sk: s(sk) },
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: names(update, condition),
          ExpressionAttributeValues: values,
          ...(returnValues ? { ReturnValues: returnValues } : {}),
        }),
      ),
    );
  }

  /** A conditional write: losing the condition is an answer, not an error. */
  private async conditional(operation: string, pk: string, run: () => Promise<{ Attributes?: Item }>): Promise<WriteOutcome> {
    try {
      const out = await run();
      return { ok: true, attributes: out.Attributes };
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') {
        return { ok: false, old: (error as { Item?: Item }).Item };
      }
      throw this.failure(error, operation, pk);
    }
  }

  private async send<T>(operation: string, pk: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw this.failure(error, operation, pk);
    }
  }

  /** Names the table and the item, and keeps the SDK error's kind (throttled → transient). */
  private failure(error: unknown, operation: string, pk: string): MedicError {
    return toMedicError(error, 'dynamodb', operation, `table ${this.tableName}, item ${pk}`);
  }
}

function approvalOf(item: Item): Approval {
  const decidedBy = str(item, 'decidedBy');
  const decidedAt = num(item, 'decidedAt');
  const reason = str(item, 'reason');
  return {
    ...(JSON.parse(str(item, 'approval') ?? '{}') as Approval),
    status: (str(item, 'status') ?? 'pending') as ApprovalStatus,
    ...(decidedBy !== undefined ? { decidedBy } : {}),
    ...(decidedAt !== undefined ? { decidedAt } : {}),
    ...(reason !== undefined ? { reason } : {}),
  };
}

function partition(
  pk: string,
): Pick<QueryCommandInput, 'KeyConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> {
  return { KeyConditionExpression: '#pk = :pk', ExpressionAttributeNames: names('#pk'), ExpressionAttributeValues: { ':pk': s(pk) } };
}

/** Both expiry attributes: the exact one for reads, the TTL one (seconds) for cleanup. */
function expiry(expiresAtMs: number): Item {
  return { [ATTR.expiresAtMs]: n(expiresAtMs), [ATTR.expiresAt]: n(ttlSeconds(expiresAtMs)) };
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/**
 * The report as JSON, cut to fit one item. SNS message bodies are the only unbounded part of
 * a report (they quote alarm reasons and violations), so they are shortened first, harder each
 * round; if that is not enough, the requests go and only the outcome of each action is kept.
 */
export function fitAuditJson(record: AuditRecord, maxBytes: number): string {
  const json = JSON.stringify(record);
  if (bytes(json) <= maxBytes) return json;
  for (let keep = 64 * 1024; keep >= 64; keep = Math.floor(keep / 4)) {
    const cut = JSON.stringify({
      ...record,
      actions: record.actions.map((a) => ({ ...a, calls: a.calls.map((c) => cutMessage(c, keep)) })),
    });
    if (bytes(cut) <= maxBytes) return cut;
  }
  const outcomes = JSON.stringify({ ...record, signal: null, actions: record.actions.map((a) => ({ ...a, calls: [] })) });
  if (bytes(outcomes) <= maxBytes) return outcomes;
  const { event, at, key, endpoint, endpointState, runbook, rule, ignored, error, errorKind } = record;
  return JSON.stringify({
    event,
    at,
    key,
    endpoint,
    endpointState,
    runbook,
    rule,
    signal: null,
    actions: [],
    ignored,
    error: error?.slice(0, 1000) ?? null,
    errorKind,
  });
}

function cutMessage<C extends { service: string; input: Record<string, unknown> }>(call: C, keep: number): C {
  const message = call.input.Message;
  if (call.service !== 'sns' || typeof message !== 'string' || message.length <= keep) return call;
  const note = `… [${message.length - keep} characters cut to fit the audit record]`;
  return { ...call, input: { ...call.input, Message: message.slice(0, keep) + note } };
}
