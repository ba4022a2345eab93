/**
 * The words of a notification: a subject that fits SNS (shared/sns-subject.ts)
 * and a body an on-call engineer can act on without opening the console.
 */
import type { ActionReport } from '../report.js';
import type { Rule } from '../runbook/types.js';
import { parseAwsTime } from '../signals/timestamp.js';
import type { AlarmSignal, MonitoringSignal, Signal } from '../signals/types.js';
import { snsSubject } from '../sns-subject.js';
import { consoleLinks } from './console-links.js';

/** SNS allows 256 KB for message and attributes together; keep well under it. */
const MAX_MESSAGE_BYTES = 200 * 1024;
/** Long violation lists are summarised by check, with the first few spelled out. */
const MAX_VIOLATIONS_LISTED = 20;
const MAX_DESCRIPTION_CHARS = 300;

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

/**
 * `flag` (e.g. "ACTION FAILED") is appended to the default subject and survives truncation:
 * it is the one thing a pager preview must show. A runbook's own subject is sent as written
 * (its author may route on it); the body and the `outcome` attribute still carry the flag.
 */
export function buildSubject(signal: Signal, severity: string, custom?: string, flag?: string): string {
  const base = custom ?? `[${severity.toUpperCase()}] ${signal.endpoint ? `${signal.endpoint}: ` : ''}${headline(signal)}`;
  return snsSubject(base, { ...(flag && custom === undefined ? { flag } : {}), fallback: headline(signal) });
}

export interface MessageInput {
  signal: Signal;
  rule: Rule;
  earlier: readonly ActionReport[];
  /** The rule runs in dry-run: earlier actions were only planned. */
  dryRun: boolean;
  /** Said after the rule line: which ladder step this is, how the last ladder ended. */
  notes?: readonly string[];
}

export function buildMessage({ signal, rule, earlier, dryRun, notes = [] }: MessageInput): string {
  const lines: string[] = [];
  lines.push(headline(signal) + (signal.endpoint ? ` on ${signal.endpoint}${signal.variant ? `/${signal.variant}` : ''}` : ''));
  const failed = earlier.filter((a) => a.status === 'failed');
  if (failed.length > 0) {
    lines.push(
      `!! ${failed.length} automatic action${failed.length === 1 ? '' : 's'} FAILED (${failed.map((a) => a.type).join(', ')}): a human is needed.`,
    );
  }
  lines.push('');
  lines.push(...(signal.kind === 'alarm' ? describeAlarm(signal) : describeMonitoring(signal)));
  lines.push('');
  lines.push(`Runbook rule: ${rule.id}${rule.description ? ` (${rule.description})` : ''}${dryRun ? ' [dry-run]' : ''}`);
  lines.push(...notes);
  if (earlier.length > 0) {
    lines.push(dryRun ? 'What model-medic would have done (dry-run, nothing was changed):' : 'What model-medic did:');
    for (const action of earlier) {
      // A failure's own message already names the API, the resource and AWS's error.
      const why = action.status === 'failed' && action.error ? action.error.message : action.reason;
      lines.push(`  - ${action.type}: ${outcomeWord(action, dryRun)}: ${why}`);
    }
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
      // A plan shows the message a live run would send, where this action would be done.
      return dryRun ? 'would have done' : 'done';
    case 'skipped':
      return 'skipped';
    case 'suppressed':
      return `held back${action.suppressedBy ? ` (${action.suppressedBy})` : ''}`;
    case 'failed':
      return 'FAILED';
    case 'awaiting-approval':
      return 'WAITING FOR YOUR APPROVAL';
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
  if (signal.previousState) lines.push(`State: ${signal.previousState} -> ${signal.state} at ${signal.stateTimestamp}`);
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
  if (signal.violations.length > 0) lines.push(...describeViolations(signal));
  if (signal.reportUri) lines.push(`Report: ${signal.reportUri}`);
  for (const note of signal.notes ?? []) lines.push(`Note: ${note}`);
  return lines;
}

function describeViolations(signal: MonitoringSignal): string[] {
  const { violations } = signal;
  const lines = [`Violations (${violations.length}):`];
  if (violations.length > MAX_VIOLATIONS_LISTED) {
    const byCheck = new Map<string, number>();
    for (const v of violations) byCheck.set(v.check, (byCheck.get(v.check) ?? 0) + 1);
    lines.push(`  by check: ${[...byCheck].map(([check, n]) => `${n}x ${check}`).join(', ')}`);
  }
  for (const v of violations.slice(0, MAX_VIOLATIONS_LISTED)) {
    const subject = v.feature ?? v.metric;
    lines.push(`  - ${v.check}${subject ? ` on ${subject}` : ''}: ${shorten(v.description, MAX_DESCRIPTION_CHARS)}`);
  }
  const more = violations.length - MAX_VIOLATIONS_LISTED;
  if (more > 0) lines.push(`  ... and ${more} more (see the report${signal.reportUri ? ` under ${signal.reportUri}` : ''})`);
  return lines;
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

export function durationBetween(from: string | undefined, to: string | undefined): string | undefined {
  if (!from || !to) return undefined;
  const ms = parseAwsTime(to) - parseAwsTime(from);
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.round(ms / 1000)} s`;
  if (minutes < 120) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** Cuts at a line boundary and says how much was left out. */
function fitBytes(text: string, maxBytes: number): string {
  const total = Buffer.byteLength(text, 'utf8');
  if (total <= maxBytes) return text;
  const budget = maxBytes - 100;
  let cut = Buffer.from(text, 'utf8')
    .subarray(0, budget)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  const lastBreak = cut.lastIndexOf('\n');
  if (lastBreak > budget / 2) cut = cut.slice(0, lastBreak);
  const dropped = total - Buffer.byteLength(cut, 'utf8');
  return `${cut}\n[... ${dropped} bytes left out to fit SNS limits]`;
}
