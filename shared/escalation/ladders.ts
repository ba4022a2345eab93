/**
 * Escalation ladders (docs/runbook.md#escalation-ladders), the part that starts, ends and
 * schedules them. A ladder is one record per alarm and rule (LadderState); the alarm's own state
 * is the truth at every check, the record only says which check is due and how it ended.
 *
 * Write order, for at-least-once delivery without double work: a check's timer exists before the
 * claim of the event that asks for it completes (a completed claim is never retried), and a retry
 * re-creates it (a timer's name is deterministic, so that is one timer). A check advancing a
 * ladder writes its record before the next timer. A new ladder's first timer is created just
 * before its record, which goes with the event's last round of writes (startLadder): should that
 * round fail, the retry writes the record and finds the timer; should no retry succeed, the check
 * finds no record and goes by the alarm's own state, as any check without a record does. A timer
 * that fires for a record that moved on finds itself stale and does nothing.
 */
import type { EngineDeps } from '../engine.js';
import type { EventReport, LadderReport } from '../report.js';
import { formatDuration } from '../runbook/duration.js';
import type { Rule, Runbook } from '../runbook/types.js';
import { checkTimerName, ladderKey, type RemediationCheck } from '../signals/check.js';
import { parseAwsTime } from '../signals/timestamp.js';
import type { AlarmSignal } from '../signals/types.js';
import type { LadderState, LadderStatus } from '../state/store.js';

/** A step held by a busy endpoint is tried again this soon (or at its own `after`, if shorter)... */
export const HELD_RETRY_MAX_MS = 5 * 60_000;
/** ...at most this many times; then it is given up and the ladder moves on. */
export const MAX_HELD_ATTEMPTS = 12;
const DAY_MS = 24 * 3600_000;

/** Rules with a ladder, per compiled runbook: most alarm events need no ladder read at all. */
const laddered = new WeakMap<Runbook, boolean>();
export function hasLadders(runbook: Runbook): boolean {
  let known = laddered.get(runbook);
  if (known === undefined) {
    known = runbook.rules.some((r) => r.escalate.length > 0);
    laddered.set(runbook, known);
  }
  return known;
}

/** Kept a day past its longest possible run, so status and the next notify can say how it ended. */
export function ladderTtlMs(rule: Rule, runbook: Runbook): number {
  const total = rule.escalate.reduce((sum, step) => sum + Math.max(step.afterMs, HELD_RETRY_MAX_MS * MAX_HELD_ATTEMPTS), 0);
  return Math.max(runbook.defaults.dedupeMs, total) + DAY_MS;
}

export function noteLadder(report: EventReport, entry: LadderReport): void {
  report.ladders = [...(report.ladders ?? []), entry];
}

export function ladderEntry(
  ladder: Pick<LadderState, 'key' | 'rule' | 'alarm'>,
  event: LadderReport['event'],
  reason: string,
  step?: number,
): LadderReport {
  return { ladder: ladder.key, rule: ladder.rule, alarm: ladder.alarm, event, ...(step !== undefined ? { step } : {}), reason };
}

export function checkOf(ladder: LadderState, next: { step: number; attempt: number }): RemediationCheck {
  return {
    ladder: ladder.key,
    step: next.step,
    attempt: next.attempt,
    rule: ladder.rule,
    alarmArn: ladder.alarmArn,
    ...(ladder.endpoint ? { endpoint: ladder.endpoint } : {}),
    since: ladder.since,
  };
}

/** The ladder with its next check set (not yet written). */
export function withNext(ladder: LadderState, next: { step: number; attempt: number; at: number }): LadderState {
  return { ...ladder, next: { ...next, timer: checkTimerName(checkOf(ladder, next)) } };
}

export function ended(ladder: LadderState, status: Exclude<LadderStatus, 'open'>, reason: string, now: number): LadderState {
  const { next: _next, ...rest } = ladder;
  return { ...rest, status, endedAt: now, endReason: reason };
}

/** Creates the timer of the ladder's next check, and reports it. */
export async function scheduleNext(ladder: LadderState, report: EventReport, deps: EngineDeps): Promise<void> {
  const next = ladder.next;
  if (!next) return;
  const check = checkOf(ladder, next);
  await deps.timers?.schedule({ at: next.at, name: next.timer, check });
  report.scheduled = report.scheduled ?? [];
  report.scheduled.push({
    at: new Date(next.at).toISOString(),
    ladder: ladder.key,
    step: next.step,
    attempt: next.attempt,
    rule: ladder.rule,
  });
}

