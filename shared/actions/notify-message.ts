/**
 * The words of a notification: a subject that fits SNS (≤ 100 ASCII characters, one line)
 * and a body an on-call engineer can act on without opening the console.
 */
import type { ActionReport } from '../report.js';
import type { Rule } from '../runbook/types.js';
import type { AlarmSignal, MonitoringSignal, Signal } from '../signals/types.js';

const MAX_SUBJECT = 100;
/** SNS allows 256 KB; keep well under it for the attributes and JSON envelope. */
const MAX_MESSAGE_BYTES = 200 * 1024;
const MAX_VIOLATIONS_LISTED = 20;

/** Metrics whose unit is not obvious from the number. */
const MICROSECOND_METRICS = new Set(['ModelLatency', 'OverheadLatency', 'ModelSetupTime']);
const PERCENT_METRICS = /Utilization$/;

export function formatMetricValue(metric: string | undefined, value: number): string {
  if (metric && MICROSECOND_METRICS.has(metric)) {
    return value >= 1_000_000 ? `${trim(value / 1_000_000)} s` : `${trim(value / 1000)} ms`;
  }
  if (metric && PERCENT_METRICS.test(metric)) return `${trim(value)}%`;
  return trim(value);
}

function trim(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(x >= 100 ? 1 : 2).replace(/\.?0+$/, '');
}

export function headline(signal: Signal): string {
  if (signal.kind === 'alarm') {
    if (signal.state === 'OK' && signal.previousState === 'ALARM') return `RESOLVED ${signal.alarm}`;
    return `${signal.state} ${signal.alarm}`;
  }
  const type = signal.monitoringType ?? 'Model Monitor';
  const n = signal.violations.length;
  return `${type} ${signal.status}${n ? ` (${n} violation${n === 1 ? '' : 's'})` : ''}`;
}

export function buildSubject(signal: Signal, severity: string, custom?: string): string {
  const base = custom ?? `[${severity.toUpperCase()}] ${signal.endpoint ? `${signal.endpoint}: ` : ''}${headline(signal)}`;
  // SNS: ASCII only, no line breaks, ≤ 100 characters.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const ascii = base.replace(/[\r\n\t]+/g, ' ').replace(/[^\x20-\x7E]/g, '?');
  return ascii.length <= MAX_SUBJECT ? ascii : `${ascii.slice(0, MAX_SUBJECT - 3)}...`;
}

export interface MessageInput {
  signal: Signal;
  rule: Rule;
  earlier: readonly ActionReport[];
  /** The rule runs in dry-run: earlier actions were only planned. */
  dryRun: boolean;
}

export function buildMessage({ signal, rule, earlier, dryRun }: MessageInput): string {
  const lines: string[] = [];
  lines.push(headline(signal) + (signal.endpoint ? ` on ${signal.endpoint}${signal.variant ? `/${signal.variant}` : ''}` : ''));
  lines.push('');
  lines.push(...(signal.kind === 'alarm' ? describeAlarm(signal) : describeMonitoring(signal)));
  lines.push('');
  lines.push(`Runbook rule: ${rule.id}${rule.description ? ` (${rule.description})` : ''}${dryRun ? ' [dry-run]' : ''}`);
  if (earlier.length > 0) {
    lines.push(dryRun ? 'What model-medic would have done (dry-run, nothing was changed):' : 'What model-medic did:');
    for (const action of earlier) lines.push(`  - ${action.type}: ${outcomeWord(action, dryRun)}: ${action.reason}`);
  } else {
    lines.push('No automatic action in this rule: for your attention.');
  }
  const links = consoleLinks(signal);
  if (links.length > 0) {
    lines.push('');
    lines.push(...links);
  }
  lines.push('');
  lines.push(`Event ${signal.eventId} at ${signal.time}, account ${signal.account}, ${signal.region}.`);
  return fitBytes(lines.join('\n'), MAX_MESSAGE_BYTES);
}

function outcomeWord(action: ActionReport, dryRun: boolean): string {
  switch (action.status) {
    case 'executed':
      return 'done';
    case 'planned':
      return dryRun ? 'would have done' : 'planned (not executed)';
    case 'skipped':
      return 'skipped';
    case 'suppressed':
      return `held back${action.suppressedBy ? ` (${action.suppressedBy})` : ''}`;
    case 'failed':
      return 'FAILED';
  }
}

