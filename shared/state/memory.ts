/**
 * In-memory StateStore for replay, backtest and tests. Same semantics as the DynamoDB store
 * (the contract tests run against both); expiry is checked against the caller's `now`, so it
 * works on a virtual clock.
 */
import type { ActionReport } from '../report.js';
import { ladderIsAsExpected } from './ladder-check.js';
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
import { AUDIT_EVENT_KEPT, auditSortKey, CONFIG_HISTORY_LIMIT, compareKeyBytes, keys } from './table-layout.js';

interface SignalEntry {
  status: 'in-progress' | 'completed';
  owner: string;
  leaseUntil: number;
  expiresAt: number;
  /** When the current claim was taken: action records that expired before it are forgotten. */
  claimedAt?: number;
}

/** Expired claims and action records are dropped every this many claims (DynamoDB's TTL does the same). */
const SWEEP_EVERY = 1024;

/**
 * How many audit records the memory store keeps. It serves replay, tests and the local stage,
 * whose history is the log: keeping every record of a long-lived container or a storm would grow
 * the heap (and the garbage collector's work) without bound. DynamoDB keeps them 90 days.
 * A hundred covers any replay of a sample folder. Each kept record outlives young-generation
 * collections and is promoted with its report: over a storm of 10,000 events the heap grew from
 * about 36 MB to 82-84 MB keeping 1,000, to 65-79 MB keeping 100 (--trace-gc, three runs each).
 */
export const MEMORY_AUDIT_KEPT = 100;

export class MemoryStateStore implements StateStore {
  private readonly signals = new Map<string, SignalEntry>();
  private readonly actionRecords = new Map<string, Map<string, { record: ActionReport; expiresAt: number }>>();
  /** By endpoint (or `*`), then rule: the guards read one endpoint's cooldowns per event. */
  private readonly cooldowns = new Map<string, Map<string, { until: number; by?: string }>>();
  private readonly locks = new Map<string, { owner: string; until: number; forKey?: string }>();
  private readonly remediations = new Map<string, Map<string, { at: number; expiresAt: number }>>();
  private readonly circuits = new Map<string, CircuitState>();
  private readonly configHistory = new Map<string, string[]>();
  private readonly scaleChanges = new Map<string, ScaleChange>();
  private readonly endpointStatus = new Map<string, { record: EndpointStatusRecord; expiresAt: number }>();
  private readonly silences = new Map<string, { silence: Silence; expiresAt: number }>();
  private readonly approvals = new Map<string, { approval: Approval; expiresAt: number }>();
  /** By alarm ARN, then rule id. */
  private readonly ladders = new Map<string, Map<string, { ladder: LadderState; expiresAt: number }>>();
  /** By the DynamoDB item's key (partition and sort key): a second write of the same key replaces the first. */
  /** The newest MEMORY_AUDIT_KEPT audit records, by item key, oldest written first. */
  private readonly audit = new Map<string, AuditRecord>();

  /** Claims since the last sweep of expired claims and action records. */
  private claimsSinceSweep = 0;

  async claimSignal(key: string, owner: string, now: number, leaseMs: number, ttlMs: number): Promise<SignalClaim> {
    if (++this.claimsSinceSweep >= SWEEP_EVERY) this.sweep(now);
    const entry = this.signals.get(key);
    if (entry && entry.expiresAt > now) {
      if (entry.status === 'completed') return { status: 'completed' };
      if (entry.leaseUntil > now && entry.owner !== owner) return { status: 'in-progress', owner: entry.owner };
    }
    this.signals.set(key, { status: 'in-progress', owner, leaseUntil: now + leaseMs, expiresAt: now + ttlMs, claimedAt: now });
    return { status: 'started' };
  }

  /**
   * A long backtest claims a key per event and per ladder check: without this, memory would grow
   * with the run instead of with what is still remembered. Semantics are unchanged: reads already
   * treat an expired entry as absent.
   */
  private sweep(now: number): void {
    this.claimsSinceSweep = 0;
    for (const [key, entry] of this.signals) if (entry.expiresAt <= now) this.signals.delete(key);
    for (const [key, records] of this.actionRecords) {
      for (const [id, r] of records) if (r.expiresAt <= now) records.delete(id);
      if (records.size === 0) this.actionRecords.delete(key);
    }
  }

