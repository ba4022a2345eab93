/**
 * Everything model-medic remembers between events, behind one interface with two
 * implementations side by side: DynamoDB (Lambda) and memory (replay, backtest, tests).
 * Every method takes `now` from the caller's clock, so backtest can run on virtual time.
 * All times are epoch milliseconds.
 */

import type { ActionSpec } from '../actions/specs.js';
import type { AwsCall } from '../aws/ports.js';
import type { ActionReport, EventReport } from '../report.js';
import type { RunbookIdentity } from '../runbook/types.js';
import type { SilenceSpec } from '../signals/operator.js';
import type { AlarmSignal, Signal } from '../signals/types.js';

export type SignalClaim =
  | { status: 'started' }
  /** The signal was fully handled before: a duplicate delivery. */
  | { status: 'completed' }
  /** Another invocation holds it right now (a concurrent duplicate). */
  | { status: 'in-progress'; owner: string };

/** What a scale-out changed, so `scale: { restore: true }` can put it back. */
export interface ScaleChange {
  via: 'auto-scaling' | 'instance-count';
  /** Before the change: MinCapacity/MaxCapacity, or DesiredInstanceCount. */
  before: { min?: number; max?: number; count?: number };
  after: { min?: number; max?: number; count?: number };
  rule: string;
  at: number;
}

export interface CircuitState {
  openedAt: number;
  until: number;
  reason: string;
}

export type LadderStatus = 'open' | 'resolved' | 'exhausted' | 'cancelled';

/**
 * An escalation ladder (docs/runbook.md#escalation-ladders): one per alarm, rule and ALARM
 * transition. The alarm's own state is the truth at each check; this record says which check is
 * due next, so a duplicate or stale check can tell it is one, and how the ladder ended.
 */
export interface LadderState {
  /** ladderKey(alarmArn, since). */
  key: string;
  rule: string;
  alarmArn: string;
  alarm: string;
  endpoint?: string;
  /** When the ALARM state began (the alarm event's state timestamp). */
  since: string;
  startedAt: number;
  status: LadderStatus;
  /** The check due next, while open. */
  next?: { step: number; attempt: number; at: number; timer: string };
  /** Steps whose actions ran (held attempts do not count). */
  stepsRun: number;
  /** Steps given up because the endpoint stayed busy through every attempt. */
  gaveUp?: number[];
  endedAt?: number;
  /** Why it ended, for status, history and the next notify of the rule. */
  endReason?: string;
  /** The ALARM signal that started it: ladder steps act on it (with the check's key). */
  signal: AlarmSignal;
}

/** What a conditional ladder write expects to find: the open ladder of `key`, waiting for `next` if given. */
export interface LadderExpectation {
  key: string;
  next?: { step: number; attempt: number };
}

/** The last state an endpoint state-change event reported (busy endpoints). */
export interface EndpointStatusRecord {
  status: string;
  /** The event's time, epoch ms: an older event never overwrites a newer one. */
  at: number;
}

/** A silence (docs/operator-controls.md): actions it matches are held with cause `silenced`. */
export interface Silence extends SilenceSpec {
  by: string;
  reason: string;
  createdAt: number;
  /** Ended early (Silence Expired): when, by whom, why. */
  endedAt?: number;
  endedBy?: string;
  endReason?: string;
}

export type ApprovalStatus = 'pending' | 'granted' | 'rejected' | 'expired';

/** An action waiting for a human (a rule's `approval: { for, expires }`). */
export interface Approval {
  /** approvalId(signal key, rule, action index): deterministic, so a retry finds the same one. */
  id: string;
  rule: string;
  endpoint?: string;
  /** The action as the rule wrote it, and its place in the rule. */
  action: ActionSpec;
  index: number;
  /** The signal it was asked for: a granted action is planned again on it, against current state. */
  signal: Signal;
  /** What it would have done when asked: a grant runs only the same plan (approve what you saw). */
  planned?: { reason: string; calls: AwsCall[] };
  createdAt: number;
  expiresAt: number;
  status: ApprovalStatus;
  decidedBy?: string;
  decidedAt?: number;
  reason?: string;
}

/** A rule's cooldown on an endpoint; `by` is the signal key whose actions started it, when known. */
export interface Cooldown {
  rule: string;
  until: number;
  by?: string;
}

/** What the state table holds about one endpoint, read in one Query (medic status, and the guards under the lock). */
export interface EndpointSnapshot {
  cooldowns: Cooldown[];
  lock?: { owner: string; until: number };
  circuit?: CircuitState;
  status?: EndpointStatusRecord;
}

export interface AuditRecord extends EventReport {
  /** When the engine handled it. */
  at: number;
  /** The signal key, when there was a signal. */
  key?: string;
  endpoint?: string;
  /** For an endpoint state change: the status it reported and its config (live when InService). */
  endpointState?: { status: string; endpointConfig?: string };
  /** Which runbook decided: its content hash, and the SSM parameter version when it came from SSM. */
  runbook?: RunbookIdentity;
}

export interface StateStore {
  // Dedupe by signal key (docs/runbook.md#the-signal), with a lease so a crashed attempt can be retried.
  claimSignal(key: string, owner: string, now: number, leaseMs: number, ttlMs: number): Promise<SignalClaim>;
  completeSignal(key: string, owner: string, now: number, ttlMs: number): Promise<void>;
  /** After a failure: the next attempt (a Lambda retry) may claim the key at once. */
  releaseSignal(key: string, owner: string): Promise<void>;

