/**
 * EMF metrics for one decision: how many actions were executed, suppressed, skipped, failed
 * or only planned, by action type. CloudWatch turns the log line into metrics, so alarms on
 * "actions failed" need no extra API call from the function.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { isTransientKind } from '../errors.js';
import type { ActionStatus, EventReport } from '../report.js';

const METRIC_BY_STATUS: Record<ActionStatus, string> = {
  executed: 'ActionsExecuted',
  suppressed: 'ActionsSuppressed',
  skipped: 'ActionsSkipped',
  failed: 'ActionsFailed',
  planned: 'ActionsPlanned',
  'awaiting-approval': 'ActionsAwaitingApproval',
};

export interface DecisionMetric {
  name: string;
  actionType?: string;
  value: number;
}

/** The counts for one report (pure: the handler emits them). */
export function decisionMetrics(report: EventReport): DecisionMetric[] {
  const out: DecisionMetric[] = [{ name: report.errorKind === 'invalid-event' ? 'MalformedEvents' : 'Events', value: 1 }];
  if (report.error && report.errorKind !== 'invalid-event') out.push({ name: 'EventErrors', value: 1 });
  // Bugs, and remediations that failed for good (a transient failure is retried, then queued):
  // the two the stack's alarms page on, summed over action types.
  if (report.errorKind === 'internal' || report.actions.some((a) => a.error?.kind === 'internal'))
    out.push({ name: 'InternalErrors', value: 1 });
  const failedForGood = report.actions.filter((a) => a.status === 'failed' && a.error && !isTransientKind(a.error.kind)).length;
  if (failedForGood > 0) out.push({ name: 'RemediationsFailed', value: failedForGood });
  const counts = new Map<string, DecisionMetric>();
  for (const action of report.actions) {
    const name = METRIC_BY_STATUS[action.status];
    const key = `${name}\u0000${action.type}`;
    const metric = counts.get(key) ?? { name, actionType: action.type, value: 0 };
    metric.value += 1;
    counts.set(key, metric);
  }
  return [...out, ...counts.values()];
}

export function emitDecisionMetrics(metrics: Metrics, report: EventReport): void {
  for (const m of decisionMetrics(report)) {
    if (m.actionType) {
      // One dimension set per action type: a single-metric line keeps them apart.
      metrics.singleMetric().addDimension('ActionType', m.actionType).addMetric(m.name, MetricUnit.Count, m.value);
    } else {
      metrics.addMetric(m.name, MetricUnit.Count, m.value);
    }
  }
}
