/**
 * Deciding an approval (docs/operator-controls.md#approvals): `Approval Granted` runs the waiting
 * action, planned again against the endpoint as it is now, through every guard but the cooldown;
 * `Approval Rejected` and the expiry timer drop it, with one notification each.
 *
 * One decision per approval, whoever races: every path claims `approval#<id>` like a signal key
 * before it reads the approval, so two grants delivered at once, or a grant and the expiry, never
 * both act. The grant records its decision only once the action has run (or failed for good): a
 * granted action that a guard holds back (a busy endpoint, a silence, an open circuit) leaves the
 * approval pending, to be approved again when that passes; one that failed for a reason that
 * passes leaves it pending and the event is retried.
 */
import { engineNotice } from '../actions/engine-notice.js';
import { leaseMs } from '../deadline.js';
import type { EngineDeps } from '../engine.js';
import { MedicError, RETRY_NOTE } from '../errors.js';
import type { GuardNotice } from '../guards.js';
import { type ActionReport, type EventReport, failedTransiently } from '../report.js';
import type { Rule } from '../runbook/types.js';
import { type ApprovalExpiry, expiryTimerName } from '../signals/approval-expiry.js';
import type { OperatorEvent } from '../signals/operator.js';
import type { Signal } from '../signals/types.js';
import type { Approval } from '../state/store.js';
import { describeDecided, describeWaiting } from './approval-words.js';
import { noteApproval } from './ask-approval.js';

/** What the engine lends a decision: running the approved action, and sending its own notices once. */
export interface ApprovalRunner {
  /** Runs `rule` (the approved action alone) on `signal` through the guards, except the cooldown. */
  runApproved(rule: Rule, signal: Signal, approval: Approval, by: string): Promise<ActionReport[]>;
  /** Sends a notice at most once (its own completion record) and reports it. */
  sendNotice(notice: GuardNotice): Promise<void>;
}

type Decision = Extract<OperatorEvent, { type: 'Approval Granted' | 'Approval Rejected' }>;

/** Where an approval's own actions and notices keep their completion records, and its claim. */
export function approvalKey(id: string): string {
  return `approval#${id}`;
}

export async function applyApprovalDecision(event: Decision, report: EventReport, deps: EngineDeps, runner: ApprovalRunner): Promise<void> {
  const id = event.approval;
  const known = await deps.store.getApproval(id);
  if (!known) {
    report.ignored = `approval ${id} does not exist (or is older than its retention): check the id with \`medic approvals\`; nothing was run or dropped`;
    return;
  }
  const outcome = await withClaim(id, deps, async () => {
    // Read again under the claim: another decision may have landed since the first read.
    const approval = (await deps.store.getApproval(id)) ?? known;
    if (event.type === 'Approval Rejected') return reject(approval, event, report, deps, runner);
    return grant(approval, event, report, deps, runner);
  });
  if (outcome.status === 'completed') {
    const approval = (await deps.store.getApproval(id)) ?? known;
    report.ignored = `approval ${id} ${describeDecided(approval)}: nothing more to do`;
  } else if (outcome.status === 'in-progress') {
    report.ignored = `another invocation (${outcome.owner}) is deciding approval ${id} right now: this ${event.type === 'Approval Granted' ? 'grant' : 'rejection'} does nothing`;
  }
}

/** The expiry timer fired: a still-pending approval is dropped, with one notification. */
export async function expireApproval(expiry: ApprovalExpiry, report: EventReport, deps: EngineDeps, runner: ApprovalRunner): Promise<void> {
  const id = expiry.approval;
  const known = await deps.store.getApproval(id);
  if (!known) {
    report.ignored = `approval ${id} is no longer recorded: nothing to expire`;
    return;
  }
  const outcome = await withClaim(id, deps, async () => {
    const approval = (await deps.store.getApproval(id)) ?? known;
    const now = deps.clock.now();
    if (approval.status === 'pending' && approval.expiresAt > now) {
      // A timer that fires early (a clock ahead, a redrive of an old event for a re-asked id).
      report.ignored = `approval ${id} is pending until ${new Date(approval.expiresAt).toISOString()}: not expired yet`;
      return 'done';
    }
    if (approval.status === 'pending') {
      if (!(await deps.store.decideApproval(id, 'expired', 'model-medic', now))) return 'done';
    } else if (approval.status !== 'expired') {
      report.ignored = `approval ${id} ${describeDecided(approval)}: nothing to expire`;
      return 'done';
    }
    const expired: Approval = { ...approval, status: 'expired', decidedBy: 'model-medic', decidedAt: approval.decidedAt ?? now };
    return dropped(expired, 'expired', report, deps, runner);
  });
  if (outcome.status === 'in-progress') {
    // A grant is running it right now: let this expiry be retried, it will find the decision.
    throw new MedicError('busy', `approval ${id} is being decided by another invocation (${outcome.owner}); ${RETRY_NOTE}`);
  }
  if (outcome.status === 'completed') {
    report.ignored = `approval ${id} ${describeDecided((await deps.store.getApproval(id)) ?? known)}: nothing to expire`;
  }
}

