/**
 * A `Remediation Check` (docs/runbook.md#escalation-ladders): the alarm still in the same ALARM
 * runs the ladder's next step through the guards, then schedules the check after it; an alarm
 * that left ALARM ends the ladder as resolved and nothing else happens.
 *
 * Exactly once per step: the check's key (ladder, step, attempt) is claimed like a signal key, so
 * a duplicate delivery finds it taken; the step's actions keep their completion records under the
 * step's key (ladder, step), so a retried check, or the next attempt of a held step, runs only
 * what did not finish.
 */

import { leaseMs } from '../deadline.js';
import type { EngineDeps } from '../engine.js';
import { silenceReason, silencing } from '../guards/silence.js';
import type { GuardNotice } from '../guards.js';
import { type ActionReport, type EventReport, failedTransiently } from '../report.js';
import { formatDuration } from '../runbook/duration.js';
import type { Rule } from '../runbook/types.js';
import { alarmArnParts, checkKey, type RemediationCheck } from '../signals/check.js';
import type { AlarmSignal } from '../signals/types.js';
import type { LadderState } from '../state/store.js';
import { alarmVerdict, signalFromCheck } from './alarm-now.js';
import { didNotClear } from './did-not-clear.js';
import { ended, HELD_RETRY_MAX_MS, ladderEntry, ladderTtlMs, MAX_HELD_ATTEMPTS, noteLadder, scheduleNext, withNext } from './ladders.js';

/** What the engine lends a check: running a step as the rule's actions, and sending its own notices. */
export interface StepRunner {
  /** Runs `rule.actions` (the step's) on `signal` through the guards, except the rule's cooldown. */
  runStep(
    rule: Rule,
    signal: AlarmSignal,
    recordsKey: string,
    step: { step: number; of: number; attempt: number },
    notes: string[],
  ): Promise<ActionReport[]>;
  /** Sends a notice at most once (its own completion record) and reports it. */
  sendNotice(notice: GuardNotice): Promise<void>;
}

/** The completion records of one step: the same for every attempt of it. */
export function stepKey(check: Pick<RemediationCheck, 'ladder' | 'rule' | 'step'>): string {
  return `step#${check.ladder}#${check.rule}#${check.step}`;
}

export async function runCheck(check: RemediationCheck, report: EventReport, deps: EngineDeps, runner: StepRunner): Promise<void> {
  const runbook = deps.runbook.runbook;
  const name = alarmArnParts(check.alarmArn).name;
  const who = { key: check.ladder, rule: check.rule, alarm: name };
  const now = deps.clock.now();
  const key = checkKey(check);
  const claim = await deps.store.claimSignal(
    key,
    deps.owner,
    now,
    leaseMs(runbook.defaults.lockLeaseMs, now, deps),
    runbook.defaults.dedupeMs,
  );
  if (claim.status !== 'started') {
    report.ignored =
      claim.status === 'completed'
        ? `duplicate: check ${check.step}.${check.attempt} of this ladder was already handled`
        : `duplicate: another invocation (${claim.owner}) is handling this check right now`;
    return;
  }
  let finished = false;
  try {
    finished = await runClaimed(check, name, who, report, deps, runner);
  } finally {
    if (finished) await deps.store.completeSignal(key, deps.owner, deps.clock.now(), runbook.defaults.dedupeMs);
    else await deps.store.releaseSignal(key, deps.owner);
  }
}