  async completeSignal(key: string, owner: string, now: number, ttlMs: number): Promise<void> {
    this.signals.set(key, {
      status: 'completed',
      owner,
      leaseUntil: now,
      expiresAt: now + ttlMs,
      claimedAt: this.signals.get(key)?.claimedAt,
    });
  }

  async releaseSignal(key: string, owner: string): Promise<void> {
    const entry = this.signals.get(key);
    if (entry?.owner === owner && entry.status === 'in-progress') this.signals.delete(key);
  }

  async getActionRecords(key: string): Promise<Map<string, ActionReport>> {
    const live = new Map<string, ActionReport>();
    const records = this.actionRecords.get(key);
    if (!records) return live; // most signals are new: nothing to copy
    const claimedAt = this.signals.get(key)?.claimedAt;
    for (const [id, r] of records) if (claimedAt === undefined || r.expiresAt > claimedAt) live.set(id, r.record);
    return live;
  }

  async putActionRecord(key: string, actionId: string, record: ActionReport, now: number, ttlMs: number): Promise<void> {
    const records = this.actionRecords.get(key) ?? new Map<string, { record: ActionReport; expiresAt: number }>();
    records.set(actionId, { record, expiresAt: now + ttlMs });
    this.actionRecords.set(key, records);
  }

  async getCooldownUntil(rule: string, endpoint: string): Promise<number | undefined> {
    return this.cooldowns.get(endpoint)?.get(rule)?.until;
  }

  async setCooldownUntil(rule: string, endpoint: string, until: number, by?: string): Promise<void> {
    let byRule = this.cooldowns.get(endpoint);
    if (!byRule) {
      byRule = new Map();
      this.cooldowns.set(endpoint, byRule);
    }
    byRule.set(rule, by === undefined ? { until } : { until, by });
  }

  async acquireLock(endpoint: string, owner: string, now: number, leaseMs: number, forKey?: string, takeOver = false): Promise<boolean> {
    const held = this.locks.get(endpoint);
    const sameKey = takeOver && forKey !== undefined && held?.forKey === forKey;
    if (held && held.until > now && held.owner !== owner && !sameKey) return false;
    this.locks.set(endpoint, forKey === undefined ? { owner, until: now + leaseMs } : { owner, until: now + leaseMs, forKey });
    return true;
  }

  async releaseLock(endpoint: string, owner: string): Promise<void> {
    if (this.locks.get(endpoint)?.owner === owner) this.locks.delete(endpoint);
  }

  async recordRemediation(endpoint: string, id: string, now: number, ttlMs: number): Promise<void> {
    const entries = this.remediations.get(endpoint) ?? new Map<string, { at: number; expiresAt: number }>();
    // Keep the map short during long backtests: drop what has expired (DynamoDB's TTL does the same).
    for (const [k, e] of entries) if (e.expiresAt <= now) entries.delete(k);
    // Keyed like the DynamoDB item, so re-recording the same remediation counts once.
    entries.set(`${now}#${id}`, { at: now, expiresAt: now + ttlMs });
    this.remediations.set(endpoint, entries);
  }

  async countRemediations(endpoint: string, since: number): Promise<number> {
    let count = 0;
    for (const e of this.remediations.get(endpoint)?.values() ?? []) if (e.at >= since) count++;
    return count;
  }

  async openCircuit(endpoint: string, now: number, until: number, reason: string): Promise<boolean> {
    const open = this.circuits.get(endpoint);
    if (open && open.until > now) return false;
    this.circuits.set(endpoint, { openedAt: now, until, reason });
    return true;
  }

  async getCircuit(endpoint: string, now: number): Promise<CircuitState | undefined> {
    const open = this.circuits.get(endpoint);
    return open && open.until > now ? open : undefined;
  }

  async closeCircuit(endpoint: string): Promise<void> {
    this.circuits.delete(endpoint);
  }

  async forgetRemediations(endpoint: string, since: number): Promise<void> {
    const entries = this.remediations.get(endpoint);
    for (const [k, e] of entries ?? []) if (e.at >= since) entries?.delete(k);
  }

  async recordEndpointConfig(endpoint: string, config: string): Promise<void> {
    const history = this.configHistory.get(endpoint) ?? [];
    if (history[history.length - 1] !== config) history.push(config);
    if (history.length > CONFIG_HISTORY_LIMIT) history.splice(0, history.length - CONFIG_HISTORY_LIMIT);
    this.configHistory.set(endpoint, history);
  }

