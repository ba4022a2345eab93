/**
 * What an operator event changes (docs/operator-controls.md): silences, circuits, approvals. Each
 * is claimed by its event id like a signal key, so a redelivered event applies once, and each
 * report carries who sent it and why (`operator`), which the audit record keeps.
 */
import type { EngineDeps } from '../engine.js';
import type { EventReport } from '../report.js';
import type { OperatorEvent } from '../signals/operator.js';
import { type ApprovalRunner, applyApprovalDecision } from './approvals.js';

/** Silences and their audit are kept a week past their end: `status`, `history` and backtests look back. */
export const SILENCE_KEPT_MS = 7 * 24 * 3600_000;
const HOUR_MS = 3600_000;

export async function applyOperatorEvent(
  event: OperatorEvent,
  report: EventReport,
  deps: EngineDeps,
  runner: ApprovalRunner,
): Promise<void> {
  report.operator = { type: event.type, by: event.by, ...(event.reason ? { reason: event.reason } : {}) };
  const now = deps.clock.now();
  switch (event.type) {
    case 'Silence Created': {
      const { spec } = event;
      if (!(await deps.store.putSilence({ ...spec, by: event.by, reason: event.reason, createdAt: now }, SILENCE_KEPT_MS))) {
        report.ignored = `silence ${spec.silence} exists already: ids are unique, the first one stands (expire it and create a new one to change it)`;
        return;
      }
      const matchers = [
        `endpoint ${spec.endpoint}`,
        ...(spec.rule ? [`rule ${spec.rule}`] : []),
        ...(spec.kind ? [`${spec.kind} signals`] : []),
      ];
      report.recorded = `silence ${spec.silence} (${matchers.join(', ')}) from ${iso(spec.startsAt)} until ${iso(spec.endsAt)}${spec.quiet ? ', quiet' : ''}: set by ${event.by}`;
      return;
    }
    case 'Silence Expired': {
      const ended = await deps.store.endSilence(event.silence, now, event.by, event.reason);
      if (ended) report.recorded = `silence ${event.silence} ended by ${event.by}`;
      else
        report.ignored = `silence ${event.silence} had already ended at ${iso(now)}, when this event was applied (at its end time, or expired earlier), or was never created: nothing to expire`;
      return;
    }
    case 'Circuit Closed': {
      const circuit = await deps.store.getCircuit(event.endpoint, now);
      if (!circuit) {
        report.ignored = `no circuit is open on ${event.endpoint}: nothing to close`;
        return;
      }
      await deps.store.closeCircuit(event.endpoint);
      // The changes that opened it would open it again at the next remediation: the hour starts over.
      await deps.store.forgetRemediations(event.endpoint, now - HOUR_MS);
      report.recorded = `circuit of ${event.endpoint} (open since ${iso(circuit.openedAt)}: ${circuit.reason}) closed by ${event.by}: the next remediation runs normally`;
      return;
    }
    case 'Approval Granted':
    case 'Approval Rejected': {
      await applyApprovalDecision(event, report, deps, runner);
      return;
    }
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
