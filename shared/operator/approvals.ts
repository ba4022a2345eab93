/** Approval Granted / Rejected: decided once, by the first event that finds the approval pending. */
import type { EngineDeps } from '../engine.js';
import type { EventReport } from '../report.js';
import type { OperatorEvent } from '../signals/operator.js';

export async function applyApprovalDecision(
  event: Extract<OperatorEvent, { type: 'Approval Granted' | 'Approval Rejected' }>,
  report: EventReport,
  deps: EngineDeps,
): Promise<void> {
  const approval = await deps.store.getApproval(event.approval);
  if (!approval) {
    report.ignored = `approval ${event.approval} is unknown (a typo, or it expired and was forgotten): nothing to do`;
    return;
  }
  // Rules cannot ask for approval yet (docs/operator-controls.md): nothing waits on a decision.
  report.ignored = `approval ${event.approval} is ${approval.status}: this version does not run approved actions yet`;
}