  // Per-action completion, so a retry runs only what did not finish.
  getActionRecords(key: string): Promise<Map<string, ActionReport>>;
  putActionRecord(key: string, actionId: string, record: ActionReport, now: number, ttlMs: number): Promise<void>;

  // Cooldown per rule + endpoint.
  getCooldownUntil(rule: string, endpoint: string): Promise<number | undefined>;
  /**
   * `by`: the signal key whose actions started it. The engine starts a cooldown with the first
   * change it makes, before that change's completion record is known to have landed; a retry of
   * that same signal (which finds no record) is not held by the cooldown it started itself.
   */
  setCooldownUntil(rule: string, endpoint: string, until: number, by?: string): Promise<void>;

  // Per-endpoint lock: a lease that expires if its holder dies.
  /**
   * Takes the lock when it is free, expired, or already ours. `forKey` records the signal key it
   * is taken for; with `takeOver`, it is also taken from another owner that holds it for that
   * same key. The engine tries the lock in the same round trip as the signal's claim, so a
   * duplicate delivery may take it for a moment before it learns it lost the claim; the claim's
   * winner takes it over from such a duplicate (which then lets go of nothing, not owning it).
   */
  acquireLock(endpoint: string, owner: string, now: number, leaseMs: number, forKey?: string, takeOver?: boolean): Promise<boolean>;
  releaseLock(endpoint: string, owner: string): Promise<void>;

  // Limits and the circuit breaker.
  recordRemediation(endpoint: string, id: string, now: number, ttlMs: number): Promise<void>;
  countRemediations(endpoint: string, since: number): Promise<number>;
  /** Opens the circuit; true only for the call that opened it (so one notification is sent). */
  openCircuit(endpoint: string, now: number, until: number, reason: string): Promise<boolean>;
  getCircuit(endpoint: string, now: number): Promise<CircuitState | undefined>;
  closeCircuit(endpoint: string): Promise<void>;
  /** Forgets the endpoint's remediations since `since`: a human closed the circuit, the hourly budget starts again. */
  forgetRemediations(endpoint: string, since: number): Promise<void>;

  // Endpoint config history (feeds rollback): oldest first, the last one is live.
  recordEndpointConfig(endpoint: string, config: string, now: number): Promise<void>;
  getEndpointConfigHistory(endpoint: string): Promise<string[]>;

  // Endpoint status from state-change events: busy while Updating & co. Older events lose.
  recordEndpointStatus(endpoint: string, status: EndpointStatusRecord, ttlMs: number): Promise<void>;
  getEndpointStatus(endpoint: string): Promise<EndpointStatusRecord | undefined>;

  // Escalation ladders, per alarm (one per rule).
  getLadders(alarmArn: string): Promise<LadderState[]>;
  /**
   * Writes the ladder. With `expected`, only over the open ladder of that key waiting for that
   * check (false otherwise: an OK or a new ALARM changed it meanwhile, and the write is dropped).
   */
  putLadder(ladder: LadderState, ttlMs: number, now: number, expected?: LadderExpectation): Promise<boolean>;
  /** Open ladders on one endpoint (for status): most recently started first. */
  listOpenLadders(endpoint: string, now: number): Promise<LadderState[]>;

  // Silences (operator events), one partition: few at a time, all read at once.
  /** Records it; false when a silence of that id exists already (the first one stands). */
  putSilence(silence: Silence, ttlMs: number): Promise<boolean>;
  /** Ends it early; false when it does not exist or has ended already. */
  endSilence(id: string, at: number, by: string, reason?: string): Promise<boolean>;
  /** Silences that have not ended by `now` (current and future ones). */
  listSilences(now: number): Promise<Silence[]>;

  // Approvals.
  /** Records it unless one of that id exists (a retry); returns the one stored. */
  putApproval(approval: Approval, ttlMs: number): Promise<Approval>;
  getApproval(id: string): Promise<Approval | undefined>;
  /** pending -> granted | rejected | expired, once: false when it was not pending (or has expired, for granted). */
  decideApproval(id: string, status: Exclude<ApprovalStatus, 'pending'>, by: string, at: number, reason?: string): Promise<boolean>;
  /**
   * granted -> pending, only when `by` granted it: a granted action that a guard held back (a
   * silence, a busy endpoint) did not run, so the approval waits again until its deadline.
   */
  reopenApproval(id: string, by: string): Promise<boolean>;
  listPendingApprovals(now: number): Promise<Approval[]>;

  /** Cooldowns, lock, circuit and status of one endpoint, as they stand at `now`. */
  getEndpointSnapshot(endpoint: string, now: number): Promise<EndpointSnapshot>;

  // What the last scale-out changed, per variant.
  putScaleChange(endpoint: string, variant: string, change: ScaleChange): Promise<void>;
  getScaleChange(endpoint: string, variant: string): Promise<ScaleChange | undefined>;
  deleteScaleChange(endpoint: string, variant: string): Promise<void>;

  // Audit trail.
  putAudit(record: AuditRecord, ttlMs: number): Promise<void>;
  queryAudit(query: { endpoint?: string; since: number; limit?: number }): Promise<AuditRecord[]>;
}
