/**
 * The shape of runbook.yml as written (docs/runbook.md), as a zod schema.
 *
 * Every object is closed (unknown keys are errors at every level) and every field says in
 * its message what it expected. Checks that need more than one field at a time (aliases,
 * duplicate ids, scale caps, templates) are in references.ts, so that they are reported even
 * when some other part of the file fails here.
 */
import * as z from 'zod';
import { ACTION_PARAMS, ACTION_TYPES, isActionType, nonNegativeInt, positiveInt } from '../actions/params.js';
import type { ActionSpec } from '../actions/specs.js';
import { ALARM_STATES, MONITORING_STATUSES, MONITORING_TYPES } from '../signals/types.js';
import { DURATION_EXAMPLES, formatDuration, parseDuration, UNIT_NAMES } from './duration.js';
import { describeBadTopicArn, SNS_TOPIC_ARN } from './env-values.js';
import { findGlobError } from './glob.js';
import { isPlainMap } from './problem.js';
import { RUNBOOK_PARSE_OPTIONS } from './zod-issues.js';

export const RUNBOOK_VERSION = 1;
export const MODES = ['live', 'dry-run'] as const;
export const SIGNAL_KINDS = ['alarm', 'monitoring'] as const;
export const BREACHES = ['above', 'below'] as const;

/** Error map for closed objects: their own message for a wrong type, zod's keys message otherwise. */
function mapError(what: string) {
  return { error: (issue: { code: string }) => (issue.code === 'invalid_type' ? `expected ${what}` : undefined) };
}

const booleanFlag = z.boolean({ error: 'expected true or false' });
const mode = z.enum(MODES, { error: `expected one of ${MODES.join(', ')}` });

/**
 * A duration is text: `after: 0` or `cooldown: 15` (a YAML number) says what it got and that
 * a unit is missing. Absent, the message stays bare ("required, expected a duration ...").
 */
function notADuration(input: unknown): string {
  const expected = `expected a duration like ${DURATION_EXAMPLES}`;
  if (input === undefined) return expected;
  if (typeof input === 'number') return `${expected}, got ${input} (${input} has no unit; units are ${UNIT_NAMES})`;
  return `${expected}, got ${JSON.stringify(input)}`;
}

function duration(options: { allowZero: boolean }) {
  return z.string({ error: (issue) => notADuration(issue.input) }).transform((text, ctx) => {
    const parsed = parseDuration(text);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: parsed.error });
      return z.NEVER;
    }
    if (parsed.ms === 0 && !options.allowZero) {
      ctx.addIssue({ code: 'custom', message: `expected a duration greater than zero, got "${text}"` });
      return z.NEVER;
    }
    return parsed.ms;
  });
}

const globString = z.string({ error: 'expected a string' }).superRefine((pattern, ctx) => {
  const error = findGlobError(pattern);
  if (error) ctx.addIssue({ code: 'custom', message: error });
});

/**
 * A match value on a text field: one value or a non-empty list (any of). Enumerated fields
 * take exact values from their list; free-text fields take globs.
 */
function textMatch(options: { allowed?: readonly string[]; globs: boolean }) {
  const describe = options.allowed ? `one of ${options.allowed.join(', ')}` : 'a string or a list of strings';
  return z.unknown().transform((value, ctx): string | string[] => {
    const checkOne = (item: unknown, path: number[]): void => {
      if (typeof item !== 'string') {
        ctx.addIssue({ code: 'custom', message: options.allowed ? `expected ${describe}` : 'expected a string', path });
        return;
      }
      if (options.allowed && !options.allowed.includes(item)) {
        ctx.addIssue({ code: 'custom', message: `expected ${describe}, got "${item}"`, path });
        return;
      }
      const globError = options.globs ? findGlobError(item) : undefined;
      if (globError) ctx.addIssue({ code: 'custom', message: globError, path });
    };
    if (Array.isArray(value)) {
      if (value.length === 0) ctx.addIssue({ code: 'custom', message: 'expected at least one value in the list' });
      value.forEach((item, index) => {
        checkOne(item, [index]);
      });
      return value as string[];
    }
    if (typeof value !== 'string') {
      ctx.addIssue({
        code: 'custom',
        message: options.allowed ? `expected ${describe} (or a list of them)` : `expected ${describe}`,
      });
      return z.NEVER;
    }
    checkOne(value, []);
    return value;
  });
}

