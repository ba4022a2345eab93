/**
 * Asking a human first (a rule's `approval: { for, expires }`, docs/operator-controls.md#approvals):
 * the action was planned against current state and passed the guards; instead of running it, the
 * engine records an approval, sets a timer for its deadline, and reports the action as
 * `awaiting-approval`. The rule's notify, which must follow it (the runbook validator insists),
 * prints the reason below: what would be done, the command that approves it, and by when.
 *
 * Asking twice is asking once: the id is derived from where the action waits (approvalId), the
 * record is written only if absent, and the timer's name is the approval's.
 */
import type { ActionPlan } from '../actions/action.js';
import type { EngineDeps } from '../engine.js';
import type { ActionReport, ApprovalReport, EventReport } from '../report.js';
import type { ApprovalPolicy, Rule } from '../runbook/types.js';
import { approvalId, expiryTimerName } from '../signals/approval-expiry.js';
import type { Signal } from '../signals/types.js';
import type { Approval } from '../state/store.js';
import { describeDecided } from './approval-words.js';

/** An approval's record is kept this long after its deadline: `medic approvals`, `status` and `history` look back. */
export const APPROVAL_KEPT_MS = 7 * 24 * 3600_000;

/**
 * The expiry timer is set this long after the deadline: EventBridge Scheduler fires `at()` within
 * its minute, so up to 59 s early. Set at the deadline, it could fire before it and find the
 * approval still grantable; set a minute after, it never does.
 */
export const EXPIRY_TIMER_DELAY_MS = 60_000;

export interface ApprovalAsk {
  spec: Rule['actions'][number];
  /** The action's place in its list (the rule's actions, or a ladder step's). */
  index: number;
  rule: Rule;
  /** The rule's approval policy (asking is only for a rule that has one). */
  policy: ApprovalPolicy;
  signal: Signal;
  /** Where the list keeps its completion records: the signal key or the ladder step's key. */
  recordsKey: string;
  plan: ActionPlan;
}

export async function askApproval(ask: ApprovalAsk, report: EventReport, deps: EngineDeps): Promise<ActionReport> {
  const { spec, rule, signal, plan, policy } = ask;
  const now = deps.clock.now();
  const id = approvalId(ask.recordsKey, rule.id, ask.index);
  const asked: Approval = {
    id,
    rule: rule.id,
    ...(signal.endpoint ? { endpoint: signal.endpoint } : {}),
    action: spec,
    index: ask.index,
    signal,
    planned: { reason: plan.reason, calls: plan.calls },
    createdAt: now,
    expiresAt: now + policy.expiresMs,
    status: 'pending',
  };
  // A retry of this event finds the approval it asked for, with its original deadline and status.
  const approval = await deps.store.putApproval(asked, APPROVAL_KEPT_MS);
  const base = { type: spec.type, rule: rule.id, approval: id, calls: [] };
  const deadline = new Date(approval.expiresAt).toISOString();
  if (approval.status !== 'pending') {
    // Asked and decided before this retry of the event: what it became is the outcome.
    return { ...base, status: 'skipped', reason: `approval ${id} was asked before and ${describeDecided(approval)}` };
  }
  const name = expiryTimerName(id);
  await deps.timers?.schedule({
    at: approval.expiresAt + EXPIRY_TIMER_DELAY_MS,
    name,
    expiry: { approval: id, rule: rule.id, ...(signal.endpoint ? { endpoint: signal.endpoint } : {}), expiresAt: approval.expiresAt },
    place: { account: signal.account, region: signal.region },
  });
  report.scheduled = [
    ...(report.scheduled ?? []),
    { at: new Date(approval.expiresAt + EXPIRY_TIMER_DELAY_MS).toISOString(), approval: id, rule: rule.id },
  ];
  noteApproval(report, approval, 'asked', `waits for a human until ${deadline}`);
  return {
    ...base,
    status: 'awaiting-approval',
    suppressedBy: 'awaiting-approval',
    reason:
      `${plan.reason}; not done: waits for approval until ${deadline}. ` +
      `Approve: medic approve ${id} (it is planned again against the endpoint as it is then, through every guard but the cooldown). ` +
      `Reject: medic reject ${id} --reason "..."`,
  };
}

/** Adds an approval's event to the report (`approvals` in replay --json and the audit). */
export function noteApproval(report: EventReport, approval: Approval, event: ApprovalReport['event'], reason: string, by?: string): void {
  const entry: ApprovalReport = {
    approval: approval.id,
    rule: approval.rule,
    action: approval.action.type,
    ...(approval.endpoint ? { endpoint: approval.endpoint } : {}),
    event,
    expiresAt: new Date(approval.expiresAt).toISOString(),
    ...(by ? { by } : {}),
    reason,
  };
  report.approvals = [...(report.approvals ?? []), entry];
}
