/**
 * The engine: event -> signal -> runbook decision -> plan -> guards -> execution -> report.
 * The Lambda handlers and every CLI command call handleEvent; only the adapters they pass
 * in differ (recorded or live AWS reads, memory or DynamoDB state, system or virtual clock).
 */
import type { ActionPlan, PlanContext } from './actions/action.js';
import { ACTIONS } from './actions/registry.js';
import { retryNoticeId, retrySucceededNotice } from './actions/retry-notice.js';
import { type AuditSubject, type AuditTrail, auditTrail } from './audit-trail.js';
import { memoizeReader } from './aws/memo-reader.js';
import type { AwsCall, AwsReader, AwsWriter } from './aws/ports.js';
import { claimWithLock, takeLock } from './claim-and-lock.js';
import type { Clock } from './clock.js';
import { leaseMs } from './deadline.js';
import { endpointStateSubject, recordEndpointState } from './endpoint-state.js';
import { describeError, kindOf, MedicError } from './errors.js';
import { endLaddersOnOk, MAX_HELD_ATTEMPTS, previousLadderNotes, startLadder } from './escalation/ladders.js';
import { runCheck, type StepRunner } from './escalation/run-check.js';
import { changesEndpoint, checkRuleGuards, type GuardNotice, guardWrites, type HeldBack, type RuleGuard } from './guards.js';
// Operator events, approvals and their deadlines are rare: their code loads when one comes
// (import() below), not on every cold start (docs/performance.md).
import type { ApprovalRunner } from './operator/approvals.js';
import { type ActionReport, type EventReport, failedTransiently } from './report.js';
import { type CompiledRunbook, decide } from './runbook/index.js';
import type { ApprovalPolicy, Rule } from './runbook/types.js';
import { abandonSession, closeSession, decideGuardWrites, openSession, type Session, type Write, writeChange } from './session.js';
import { approvalKey } from './signals/approval-expiry.js';
import { checkKey } from './signals/check.js';
import { normalizeEvent } from './signals/normalize.js';
import type { OperatorEvent } from './signals/operator.js';
import type { Signal } from './signals/types.js';
import type { Approval, StateStore } from './state/store.js';
import type { Timers } from './timers/timers.js';

export interface EngineDeps {
  runbook: CompiledRunbook;
  reader: AwsReader;
  writer: AwsWriter;
  store: StateStore;
  clock: Clock;
  /** False: nothing is ever sent to AWS; actions end as `planned` (replay, backtest, --aws). */
  allowWrites: boolean;
  /** Who holds leases taken by this run: the Lambda request id, or the CLI run id. */
  owner: string;
  /** How long to wait for another invocation's endpoint lock before giving up (retryable). */
  lockWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * When this invocation must have finished (epoch ms; the Lambda's deadline less the time to
   * clean up). A claim's lease ends with it, so a retry after a killed invocation does not wait
   * out the whole lease; the lock wait gives up at it.
   */
  deadline?: number;
  /** Told of every bug (a throw that is not a MedicError) with the error itself, for its stack. */
  onInternalError?: (error: unknown, during: string) => void;
  /** Where a ladder's next check is scheduled (EventBridge Scheduler, a virtual queue, a recorder). */
  timers?: Timers;
}

export async function handleEvent(raw: unknown, label: string, deps: EngineDeps): Promise<EventReport> {
  const report: EventReport = { event: label, signal: null, rule: null, actions: [], ignored: null, error: null };
  const reader = memoizeReader(deps.reader);
  // What the audit record is about; events ignored before they name one leave no record.
  let subject: AuditSubject | undefined;
  const audit = auditTrail(report, () => subject && auditSubject(subject, report), { ...deps, runbook: deps.runbook.runbook.identity });
  try {
    const normalized = await normalizeEvent(raw, reader);
    if (normalized.type === 'ignored') {
      report.ignored = normalized.reason;
      return report;
    }
    if (normalized.type === 'endpoint-state') {
      subject = endpointStateSubject(normalized.change);
      await recordEndpointState(normalized.change, report, deps, audit);
    } else if (normalized.type === 'operator') {
      subject = { key: `operator#${label}`, ...operatorEndpoint(normalized.event) };
      await runOperatorEvent(normalized.event, label, report, { ...deps, reader });
    } else if (normalized.type === 'approval-expiry') {
      const { expiry } = normalized;
      subject = { key: approvalKey(expiry.approval), ...(expiry.endpoint ? { endpoint: expiry.endpoint } : {}) };
      const { expireApproval } = await import('./operator/approvals.js');
      await expireApproval(expiry, report, deps, approvalRunner(report, { ...deps, reader }));
    } else if (normalized.type === 'check') {
      const { check } = normalized;
      subject = { key: checkKey(check), ...(check.endpoint ? { endpoint: check.endpoint } : {}) };
      await runCheck(check, report, { ...deps, reader }, stepRunner(report, { ...deps, reader }));
    } else {
      const { signal } = normalized;
      report.signal = signal;
      subject = { key: signal.key, ...(signal.endpoint ? { endpoint: signal.endpoint } : {}) };
      await runSignal(signal, report, { ...deps, reader }, audit);
    }
  } catch (error) {
    markError(report, error, deps);
  }
  // Written with the event's last round of writes, unless there was none or the event failed after.
  if (!audit.current()) await audit.write();
  return report;
}