const violationsMatch = z.strictObject(
  {
    check: textMatch({ globs: false })
      .transform((check) => (Array.isArray(check) ? check : [check]))
      .optional(),
    feature: globString.optional(),
    atLeast: positiveInt.default(1),
  },
  mapError('a map like { check: baseline_drift_check, atLeast: 2 }'),
);

export const matchSchema = z.strictObject(
  {
    kind: textMatch({ allowed: SIGNAL_KINDS, globs: false }).optional(),
    source: textMatch({ globs: true }).optional(),
    alarm: textMatch({ globs: true }).optional(),
    composite: booleanFlag.optional(),
    state: textMatch({ allowed: ALARM_STATES, globs: false }).optional(),
    previousState: textMatch({ allowed: ALARM_STATES, globs: false }).optional(),
    namespace: textMatch({ globs: true }).optional(),
    metric: textMatch({ globs: true }).optional(),
    breach: textMatch({ allowed: BREACHES, globs: false }).optional(),
    endpoint: textMatch({ globs: true }).optional(),
    variant: textMatch({ globs: true }).optional(),
    status: textMatch({ allowed: MONITORING_STATUSES, globs: false }).optional(),
    monitoringType: textMatch({ allowed: MONITORING_TYPES, globs: false }).optional(),
    schedule: textMatch({ globs: true }).optional(),
    violations: violationsMatch.optional(),
  },
  mapError('a map of match keys, e.g. { kind: alarm, endpoint: "*-prod" }'),
);

/**
 * One item of `actions`: a single-key map `{ <type>: <params> }`, params checked by that
 * action's own schema. Issues from the nested parse are re-raised under `<type>.…`.
 */
const actionEntry = z.unknown().transform((entry, ctx): ActionSpec => {
  const example = 'a single-key map such as { notify: { topic: ops } }';
  if (!isPlainMap(entry)) {
    ctx.addIssue({ code: 'custom', message: `expected ${example}` });
    return z.NEVER;
  }
  const keys = Object.keys(entry);
  if (keys.length !== 1) {
    const found = keys.length === 0 ? 'an empty map' : `${keys.length} keys (${keys.join(', ')})`;
    ctx.addIssue({ code: 'custom', message: `expected ${example}, got ${found}; list each action as its own "- " item` });
    return z.NEVER;
  }
  const type = keys[0] as string;
  if (!isActionType(type)) {
    ctx.addIssue({
      code: 'custom',
      message: `unknown action "${type}" (known: ${ACTION_TYPES.join(', ')})`,
      path: [type],
      params: { target: 'key' },
    });
    return z.NEVER;
  }
  const parsed = ACTION_PARAMS[type].safeParse(entry[type], RUNBOOK_PARSE_OPTIONS);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: [type, ...issue.path] });
    return z.NEVER;
  }
  return { type, params: parsed.data } as ActionSpec;
});

/** A ladder step waits at least this long: a check sooner than the alarm's own period learns nothing. */
export const MIN_ESCALATION_AFTER_MS = 60_000;

const escalationStep = z.strictObject(
  {
    after: duration({ allowZero: false }).refine((ms) => ms >= MIN_ESCALATION_AFTER_MS, {
      error: (issue) => `expected a duration of at least 1m, got ${formatDuration(issue.input as number)}`,
    }),
    actions: z.array(actionEntry, { error: 'expected a list of actions' }).min(1, 'expected at least one action'),
  },
  mapError('a step: a map with after and actions, e.g. { after: 10m, actions: [...] }'),
);

/** An approval lasts at least this long (a human must be able to read the page) and at most a week. */
export const MIN_APPROVAL_EXPIRES_MS = 5 * 60_000;
export const MAX_APPROVAL_EXPIRES_MS = 7 * 24 * 3600_000;
export const DEFAULT_APPROVAL_EXPIRES_MS = 3600_000;

/** Actions a human can be asked to approve: every action but notify (a message asks nothing). */
const approvable = z.string({ error: 'expected an action type' }).superRefine((type, ctx) => {
  if (type === 'notify') {
    ctx.addIssue({
      code: 'custom',
      message: `notify needs no approval: it changes nothing (approval is for ${ACTION_TYPES.filter((t) => t !== 'notify').join(', ')})`,
    });
  } else if (!isActionType(type)) {
    ctx.addIssue({ code: 'custom', message: `unknown action "${type}" (known: ${ACTION_TYPES.filter((t) => t !== 'notify').join(', ')})` });
  }
});

