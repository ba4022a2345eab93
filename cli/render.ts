/** Human-readable output: a compact report per event, colour only on a TTY. */
import { formatMetricValue } from '../shared/actions/notify-message.js';
import { inFile } from '../shared/json-text.js';
import { type ActionReport, type EventReport, exitCodeFor } from '../shared/report.js';
import type { Signal } from '../shared/signals/types.js';
import type { Paint } from './io.js';
import { plural } from './plural.js';

const STATUS_MARK: Record<ActionReport['status'], string> = {
  planned: '○',
  executed: '✓',
  failed: '✗',
  suppressed: '⏸',
  skipped: '–',
  'awaiting-approval': '?',
};

export function describeSignal(signal: Signal): string {
  const where = signal.endpoint ? ` on ${signal.endpoint}${signal.variant ? `/${signal.variant}` : ''}` : ' (endpoint unknown)';
  if (signal.kind === 'alarm') {
    const what = signal.composite ? 'composite alarm' : 'alarm';
    let metric = signal.metric ? ` ${signal.metric}` : '';
    if (signal.value !== undefined) {
      const cmp = signal.breach === 'above' ? '>' : signal.breach === 'below' ? '<' : 'vs';
      const threshold =
        signal.threshold !== undefined
          ? ` ${cmp} ${formatMetricValue(signal.metric, signal.threshold)}`
          : signal.breach
            ? ` ${signal.breach} band`
            : '';
      metric += ` ${formatMetricValue(signal.metric, signal.value)}${threshold}`;
    }
    return `${what} ${signal.alarm} ${signal.previousState ?? '?'}→${signal.state}${metric}${where}`;
  }
  const type = signal.monitoringType ?? 'monitoring';
  const n = signal.violations.length;
  const violations = n ? `, ${plural(n, 'violation')} (${summarizeChecks(signal)})` : '';
  return `${type} job ${signal.job} ${signal.status}${violations}${where}`;
}

function summarizeChecks(signal: Extract<Signal, { kind: 'monitoring' }>): string {
  const counts = new Map<string, number>();
  for (const v of signal.violations) counts.set(v.check, (counts.get(v.check) ?? 0) + 1);
  return [...counts].map(([check, n]) => `${n}× ${check}`).join(', ');
}

export function renderReport(report: EventReport, p: Paint): string[] {
  const lines = [p.bold(report.event)];
  if (report.error) {
    // A JSON syntax error's position, as file:line:col.
    const error = /^\d+:\d+: /.test(report.error) ? inFile(report.event, report.error) : report.error;
    lines.push(`  ${p.red('error')}   ${error}`);
    return lines;
  }
  if (report.signal) lines.push(`  ${p.dim('signal')}  ${describeSignal(report.signal)}`);
  for (const note of report.signal?.notes ?? []) lines.push(`  ${p.dim('note')}    ${note}`);
  if (report.operator)
    lines.push(
      `  ${p.dim('operator')} ${report.operator.type} by ${report.operator.by}${report.operator.reason ? `: ${report.operator.reason}` : ''}`,
    );
  if (report.recorded) lines.push(`  ${p.dim('recorded')} ${report.recorded}`);
  if (report.ignored) lines.push(`  ${p.dim('ignored')} ${report.ignored}`);
  if (report.rule) lines.push(`  ${p.dim('rule')}    ${p.cyan(report.rules?.join(' + ') ?? report.rule)}`);
  for (const action of report.actions) {
    const colour =
      action.status === 'failed' ? p.red : action.status === 'executed' ? p.green : action.status === 'planned' ? p.cyan : p.yellow;
    lines.push(`  ${colour(`${STATUS_MARK[action.status]} ${action.type} ${action.status}`)}: ${action.reason}`);
    for (const call of action.calls) lines.push(`      ${p.dim(`${call.service} ${call.operation}`)} ${summarizeInput(call.input)}`);
  }
  for (const ladder of report.ladders ?? []) lines.push(`  ${p.dim('ladder')}  ${ladder.rule} ${ladder.event}: ${ladder.reason}`);
  for (const approval of report.approvals ?? []) {
    lines.push(
      `  ${p.dim('approval')} ${approval.approval} ${approval.event} (${approval.action} of ${approval.rule}): ${approval.reason}`,
    );
  }
  for (const timer of report.scheduled ?? []) {
    if ('approval' in timer) {
      lines.push(`  ${p.dim('expiry')}  approval ${timer.approval} of ${timer.rule} at ${timer.at}`);
      continue;
    }
    lines.push(
      `  ${p.dim('check')}   step ${timer.step}${timer.attempt > 1 ? ` (attempt ${timer.attempt})` : ''} of ${timer.rule} at ${timer.at}`,
    );
  }
  return lines;
}

/** The request in one line; long text fields (an SNS message body) are shortened. */
function summarizeInput(input: Record<string, unknown>): string {
  const short = Object.fromEntries(
    Object.entries(input).map(([k, v]) => [k, typeof v === 'string' && v.length > 80 ? `${v.slice(0, 77).replace(/\n/g, ' ')}...` : v]),
  );
  return JSON.stringify(short);
}

export function renderSummary(reports: EventReport[], p: Paint): string {
  const count = (f: (r: EventReport) => boolean) => reports.filter(f).length;
  const acted = count((r) => r.actions.length > 0);
  const ignored = count((r) => !r.error && r.actions.length === 0);
  // Rejected means bad input (exit 2); an AWS or credential failure is a failure (exit 1).
  const rejected = count((r) => exitCodeFor(r) === 2);
  const failed = count((r) => exitCodeFor(r) === 1);
  const parts = [plural(reports.length, 'event'), `${acted} matched a rule`, `${ignored} no action`];
  if (failed) parts.push(p.red(`${failed} failed`));
  if (rejected) parts.push(p.red(`${rejected} rejected`));
  return parts.join(', ');
}