/** True when the check is done with; false when a transient failure leaves it for a retry. */
async function runClaimed(
  check: RemediationCheck,
  name: string,
  who: { key: string; rule: string; alarm: string },
  report: EventReport,
  deps: EngineDeps,
  runner: StepRunner,
): Promise<boolean> {
  const runbook = deps.runbook.runbook;
  const ladder = (await deps.store.getLadders(check.alarmArn)).find((l) => l.rule === check.rule);
  // Every write expects the ladder as this check found it: an OK or a new ALARM that changed it
  // meanwhile wins, and this check stops there (its step may have run: the lock does not cover an OK).
  const expect = ladder ? { key: ladder.key, next: { step: check.step, attempt: check.attempt } } : undefined;
  const stale = staleBecause(ladder, check);
  if (stale) {
    if (stale.reschedule && ladder) await scheduleNext(ladder, report, deps);
    report.ignored = stale.reason;
    noteLadder(report, ladderEntry(who, 'stale', stale.reason, check.step));
    return true;
  }

  const rule = runbook.rules.find((r) => r.id === check.rule);
  const step = rule?.escalate[check.step - 1];
  if (!rule || !step) {
    const reason = rule
      ? `rule ${rule.id} has no escalate step ${check.step} (the runbook changed since the check was scheduled, or this check is not one it scheduled): the ladder ends`
      : `rule ${check.rule} is no longer in the runbook: the ladder ends`;
    if (ladder)
      await deps.store.putLadder(ended(ladder, 'cancelled', reason, deps.clock.now()), runbook.defaults.dedupeMs, deps.clock.now());
    noteLadder(report, ladderEntry(who, 'cancelled', reason, check.step));
    return true;
  }

  const [alarm] = await deps.reader.describeAlarms([name]);
  const verdict = alarmVerdict(alarm, name, check.since);
  const ttl = ladderTtlMs(rule, runbook);
  if (!verdict.still) {
    const now = deps.clock.now();
    if (ladder) await deps.store.putLadder(ended(ladder, verdict.ending, verdict.reason, now), ttl, now, expect);
    noteLadder(
      report,
      ladderEntry(who, verdict.ending, `${verdict.reason}: ladder ${verdict.ending} before step ${check.step}`, check.step),
    );
    return true;
  }

  const base = ladder?.signal ?? signalFromCheck(check, alarm as NonNullable<typeof alarm>, name);
  const signal: AlarmSignal = { ...base, key: stepKey(check), eventId: report.event };
  report.signal = signal;
  report.rule = rule.id;
  const of = rule.escalate.length;
  const notes = [
    `Escalation step ${check.step} of ${of}${check.attempt > 1 ? ` (attempt ${check.attempt})` : ''}: ${name} is still in ALARM since ${check.since}.`,
  ];
  const actions = await runner.runStep(
    { ...rule, actions: step.actions },
    signal,
    stepKey(check),
    { step: check.step, of, attempt: check.attempt },
    notes,
  );
  if (failedTransiently(actions)) return false;

  const now = deps.clock.now();
  const write = async (next: LadderState): Promise<boolean> => {
    if (await deps.store.putLadder(next, ttl, now, expect)) return true;
    noteLadder(
      report,
      ladderEntry(who, 'stale', 'the ladder changed while this check ran (an OK or a new ALARM): it stops here', check.step),
    );
    return false;
  };
  // A busy endpoint or an operator's silence: the step waits for its next check instead of being spent.
  const held = actions.some((a) => a.suppressedBy === 'endpoint-busy' || a.suppressedBy === 'silenced');
  const current: LadderState = ladder ?? newLadderFromCheck(check, signal, name, now);
  if (held && check.attempt < MAX_HELD_ATTEMPTS) {
    const retryIn = Math.min(step.afterMs, HELD_RETRY_MAX_MS);
    const next = withNext(current, { step: check.step, attempt: check.attempt + 1, at: now + retryIn });
    if (!(await write(next))) return true;
    await scheduleNext(next, report, deps);
    noteLadder(
      report,
      ladderEntry(
        who,
        'held',
        `step ${check.step} ${actions.some((a) => a.suppressedBy === 'silenced') ? 'is silenced' : 'waits for a busy endpoint'}: tried again in ${formatDuration(retryIn)}`,
        check.step,
      ),
    );
    return true;
  }

  if (held) {
    noteLadder(
      report,
      ladderEntry(
        who,
        'gave-up',
        `step ${check.step} of ${of} given up: the endpoint stayed busy through ${MAX_HELD_ATTEMPTS} attempts`,
        check.step,
      ),
    );
  } else {
    noteLadder(report, ladderEntry(who, 'step', `step ${check.step} of ${of} ran`, check.step));
  }
  const advanced: LadderState = held
    ? { ...current, gaveUp: [...(current.gaveUp ?? []), check.step] }
    : { ...current, stepsRun: current.stepsRun + 1 };
  const following = rule.escalate[check.step];
  if (following) {
    const next = withNext(advanced, { step: check.step + 1, attempt: 1, at: now + following.afterMs });
    if (!(await write(next))) return true;
    await scheduleNext(next, report, deps);
    return true;
  }
  // The last step ran and the alarm was still in ALARM when it did: tell a human, once; unless
  // an operator's quiet silence says nothing is to be sent about this endpoint now.
  const quiet = silencing(await deps.store.listSilences(now), advanced.signal, rule.id, now);
  if (quiet?.quiet) {
    report.actions.push({
      type: 'notify',
      rule: rule.id,
      status: 'suppressed',
      suppressedBy: 'silenced',
      silence: quiet.silence,
      reason: silenceReason(quiet),
      calls: [],
    });
  } else
    await runner.sendNotice({
      action: didNotClear(advanced, rule, runbook, new Date(now).toISOString()),
      record: { key: `ladder#${advanced.key}#${advanced.rule}`, id: 'did-not-clear', ttlMs: ttl },
    });
  if (failedTransiently(report.actions)) return false;
  const reason = `the last step came and ${name} was still in ALARM`;
  if (!(await write(ended(advanced, 'exhausted', reason, now)))) return true;
  noteLadder(report, ladderEntry(who, 'exhausted', `${reason}: remediation did not clear it`, check.step));
  return true;
}

/** A check that is not the one the ladder waits for: why, and whether its successor needs its timer again. */
function staleBecause(ladder: LadderState | undefined, check: RemediationCheck): { reason: string; reschedule?: boolean } | undefined {
  if (!ladder) return undefined; // the record is gone (expired, or a check replayed alone): the alarm decides
  if (ladder.key !== check.ladder) return { reason: 'a newer ALARM of this alarm has a ladder of its own: this check is stale' };
  if (ladder.status !== 'open')
    return { reason: `the ladder already ended: ${ladder.status}${ladder.endReason ? ` (${ladder.endReason})` : ''}` };
  const next = ladder.next;
  if (!next || (next.step === check.step && next.attempt === check.attempt)) return undefined;
  const later = next.step > check.step || (next.step === check.step && next.attempt > check.attempt);
  return later
    ? { reason: `check ${check.step}.${check.attempt} already ran: the ladder waits for ${next.step}.${next.attempt}`, reschedule: true }
    : { reason: `the ladder waits for check ${next.step}.${next.attempt}, not ${check.step}.${check.attempt}` };
}

function newLadderFromCheck(check: RemediationCheck, signal: AlarmSignal, name: string, now: number): LadderState {
  return {
    key: check.ladder,
    rule: check.rule,
    alarmArn: check.alarmArn,
    alarm: name,
    ...(check.endpoint ? { endpoint: check.endpoint } : {}),
    since: check.since,
    startedAt: now,
    status: 'open',
    stepsRun: check.step - 1,
    signal,
  };
}
