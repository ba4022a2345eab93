/**
 * Deciding an approval (docs/operator-controls.md#approvals): `Approval Granted` runs the waiting
 * action, planned again against the endpoint as it is now, through every guard but the cooldown;
 * `Approval Rejected` and the expiry timer drop it, with one notification each.
 *
 * The approval's status is the truth, and every change of it is conditional: pending -> granted |
 * rejected | expired, and granted -> pending again when a guard held the granted action back (a
 * silence, a busy endpoint: approve again once it passes). A grant is recorded BEFORE its action
 * runs, so an expiry that comes while it runs, or while its retry is pending, finds it granted.
 *
 * Each decision also holds `approval#<id>` (a claim, as a signal key) while it works, so two
 * decisions never interleave; a decision that finds another one at work is retried (busy), never
 * dropped. The claim is released at the end either way: it is a mutex, not a record.
 */
import { engineNotice } from '../actions/engine-notice.js';
import { leaseMs } from '../deadline.js';
import type { EngineDeps } from '../engine.js';
import { MedicError, RETRY_NOTE } from '../errors.js';
import { alarmVerdict } from '../escalation/alarm-now.js';
import type { GuardNotice } from '../guards.js';
import { type ActionReport, type EventReport, failedTransiently } from '../report.js';
import type { Rule } from '../runbook/types.js';
import { type ApprovalExpiry, approvalKey, expiryTimerName } from '../signals/approval-expiry.js';
import type { OperatorEvent } from '../signals/operator.js';
import type { Approval } from '../state/store.js';
import { describeDecided, describeWaiting } from './approval-words.js';
import { noteApproval } from './ask-approval.js';

/** What the engine lends a decision: running the approved action, and sending its own notices once. */
export interface ApprovalRunner {
  /** Runs `rule` (the approved action alone) on the approval's signal through the guards, except the cooldown. */
  runApproved(rule: Rule, approval: Approval, by: string): Promise<ActionReport[]>;
  /** Sends a notice at most once (its own completion record) and reports it. */
  sendNotice(notice: GuardNotice): Promise<void>;
}

type Decision = Extract<OperatorEvent, { type: 'Approval Granted' | 'Approval Rejected' }>;

/** The completion record of the one notice that says an approval was dropped. */
const DROPPED_NOTICE = 'dropped-notice';

export async function applyApprovalDecision(event: Decision, report: EventReport, deps: EngineDeps, runner: ApprovalRunner): Promise<void> {
  const id = event.approval;
  const known = await deps.store.getApproval(id);
  if (!known) {
    report.ignored = `approval ${id} does not exist (or is older than its retention): check the id with \`medic approvals\`; nothing was run or dropped`;
    return;
  }
  // The audit files the decision under the approval's endpoint, whatever came of it.
  if (report.operator && known.endpoint) report.operator.endpoint = known.endpoint;
  await withClaim(id, deps, async () => {
    // Read again under the claim: another decision may have landed since the first read.
    const approval = (await deps.store.getApproval(id)) ?? known;
    if (event.type === 'Approval Rejected') await reject(approval, event, report, deps, runner);
    else await grant(approval, event, report, deps, runner);
  });
}

/** The expiry timer fired: a still-pending approval is dropped, with one notification. */
export async function expireApproval(expiry: ApprovalExpiry, report: EventReport, deps: EngineDeps, runner: ApprovalRunner): Promise<void> {
  const id = expiry.approval;
  if (!(await deps.store.getApproval(id))) {
    report.ignored = `approval ${id} is no longer recorded: nothing to expire`;
    return;
  }
  await withClaim(id, deps, async () => {
    const approval = await deps.store.getApproval(id);
    if (!approval) return;
    const now = deps.clock.now();
    if (approval.status === 'pending' && approval.expiresAt > now) {
      // Fired before the deadline (the timer is set a minute after it, so only a clock far off or a
      // redrive does this): retried, so the expiry is not lost with its spent timer.
      throw new MedicError(
        'busy',
        `approval ${id} is pending until ${new Date(approval.expiresAt).toISOString()}: not expired yet; ${RETRY_NOTE}`,
      );
    }
    await dropExpired(approval, 'expired without a decision', report, deps, runner);
  });
}