  async getEndpointConfigHistory(endpoint: string): Promise<string[]> {
    return [...(this.configHistory.get(endpoint) ?? [])];
  }

  async recordEndpointStatus(endpoint: string, status: EndpointStatusRecord, ttlMs: number): Promise<void> {
    const known = this.endpointStatus.get(endpoint);
    if (known && known.record.at > status.at) return;
    this.endpointStatus.set(endpoint, { record: { ...status }, expiresAt: status.at + ttlMs });
  }

  async getEndpointStatus(endpoint: string): Promise<EndpointStatusRecord | undefined> {
    const known = this.endpointStatus.get(endpoint);
    return known ? { ...known.record } : undefined;
  }

  async getLadders(alarmArn: string): Promise<LadderState[]> {
    return [...(this.ladders.get(alarmArn)?.values() ?? [])].map((l) => copyLadder(l.ladder));
  }

  async putLadder(ladder: LadderState, ttlMs: number, now: number, expected?: LadderExpectation): Promise<boolean> {
    const byRule = this.ladders.get(ladder.alarmArn) ?? new Map<string, { ladder: LadderState; expiresAt: number }>();
    if (expected) {
      const stored = byRule.get(ladder.rule)?.ladder;
      if (!stored || !ladderIsAsExpected(stored, expected)) return false;
    }
    byRule.set(ladder.rule, { ladder: copyLadder(ladder), expiresAt: now + ttlMs });
    this.ladders.set(ladder.alarmArn, byRule);
    // Long backtests: forget ended ladders that have expired (DynamoDB's TTL does the same).
    for (const [rule, entry] of byRule) if (entry.expiresAt <= now) byRule.delete(rule);
    return true;
  }

  async listOpenLadders(endpoint: string, now: number): Promise<LadderState[]> {
    const open: LadderState[] = [];
    for (const byRule of this.ladders.values()) {
      for (const { ladder, expiresAt } of byRule.values()) {
        if (ladder.endpoint === endpoint && ladder.status === 'open' && expiresAt > now) open.push(copyLadder(ladder));
      }
    }
    return open.sort((a, b) => b.startedAt - a.startedAt);
  }

  async putSilence(silence: Silence, ttlMs: number): Promise<boolean> {
    if (this.silences.has(silence.silence)) return false; // ids are unique: the first one stands
    this.silences.set(silence.silence, { silence: { ...silence }, expiresAt: silence.endsAt + ttlMs });
    return true;
  }

  async endSilence(id: string, at: number, by: string, reason?: string): Promise<boolean> {
    const known = this.silences.get(id);
    if (!known || known.silence.endedAt !== undefined || known.silence.endsAt <= at) return false;
    known.silence = { ...known.silence, endedAt: at, endedBy: by, ...(reason ? { endReason: reason } : {}) };
    return true;
  }

  async listSilences(now: number): Promise<Silence[]> {
    if (this.silences.size === 0) return []; // every guarded decision asks; most stores have none
    for (const [id, entry] of this.silences) if (entry.expiresAt <= now) this.silences.delete(id);
    return [...this.silences.values()]
      .map((e) => e.silence)
      .filter((x) => x.endsAt > now && (x.endedAt === undefined || x.endedAt > now))
      .sort((a, b) => a.startsAt - b.startsAt || a.silence.localeCompare(b.silence))
      .map((x) => ({ ...x }));
  }

  async putApproval(approval: Approval, ttlMs: number): Promise<Approval> {
    const known = this.approvals.get(approval.id);
    if (known) return structuredClone(known.approval);
    this.approvals.set(approval.id, { approval: structuredClone(approval), expiresAt: approval.expiresAt + ttlMs });
    return structuredClone(approval);
  }

  async getApproval(id: string): Promise<Approval | undefined> {
    const known = this.approvals.get(id);
    return known ? structuredClone(known.approval) : undefined;
  }

  async decideApproval(id: string, status: Exclude<ApprovalStatus, 'pending'>, by: string, at: number, reason?: string): Promise<boolean> {
    const known = this.approvals.get(id);
    if (known?.approval.status !== 'pending') return false;
    if (status !== 'expired' && known.approval.expiresAt <= at) return false;
    known.approval = { ...known.approval, status, decidedBy: by, decidedAt: at, ...(reason ? { reason } : {}) };
    return true;
  }

