/**
 * Guards decide whether a matched rule may act now: cooldown per rule + endpoint, the
 * circuit breaker and the remediation limit per endpoint, and the per-endpoint lock that
 * keeps two rules or two events from changing one endpoint at the same time.
 * Dedupe by signal key happens before them, in the engine.
 */
import { engineNotice } from './actions/engine-notice.js';
import type { ActionType } from './actions/params.js';
import { ACTIONS } from './actions/registry.js';
import { leaseMs } from './deadline.js';
import type { EngineDeps } from './engine.js';
import { MedicError, RETRY_NOTE } from './errors.js';
import { busyReason, isBusy } from './guards/busy.js';
import { silenceReason, silencing } from './guards/silence.js';
import type { ActionReport, SuppressionCause } from './report.js';
import { formatDuration } from './runbook/duration.js';
import type { Rule, Runbook } from './runbook/types.js';
import type { Signal } from './signals/types.js';

const HOUR_MS = 3600_000;
/** Once opened, the circuit stays open this long unless a human closes it. */
export const CIRCUIT_OPEN_MS = 6 * HOUR_MS;
const DEFAULT_LOCK_WAIT_MS = 20_000;
const LOCK_POLL_MS = 250;

export interface HeldBack {
  suppressedBy: SuppressionCause;
  reason: string;
  silence?: string;
}

/**
 * A notification the engine sends itself, not one of the rule's actions ("human needed" from the
 * guards, "recovered" after a retry), and the completion record that makes it at most once.
 */
export interface GuardNotice {
  action: ActionReport;
  /** Key, id and lifetime of its record (putActionRecord), written once it is sent. */
  record: { key: string; id: string; ttlMs: number };
}

/** A circuit's "human needed" record outlives the circuit, so it is never sent twice. */
const HUMAN_NEEDED_RECORD_MS = 4 * CIRCUIT_OPEN_MS;

export interface RuleGuard {
  /** Why an action must be held back, or undefined when it may run. */
  holdBack(mutatesEndpoint: boolean, type: ActionType): HeldBack | undefined;
  /** Notifications the guards themselves send ("human needed"). */
  extraActions: GuardNotice[];
  lockedEndpoint?: string;
  now: number;
}

/**
 * `resuming`: this rule already ran part of its actions for this very signal (a Lambda retry
 * after a partial failure), or this is a ladder step (which runs while the same ALARM persists).
 * The rule's own cooldown must not stop either.
 */
export async function checkRuleGuards(
  rule: Rule,
  signal: Signal,
  runbook: Runbook,
  deps: EngineDeps,
  resuming: boolean,
): Promise<RuleGuard> {
  const endpoint = signal.endpoint;
  const mutates = rule.actions.some((a) => ACTIONS[a.type].mutatesEndpoint);
  const guarded = mutates && endpoint !== undefined;
  // The lock first: every decision below reads state that another invocation on this endpoint
  // may be writing (its cooldown, its count, the circuit). Read before the lock, two signals of
  // one rule arriving together would both see no cooldown and both act.
  if (guarded) await acquireLock(endpoint, deps);
  try {
    return await decideUnderLock(rule, signal, runbook, deps, resuming, guarded ? endpoint : undefined);
  } catch (error) {
    if (guarded) await deps.store.releaseLock(endpoint, deps.owner).catch(() => undefined);
    throw error;
  }
}