async function grant(approval: Approval, event: Decision, report: EventReport, deps: EngineDeps, runner: ApprovalRunner): Promise<void> {
  const id = approval.id;
  const now = deps.clock.now();
  // A grant is resumed (a retry of it, after a failure half-way) only by its approver and only while
  // the completion records that make its action run once still exist; later, it is done with.
  const resumable = approval.decidedBy === event.by && now - (approval.decidedAt ?? 0) < deps.runbook.runbook.defaults.dedupeMs;
  if (approval.status === 'granted' && !resumable) {
    report.ignored = `approval ${id} ${describeDecided(approval)}: nothing more to do`;
    return;
  }
  if (approval.status !== 'pending' && approval.status !== 'granted') {
    report.ignored = `approval ${id} ${describeDecided(approval)}: nothing was run`;
    return;
  }
  const rule = deps.runbook.runbook.rules.find((r) => r.id === approval.rule);
  if (approval.status === 'pending') {
    if (approval.expiresAt <= now) {
      // Too late: the timer may not have fired yet. Drop it here, once, as the timer would.
      await dropExpired(approval, 'expired without a decision', report, deps, runner);
      report.ignored = `approval ${id} expired at ${new Date(approval.expiresAt).toISOString()}: too late to approve, nothing was run (the alarm, if it persists, asks again)`;
      return;
    }
    const changed = ruleChanged(rule, approval);
    if (changed) {
      report.ignored = `approval ${id}: ${changed}; nothing was run (it lapses at ${new Date(approval.expiresAt).toISOString()}; the alarm, if it persists, asks again under the current rule)`;
      return;
    }
    const gone = await situationGone(approval, deps);
    if (gone) {
      await cancelExpiry(id, deps);
      await dropExpired(approval, `withdrawn: ${gone}`, report, deps, runner, 'withdrawn');
      report.ignored = `approval ${id} withdrawn: ${gone}; nothing was run`;
      return;
    }
    // Recorded before the action runs: an expiry that comes meanwhile finds it granted.
    if (!(await deps.store.decideApproval(id, 'granted', event.by, now, event.reason))) {
      const current = (await deps.store.getApproval(id)) ?? approval;
      report.ignored = `approval ${id} ${describeDecided(current)}: nothing was run`;
      return;
    }
  }
  // Granted by this approver: a first attempt, or the retry of one that failed half-way (the
  // action's completion record makes it run once either way).
  if (!rule) {
    report.ignored = `rule ${approval.rule} is no longer in the runbook: approval ${id} is granted but nothing was run`;
    return;
  }
  const granted: Approval = { ...approval, status: 'granted', decidedBy: event.by, decidedAt: approval.decidedAt ?? now };
  report.signal = approval.signal;
  report.rule = rule.id;
  const actions = await runner.runApproved({ ...rule, actions: [approval.action], escalate: [] }, granted, event.by);
  if (failedTransiently(actions)) return; // the event is retried; the approval stays granted to this approver
  const action = actions[0];
  if (action?.status === 'suppressed') {
    await deps.store.reopenApproval(id, event.by);
    if (approval.expiresAt <= deps.clock.now()) {
      // Held past its deadline (a retry of the grant that came late): it cannot wait again.
      // Dropped, with the expiry's one notice.
      const current = (await deps.store.getApproval(id)) ?? approval;
      await dropExpired(current, `expired while held (${action.suppressedBy})`, report, deps, runner);
      return;
    }
    const until = new Date(approval.expiresAt).toISOString();
    const why = `granted by ${event.by}, but held (${action.suppressedBy}): ${action.reason}. It is pending again until ${until}: approve again once that has passed`;
    noteApproval(report, approval, 'held', why, event.by);
    await runner.sendNotice(heldNotice(approval, action, event.by, report.event, deps));
    return;
  }
  await cancelExpiry(id, deps);
  const outcome = action ? `${action.type} ${action.status}` : 'nothing to run';
  noteApproval(report, approval, 'granted', `granted by ${event.by}: ${outcome}`, event.by);
  report.recorded = `approval ${id} (${describeWaiting(approval)}) granted by ${event.by}: ${outcome}`;
  if (action) await runner.sendNotice(grantedNotice(granted, rule, action, deps));
}