const approvalSchema = z.strictObject(
  {
    for: z
      .array(approvable, { error: 'expected a list of action types, e.g. [rollback, retrain]' })
      .min(1, 'expected at least one action type'),
    expires: duration({ allowZero: false })
      .refine((ms) => ms >= MIN_APPROVAL_EXPIRES_MS, 'expected a duration of at least 5m: a human must have time to read the page')
      .refine(
        (ms) => ms <= MAX_APPROVAL_EXPIRES_MS,
        'expected a duration of at most 7d: an older approval would act on a situation nobody remembers',
      )
      .optional(),
  },
  mapError('a map like { for: [rollback, retrain], expires: 1h }'),
);

const ruleSchema = z.strictObject(
  {
    id: z.string({ error: 'expected a rule id' }).min(1, 'expected a non-empty rule id'),
    description: z.string({ error: 'expected a string' }).optional(),
    match: matchSchema,
    actions: z.array(actionEntry, { error: 'expected a list of actions' }).min(1, 'expected at least one action'),
    escalate: z.array(escalationStep, { error: 'expected a list of steps' }).min(1, 'expected at least one step').optional(),
    approval: approvalSchema.optional(),
    cooldown: duration({ allowZero: true }).optional(),
    mode: mode.optional(),
    continue: booleanFlag.optional(),
  },
  mapError('a rule: a map with id, match and actions'),
);

const scaleLimits = z
  .strictObject({ max: positiveInt.optional(), min: nonNegativeInt.optional() }, mapError('a map like { max: 8 }'))
  .superRefine((limits, ctx) => {
    if (limits.max !== undefined && limits.min !== undefined && limits.min > limits.max) {
      ctx.addIssue({ code: 'custom', message: `min ${limits.min} is above max ${limits.max}`, path: ['min'] });
    }
  });

const defaultsSchema = z.strictObject(
  {
    mode: mode.optional(),
    cooldown: duration({ allowZero: true }).optional(),
    scale: scaleLimits.nullish(),
    maxRemediationsPerHour: positiveInt.optional(),
    lockLease: duration({ allowZero: false }).optional(),
    dedupe: duration({ allowZero: false }).optional(),
  },
  mapError('a map of defaults'),
);

const topicArn = z.string({ error: 'expected an SNS topic ARN' }).superRefine((arn, ctx) => {
  if (!SNS_TOPIC_ARN.test(arn)) {
    ctx.addIssue({ code: 'custom', message: describeBadTopicArn(arn) });
  }
});

/** Alias names are checked in references.ts: zod skips a `__proto__` key without a word. */
const aliasName = z.string();

/** Pipeline parameters are strings to AWS; numbers and booleans are taken as written. */
const stringMap = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()], { error: 'expected a string' }).transform(String), {
  error: 'expected a map of names to strings',
});

const pipelineName = z.string({ error: 'expected a pipeline name' }).min(1, 'expected a non-empty pipeline name');

const pipelineSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('sagemaker'), name: pipelineName, parameters: stringMap.optional() }, mapError('a map')),
    z.strictObject({ type: z.literal('codepipeline'), name: pipelineName, variables: stringMap.optional() }, mapError('a map')),
  ],
  {
    error: (issue: { code: string }) =>
      issue.code === 'invalid_type'
        ? 'expected a map like { type: sagemaker, name: my-pipeline }'
        : 'expected type: sagemaker or type: codepipeline',
  },
);

export const runbookFileSchema = z.strictObject(
  {
    version: z.literal(RUNBOOK_VERSION, { error: `expected ${RUNBOOK_VERSION}, the runbook format version` }),
    defaults: defaultsSchema.nullish(),
    topics: z.record(aliasName, topicArn, mapError('a map of topic aliases to SNS topic ARNs')).nullish(),
    pipelines: z.record(aliasName, pipelineSchema, mapError('a map of pipeline aliases')).nullish(),
    rules: z.array(ruleSchema, { error: 'expected a list of rules' }),
  },
  mapError('a map with version, defaults, topics, pipelines and rules'),
);

export type RunbookFile = z.output<typeof runbookFileSchema>;
export type RuleFile = z.output<typeof ruleSchema>;