async function decideUnderLock(
  rule: Rule,
  signal: Signal,
  runbook: Runbook,
  deps: EngineDeps,
  resuming: boolean,
  lockedEndpoint: string | undefined,
): Promise<RuleGuard> {
  const now = deps.clock.now();
  const endpoint = signal.endpoint;
  const guard: RuleGuard = { holdBack: () => undefined, extraActions: [], now };
  if (lockedEndpoint) guard.lockedEndpoint = lockedEndpoint;

  // The reads are independent: one round trip's wait instead of five on DynamoDB.
  const [silences, cooldownUntil, circuit, recent, status] = await Promise.all([
    deps.store.listSilences(now),
    resuming ? undefined : deps.store.getCooldownUntil(rule.id, endpoint ?? '*'),
    lockedEndpoint ? deps.store.getCircuit(lockedEndpoint, now) : undefined,
    lockedEndpoint ? deps.store.countRemediations(lockedEndpoint, now - HOUR_MS) : 0,
    lockedEndpoint ? deps.store.getEndpointStatus(lockedEndpoint) : undefined,
  ]);

  // An operator's silence first: it says "hands off", whatever else would hold or allow.
  const silence = silencing(silences, signal, rule.id, now);
  if (silence) {
    const held: HeldBack = { suppressedBy: 'silenced', reason: silenceReason(silence), silence: silence.silence };
    // Every action but notify is held (a retrain too: "hands off" means hands off); notify still
    // reports what was held, unless the silence is quiet.
    guard.holdBack = (_, type) => (type !== 'notify' || silence.quiet ? held : undefined);
    return guard;
  }

  if (cooldownUntil !== undefined && cooldownUntil > now) {
    const held: HeldBack = {
      suppressedBy: 'cooldown',
      reason: `rule ${rule.id} is cooling down on ${endpoint ?? 'this signal'} until ${new Date(cooldownUntil).toISOString()} (cooldown ${formatDuration(rule.cooldownMs)})`,
    };
    guard.holdBack = () => held;
    return guard;
  }
  if (!lockedEndpoint) return guard;

  if (circuit) {
    const held: HeldBack = {
      suppressedBy: 'circuit',
      reason: `automatic changes to ${lockedEndpoint} are paused since ${new Date(circuit.openedAt).toISOString()} (${circuit.reason}); a human is needed`,
    };
    guard.holdBack = (m) => (m ? held : undefined);
    // Until a human has been told of this circuit, every event that finds it open tries again.
    await addHumanNeeded(guard, rule, signal, runbook, deps, lockedEndpoint, circuit.openedAt, circuit.reason);
    return guard;
  }

  const limit = runbook.defaults.maxRemediationsPerHour;
  if (recent >= limit) {
    const reason = `${recent} automatic changes to ${lockedEndpoint} in the last hour reached the limit of ${limit}`;
    const opened = await deps.store.openCircuit(lockedEndpoint, now, now + CIRCUIT_OPEN_MS, reason);
    guard.holdBack = (m) => (m ? { suppressedBy: 'limit', reason: `${reason}: circuit opened` } : undefined);
    if (opened) await addHumanNeeded(guard, rule, signal, runbook, deps, lockedEndpoint, now, reason);
    return guard;
  }

  if (status && isBusy(status, now)) {
    const held: HeldBack = { suppressedBy: 'endpoint-busy', reason: busyReason(lockedEndpoint, status) };
    guard.holdBack = (m) => (m ? held : undefined);
  }
  return guard;
}

/**
 * The "human needed" notice of one circuit (the endpoint and when it opened), at most once and
 * at least once: it has its own completion record, written when it is sent, so a publish that
 * failed is tried again by the next event (a retry of this one included) until it is delivered.
 */
async function addHumanNeeded(
  guard: RuleGuard,
  rule: Rule,
  signal: Signal,
  runbook: Runbook,
  deps: EngineDeps,
  endpoint: string,
  openedAt: number,
  reason: string,
): Promise<void> {
  const record = { key: `circuit#${endpoint}#${openedAt}`, id: 'human-needed', ttlMs: HUMAN_NEEDED_RECORD_MS };
  const done = await deps.store.getActionRecords(record.key);
  if (done.has(record.id)) return;
  guard.extraActions.push({ action: humanNeeded(rule, signal, runbook, reason), record });
}