/**
 * The rule as it is now must still reserve this very action: approving what the runbook no longer
 * says would act on an old policy.
 */
function ruleChanged(rule: Rule | undefined, approval: Approval): string | undefined {
  if (!rule) return `rule ${approval.rule} is no longer in the runbook`;
  if (!rule.approval?.for.includes(approval.action.type)) return `rule ${rule.id} no longer asks approval for ${approval.action.type}`;
  const wanted = JSON.stringify(approval.action);
  const lists = [rule.actions, ...rule.escalate.map((s) => s.actions)];
  if (!lists.some((list) => list.some((a) => JSON.stringify(a) === wanted))) {
    return `rule ${rule.id} no longer has this ${approval.action.type} (its parameters changed since it was asked)`;
  }
  return undefined;
}

/** An alarm's approval outlives its incident no longer than the alarm: read its state now. */
async function situationGone(approval: Approval, deps: EngineDeps): Promise<string | undefined> {
  const signal = approval.signal;
  if (signal.kind !== 'alarm') return undefined;
  const [alarm] = await deps.reader.describeAlarms([signal.alarm]);
  const verdict = alarmVerdict(alarm, signal.alarm, signal.stateTimestamp);
  return verdict.still ? undefined : `${verdict.reason}; the ALARM it was asked for is over`;
}

async function reject(approval: Approval, event: Decision, report: EventReport, deps: EngineDeps, runner: ApprovalRunner): Promise<void> {
  const now = deps.clock.now();
  if (approval.status === 'pending' && approval.expiresAt <= now) {
    // Past its deadline: dropped as the expiry drops it (its timer may not have fired yet).
    await dropExpired(approval, 'expired without a decision', report, deps, runner);
    report.ignored = `approval ${approval.id} expired at ${new Date(approval.expiresAt).toISOString()}: nothing to reject, it is dropped`;
    return;
  }
  if (approval.status === 'pending') {
    if (!(await deps.store.decideApproval(approval.id, 'rejected', event.by, now, event.reason))) {
      const current = (await deps.store.getApproval(approval.id)) ?? approval;
      report.ignored = `approval ${approval.id} ${describeDecided(current)}: too late to reject`;
      return;
    }
    await cancelExpiry(approval.id, deps);
    const rejected: Approval = {
      ...approval,
      status: 'rejected',
      decidedBy: event.by,
      decidedAt: now,
      ...(event.reason ? { reason: event.reason } : {}),
    };
    await dropped(rejected, 'rejected', rejectedBy(rejected), report, deps, runner);
    return;
  }
  if (approval.status === 'rejected' && approval.decidedBy === event.by) {
    // This very rejection, retried after its notice failed: finish what it started.
    await dropped(approval, 'rejected', rejectedBy(approval), report, deps, runner);
    return;
  }
  report.ignored = `approval ${approval.id} ${describeDecided(approval)}: nothing to reject`;
}

/** Best effort: a deadline timer that fires anyway finds the approval decided and does nothing. */
async function cancelExpiry(id: string, deps: EngineDeps): Promise<void> {
  await deps.timers?.cancel(expiryTimerName(id)).catch(() => undefined);
}

/** "rejected by X: why", as the report, the audit and the notice say it. */
function rejectedBy(approval: Approval): string {
  return `rejected by ${approval.decidedBy}${approval.reason ? `: ${approval.reason}` : ''}`;
}

