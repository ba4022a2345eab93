/**
 * Everything model-medic remembers between events, behind one interface with two
 * implementations side by side: DynamoDB (Lambda) and memory (replay, backtest, tests).
 * Every method takes `now` from the caller's clock, so backtest can run on virtual time.
 * All times are epoch milliseconds.
 */
import type { ActionReport, EventReport } from '../report.js';
import type { RunbookIdentity } from '../runbook/types.js';

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
  setCooldownUntil(rule: string, endpoint: string, until: number): Promise<void>;

  // Per-endpoint lock: a lease that expires if its holder dies.
  acquireLock(endpoint: string, owner: string, now: number, leaseMs: number): Promise<boolean>;
  releaseLock(endpoint: string, owner: string): Promise<void>;

  // Limits and the circuit breaker.
  recordRemediation(endpoint: string, id: string, now: number, ttlMs: number): Promise<void>;
  countRemediations(endpoint: string, since: number): Promise<number>;
  /** Opens the circuit; true only for the call that opened it (so one notification is sent). */
  openCircuit(endpoint: string, now: number, until: number, reason: string): Promise<boolean>;
  getCircuit(endpoint: string, now: number): Promise<CircuitState | undefined>;
  closeCircuit(endpoint: string): Promise<void>;

  // Endpoint config history (feeds rollback): oldest first, the last one is live.
  recordEndpointConfig(endpoint: string, config: string, now: number): Promise<void>;
  getEndpointConfigHistory(endpoint: string): Promise<string[]>;

  // What the last scale-out changed, per variant.
  putScaleChange(endpoint: string, variant: string, change: ScaleChange): Promise<void>;
  getScaleChange(endpoint: string, variant: string): Promise<ScaleChange | undefined>;
  deleteScaleChange(endpoint: string, variant: string): Promise<void>;

  // Audit trail.
  putAudit(record: AuditRecord, ttlMs: number): Promise<void>;
  queryAudit(query: { endpoint?: string; since: number; limit?: number }): Promise<AuditRecord[]>;
}