/** An approval decided by id: the audit files it under the endpoint it acted on. */
function auditSubject(subject: AuditSubject, report: EventReport): AuditSubject {
  if (subject.endpoint) return subject;
  const endpoint = report.signal?.endpoint ?? report.approvals?.[0]?.endpoint ?? report.operator?.endpoint;
  return endpoint ? { ...subject, endpoint } : subject;
}

/** An operator event, applied once per event id (a redelivery finds it done). */
async function runOperatorEvent(event: OperatorEvent, label: string, report: EventReport, deps: EngineDeps): Promise<void> {
  const { defaults } = deps.runbook.runbook;
  const key = `operator#${label}`;
  const now = deps.clock.now();
  const claim = await deps.store.claimSignal(key, deps.owner, now, leaseMs(defaults.lockLeaseMs, now, deps), defaults.dedupeMs);
  if (claim.status !== 'started') {
    report.operator = { type: event.type, by: event.by, ...(event.reason ? { reason: event.reason } : {}) };
    report.ignored = `duplicate: operator event ${label} was already applied`;
    return;
  }
  try {
    const { applyOperatorEvent } = await import('./operator/apply.js');
    await applyOperatorEvent(event, report, deps, approvalRunner(report, deps));
  } catch (error) {
    await deps.store.releaseSignal(key, deps.owner);
    throw error;
  }
  // An approved action that failed for a reason that passes: the retry of this event tries again.
  if (failedTransiently(report.actions)) await deps.store.releaseSignal(key, deps.owner);
  else await deps.store.completeSignal(key, deps.owner, deps.clock.now(), defaults.dedupeMs);
}

