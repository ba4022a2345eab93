/**
 * The Timers port in AWS: one EventBridge Scheduler one-time schedule per check or approval expiry, in the stack's
 * schedule group, targeting the alarm function (docs/deploy.md, "Ladder timers"). The schedule
 * delivers the `Remediation Check` or `Approval Expiry` event (timerEvent) as the function's input, retries by its
 * retry policy, then dead-letters to the failure queue, and deletes itself once it has fired.
 *
 * CreateSchedule and DeleteSchedule are ordinary AwsCalls sent through the writer, so a dry-run
 * writer refuses them and replay / `--json` show the exact request.
 */
import type { AwsCall, AwsWriter } from '../aws/ports.js';
import { type Clock, systemClock } from '../clock.js';
import { describeTimer, timerEvent } from './timer-event.js';
import type { ScheduledTimer, Timers } from './timers.js';

export interface SchedulerTimersConfig {
  /** The stack's schedule group (MEDIC_SCHEDULE_GROUP). */
  groupName: string;
  /** The role EventBridge Scheduler assumes to invoke the target (MEDIC_SCHEDULER_ROLE_ARN). */
  roleArn: string;
  /** The alarm function's ARN (MEDIC_CHECK_FUNCTION_ARN). */
  targetArn: string;
  /** Where a check goes when every delivery attempt failed (MEDIC_FAILURE_QUEUE_ARN). */
  deadLetterArn?: string;
  /** Delivery retries after the first attempt (0..185). */
  maximumRetryAttempts?: number;
  /** How long a check is worth delivering, in seconds (60..86400). */
  maximumEventAgeSeconds?: number;
}

/**
 * Lambda's async invoke queues the event, so a retry is about reaching Lambda at all (throttled,
 * the function being updated): a handful over an hour, like the stack's EventBridge rules.
 */
export const DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 8;
export const DEFAULT_MAXIMUM_EVENT_AGE_SECONDS = 3600;

/**
 * The earliest a one-time schedule is put, from now. A due time already past (the invocation
 * that schedules ran late, a retry of it, a clock behind) cannot be given to Scheduler as it is:
 * `at()` is documented for a time to come, with 60-second precision, and nothing documents that a
 * past one fires at once (reports have CreateSchedule refuse it; at best it would never fire, and
 * a check that never fires is a ladder that never advances). So a due time less than a minute
 * away is put at now + 1 minute: the check runs a little late, never not at all.
 */
export const MIN_LEAD_MS = 60_000;

/**
 * The exact CreateSchedule input for a check. `now` only matters for a due time less than
 * MIN_LEAD_MS away. The Input is the check's event as due at `timer.at` (its id is the timer's
 * name either way, so a duplicate delivery still dedupes).
 */
export function createScheduleInput(config: SchedulerTimersConfig, timer: ScheduledTimer, now: number): Record<string, unknown> {
  const fireAt = Math.max(timer.at, now + MIN_LEAD_MS);
  const target: Record<string, unknown> = {
    Arn: config.targetArn,
    RoleArn: config.roleArn,
    Input: JSON.stringify(timerEvent(timer)),
    RetryPolicy: {
      MaximumRetryAttempts: config.maximumRetryAttempts ?? DEFAULT_MAXIMUM_RETRY_ATTEMPTS,
      MaximumEventAgeInSeconds: config.maximumEventAgeSeconds ?? DEFAULT_MAXIMUM_EVENT_AGE_SECONDS,
    },
  };
  if (config.deadLetterArn) target.DeadLetterConfig = { Arn: config.deadLetterArn };
  return {
    Name: timer.name,
    GroupName: config.groupName,
    ScheduleExpression: atExpression(fireAt),
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    State: 'ENABLED',
    // At most 512 characters; the rule id is at most a few dozen.
    Description: truncate(`model-medic: ${describeTimer(timer)}, due ${new Date(timer.at).toISOString()}`, 512),
    Target: target,
  };
}

/**
 * `at(YYYY-MM-DDThh:mm:ss)` in UTC, rounded up to the next whole second: a check never fires before
 * it is due because of the rounding. (Scheduler itself invokes within the minute of the time
 * given, 60-second precision, and the engine does not depend on the second.)
 */
export function atExpression(epochMs: number): string {
  const seconds = Math.ceil(epochMs / 1000) * 1000;
  return `at(${new Date(seconds).toISOString().slice(0, 19)})`;
}

export function createSchedulerTimers(config: SchedulerTimersConfig, writer: AwsWriter, clock: Clock = systemClock): Timers {
  return {
    async schedule(timer) {
      const call: AwsCall = { service: 'scheduler', operation: 'CreateSchedule', input: createScheduleInput(config, timer, clock.now()) };
      try {
        await writer.send(call);
      } catch (error) {
        // The name is deterministic (checkTimerName): a schedule under it is this check, created by
        // an earlier attempt of this invocation's event. A fired one is already deleted.
        if (awsErrorName(error) === 'ConflictException') return;
        throw error;
      }
    },
    async cancel(name) {
      try {
        await writer.send({ service: 'scheduler', operation: 'DeleteSchedule', input: { Name: name, GroupName: config.groupName } });
      } catch (error) {
        // Never created, already fired (deleted after completion) or cancelled: nothing pending.
        if (awsErrorName(error) === 'ResourceNotFoundException') return;
        throw error;
      }
    },
  };
}

/** The AWS exception name behind an error the writer threw (a MedicError wraps the SDK error as its cause). */
function awsErrorName(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    const name = (e as { name?: unknown }).name;
    if (typeof name === 'string' && name !== 'MedicError' && name !== 'Error') return name;
  }
  return undefined;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
