/**
 * Guards decide whether a matched rule may act now: cooldown per rule + endpoint, the
 * circuit breaker and the remediation limit per endpoint, silences and busy endpoints. The
 * decision is a pure function of one snapshot read while the endpoint is locked
 * (guards/snapshot.ts; the engine's session reads it); only its rare consequences (opening the
 * circuit, finding whether a human was told) touch the store. Dedupe by signal key and the lock
 * itself come before them (claim-and-lock.ts).
 */
import { engineNotice } from './actions/engine-notice.js';
import type { ActionType } from './actions/params.js';
import { ACTIONS } from './actions/registry.js';
import type { EngineDeps } from './engine.js';
import { busyReason, isBusy } from './guards/busy.js';
import { silenceReason, silencing } from './guards/silence.js';
import { type GuardSnapshot, type GuardWrite, noteCircuit } from './guards/snapshot.js';
import type { ActionReport, SuppressionCause } from './report.js';
import { formatDuration } from './runbook/duration.js';
import type { Rule, Runbook } from './runbook/types.js';
import type { Signal } from './signals/types.js';

export const HOUR_MS = 3600_000;
/** Once opened, the circuit stays open this long unless a human closes it. */
export const CIRCUIT_OPEN_MS = 6 * HOUR_MS;

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

/** Whether one of the rule's actions changes the endpoint: such a rule runs under the endpoint's lock. */
export function changesEndpoint(rule: Pick<Rule, 'actions'>): boolean {
  return rule.actions.some((a) => ACTIONS[a.type].mutatesEndpoint);
}

/** What the guards decided for one rule, before anything that needs the store. */
export interface GuardDecision {
  /** Why an action must be held back, or undefined when it may run. */
  holdBack(mutatesEndpoint: boolean, type: ActionType): HeldBack | undefined;
  /** What the decision asks of the store (rare paths): tell a human of an open circuit, or open it. */
  asks?: { kind: 'tell-human'; openedAt: number; reason: string } | { kind: 'open-circuit'; reason: string };
}

export interface RuleGuard {
  /** Why an action must be held back, or undefined when it may run. */
  holdBack(mutatesEndpoint: boolean, type: ActionType): HeldBack | undefined;
  /** Notifications the guards themselves send ("human needed"). */
  extraActions: GuardNotice[];
  /** The endpoint whose lock covers this rule (it changes that endpoint), if any. */
  lockedEndpoint?: string;
  now: number;
}

const go = (): HeldBack | undefined => undefined;

/**
 * The guards' decision for one rule, a pure function of the snapshot read under the lock.
 * `resuming`: this rule already ran part of its actions for this very signal (a Lambda retry
 * after a partial failure), or this is a ladder step or an approved action: the rule's own
 * cooldown must not stop any of them; nor does a cooldown that this very signal started (its
 * retry, when the first attempt's records did not land). `lockedEndpoint`: the rule changes that
 * endpoint and holds its lock; the circuit, the limit and a busy endpoint apply only then.
 */
export function decideUnderLock(
  rule: Rule,
  signal: Signal,
  runbook: Runbook,
  snapshot: GuardSnapshot,
  now: number,
  resuming: boolean,
  lockedEndpoint: string | undefined,
): GuardDecision {
  const endpoint = signal.endpoint;
  // An operator's silence first: it says "hands off", whatever else would hold or allow.
  const silence = silencing(snapshot.silences, signal, rule.id, now);
  if (silence) {
    const held: HeldBack = { suppressedBy: 'silenced', reason: silenceReason(silence), silence: silence.silence };
    // Every action but notify is held (a retrain too: "hands off" means hands off); notify still
    // reports what was held, unless the silence is quiet.
    return { holdBack: (_, type) => (type !== 'notify' || silence.quiet ? held : undefined) };
  }

  const cooldown = resuming ? undefined : snapshot.endpoint.cooldowns.find((c) => c.rule === rule.id && c.by !== signal.key);
  if (cooldown && cooldown.until > now) {
    const held: HeldBack = {
      suppressedBy: 'cooldown',
      reason: `rule ${rule.id} is cooling down on ${endpoint ?? 'this signal'} until ${new Date(cooldown.until).toISOString()} (cooldown ${formatDuration(rule.cooldownMs)})`,
    };
    return { holdBack: () => held };
  }
  if (!lockedEndpoint) return { holdBack: go };

  const circuit = snapshot.endpoint.circuit;
  if (circuit && circuit.until > now) {
    const held: HeldBack = {
      suppressedBy: 'circuit',
      reason: `automatic changes to ${lockedEndpoint} are paused since ${new Date(circuit.openedAt).toISOString()} (${circuit.reason}); a human is needed`,
    };
    // Until a human has been told of this circuit, every event that finds it open tries again.
    return { holdBack: (m) => (m ? held : undefined), asks: { kind: 'tell-human', openedAt: circuit.openedAt, reason: circuit.reason } };
  }

  const limit = runbook.defaults.maxRemediationsPerHour;
  const recent = snapshot.remediations;
  if (recent >= limit) {
    const reason = `${recent} automatic changes to ${lockedEndpoint} in the last hour reached the limit of ${limit}`;
    return {
      holdBack: (m) => (m ? { suppressedBy: 'limit', reason: `${reason}: circuit opened` } : undefined),
      asks: { kind: 'open-circuit', reason },
    };
  }

  const status = snapshot.endpoint.status;
  if (status && isBusy(status, now)) {
    const held: HeldBack = { suppressedBy: 'endpoint-busy', reason: busyReason(lockedEndpoint, status) };
    return { holdBack: (m) => (m ? held : undefined) };
  }
  return { holdBack: go };
}