async function grant(approval: Approval, event: Decision, report: EventReport, deps: EngineDeps, runner: ApprovalRunner): Promise<Step> {
  const id = approval.id;
  const now = deps.clock.now();
  if (approval.status !== 'pending') {
    report.ignored = `approval ${id} ${describeDecided(approval)}: nothing was run`;
    return 'done';
  }
  if (approval.expiresAt <= now) {
    report.ignored = `approval ${id} expired at ${new Date(approval.expiresAt).toISOString()}: too late to approve, nothing was run (the alarm, if it persists, asks again)`;
    return 'done';
  }
  const rule = deps.runbook.runbook.rules.find((r) => r.id === approval.rule);
  if (!rule) {
    report.ignored = `rule ${approval.rule} is no longer in the runbook: approval ${id} was not run (it lapses at ${new Date(approval.expiresAt).toISOString()})`;
    return 'release';
  }
  // The approved action alone, under the rule's mode and settings as the runbook has them now.
  const approved: Rule = { ...rule, actions: [approval.action], escalate: [] };
  const signal: Signal = { ...approval.signal, key: approvalKey(id), eventId: report.event };
  report.signal = signal;
  report.rule = rule.id;
  const actions = await runner.runApproved(approved, signal, approval, event.by);
  if (failedTransiently(actions)) return 'release';
  const action = actions[0];
  if (action?.status === 'suppressed') {
    noteApproval(
      report,
      approval,
      'held',
      `granted by ${event.by}, but held (${action.suppressedBy}): ${action.reason}. It stays pending until ${new Date(approval.expiresAt).toISOString()}: approve again once that has passed`,
      event.by,
    );
    return 'release';
  }
  // The first read said pending and the claim kept everyone else out: this decision stands.
  await deps.store.decideApproval(id, 'granted', event.by, now, event.reason);
  await deps.timers?.cancel(expiryTimerName(id)).catch(() => undefined);
  const outcome = action ? `${action.type} ${action.status}` : 'nothing to run';
  noteApproval(report, approval, 'granted', `granted by ${event.by}: ${outcome}`, event.by);
  report.recorded = `approval ${id} (${describeWaiting(approval)}) granted by ${event.by}: ${outcome}`;
  if (action) {
    await runner.sendNotice(grantedNotice({ ...approval, status: 'granted', decidedBy: event.by }, rule, action, deps));
  }
  return failedTransiently(report.actions) ? 'release' : 'done';
}

async function reject(approval: Approval, event: Decision, report: EventReport, deps: EngineDeps, runner: ApprovalRunner): Promise<Step> {
  const now = deps.clock.now();
  if (approval.status === 'pending') {
    if (!(await deps.store.decideApproval(approval.id, 'rejected', event.by, now, event.reason))) {
      const current = (await deps.store.getApproval(approval.id)) ?? approval;
      report.ignored = `approval ${approval.id} ${describeDecided(current)}: too late to reject`;
      return 'done';
    }
    await deps.timers?.cancel(expiryTimerName(approval.id)).catch(() => undefined);
    const rejected: Approval = {
      ...approval,
      status: 'rejected',
      decidedBy: event.by,
      decidedAt: now,
      ...(event.reason ? { reason: event.reason } : {}),
    };
    return dropped(rejected, 'rejected', report, deps, runner);
  }
  if (approval.status === 'rejected' && approval.decidedBy === event.by) {
    // This very rejection, retried after its notice failed: finish what it started.
    return dropped(approval, 'rejected', report, deps, runner);
  }
  report.ignored = `approval ${approval.id} ${describeDecided(approval)}: nothing to reject`;
  return 'done';
}

