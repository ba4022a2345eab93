/** What a timer delivers when it fires, and how logs and schedules describe it: one place for both kinds. */
import { approvalExpiryEvent } from '../signals/approval-expiry.js';
import { checkEvent } from '../signals/check.js';
import type { ScheduledTimer } from './timers.js';

/** The EventBridge event the timer hands to the alarm function (or to the backtest) when due. */
export function timerEvent(timer: ScheduledTimer): Record<string, unknown> {
  return 'check' in timer ? checkEvent(timer.check, timer.at) : approvalExpiryEvent(timer.expiry, timer.place);
}

/** One line for a schedule's description and a backtest's label. */
export function describeTimer(timer: ScheduledTimer): string {
  if ('check' in timer) {
    const { check } = timer;
    return `ladder step ${check.step} of rule ${check.rule}${check.endpoint ? ` on ${check.endpoint}` : ''}${check.attempt > 1 ? ` (attempt ${check.attempt})` : ''}`;
  }
  const { expiry } = timer;
  return `expiry of approval ${expiry.approval} (rule ${expiry.rule}${expiry.endpoint ? ` on ${expiry.endpoint}` : ''})`;
}

/** Structured fields for a log line about the timer. */
export function timerLogFields(timer: ScheduledTimer): Record<string, unknown> {
  const base = { timer: timer.name, at: new Date(timer.at).toISOString() };
  if ('check' in timer) return { ...base, ladder: timer.check.ladder, step: timer.check.step, rule: timer.check.rule };
  return { ...base, approval: timer.expiry.approval, rule: timer.expiry.rule };
}