/** The rule's guard: the pure decision, then what it asks of the store (rare: an open or opening circuit). */
export async function checkRuleGuards(
  rule: Rule,
  signal: Signal,
  runbook: Runbook,
  deps: EngineDeps,
  snapshot: GuardSnapshot,
  resuming: boolean,
  lockedEndpoint: string | undefined,
): Promise<RuleGuard> {
  const now = deps.clock.now();
  const decision = decideUnderLock(rule, signal, runbook, snapshot, now, resuming, lockedEndpoint);
  const guard: RuleGuard = { holdBack: decision.holdBack, extraActions: [], now };
  if (lockedEndpoint) guard.lockedEndpoint = lockedEndpoint;
  const asks = decision.asks;
  if (!asks || !lockedEndpoint) return guard;
  if (asks.kind === 'tell-human') {
    await addHumanNeeded(guard, rule, signal, runbook, deps, lockedEndpoint, asks.openedAt, asks.reason);
    return guard;
  }
  const until = now + CIRCUIT_OPEN_MS;
  const opened = await deps.store.openCircuit(lockedEndpoint, now, until, asks.reason);
  if (opened) {
    noteCircuit(snapshot, { openedAt: now, until, reason: asks.reason });
    await addHumanNeeded(guard, rule, signal, runbook, deps, lockedEndpoint, now, asks.reason);
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

/**
 * What the rule's outcome so far writes for the guards: its cooldown once it acted, and one
 * remediation record per change it made. Pure; the engine writes them (the first change's
 * round carries them, so they land before the lock is released) and notes them in the snapshot.
 */
export function guardWrites(
  guard: RuleGuard,
  actions: readonly ActionReport[],
  rule: Rule,
  signal: Signal,
  allowWrites: boolean,
  /** Where the actions' records live (the signal's key, a ladder step's, an approval's): names each remediation once. */
  recordsKey: string = signal.key,
): GuardWrite[] {
  const endpoint = signal.endpoint;
  // Replay and backtest count planned changes as made, so their guards behave as in production.
  const counts = (a: ActionReport) => a.status === 'executed' || (a.status === 'planned' && !allowWrites);
  const ran = (a: ActionReport) => a.status === 'executed' || a.status === 'planned';
  // A change held by a silence or a busy endpoint has not happened: its notify alone must not
  // start the cooldown, or the change would be refused again once the silence or the update ends.
  const waiting = actions.some((a) => a.suppressedBy === 'silenced' || a.suppressedBy === 'endpoint-busy');
  const acted = waiting ? actions.some((a) => ran(a) && ACTIONS[a.type].mutatesEndpoint) : actions.some(ran);
  const writes: GuardWrite[] = [];
  if (acted && rule.cooldownMs > 0) {
    writes.push({ kind: 'cooldown', rule: rule.id, endpoint: endpoint ?? '*', until: guard.now + rule.cooldownMs, by: signal.key });
  }
  if (endpoint) {
    for (const [i, action] of actions.entries()) {
      if (ACTIONS[action.type].mutatesEndpoint && counts(action)) {
        writes.push({ kind: 'remediation', endpoint, id: `${recordsKey}#${rule.id}#${i}`, at: guard.now, ttlMs: HOUR_MS });
      }
    }
  }
  return writes;
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