function operatorEndpoint(event: OperatorEvent): { endpoint?: string } {
  if (event.type === 'Circuit Closed') return { endpoint: event.endpoint };
  if (event.type === 'Silence Created' && !/[*?[]/.test(event.spec.endpoint)) return { endpoint: event.spec.endpoint };
  return {};
}

async function runSignal(signal: Signal, report: EventReport, deps: EngineDeps, audit: AuditTrail): Promise<void> {
  if (signal.kind === 'alarm' && signal.actionsSuppressedBy) {
    report.ignored = `composite alarm ${signal.alarm} has its actions suppressed by ${signal.actionsSuppressedBy}: nothing is done while it is suppressed`;
    return;
  }
  if (signal.kind === 'alarm') await endLaddersOnOk(signal, report, deps);
  const { matches } = decide(deps.runbook, signal);
  if (matches.length === 0) {
    report.ignored = 'no runbook rule matched';
    return;
  }
  report.rule = matches[0]?.id ?? null;
  if (matches.length > 1) report.rules = matches.map((r) => r.id);

  const { defaults } = deps.runbook.runbook;
  // The matches are known before anything is read, so the endpoint's lock (when a rule changes
  // it) is taken with the claim, and held for every rule of the signal.
  const lockedEndpoint = signal.endpoint !== undefined && matches.some(changesEndpoint) ? signal.endpoint : undefined;
  const claim = await claimWithLock(signal.key, lockedEndpoint, deps);
  if (claim.status !== 'started') {
    const reason =
      claim.status === 'completed'
        ? `duplicate: this ${signal.kind === 'alarm' ? 'alarm transition' : 'job result'} was already handled`
        : `duplicate: another invocation (${claim.owner}) is handling this signal right now`;
    for (const rule of matches) {
      for (const spec of rule.actions) {
        report.actions.push({ type: spec.type, rule: rule.id, status: 'suppressed', suppressedBy: 'dedupe', reason, calls: [] });
      }
    }
    return;
  }

  const release: Write = () => deps.store.releaseSignal(signal.key, deps.owner);
  let session: Session | undefined;
  try {
    const laddered = signal.kind === 'alarm' && signal.state === 'ALARM' ? matches.filter((r) => r.escalate.length > 0) : [];
    // Read before the rules run: their notify says how this alarm's previous ladder ended.
    const opened = await openSession(deps, {
      recordsKey: signal.key,
      endpoint: signal.endpoint,
      ...(lockedEndpoint ? { lockedEndpoint } : {}),
      ...(laddered.length > 0 && signal.kind === 'alarm' ? { laddersOf: signal.alarmArn } : {}),
    });
    session = opened.session;
    const previousOf = (rule: Rule) => opened.ladders.find((l) => l.rule === rule.id);
    // An OK that just ended ladders: its notify says so (a recovery rule reports what recovered).
    const ended = (report.ladders ?? [])
      .filter((l) => l.event === 'resolved')
      .map((l) => `Escalation ladder of rule ${l.rule}: ${l.reason}.`);
    for (const rule of matches) {
      await runRule(rule, signal, report, deps, { session, notes: [...ended, ...previousLadderNotes(previousOf(rule))] });
    }
    if (failedTransiently(report.actions)) {
      // Released, not completed: the retry of this event claims the key again and finishes what
      // is left, so it must find every record written first.
      await closeSession(session, deps, [release, () => audit.write()], true);
      return;
    }
    // The retry after a transient failure starts the ladder, once; otherwise it starts now. Its
    // check is scheduled before the claim completes (a completed claim is never retried).
    const ladders: Write[] = [];
    if (signal.kind === 'alarm') {
      for (const rule of laddered) {
        const write = await startLadder(rule, signal, previousOf(rule), report, deps);
        if (write) ladders.push(write);
      }
    }
    const complete: Write = () => deps.store.completeSignal(signal.key, deps.owner, deps.clock.now(), defaults.dedupeMs);
    await closeSession(session, deps, [...ladders, complete, () => audit.write()]);
  } catch (error) {
    // Let the retry of this event claim the key again and finish what is left.
    await abandonSession(session, lockedEndpoint, deps, [release]);
    throw error;
  }
}

interface RuleRunOptions {
  /** Where the actions' completion records live: the signal key, or a ladder step's key. */
  recordsKey?: string;
  /**
   * A ladder step, and which attempt of it: the rule's cooldown does not apply. A step held by a
   * busy endpoint is tried again; what it changed is done once per step, but its notify speaks
   * again at every attempt (it reports a new outcome), so notify records are per attempt.
   */
  stepOfLadder?: { step: number; of: number; attempt: number };
  /** Extra lines for the rule's notify. */
  notes?: string[];
  /** An approved action, run alone: it asks no approval again and the rule's cooldown does not hold it. */
  approved?: Approval & { decidedBy: string };
  /** The signal's session (its lock, snapshot and pending writes); without one, the rule opens its own. */
  session?: Session;
}

/** Runs one rule's actions through the guards; returns their outcomes (also added to the report). */
async function runRule(
  rule: Rule,
  signal: Signal,
  report: EventReport,
  deps: EngineDeps,
  options: RuleRunOptions = {},
): Promise<ActionReport[]> {
  const session = options.session;
  if (!session) return runRuleAlone(rule, signal, report, deps, options);
  const runbook = deps.runbook.runbook;
  const recordsKey = options.recordsKey ?? signal.key;
  const done = session.done;
  const resuming = rule.actions.some((_, i) => done.has(`${rule.id}#${i}`));
  // The rule's own guards cover the endpoint only if the rule changes it (the session may hold the
  // lock for another rule of the signal).
  const lockedEndpoint = changesEndpoint(rule) ? session.lockedEndpoint : undefined;
  const guard: RuleGuard = await checkRuleGuards(
    rule,
    signal,
    runbook,
    deps,
    session.snapshot,
    resuming || options.stepOfLadder !== undefined || options.approved !== undefined,
    lockedEndpoint,
  );
  const earlier: ActionReport[] = [];
  try {
    for (const [index, spec] of rule.actions.entries()) {
      const definition = ACTIONS[spec.type];
      const perAttempt = options.stepOfLadder && !definition.mutatesEndpoint ? `@${options.stepOfLadder.attempt}` : '';
      const actionId = `${rule.id}#${index}${perAttempt}`;
      const previous = done.get(actionId);
      let action: ActionReport;
      if (previous && (previous.status === 'executed' || previous.status === 'skipped')) {
        action = { ...previous, reason: `already done in an earlier attempt: ${previous.reason}` };
      } else {
        let remember: Write | undefined;
        const held = guard.holdBack(definition.mutatesEndpoint, spec.type) ?? quietWhileBusy(spec.type, earlier, options.stepOfLadder);
        if (held) action = { type: spec.type, rule: rule.id, status: 'suppressed', calls: [], ...held };
        else if (rule.approval?.for.includes(spec.type) && !options.approved) {
          action = await planThenAsk(spec, index, rule, rule.approval, signal, recordsKey, earlier, report, deps, options);
        } else
          ({ action, remember } = await runAction(spec, rule, signal, earlier, deps, {
            ...options,
            expectPlan: options.approved?.planned,
          }));
        if (options.approved) action = approvedBy(action, options.approved);
        // An approval asked is recorded too: a retry of this event resumes (no cooldown) and asks the same id.
        if (action.status === 'executed' || action.status === 'skipped' || action.status === 'awaiting-approval') {
          const recorded = action;
          const record: Write = () =>
            deps.store.putActionRecord(recordsKey, actionId, recorded, deps.clock.now(), runbook.defaults.dedupeMs);
          if (action.status === 'executed' && definition.mutatesEndpoint) {
            // A change: a retry must not make it again, and the next holder of the lock must see
            // the cooldown and the count it started, so they all land now, in one round.
            const certain = guardWrites(guard, [...earlier, action], rule, signal, deps.allowWrites, recordsKey);
            await writeChange(
              session,
              deps,
              [record, remember].filter((w): w is Write => w !== undefined),
              certain,
            );
          } else {
            // Nothing changed: the record goes with the session's last round.
            session.deferred.push(record);
            if (remember) session.deferred.push(remember);
          }
        }
      }
      earlier.push(action);
      report.actions.push(action);
    }
    const notices: GuardNotice[] = [...guard.extraActions];
    const recovered = resuming ? retrySucceededNotice(rule, signal, done, earlier) : undefined;
    if (recovered) {
      notices.push({ action: recovered, record: { key: signal.key, id: retryNoticeId(rule), ttlMs: runbook.defaults.dedupeMs } });
    }
    for (const notice of notices) await sendNotice(notice, report, deps);
  } finally {
    // What the outcome writes for the guards: written with the session's last writes (before the
    // lock goes), and seen at once by the signal's next rule.
    decideGuardWrites(session, guardWrites(guard, earlier, rule, signal, deps.allowWrites, recordsKey));
  }
  return earlier;
}

/**
 * A ladder step or an approved action: nobody holds the endpoint for it, so it takes the lock
 * itself (when it changes the endpoint), reads its session, runs, writes and lets go.
 */
async function runRuleAlone(
  rule: Rule,
  signal: Signal,
  report: EventReport,
  deps: EngineDeps,
  options: RuleRunOptions,
): Promise<ActionReport[]> {
  const recordsKey = options.recordsKey ?? signal.key;
  const lockedEndpoint = signal.endpoint !== undefined && changesEndpoint(rule) ? signal.endpoint : undefined;
  if (lockedEndpoint) await takeLock(lockedEndpoint, recordsKey, deps);
  let session: Session | undefined;
  try {
    ({ session } = await openSession(deps, { recordsKey, endpoint: signal.endpoint, ...(lockedEndpoint ? { lockedEndpoint } : {}) }));
    const actions = await runRule(rule, signal, report, deps, { ...options, session });
    await closeSession(session, deps, []);
    return actions;
  } catch (error) {
    await abandonSession(session, lockedEndpoint, deps, []);
    throw error;
  }
}

/** Plans the action against current state; one that would run waits for a human instead. */
async function planThenAsk(
  spec: Rule['actions'][number],
  index: number,
  rule: Rule,
  policy: ApprovalPolicy,
  signal: Signal,
  recordsKey: string,
  earlier: readonly ActionReport[],
  report: EventReport,
  deps: EngineDeps,
  options: RuleRunOptions,
): Promise<ActionReport> {
  const planned = await planAction(spec, rule, signal, earlier, deps, options);
  if (planned.kind === 'report') return planned.action;
  const { askApproval } = await import('./operator/ask-approval.js');
  return askApproval({ spec, index, rule, policy, signal, recordsKey, plan: planned.plan }, report, deps);
}

/** An approved action's report names its approval and who approved it. */
function approvedBy(action: ActionReport, approval: Approval & { decidedBy: string }): ActionReport {
  // A held one says what holds it; the approval's report says it was granted.
  if (action.status === 'suppressed') return { ...action, approval: approval.id };
  return { ...action, approval: approval.id, reason: `approved by ${approval.decidedBy}: ${action.reason}` };
}

/**
 * A ladder step tried again because its endpoint is still busy says nothing new: its notify spoke
 * at the first attempt ("held back (endpoint-busy)") and speaks again when the step runs.
 */
function quietWhileBusy(
  type: Rule['actions'][number]['type'],
  earlier: readonly ActionReport[],
  step: RuleRunOptions['stepOfLadder'],
): HeldBack | undefined {
  if (type !== 'notify' || !step || step.attempt < 2 || step.attempt >= MAX_HELD_ATTEMPTS) return undefined;
  const holder = earlier.find((a) => a.suppressedBy === 'endpoint-busy' || a.suppressedBy === 'silenced');
  if (!holder?.suppressedBy) return undefined;
  return {
    suppressedBy: holder.suppressedBy,
    reason: `escalation step ${step.step} is still held (busy endpoint or silence; attempt ${step.attempt}): told at the first attempt, told again when it runs`,
  };
}

/** Sends one of the engine's own notices and writes its completion record once it is sent. */
async function sendNotice(notice: GuardNotice, report: EventReport, deps: EngineDeps): Promise<void> {
  const sent = await runExtra(notice.action, deps);
  report.actions.push(sent);
  if (sent.status === 'executed' || sent.status === 'planned') {
    await deps.store.putActionRecord(notice.record.key, notice.record.id, sent, deps.clock.now(), notice.record.ttlMs);
  }
}

/** A notice the engine sends at most once: skipped when its completion record says it was sent. */
async function sendNoticeOnce(notice: GuardNotice, report: EventReport, deps: EngineDeps): Promise<void> {
  const done = await deps.store.getActionRecords(notice.record.key);
  if (!done.has(notice.record.id)) await sendNotice(notice, report, deps);
}

/** What a ladder check borrows from the engine: a step runs as the rule's actions would. */
function stepRunner(report: EventReport, deps: EngineDeps): StepRunner {
  return {
    runStep: (rule, signal, recordsKey, step, notes) => runRule(rule, signal, report, deps, { recordsKey, stepOfLadder: step, notes }),
    sendNotice: (notice) => sendNoticeOnce(notice, report, deps),
  };
}

/** What a decided approval borrows from the engine: the approved action runs as its rule's would. */
function approvalRunner(report: EventReport, deps: EngineDeps): ApprovalRunner {
  return {
    async runApproved(rule, approval, by) {
      // The signal it was asked for, under its own key (the plan derives names and tokens from it,
      // so it can match what was approved); its records under the approval's own key.
      const signal = { ...approval.signal, eventId: report.event };
      return runRule(rule, signal, report, deps, { recordsKey: approvalKey(approval.id), approved: { ...approval, decidedBy: by } });
    },
    sendNotice: (notice) => sendNoticeOnce(notice, report, deps),
  };
}

/** An action planned against current state, or the report of why it will not run (skipped, held, failed). */
type Planned = { kind: 'report'; action: ActionReport } | { kind: 'plan'; plan: ActionPlan; ctx: PlanContext; willExecute: boolean };

async function planAction(
  spec: Rule['actions'][number],
  rule: Rule,
  signal: Signal,
  earlier: readonly ActionReport[],
  deps: EngineDeps,
  options: Pick<RuleRunOptions, 'notes' | 'stepOfLadder'> = {},
): Promise<Planned> {
  const { notes, stepOfLadder } = options;
  const definition = ACTIONS[spec.type];
  const mode = rule.mode;
  const willExecute = deps.allowWrites && (mode === 'live' || definition.runsInDryRun);
  const ctx: PlanContext = {
    signal,
    rule,
    runbook: deps.runbook.runbook,
    reader: deps.reader,
    store: deps.store,
    now: deps.clock.now(),
    mode,
    willExecute,
    earlier,
    ...(notes && notes.length > 0 ? { notes } : {}),
    ...(stepOfLadder ? { escalation: { step: stepOfLadder.step, of: stepOfLadder.of } } : {}),
  };
  const base = { type: spec.type, rule: rule.id };
  let plan: ActionPlan;
  try {
    plan = await definition.plan(spec.params, ctx);
  } catch (error) {
    return { kind: 'report', action: failed(base, [], error, 'planning', deps) };
  }
  if (plan.status === 'skipped') return { kind: 'report', action: { ...base, status: 'skipped', reason: plan.reason, calls: [] } };
  if (plan.status === 'held') {
    const action: ActionReport = {
      ...base,
      status: 'suppressed',
      suppressedBy: plan.heldBy ?? 'endpoint-busy',
      reason: plan.reason,
      calls: [],
    };
    return { kind: 'report', action };
  }
  return { kind: 'plan', plan, ctx, willExecute };
}

/**
 * Plans and, when it may, executes the action. What an executed action remembers (a scale-out,
 * for restore) is handed back as a write, to land with the action's completion record.
 */
async function runAction(
  spec: Rule['actions'][number],
  rule: Rule,
  signal: Signal,
  earlier: readonly ActionReport[],
  deps: EngineDeps,
  options: Pick<RuleRunOptions, 'notes' | 'stepOfLadder'> & { expectPlan?: { reason: string; calls: AwsCall[] } | undefined } = {},
): Promise<{ action: ActionReport; remember?: Write }> {
  const planned = await planAction(spec, rule, signal, earlier, deps, options);
  if (planned.kind === 'report') return { action: planned.action };
  const { plan, ctx, willExecute } = planned;
  const base = { type: spec.type, rule: rule.id };
  const expected = options.expectPlan;
  if (expected && JSON.stringify(expected.calls) !== JSON.stringify(plan.calls)) {
    // Approve what you saw: the endpoint changed since the approval was asked, so this is another change.
    const reason = `not run: the plan changed since it was approved (then: ${expected.reason}; now: ${plan.reason}); the alarm, if it persists, asks again`;
    return { action: { ...base, status: 'skipped', reason, calls: [] } };
  }
  if (!willExecute) {
    // Replay and backtest simulate the outcome, so later events see what this one would have changed.
    if (!deps.allowWrites) await plan.remember?.(deps.store, ctx.now);
    const why = rule.mode === 'dry-run' && !ACTIONS[spec.type].runsInDryRun ? ' [dry-run]' : '';
    return { action: { ...base, status: 'planned', reason: plan.reason + why, calls: plan.calls } };
  }
  for (const call of plan.calls) {
    try {
      await deps.writer.send(call);
    } catch (error) {
      return { action: failed(base, plan.calls, error, `${call.service}:${call.operation}`, deps) };
    }
  }
  const action: ActionReport = { ...base, status: 'executed', reason: plan.reason, calls: plan.calls };
  const remember = plan.remember;
  if (!remember) return { action };
  const at = deps.clock.now();
  return { action, remember: () => remember(deps.store, at) };
}

/** Notifications the engine sends itself ("human needed" when the circuit opens, "recovered" after a retry). */
async function runExtra(extra: ActionReport, deps: EngineDeps): Promise<ActionReport> {
  if (!deps.allowWrites || extra.status !== 'planned') return extra;
  for (const call of extra.calls) {
    try {
      await deps.writer.send(call);
    } catch (error) {
      return failed(extra, extra.calls, error, `${call.service}:${call.operation}`, deps);
    }
  }
  return { ...extra, status: 'executed' };
}

function failed(
  base: Pick<ActionReport, 'type' | 'rule'>,
  calls: ActionReport['calls'],
  error: unknown,
  during: string,
  deps: EngineDeps,
): ActionReport {
  const kind = kindOf(error);
  if (kind === 'internal') deps.onInternalError?.(error, during);
  const message = describeError(error);
  // A MedicError already names the API and the resource; anything else gets that context here.
  const reason = error instanceof MedicError ? message : `${during} failed: ${message}`;
  return { ...base, status: 'failed', reason, calls, error: { kind, message } };
}

function markError(report: EventReport, error: unknown, deps: EngineDeps): void {
  report.error = describeError(error);
  report.errorKind = kindOf(error);
  if (report.errorKind === 'internal') deps.onInternalError?.(error, `event ${report.event}`);
}