/** After the rule ran: start its cooldown, count its changes, release the lock. */
export async function finishRuleGuards(
  guard: RuleGuard,
  actions: readonly ActionReport[],
  rule: Rule,
  signal: Signal,
  deps: EngineDeps,
  /** Where the actions' records live (the signal's key, a ladder step's, an approval's): names each remediation once. */
  recordsKey: string = signal.key,
): Promise<void> {
  try {
    const endpoint = signal.endpoint;
    // Replay and backtest count planned changes as made, so their guards behave as in production.
    const counts = (a: ActionReport) => a.status === 'executed' || (a.status === 'planned' && !deps.allowWrites);
    const ran = (a: ActionReport) => a.status === 'executed' || a.status === 'planned';
    // A change held by a silence or a busy endpoint has not happened: its notify alone must not
    // start the cooldown, or the change would be refused again once the silence or the update ends.
    const waiting = actions.some((a) => a.suppressedBy === 'silenced' || a.suppressedBy === 'endpoint-busy');
    const acted = waiting ? actions.some((a) => ran(a) && ACTIONS[a.type].mutatesEndpoint) : actions.some(ran);
    const writes: Array<Promise<void>> = [];
    if (acted && rule.cooldownMs > 0) {
      writes.push(deps.store.setCooldownUntil(rule.id, endpoint ?? '*', guard.now + rule.cooldownMs));
    }
    if (endpoint) {
      for (const [i, action] of actions.entries()) {
        if (ACTIONS[action.type].mutatesEndpoint && counts(action)) {
          writes.push(deps.store.recordRemediation(endpoint, `${recordsKey}#${rule.id}#${i}`, guard.now, HOUR_MS));
        }
      }
    }
    // Independent writes, sent together; all land before the lock is released, so the next
    // holder of the lock sees this rule's cooldown and counts.
    await Promise.all(writes);
  } finally {
    if (guard.lockedEndpoint) await deps.store.releaseLock(guard.lockedEndpoint, deps.owner);
  }
}

async function acquireLock(endpoint: string, deps: EngineDeps): Promise<void> {
  const lease = deps.runbook.runbook.defaults.lockLeaseMs;
  const waitMs = deps.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let waited = 0; ; waited += LOCK_POLL_MS) {
    if (await deps.store.acquireLock(endpoint, deps.owner, deps.clock.now(), leaseMs(lease, deps.clock.now(), deps))) return;
    if (waited >= waitMs) break;
    // Waiting past the invocation's deadline would leave no time to act: let a retry try again.
    if (deps.deadline !== undefined && deps.clock.now() + LOCK_POLL_MS >= deps.deadline) {
      throw new MedicError(
        'busy',
        `endpoint ${endpoint} is locked by another remediation and this invocation is near its deadline; ${RETRY_NOTE}`,
      );
    }
    await sleep(LOCK_POLL_MS);
  }
  throw new MedicError(
    'busy',
    `endpoint ${endpoint} is locked by another remediation (waited ${Math.round(waitMs / 1000)} s); ${RETRY_NOTE}`,
  );
}

/** The "human needed" page of an opened circuit (exported for its subject's property test). */
export function humanNeeded(rule: Rule, signal: Signal, runbook: Runbook, reason: string): ActionReport {
  const endpoint = signal.endpoint ?? 'unknown endpoint';
  const message = [
    `model-medic stopped changing ${endpoint} automatically.`,
    '',
    `Why: ${reason}.`,
    `Last trigger: rule ${rule.id} on ${signal.kind === 'alarm' ? `alarm ${signal.alarm} (${signal.state})` : `monitoring job ${signal.job} (${signal.status})`}.`,
    `Automatic changes resume in ${formatDuration(CIRCUIT_OPEN_MS)}; notifications continue meanwhile.`,
    'Look at the endpoint, its alarms and the audit trail (medic history --endpoint) before changing anything.',
  ].join('\n');
  return engineNotice({
    rule,
    runbook,
    endpoint,
    subject: `[CRITICAL] ${endpoint}: automatic remediation paused`,
    message,
    kind: 'circuit-open',
    reason: `circuit opened on ${endpoint}: tell a human`,
    skippedReason: 'circuit opened but the runbook defines no topic to tell',
  });
}
