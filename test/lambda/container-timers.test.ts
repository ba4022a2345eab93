/**
 * Which timers a Lambda container gets: EventBridge Scheduler when the stack configured it and
 * the container writes to AWS; otherwise timers that schedule nothing and warn once per check.
 */
import 'aws-sdk-client-mock-vitest/extend';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readRuntimeConfig } from '../../shared/config.js';
import { createContainer } from '../../shared/lambda/container.js';
import type { RunbookSourceLog } from '../../shared/lambda/runbook-source.js';
import { checkTimerName, type RemediationCheck } from '../../shared/signals/check.js';
import type { ScheduledCheck } from '../../shared/timers/timers.js';
import { AWS_STATE, RUNBOOK } from '../support/samples.js';

const BASE = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIAFAKE',
  AWS_SECRET_ACCESS_KEY: 'fake',
  MEDIC_AWS_MAX_ATTEMPTS: '1',
  MEDIC_RUNBOOK_FILE: RUNBOOK,
};
const SCHEDULER = {
  MEDIC_SCHEDULE_GROUP: 'model-medic-prod',
  MEDIC_SCHEDULER_ROLE_ARN: 'arn:aws:iam::111122223333:role/model-medic-prod-CheckSchedulerRole-ABC',
  MEDIC_CHECK_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:111122223333:function:model-medic-prod-alarm',
  MEDIC_FAILURE_QUEUE_ARN: 'arn:aws:sqs:us-east-1:111122223333:model-medic-prod-failures',
};
const CHECK: RemediationCheck = {
  ladder: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:churn-prod-5xx#2026-11-23T04:00:00.000+0000',
  step: 1,
  attempt: 1,
  rule: 'errors-on-prod',
  alarmArn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:churn-prod-5xx',
  since: '2026-11-23T04:00:00.000+0000',
};
const TIMER: ScheduledCheck = { at: Date.now() + 600_000, name: checkTimerName(CHECK), check: CHECK };

function recordingLog(): RunbookSourceLog & { lines: Array<[string, string, Record<string, unknown> | undefined]> } {
  const lines: Array<[string, string, Record<string, unknown> | undefined]> = [];
  return {
    lines,
    info: (m, d) => lines.push(['info', m, d]),
    warn: (m, d) => lines.push(['warn', m, d]),
    error: (m, d) => lines.push(['error', m, d]),
  };
}

describe('readRuntimeConfig: the scheduler', () => {
  it('reads the schedule group, the role, the check function and the failure queue ARN', () => {
    expect(readRuntimeConfig(SCHEDULER)).toMatchObject({
      scheduleGroup: 'model-medic-prod',
      schedulerRoleArn: SCHEDULER.MEDIC_SCHEDULER_ROLE_ARN,
      checkFunctionArn: SCHEDULER.MEDIC_CHECK_FUNCTION_ARN,
      failureQueueArn: SCHEDULER.MEDIC_FAILURE_QUEUE_ARN,
    });
  });

  it('empty values (the local stage) are unset', () => {
    const config = readRuntimeConfig({ MEDIC_SCHEDULE_GROUP: '', MEDIC_SCHEDULER_ROLE_ARN: '', MEDIC_CHECK_FUNCTION_ARN: '' });
    for (const key of ['scheduleGroup', 'schedulerRoleArn', 'checkFunctionArn', 'failureQueueArn']) expect(config).not.toHaveProperty(key);
  });
});

describe('createContainer: timers', () => {
  const scheduler = mockClient(SchedulerClient);
  beforeEach(() => scheduler.reset());
  afterEach(() => scheduler.reset());

  it('with the scheduler configured and writes on: CreateSchedule through the live writer', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    const env = { ...BASE, ...SCHEDULER };
    const log = recordingLog();
    const container = await createContainer(readRuntimeConfig(env), env, { log });
    await container.timers.schedule(TIMER);
    expect(scheduler).toHaveReceivedCommandTimes(CreateScheduleCommand, 1);
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input).toMatchObject({
      Name: TIMER.name,
      GroupName: 'model-medic-prod',
      Target: {
        Arn: SCHEDULER.MEDIC_CHECK_FUNCTION_ARN,
        RoleArn: SCHEDULER.MEDIC_SCHEDULER_ROLE_ARN,
        DeadLetterConfig: { Arn: SCHEDULER.MEDIC_FAILURE_QUEUE_ARN },
      },
    });
    expect(log.lines).toEqual([]);
  });

  it.each([
    ['writes off', { ...BASE, ...SCHEDULER, MEDIC_WRITES: 'off' }, /does not write to AWS/],
    ['recorded AWS state (the local stage)', { ...BASE, ...SCHEDULER, MEDIC_AWS_STATE: AWS_STATE }, /does not write to AWS/],
    ['no schedule group', { ...BASE, ...SCHEDULER, MEDIC_SCHEDULE_GROUP: '' }, /^MEDIC_SCHEDULE_GROUP is not set$/],
    ['no scheduler at all', BASE, /^MEDIC_SCHEDULE_GROUP, MEDIC_SCHEDULER_ROLE_ARN, MEDIC_CHECK_FUNCTION_ARN are not set$/],
  ])('%s: nothing is scheduled, one warning per check says the ladder will not advance', async (_, env, reason) => {
    const log = recordingLog();
    const container = await createContainer(readRuntimeConfig(env), env, { log });
    await container.timers.schedule(TIMER);
    await container.timers.schedule({ ...TIMER, check: { ...CHECK, step: 2 } });
    await container.timers.cancel(TIMER.name);
    expect(scheduler).not.toHaveReceivedAnyCommand();
    const warnings = log.lines.filter(([level]) => level === 'warn');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]?.[1]).toBe('ladder check not scheduled: no scheduler is configured, so this ladder will not advance');
    expect(warnings[0]?.[2]).toMatchObject({ timer: TIMER.name, ladder: CHECK.ladder, step: 1, rule: 'errors-on-prod' });
    expect(String(warnings[0]?.[2]?.reason)).toMatch(reason);
    expect(warnings[1]?.[2]).toMatchObject({ step: 2 });
  });
});
