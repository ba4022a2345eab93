/**
 * Parameter schemas of every action type, as written in runbook.yml. Each action file
 * re-exports its own; they live together here so the runbook loader can validate a runbook
 * without importing any planning code.
 */

import * as z from 'zod';
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

export const rollbackParams = z.preprocess((v) => v ?? {}, z.strictObject({}));

export const retrainParams = z.strictObject({
  pipeline: z.string({ error: 'expected a pipeline alias (a key of `pipelines`)' }).min(1),
});

export const ACTION_PARAMS = {
  notify: notifyParams,
  scale: scaleParams,
  'shift-traffic': shiftTrafficParams,
  rollback: rollbackParams,
  retrain: retrainParams,
} as const;

export type ActionType = keyof typeof ACTION_PARAMS;
/**
 * The action types that change an endpoint (each action file says so too: mutatesEndpoint); here
 * for the runbook's lint, which does not load planning code.
 */
export const ACTIONS_THAT_CHANGE_ENDPOINTS: readonly ActionType[] = ['scale', 'shift-traffic', 'rollback'];
export const ACTION_TYPES = Object.keys(ACTION_PARAMS) as ActionType[];

export type NotifyParams = z.output<typeof notifyParams>;
export type ScaleParams = z.output<typeof scaleParams>;
export type ShiftTrafficParams = z.output<typeof shiftTrafficParams>;
export type RollbackParams = z.output<typeof rollbackParams>;
export type RetrainParams = z.output<typeof retrainParams>;