/** Best effort: a timer that fires anyway finds its ladder ended and does nothing. */
async function cancelNext(ladder: LadderState, deps: EngineDeps): Promise<void> {
  if (!ladder.next) return;
  await deps.timers?.cancel(ladder.next.timer).catch(() => undefined);
}

/** What the rule's notify says about the previous ladder of this alarm, if it ended. */
export function previousLadderNotes(previous: LadderState | undefined): string[] {
  if (!previous || previous.status === 'open') return [];
  const steps = previous.stepsRun === 1 ? '1 escalation step' : `${previous.stepsRun} escalation steps`;
  return [
    `Previous ladder of this alarm (ALARM since ${previous.since}): ${previous.status} after ${steps}${previous.endReason ? ` (${previous.endReason})` : ''}.`,
  ];
}

/**
 * After a laddered rule's actions on an ALARM: schedule the ladder's first check and hand back the
 * write of its record, for the event's last round (see the write order above). `previous` is this
 * alarm's ladder of that rule as read before the rule ran.
 */
export async function startLadder(
  rule: Rule,
  signal: AlarmSignal,
  previous: LadderState | undefined,
  report: EventReport,
  deps: EngineDeps,
): Promise<(() => Promise<unknown>) | undefined> {
  const first = rule.escalate[0];
  if (!first) return undefined;
  const key = ladderKey(signal.alarmArn, signal.stateTimestamp);
  if (previous?.key === key) {
    // This very ALARM again (a retry after a failure): the ladder is recorded; make sure its check is.
    if (previous.status === 'open') await scheduleNext(previous, report, deps);
    return undefined;
  }
  if (previous?.status === 'open') {
    if (parseAwsTime(previous.since) > parseAwsTime(signal.stateTimestamp)) return undefined; // a late, older ALARM
    // ALARM -> ALARM (a composite's, or a reason rewritten): the same ALARM persists, so does its ladder.
    if (signal.previousState === 'ALARM') return undefined;
    // The alarm left ALARM (without an OK: INSUFFICIENT_DATA) and entered it again: that ladder is over.
    await cancelNext(previous, deps);
    noteLadder(
      report,
      ladderEntry(previous, 'resolved', `${signal.alarm} entered ALARM again at ${signal.stateTimestamp}: a new ladder replaces this one`),
    );
  }
  const now = deps.clock.now();
  const ladder = withNext(
    {
      key,
      rule: rule.id,
      alarmArn: signal.alarmArn,
      alarm: signal.alarm,
      ...(signal.endpoint ? { endpoint: signal.endpoint } : {}),
      since: signal.stateTimestamp,
      startedAt: now,
      status: 'open',
      stepsRun: 0,
      signal,
    },
    { step: 1, attempt: 1, at: now + first.afterMs },
  );
  await scheduleNext(ladder, report, deps);
  const of = rule.escalate.length === 1 ? '1 step' : `${rule.escalate.length} steps`;
  noteLadder(
    report,
    ladderEntry(
      ladder,
      'started',
      `ladder of ${of}: first check in ${formatDuration(first.afterMs)}, while ${signal.alarm} stays in ALARM`,
    ),
  );
  const ttl = ladderTtlMs(rule, deps.runbook.runbook);
  return () => deps.store.putLadder(ladder, ttl, now);
}

/** An OK transition ends the alarm's open ladders at once (and cancels their pending checks). */
export async function endLaddersOnOk(signal: AlarmSignal, report: EventReport, deps: EngineDeps): Promise<void> {
  if (signal.state !== 'OK' || !hasLadders(deps.runbook.runbook)) return;
  const now = deps.clock.now();
  const at = parseAwsTime(signal.stateTimestamp);
  for (const ladder of await deps.store.getLadders(signal.alarmArn)) {
    // A late OK from before this ladder's ALARM is not about it.
    if (ladder.status !== 'open' || parseAwsTime(ladder.since) > at) continue;
    const reason = `${signal.alarm} is OK since ${signal.stateTimestamp}`;
    const rule = deps.runbook.runbook.rules.find((r) => r.id === ladder.rule);
    const ttl = rule ? ladderTtlMs(rule, deps.runbook.runbook) : deps.runbook.runbook.defaults.dedupeMs;
    // Only over the ladder as read: a check that advanced it meanwhile is ended at its next check.
    if (!(await deps.store.putLadder(ended(ladder, 'resolved', reason, now), ttl, now, { key: ladder.key }))) continue;
    await cancelNext(ladder, deps);
    noteLadder(report, ladderEntry(ladder, 'resolved', `${reason}: ladder resolved after ${ladder.stepsRun} step(s)`));
  }
}
