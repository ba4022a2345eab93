/**
 * The incidents of a window as events (`medic capture --events DIR`): every state change of the
 * captured alarms (DescribeAlarmHistory, one alarm at a time, every page) and every terminal
 * Model Monitor execution the snapshot holds, rebuilt by rebuild.ts, in time order.
 *
 * A history read that fails is named in `failures` and the other alarms are still read: one
 * throttled or denied alarm must not cost the whole capture. An item that cannot be rebuilt is
 * named in `skipped` with why.
 */
import { errorKindOf, failsEveryCall } from '../../shared/aws/errors.js';
import { parseAwsTime } from '../../shared/signals/timestamp.js';
import { plural } from '../plural.js';
import { cliMessage } from '../wording.js';
import { type RebuiltEvent, rebuildAlarmEvent, rebuildMonitoringEvent } from './rebuild.js';
import type { CaptureSource } from './source.js';

type Json = Record<string, unknown>;

/** How long CloudWatch keeps alarm history. */
export const ALARM_HISTORY_DAYS = 30;
export const ALARM_HISTORY_MS = ALARM_HISTORY_DAYS * 24 * 3_600_000;

export interface EventsWindow {
  /** Alarm state changes from here (epoch ms; at most ALARM_HISTORY_DAYS back). */
  alarmsSince: number;
  until: number;
}

export interface CapturedEvents {
  /** In time order (then by file name). */
  events: RebuiltEvent[];
  skipped: string[];
  notes: string[];
  failures: string[];
  /** Alarms with at least one state change in the window. */
  alarmsWithChanges: number;
}

/** A progress line every this many history pages of one alarm (100 items each). */
const PAGES_PER_PROGRESS_LINE = 10;

export async function captureEvents(
  source: CaptureSource,
  alarms: Json[],
  jobs: Json[],
  window: EventsWindow,
  progress?: (line: string) => void,
): Promise<CapturedEvents> {
  const events: RebuiltEvent[] = [];
  const skipped: string[] = [];
  const notes: string[] = [];
  const failures: string[] = [];
  let alarmsWithChanges = 0;

  for (const [i, alarm] of alarms.entries()) {
    const name = String(alarm.AlarmName);
    let items: Json[];
    let pages = 0;
    let read = 0;
    try {
      items = await source.describeAlarmHistory(name, window.alarmsSince, window.until, (count) => {
        pages += 1;
        read += count;
        if (pages % PAGES_PER_PROGRESS_LINE === 0) progress?.(`capture: alarm history of ${name}: ${plural(read, 'item')} so far`);
      });
    } catch (error) {
      if (failsEveryCall(error)) {
        // Every other alarm would fail the same way, each after its retries: say it once, for all.
        const rest = alarms.slice(i).map((a) => String(a.AlarmName));
        const named = rest.length > 3 ? `${rest.slice(0, 3).join(', ')}, …` : rest.join(', ');
        failures.push(historyFailure(`${plural(rest.length, 'alarm')} (${named})`, error));
        break;
      }
      failures.push(historyFailure(name, error));
      continue;
    }
    const changes = items
      .filter((item) => item.HistoryItemType === undefined || item.HistoryItemType === 'StateUpdate')
      .sort((a, b) => parseAwsTime(a.Timestamp as string) - parseAwsTime(b.Timestamp as string));
    let previousAt: string | undefined;
    let rebuilt = 0;
    for (const item of changes) {
      const result = rebuildAlarmEvent(item, alarm, previousAt);
      previousAt = item.Timestamp as string | undefined;
      if (!result.ok) {
        skipped.push(`alarm state change: ${result.reason}`);
        continue;
      }
      events.push(result.event);
      notes.push(...result.notes);
      rebuilt += 1;
    }
    if (rebuilt > 0) {
      alarmsWithChanges += 1;
      notes.push(
        ...alarmNotes(
          alarm,
          events.filter((e) => e.kind === 'alarm' && (e.event.detail as Json).alarmName === name),
        ),
      );
    }
    progress?.(`capture: alarm history ${i + 1}/${alarms.length}: ${name}, ${plural(rebuilt, 'state change')}`);
  }

  for (const job of jobs) {
    const result = rebuildMonitoringEvent(job);
    if (result.ok) events.push(result.event);
    else skipped.push(`monitoring execution: ${result.reason}`);
  }

  events.sort((a, b) => a.at - b.at || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  uniqueFileNames(events);
  return { events, skipped, notes, failures, alarmsWithChanges };
}

/**
 * Two events must not share a file (the second would overwrite the first): alarm names that
 * differ only in characters a file name cannot hold, or past its first 120, or in case (on a
 * case-insensitive disk), changing in the same millisecond. The later one gets its id's start.
 */
function uniqueFileNames(events: RebuiltEvent[]): void {
  const used = new Set<string>();
  for (const e of events) {
    if (used.has(e.file.toLowerCase())) e.file = e.file.replace(/\.json$/, `-${String(e.event.id).slice(0, 8)}.json`);
    used.add(e.file.toLowerCase());
  }
}

/** What an operator should know about an alarm's rebuilt events: where today's definition may mislead. */
function alarmNotes(alarm: Json, rebuilt: RebuiltEvent[]): string[] {
  const notes: string[] = [];
  const name = String(alarm.AlarmName);
  const changedAt = parseAwsTime(alarm.AlarmConfigurationUpdatedTimestamp as string | undefined);
  const before = rebuilt.filter((e) => e.at < changedAt).length;
  if (before > 0) {
    notes.push(
      `alarm ${name} was reconfigured at ${new Date(changedAt).toISOString()}, after ${plural(before, 'of its state changes', 'of its state changes')}: ` +
        'their events carry its configuration of today',
    );
  }
  if (typeof alarm.ActionsSuppressor === 'string') {
    const unknown = rebuilt.filter((e) => ((e.event.detail as Json).state as Json).actionsSuppressedBy === undefined).length;
    if (unknown > 0) {
      notes.push(
        `composite ${name} has an actions suppressor (${alarm.ActionsSuppressor}): its history does not say which of its ` +
          `${plural(unknown, 'state change')} ${unknown === 1 ? 'was' : 'were'} suppressed, so the backtest acts on ${unknown === 1 ? 'it' : 'each'}`,
      );
    }
  }
  return notes;
}

/** One line for a history read that failed; throttling says what to do about it. */
function historyFailure(alarm: string, error: unknown): string {
  // The CLI's words (the README keeps this line too): nothing retries a capture but the operator.
  const message = cliMessage(error instanceof Error ? error.message : String(error));
  if (errorKindOf(error) !== 'aws-throttled') return `alarm history of ${alarm}: ${message}`;
  // AWS's own words, without the Lambda's retry hint that the adapter adds to a throttling error.
  const cause = ((error as { cause?: unknown }).cause ?? error) as { name?: string; message?: string; $metadata?: { attempts?: number } };
  const attempts = cause.$metadata?.attempts;
  return (
    `alarm history of ${alarm}: CloudWatch throttled DescribeAlarmHistory (${cause.name ?? 'Throttling'}: ${cause.message ?? message}` +
    `${attempts ? `, sent ${attempts} times` : ''}): its state changes are not in the folder; ` +
    'capture again in a few minutes, for fewer endpoints at a time, or with more retries (MEDIC_AWS_MAX_ATTEMPTS=10)'
  );
}
