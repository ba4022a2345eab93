/**
 * The `Remediation Check` event (docs/runbook.md#escalation-ladders): what a ladder's timer
 * delivers to the alarm function when a check is due. It is a full EventBridge envelope, so it
 * goes through the same entry, shape check and allow-list as every other event; the account and
 * region are the alarm's own (from its ARN), the id is the timer's name (one per check attempt).
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { InvalidEventError } from '../errors.js';
import type { Envelope } from './envelope.js';
import { parseAwsTime } from './timestamp.js';
import { firstIssueLine } from './zod-message.js';

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

const checkDetailSchema = z.looseObject({
  ladder: z.string({ error: 'missing ladder' }).min(1, 'missing ladder'),
  step: z.number({ error: 'expected a step number' }).int('expected a step number').positive('expected a step number'),
  attempt: z.number({ error: 'expected an attempt number' }).int().positive().optional(),
  rule: z.string({ error: 'missing rule' }).min(1, 'missing rule'),
  alarmArn: z.string({ error: 'missing alarmArn' }).regex(/^arn:aws[a-z-]*:cloudwatch:/, 'expected a CloudWatch alarm ARN'),
  endpoint: z.string().optional(),
  since: z
    .string({ error: 'missing since' })
    .refine((v) => Number.isFinite(parseAwsTime(v)), 'expected the ALARM state timestamp, e.g. 2026-11-23T04:36:20.268+0000'),
});

export function parseCheckEvent(envelope: Envelope): RemediationCheck {
  const parsed = checkDetailSchema.safeParse(envelope.detail);
  if (!parsed.success) throw new InvalidEventError(`remediation check: ${firstIssueLine(parsed.error, 'detail')}`);
  const d = parsed.data;
  return {
    ladder: d.ladder,
    step: d.step,
    attempt: d.attempt ?? 1,
    rule: d.rule,
    alarmArn: d.alarmArn,
    ...(d.endpoint ? { endpoint: d.endpoint } : {}),
    since: d.since,
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
  const hash = createHash('sha256').update(`${check.ladder}\u0000${check.rule}`, 'utf8').digest('hex').slice(0, 24);
  return `medic-check-${hash}-${check.step}-${check.attempt}`;
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
