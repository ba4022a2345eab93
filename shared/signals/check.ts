/**
 * The `Remediation Check` event (docs/runbook.md#escalation-ladders): what a ladder's timer
 * delivers to the alarm function when a check is due. It is a full EventBridge envelope, so it
 * goes through the same entry, shape check and allow-list as every other event; the account and
 * region are the alarm's own (from its ARN), the id is the timer's name (one per check attempt).
 */
import { hash } from 'node:crypto';
import type { Envelope } from './envelope.js';
import { checked, optionalString, ROOT, ShapeError, string } from './shape.js';
import { parseAwsTime } from './timestamp.js';

export const CHECK_SOURCE = 'model-medic';
export const CHECK_DETAIL_TYPE = 'Remediation Check';

/** What a check names: the ladder, which step is due, and enough to run it without the ladder record. */
export interface RemediationCheck {
  /** The ladder's key: `<alarm ARN>#<ALARM state timestamp>`. */
  ladder: string;
  /** 1-based index into the rule's `escalate` list. */
  step: number;
  /** 1 for the first check of a step; +1 each time a held step is retried. */
  attempt: number;
  rule: string;
  alarmArn: string;
  endpoint?: string;
  /** When the ALARM state that started the ladder began (the alarm event's state timestamp). */
  since: string;
}

const SINCE_EXAMPLE = 'expected the ALARM state timestamp, e.g. 2026-11-23T04:36:20.268+0000';

export function parseCheckEvent(envelope: Envelope): RemediationCheck {
  return checked('remediation check: ', 'detail', () => readCheck(envelope.detail));
}

/** The check's fields in the documented order: the first wrong one is named. */
function readCheck(d: Record<string, unknown>): RemediationCheck {
  const ladder = string(d.ladder, ROOT, 'ladder', 'missing ladder');
  if (ladder === '') throw new ShapeError(['ladder'], 'missing ladder');
  const step = d.step;
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 1) throw new ShapeError(['step'], 'expected a step number');
  const attempt = d.attempt;
  if (attempt !== undefined && (typeof attempt !== 'number' || !Number.isInteger(attempt) || attempt < 1)) {
    throw new ShapeError(['attempt'], 'expected an attempt number');
  }
  const rule = string(d.rule, ROOT, 'rule', 'missing rule');
  if (rule === '') throw new ShapeError(['rule'], 'missing rule');
  const alarmArn = string(d.alarmArn, ROOT, 'alarmArn', 'missing alarmArn');
  if (!/^arn:aws[a-z-]*:cloudwatch:/.test(alarmArn)) throw new ShapeError(['alarmArn'], 'expected a CloudWatch alarm ARN');
  const endpoint = optionalString(d.endpoint, ROOT, 'endpoint');
  const since = string(d.since, ROOT, 'since', 'missing since');
  if (!Number.isFinite(parseAwsTime(since))) throw new ShapeError(['since'], SINCE_EXAMPLE);
  return {
    ladder,
    step,
    attempt: (attempt as number | undefined) ?? 1,
    rule,
    alarmArn,
    ...(endpoint ? { endpoint } : {}),
    since,
  };
}

/** The ladder of one ALARM transition of one alarm. */
export function ladderKey(alarmArn: string, stateTimestamp: string): string {
  return `${alarmArn}#${stateTimestamp}`;
}

/** The identity of one check attempt: its dedupe key, so a duplicate delivery runs once. */
export function checkKey(check: Pick<RemediationCheck, 'ladder' | 'rule' | 'step' | 'attempt'>): string {
  return `check#${check.ladder}#${check.rule}#${check.step}#${check.attempt}`;
}

/**
 * The timer's name: deterministic, so a retried invocation re-creates the same schedule (and
 * finds it exists) instead of a second one. EventBridge Scheduler allows 64 characters of
 * [0-9A-Za-z_.-]; the ladder key (an ARN and a time) does not fit, so it is hashed.
 */
export function checkTimerName(check: Pick<RemediationCheck, 'ladder' | 'rule' | 'step' | 'attempt'>): string {
  // The rule too: two rules (continue: true) may each have a ladder on one alarm.
  const digest = hash('sha256', `${check.ladder}\u0000${check.rule}`, 'hex').slice(0, 24);
  return `medic-check-${digest}-${check.step}-${check.attempt}`;
}

/** `arn:aws:cloudwatch:us-east-1:111122223333:alarm:NAME` -> its region, account and name. */
export function alarmArnParts(arn: string): { region: string; account: string; name: string } {
  const parts = arn.split(':');
  return { region: parts[3] ?? '', account: parts[4] ?? '', name: parts.slice(6).join(':') };
}

/** The event a check's timer delivers, due at `at` (epoch ms). */
export function checkEvent(check: RemediationCheck, at: number): Record<string, unknown> {
  const { region, account } = alarmArnParts(check.alarmArn);
  return {
    version: '0',
    id: checkTimerName(check),
    'detail-type': CHECK_DETAIL_TYPE,
    source: CHECK_SOURCE,
    account,
    time: new Date(at).toISOString(),
    region,
    resources: [check.alarmArn],
    detail: { ...check },
  };
}