/** Pending past its deadline (or its situation is over): expired, told once; an expired one is told again only if it was not. */
async function dropExpired(
  approval: Approval,
  why: string,
  report: EventReport,
  deps: EngineDeps,
  runner: ApprovalRunner,
  how: 'expired' | 'withdrawn' = 'expired',
): Promise<void> {
  const now = deps.clock.now();
  if (approval.status === 'pending') {
    if (!(await deps.store.decideApproval(approval.id, 'expired', 'model-medic', now, why))) {
      const current = (await deps.store.getApproval(approval.id)) ?? approval;
      report.ignored = `approval ${approval.id} ${describeDecided(current)}: nothing to expire`;
      return;
    }
  } else if (approval.status !== 'expired') {
    report.ignored = `approval ${approval.id} ${describeDecided(approval)}: nothing to expire`;
    return;
  } else if ((await deps.store.getActionRecords(approvalKey(approval.id))).has(DROPPED_NOTICE)) {
    // Dropped before (a late grant, a withdrawal, an earlier delivery of this timer) and told.
    report.ignored = `approval ${approval.id} ${describeDecided(approval)}: already dropped`;
    return;
  }
  const expired: Approval = {
    ...approval,
    status: 'expired',
    decidedBy: 'model-medic',
    decidedAt: approval.decidedAt ?? now,
    reason: approval.reason ?? why,
  };
  await dropped(expired, how, approval.reason ?? why, report, deps, runner);
}

/** Rejected, expired or withdrawn: reported, and told once (the notice has its own completion record). */
async function dropped(
  approval: Approval,
  how: 'rejected' | 'expired' | 'withdrawn',
  text: string,
  report: EventReport,
  deps: EngineDeps,
  runner: ApprovalRunner,
): Promise<void> {
  noteApproval(
    report,
    approval,
    how === 'rejected' ? 'rejected' : 'expired',
    `${text}: ${approval.action.type} dropped`,
    approval.decidedBy,
  );
  report.recorded = `approval ${approval.id} (${describeWaiting(approval)}) ${text}: dropped`;
  await runner.sendNotice(droppedNotice(approval, how, deps));
}

function ruleOf(approval: Approval, deps: EngineDeps): Pick<Rule, 'id' | 'actions' | 'escalate'> {
  return deps.runbook.runbook.rules.find((r) => r.id === approval.rule) ?? { id: approval.rule, actions: [], escalate: [] };
}

function askedFor(approval: Approval): string {
  const s = approval.signal;
  return `Asked for: ${s.kind === 'alarm' ? `alarm ${s.alarm} (${s.state})` : `monitoring job ${s.job} (${s.status})`} at ${s.time}.`;
}

function droppedNotice(approval: Approval, how: 'rejected' | 'expired' | 'withdrawn', deps: EngineDeps): GuardNotice {
  const endpoint = approval.endpoint ?? 'unknown endpoint';
  const what = describeWaiting(approval);
  const lines = {
    rejected: [`The ${what} was ${rejectedBy(approval)}.`, 'model-medic dropped it; nothing was changed.'],
    expired: [
      `Nobody approved the ${what} by ${new Date(approval.expiresAt).toISOString()} (approval ${approval.id}).`,
      'model-medic dropped it; nothing was changed. If the problem persists, look at the endpoint now: the automation is waiting for a human.',
    ],
    withdrawn: [
      `The ${what} is no longer needed: ${approval.reason ?? 'its situation is over'}.`,
      `model-medic withdrew approval ${approval.id}; nothing was changed.`,
    ],
  }[how];
  const subject = {
    rejected: `[INFO] ${endpoint}: ${approval.action.type} rejected by ${approval.decidedBy}`,
    expired: `[HIGH] ${endpoint}: ${approval.action.type} not approved in time`,
    withdrawn: `[INFO] ${endpoint}: ${approval.action.type} withdrawn, no longer needed`,
  }[how];
  return {
    action: engineNotice({
      rule: ruleOf(approval, deps),
      runbook: deps.runbook.runbook,
      endpoint,
      subject,
      message: [...lines, '', askedFor(approval), `Audit: medic history --endpoint ${endpoint}`].join('\n'),
      kind: `approval-${how}`,
      severity: how === 'expired' ? 'high' : 'info',
      flag: how === 'expired' ? 'not approved' : null,
      reason: `approval ${approval.id} ${how}: tell the team`,
      skippedReason: `approval ${approval.id} ${how}, but the runbook defines no topic to tell`,
    }),
    // One record for rejected, expired and withdrawn alike: an approval is dropped, and told, once.
    record: { key: approvalKey(approval.id), id: DROPPED_NOTICE, ttlMs: deps.runbook.runbook.defaults.dedupeMs },
  };
}

