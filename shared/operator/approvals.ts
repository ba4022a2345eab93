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
    // No rule can ask for approval in this version (docs/operator-controls.md), so none is waiting.
    report.ignored = `approval ${event.approval} is not waiting: rules cannot ask for approval in this version of model-medic, so nothing was run or dropped`;
    return;
  }
  // Rules cannot ask for approval yet (docs/operator-controls.md): nothing waits on a decision.
  report.ignored = `approval ${event.approval} is ${approval.status}: this version does not run approved actions yet`;
}
