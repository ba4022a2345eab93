/**
 * Parameter schemas of every action type, as written in runbook.yml. Each action file
 * re-exports its own; they live together here so the runbook loader can validate a runbook
 * without importing any planning code.
 */

import * as z from 'zod';
import { formatDuration, parseDuration } from '../runbook/duration.js';
import { MAX_SNS_SUBJECT } from '../sns-subject.js';

/** Shared with the runbook schema, so both say the same about numbers. */
export const positiveInt = z
  .number({ error: 'expected a positive integer' })
  .int('expected a positive integer')
  .positive('expected a positive integer');
export const nonNegativeInt = z
  .number({ error: 'expected a whole number ≥ 0' })
  .int('expected a whole number ≥ 0')
  .min(0, 'expected a whole number ≥ 0');

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const notifyParams = z.strictObject({
  topic: z.string({ error: 'expected a topic alias (a key of `topics`)' }).min(1),
  severity: z.enum(SEVERITIES, { error: `expected one of ${SEVERITIES.join(', ')}` }).default('medium'),
  // SNS wants fewer than 100 characters; templates may still lengthen it, and snsSubject cuts that.
  subject: z.string({ error: 'expected a string' }).min(1).max(MAX_SNS_SUBJECT, `at most ${MAX_SNS_SUBJECT} characters`).optional(),
});

const scaleLimits = {
  max: positiveInt.optional(),
  min: nonNegativeInt.optional(),
};
export const scaleParams = z.union(
  [
    z.strictObject({ by: positiveInt, ...scaleLimits }),
    z.strictObject({ to: positiveInt, ...scaleLimits }),
    z.strictObject({
      factor: z.number({ error: 'expected a number greater than 1' }).gt(1, 'expected a number greater than 1').max(10, 'at most 10'),
      ...scaleLimits,
    }),
    z.strictObject({ restore: z.literal(true, { error: 'expected true' }) }),
  ],
  { error: 'expected exactly one of { by: N }, { to: N }, { factor: X } (with optional max/min), or { restore: true }' },
);

export const shiftTrafficParams = z.strictObject({
  to: z.string({ error: 'expected `previous` or a variant name' }).min(1),
  weight: z
    .number({ error: 'expected a percentage from 1 to 100' })
    .gt(0, 'expected a percentage from 1 to 100')
    .max(100, 'expected a percentage from 1 to 100')
    .default(100),
});

/** SageMaker keeps the old fleet at most this long after a blue/green deployment (TerminationWaitInSeconds ≤ 3600). */
export const MAX_DEPLOYMENT_WAIT_MS = 3_600_000;
/** AutoRollbackConfig takes 1 to 10 alarms. */
export const MAX_ROLLBACK_ALARMS = 10;
/** A CloudWatch alarm name: 1 to 255 characters, not only blanks. */
const MAX_ALARM_NAME = 255;

const deploymentWait = z
  .string({ error: `expected a duration from 0s to ${formatDuration(MAX_DEPLOYMENT_WAIT_MS)}, like 5m` })
  .transform((text, ctx) => {
    const parsed = parseDuration(text);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: parsed.error });
      return z.NEVER;
    }
    if (parsed.ms > MAX_DEPLOYMENT_WAIT_MS) {
      ctx.addIssue({
        code: 'custom',
        message: `at most ${formatDuration(MAX_DEPLOYMENT_WAIT_MS)} (SageMaker keeps the old fleet at most 3600 s), got "${text}"`,
      });
      return z.NEVER;
    }
    if (parsed.ms % 1000 !== 0) {
      ctx.addIssue({ code: 'custom', message: `expected whole seconds (SageMaker counts the wait in seconds), got "${text}"` });
      return z.NEVER;
    }
    return parsed.ms;
  });

/** rollbackAlarms: checked by hand, so that a wrong type says only that (zod would also count a string's characters). */
const rollbackAlarms = z.unknown().transform((value, ctx): string[] => {
  const fail = (message: string, path: number[] = []) => ctx.addIssue({ code: 'custom', message, path });
  if (!Array.isArray(value)) {
    fail('expected a list of CloudWatch alarm names, like [fraud-prod-5xx-rate]');
    return z.NEVER;
  }
  if (value.length === 0) fail('expected at least one alarm name');
  if (value.length > MAX_ROLLBACK_ALARMS) fail(`at most ${MAX_ROLLBACK_ALARMS} alarms (SageMaker's limit)`);
  value.forEach((name: unknown, index) => {
    if (typeof name !== 'string' || name.trim() === '') fail('expected a CloudWatch alarm name', [index]);
    else if (name.length > MAX_ALARM_NAME) fail(`expected a CloudWatch alarm name of at most ${MAX_ALARM_NAME} characters`, [index]);
    else if (value.indexOf(name) !== index) fail(`alarm "${name}" is listed twice`, [index]);
  });
  return value as string[];
});

/**
 * How an UpdateEndpoint is carried out (rollback, redeploy): `wait` is how long the old fleet
 * is kept after traffic moved (in ms), `rollbackAlarms` the alarms that make SageMaker roll the
 * deployment back. Absent: as the action says by default.
 */
const deploymentOptions = {
  wait: deploymentWait.optional(),
  rollbackAlarms: rollbackAlarms.optional(),
};

export const rollbackParams = z.preprocess((v) => v ?? {}, z.strictObject(deploymentOptions));

export const redeployParams = z.preprocess((v) => v ?? {}, z.strictObject(deploymentOptions));

export const retrainParams = z.strictObject({
  pipeline: z.string({ error: 'expected a pipeline alias (a key of `pipelines`)' }).min(1),
});

export const ACTION_PARAMS = {
  notify: notifyParams,
  scale: scaleParams,
  'shift-traffic': shiftTrafficParams,
  rollback: rollbackParams,
  retrain: retrainParams,
  redeploy: redeployParams,
} as const;

export type ActionType = keyof typeof ACTION_PARAMS;
/**
 * The action types that change an endpoint (each action file says so too: mutatesEndpoint); here
 * for the runbook's lint, which does not load planning code.
 */
export const ACTIONS_THAT_CHANGE_ENDPOINTS: readonly ActionType[] = ['scale', 'shift-traffic', 'rollback', 'redeploy'];
export const ACTION_TYPES = Object.keys(ACTION_PARAMS) as ActionType[];

export function isActionType(name: string): name is ActionType {
  return Object.hasOwn(ACTION_PARAMS, name);
}

export type NotifyParams = z.output<typeof notifyParams>;
export type ScaleParams = z.output<typeof scaleParams>;
export type ShiftTrafficParams = z.output<typeof shiftTrafficParams>;
export type RollbackParams = z.output<typeof rollbackParams>;
export type RetrainParams = z.output<typeof retrainParams>;
export type RedeployParams = z.output<typeof redeployParams>;
/** The deployment options rollback and redeploy share. */
export type DeploymentOptions = RollbackParams;