function heldNotice(approval: Approval, action: ActionReport, by: string, eventId: string, deps: EngineDeps): GuardNotice {
  const endpoint = approval.endpoint ?? 'unknown endpoint';
  const until = new Date(approval.expiresAt).toISOString();
  const message = [
    `${by} approved the ${describeWaiting(approval)}, but it was held back (${action.suppressedBy}): ${action.reason}.`,
    `Nothing was changed. Approval ${approval.id} is pending again until ${until}: approve it again once that has passed.`,
    '',
    askedFor(approval),
    `Audit: medic history --endpoint ${endpoint}`,
  ].join('\n');
  return {
    action: engineNotice({
      rule: ruleOf(approval, deps),
      runbook: deps.runbook.runbook,
      endpoint,
      subject: `[HIGH] ${endpoint}: approved ${approval.action.type} held (${action.suppressedBy})`,
      message,
      kind: 'approval-held',
      severity: 'high',
      flag: null,
      reason: `approval ${approval.id} granted but held: tell the approver`,
      skippedReason: `approval ${approval.id} held, but the runbook defines no topic to tell`,
    }),
    // Once per grant event: a second grant that is held again says so again.
    record: { key: approvalKey(approval.id), id: `held-notice@${eventId}`, ttlMs: deps.runbook.runbook.defaults.dedupeMs },
  };
}

function grantedNotice(approval: Approval, rule: Rule, action: ActionReport, deps: EngineDeps): GuardNotice {
  const endpoint = approval.endpoint ?? 'unknown endpoint';
  const failedForGood = action.status === 'failed';
  const message = [
    `The ${describeWaiting(approval)} was approved by ${approval.decidedBy} and planned again against the endpoint as it is now.`,
    `Outcome: ${action.type} ${action.status}: ${action.error?.message ?? action.reason}`,
    ...(failedForGood ? ['', 'It FAILED: a human is needed.'] : []),
    '',
    `Audit: medic history --endpoint ${endpoint}`,
  ].join('\n');
  return {
    action: engineNotice({
      rule,
      runbook: deps.runbook.runbook,
      endpoint,
      subject: `[${failedForGood ? 'CRITICAL' : 'INFO'}] ${endpoint}: approved ${approval.action.type} ${failedForGood ? 'FAILED' : action.status}`,
      message,
      kind: 'approval-granted',
      severity: failedForGood ? 'critical' : 'info',
      flag: failedForGood ? 'human needed' : null,
      reason: `approval ${approval.id} granted: tell the team what it did`,
      skippedReason: `approval ${approval.id} granted, but the runbook defines no topic to tell`,
    }),
    record: { key: approvalKey(approval.id), id: 'granted-notice', ttlMs: deps.runbook.runbook.defaults.dedupeMs },
  };
}

/**
 * Holds `approval#<id>` while `body` decides, then releases it. Another decision at work means
 * this one is retried (busy): a grant, a rejection or an expiry is never silently dropped.
 */
async function withClaim(id: string, deps: EngineDeps, body: () => Promise<void>): Promise<void> {
  const { defaults } = deps.runbook.runbook;
  const key = approvalKey(id);
  const now = deps.clock.now();
  const claim = await deps.store.claimSignal(key, deps.owner, now, leaseMs(defaults.lockLeaseMs, now, deps), defaults.dedupeMs);
  if (claim.status !== 'started') {
    const who = claim.status === 'in-progress' ? ` (${claim.owner})` : '';
    throw new MedicError('busy', `approval ${id} is being decided by another invocation${who}; ${RETRY_NOTE}`);
  }
  try {
    await body();
  } finally {
    await deps.store.releaseSignal(key, deps.owner);
  }
}