  async reopenApproval(id: string, by: string): Promise<boolean> {
    const known = this.approvals.get(id);
    if (known?.approval.status !== 'granted' || known.approval.decidedBy !== by) return false;
    const { decidedBy: _by, decidedAt: _at, reason: _reason, ...asked } = known.approval;
    known.approval = { ...asked, status: 'pending' };
    return true;
  }

  async listPendingApprovals(now: number): Promise<Approval[]> {
    for (const [id, entry] of this.approvals) if (entry.expiresAt <= now) this.approvals.delete(id);
    return [...this.approvals.values()]
      .map((e) => e.approval)
      .filter((a) => a.status === 'pending' && a.expiresAt > now)
      .sort((a, b) => a.expiresAt - b.expiresAt || a.id.localeCompare(b.id))
      .map((a) => structuredClone(a));
  }

  async getEndpointSnapshot(endpoint: string, now: number): Promise<EndpointSnapshot> {
    const snapshot: EndpointSnapshot = { cooldowns: [] };
    for (const [rule, { until, by }] of this.cooldowns.get(endpoint) ?? []) {
      if (until > now) snapshot.cooldowns.push(by === undefined ? { rule, until } : { rule, until, by });
    }
    if (snapshot.cooldowns.length > 1) snapshot.cooldowns.sort((a, b) => compareKeyBytes(a.rule, b.rule));
    const lock = this.locks.get(endpoint);
    if (lock && lock.until > now) snapshot.lock = { owner: lock.owner, until: lock.until };
    // Read in place, not through the async getters: the engine reads this once per event.
    const circuit = this.circuits.get(endpoint);
    if (circuit && circuit.until > now) snapshot.circuit = circuit;
    const status = this.endpointStatus.get(endpoint);
    if (status) snapshot.status = { ...status.record };
    return snapshot;
  }

  async putScaleChange(endpoint: string, variant: string, change: ScaleChange): Promise<void> {
    this.scaleChanges.set(`${endpoint}\u0000${variant}`, change);
  }

  async getScaleChange(endpoint: string, variant: string): Promise<ScaleChange | undefined> {
    return this.scaleChanges.get(`${endpoint}\u0000${variant}`);
  }

  async deleteScaleChange(endpoint: string, variant: string): Promise<void> {
    this.scaleChanges.delete(`${endpoint}\u0000${variant}`);
  }

  async putAudit(record: AuditRecord): Promise<void> {
    // The item's key as DynamoDB's (partition, time, event id as the sort key cuts it), without
    // building the padded sort key: every event writes one, few are ever read back.
    this.audit.set(
      `${keys.audit(record.endpoint)}\u0000${Math.max(0, Math.floor(record.at))}\u0000${record.event.slice(0, AUDIT_EVENT_KEPT)}`,
      record,
    );
    // The oldest written goes first (a Map keeps insertion order).
    if (this.audit.size > MEMORY_AUDIT_KEPT) this.audit.delete(this.audit.keys().next().value as string);
  }

  /** Newest first; records of one ms in the DynamoDB store's order (by sort key, as bytes). */
  async queryAudit(query: { endpoint?: string; since: number; limit?: number }): Promise<AuditRecord[]> {
    const found = [...this.audit.values()]
      .filter((r) => r.at >= query.since && (query.endpoint === undefined || r.endpoint === query.endpoint))
      .map((record) => ({ sortKey: auditSortKey(record), record }))
      .sort((a, b) => compareKeyBytes(b.sortKey, a.sortKey))
      .map(({ record }) => record);
    return query.limit === undefined ? found : found.slice(0, query.limit);
  }
}

/**
 * A ladder as the store keeps it and hands it out: its own object and `next`, so neither side's
 * later edits reach the other. Its signal is shared: the engine never changes a signal once built
 * (a ladder step acts on a spread copy of it). A deep clone per write cost a backtest a tenth of
 * its time.
 */
function copyLadder(ladder: LadderState): LadderState {
  const copy = { ...ladder };
  if (ladder.next) copy.next = { ...ladder.next };
  if (ladder.gaveUp) copy.gaveUp = [...ladder.gaveUp];
  return copy;
}