function describeAlarm(signal: AlarmSignal): string[] {
  const lines: string[] = [];
  const metric = signal.metric ?? (signal.composite ? 'composite alarm' : 'metric');
  if (signal.value !== undefined) {
    const value = formatMetricValue(signal.metric, signal.value);
    const threshold = signal.threshold !== undefined ? `, threshold ${formatMetricValue(signal.metric, signal.threshold)}` : '';
    const breach = signal.breach ? ` (${signal.breach} ${signal.threshold !== undefined ? 'threshold' : 'the expected band'})` : '';
    const label = signal.state === 'ALARM' ? 'What fired' : 'Now';
    lines.push(`${label}: ${metric} = ${value}${threshold}${breach}`);
  } else {
    lines.push(`What fired: ${signal.composite ? `composite alarm ${signal.alarm}` : metric} is ${signal.state}`);
  }
  if (signal.triggeringAlarms?.length) lines.push(`Triggered by: ${signal.triggeringAlarms.join(', ')}`);
  if (signal.state === 'OK' && signal.previousState === 'ALARM') {
    const since = durationBetween(signal.previousStateTimestamp, signal.stateTimestamp);
    lines.push(`Recovered: ${signal.alarm} is OK again${since ? ` after ${since} in ALARM` : ''}.`);
  }
  if (signal.reason) lines.push(`Reason: ${signal.reason}`);
  for (const note of signal.notes ?? []) lines.push(`Note: ${note}`);
  return lines;
}

function describeMonitoring(signal: MonitoringSignal): string[] {
  const lines: string[] = [`Monitoring job: ${signal.job}${signal.schedule ? ` (schedule ${signal.schedule})` : ''}`];
  if (signal.exitMessage) lines.push(`Exit message: ${signal.exitMessage}`);
  if (signal.failureReason) lines.push(`Failure reason: ${signal.failureReason}`);
  if (signal.violations.length > 0) {
    lines.push(`Violations (${signal.violations.length}):`);
    for (const v of signal.violations.slice(0, MAX_VIOLATIONS_LISTED)) {
      const subject = v.feature ?? v.metric;
      lines.push(`  - ${v.check}${subject ? ` on ${subject}` : ''}: ${v.description}`);
    }
    const more = signal.violations.length - MAX_VIOLATIONS_LISTED;
    if (more > 0) lines.push(`  ... and ${more} more (see the report${signal.reportUri ? ` under ${signal.reportUri}` : ''})`);
  }
  if (signal.reportUri) lines.push(`Report: ${signal.reportUri}`);
  for (const note of signal.notes ?? []) lines.push(`Note: ${note}`);
  return lines;
}

function consoleLinks(signal: Signal): string[] {
  const base = `https://${signal.region}.console.aws.amazon.com`;
  const links: string[] = [];
  if (signal.kind === 'alarm') {
    links.push(`Alarm: ${base}/cloudwatch/home?region=${signal.region}#alarmsV2:alarm/${encodeURIComponent(signal.alarm)}`);
  }
  if (signal.endpoint) {
    links.push(`Endpoint: ${base}/sagemaker/home?region=${signal.region}#/endpoints/${encodeURIComponent(signal.endpoint)}`);
  }
  return links;
}

export function durationBetween(from: string | undefined, to: string | undefined): string | undefined {
  if (!from || !to) return undefined;
  const ms = Date.parse(normalizeTimestamp(to)) - Date.parse(normalizeTimestamp(from));
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.round(ms / 1000)} s`;
  if (minutes < 120) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** CloudWatch writes `2026-11-23T04:12:00.000+0000`: make the offset parseable. */
function normalizeTimestamp(ts: string): string {
  return ts.replace(/([+-]\d\d)(\d\d)$/, '$1:$2');
}

function fitBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const note = '\n[message truncated to fit SNS limits]';
  let cut = text.slice(0, maxBytes - note.length);
  while (Buffer.byteLength(cut, 'utf8') > maxBytes - note.length) cut = cut.slice(0, -1024);
  return cut + note;
}