/** Rejected or expired: reported, and told once (the notice has its own completion record). */
async function dropped(
  approval: Approval,
  how: 'rejected' | 'expired',
  report: EventReport,
  deps: EngineDeps,
  runner: ApprovalRunner,
): Promise<Step> {
  const what = describeWaiting(approval);
  const text =
    how === 'rejected' ? `rejected by ${approval.decidedBy}${approval.reason ? `: ${approval.reason}` : ''}` : 'expired without a decision';
  noteApproval(report, approval, how, `${text}: ${approval.action.type} dropped`, approval.decidedBy);
  report.recorded = `approval ${approval.id} (${what}) ${text}: dropped`;
  await runner.sendNotice(droppedNotice(approval, how, deps));
  return failedTransiently(report.actions) ? 'release' : 'done';
}

function ruleOf(approval: Approval, deps: EngineDeps): Pick<Rule, 'id' | 'actions' | 'escalate'> {
  return deps.runbook.runbook.rules.find((r) => r.id === approval.rule) ?? { id: approval.rule, actions: [], escalate: [] };
}

function droppedNotice(approval: Approval, how: 'rejected' | 'expired', deps: EngineDeps): GuardNotice {
  const endpoint = approval.endpoint ?? 'unknown endpoint';
  const what = describeWaiting(approval);
  const lines =
    how === 'rejected'
      ? [
          `The ${what} was rejected by ${approval.decidedBy}${approval.reason ? `: ${approval.reason}` : ''}.`,
          `model-medic dropped it; nothing was changed.`,
        ]
      : [
          `Nobody approved the ${what} by ${new Date(approval.expiresAt).toISOString()} (approval ${approval.id}).`,
          'model-medic dropped it; nothing was changed. If the problem persists, look at the endpoint now: the automation is waiting for a human.',
        ];
  const message = [
    ...lines,
    '',
    `Asked for: ${approval.signal.kind === 'alarm' ? `alarm ${approval.signal.alarm} (${approval.signal.state})` : `monitoring job ${approval.signal.job} (${approval.signal.status})`} at ${approval.signal.time}.`,
    `Audit: medic history --endpoint ${endpoint}`,
  ].join('\n');
  return {
    action: engineNotice({
      rule: ruleOf(approval, deps),
      runbook: deps.runbook.runbook,
      endpoint,
      subject:
        how === 'rejected'
          ? `[INFO] ${endpoint}: ${approval.action.type} rejected by ${approval.decidedBy}`
          : `[HIGH] ${endpoint}: ${approval.action.type} not approved in time`,
      message,
      kind: `approval-${how}`,
      severity: how === 'rejected' ? 'info' : 'high',
      flag: how === 'rejected' ? null : 'not approved',
      reason: `approval ${approval.id} ${how}: tell the team`,
      skippedReason: `approval ${approval.id} ${how}, but the runbook defines no topic to tell`,
    }),
    record: { key: approvalKey(approval.id), id: `${how}-notice`, ttlMs: deps.runbook.runbook.defaults.dedupeMs },
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

/** `done`: the decision is final (complete the claim); `release`: let a later event decide (release it). */
type Step = 'done' | 'release';

type ClaimOutcome = { status: 'ran' } | { status: 'completed' } | { status: 'in-progress'; owner: string };

async function withClaim(id: string, deps: EngineDeps, body: () => Promise<Step>): Promise<ClaimOutcome> {
  const { defaults } = deps.runbook.runbook;
  const key = approvalKey(id);
  const now = deps.clock.now();
  const claim = await deps.store.claimSignal(key, deps.owner, now, leaseMs(defaults.lockLeaseMs, now, deps), defaults.dedupeMs);
  if (claim.status === 'completed') return { status: 'completed' };
  if (claim.status !== 'started') return { status: 'in-progress', owner: claim.owner };
  let step: Step = 'release';
  try {
    step = await body();
  } finally {
    if (step === 'done') await deps.store.completeSignal(key, deps.owner, deps.clock.now(), defaults.dedupeMs);
    else await deps.store.releaseSignal(key, deps.owner);
  }
  return { status: 'ran' };
}
