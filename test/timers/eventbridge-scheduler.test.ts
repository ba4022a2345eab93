/**
 * Ladder checks on EventBridge Scheduler: the exact CreateSchedule request for a check (time
 * rounded up, a past due time moved to a minute from now), and what the adapter does with each
 * answer, over the real SDK adapter with aws-sdk-client-mock answering.
 */
import 'aws-sdk-client-mock-vitest/extend';
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  SchedulerServiceException,
  ThrottlingException,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSdkAdapters } from '../../shared/aws/sdk.js';
import { MedicError } from '../../shared/errors.js';
import { checkEvent, checkTimerName, type RemediationCheck } from '../../shared/signals/check.js';
import {
  atExpression,
  createScheduleInput,
  createSchedulerTimers,
  MIN_LEAD_MS,
  type SchedulerTimersConfig,
} from '../../shared/timers/eventbridge-scheduler.js';
import type { ScheduledCheck } from '../../shared/timers/timers.js';

const ENV = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIAFAKE', AWS_SECRET_ACCESS_KEY: 'fake', MEDIC_AWS_MAX_ATTEMPTS: '1' };
const CONFIG: SchedulerTimersConfig = {
  groupName: 'model-medic-prod',
  roleArn: 'arn:aws:iam::111122223333:role/model-medic-prod-CheckSchedulerRole-ABC',
  targetArn: 'arn:aws:lambda:us-east-1:111122223333:function:model-medic-prod-alarm',
  deadLetterArn: 'arn:aws:sqs:us-east-1:111122223333:model-medic-prod-failures',
};
const CHECK: RemediationCheck = {
  ladder: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:churn-prod-5xx#2026-11-23T04:00:00.000+0000',
  step: 1,
  attempt: 1,
  rule: 'errors-on-prod',
  alarmArn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:churn-prod-5xx',
  endpoint: 'churn-prod',
  since: '2026-11-23T04:00:00.000+0000',
};
const NOW = Date.parse('2026-11-23T04:00:05.250Z');
const timer = (at: number, check: RemediationCheck = CHECK): ScheduledCheck => ({ at, name: checkTimerName(check), check });

describe('createScheduleInput', () => {
  it('is the exact request: one-time, UTC, no flexible window, deleted after it fires, retries then the failure queue', () => {
    const at = Date.parse('2026-11-23T04:10:05.250Z');
    expect(createScheduleInput(CONFIG, timer(at), NOW)).toEqual({
      Name: checkTimerName(CHECK),
      GroupName: 'model-medic-prod',
      ScheduleExpression: 'at(2026-11-23T04:10:06)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      Description: 'model-medic: ladder step 1 of rule errors-on-prod on churn-prod, due 2026-11-23T04:10:05.250Z',
      Target: {
        Arn: CONFIG.targetArn,
        RoleArn: CONFIG.roleArn,
        Input: JSON.stringify(checkEvent(CHECK, at)),
        RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: CONFIG.deadLetterArn },
      },
    });
  });

  it('the Input is the Remediation Check event the alarm function recognises', () => {
    const at = Date.parse('2026-11-23T04:10:00Z');
    const input = createScheduleInput(CONFIG, timer(at), NOW) as { Target: { Input: string } };
    expect(JSON.parse(input.Target.Input)).toEqual({
      version: '0',
      id: checkTimerName(CHECK),
      'detail-type': 'Remediation Check',
      source: 'model-medic',
      account: '111122223333',
      time: '2026-11-23T04:10:00.000Z',
      region: 'us-east-1',
      resources: [CHECK.alarmArn],
      detail: CHECK,
    });
  });

  it('rounds the due time up to the next whole second, never down', () => {
    expect(atExpression(Date.parse('2026-11-23T04:10:00.000Z'))).toBe('at(2026-11-23T04:10:00)');
    expect(atExpression(Date.parse('2026-11-23T04:10:00.001Z'))).toBe('at(2026-11-23T04:10:01)');
    expect(atExpression(Date.parse('2026-11-23T04:10:59.999Z'))).toBe('at(2026-11-23T04:11:00)');
    expect(atExpression(Date.parse('2026-12-31T23:59:59.500Z'))).toBe('at(2027-01-01T00:00:00)');
  });

  it('a due time already past, or less than a minute away, is put at now + 1 minute; the event keeps its due time', () => {
    const past = NOW - 5 * 60_000;
    const input = createScheduleInput(CONFIG, timer(past), NOW) as { ScheduleExpression: string; Target: { Input: string } };
    expect(input.ScheduleExpression).toBe('at(2026-11-23T04:01:06)'); // NOW + 60 s, rounded up
    expect(JSON.parse(input.Target.Input).time).toBe(new Date(past).toISOString());
    expect((createScheduleInput(CONFIG, timer(NOW + 10_000), NOW) as { ScheduleExpression: string }).ScheduleExpression).toBe(
      atExpression(NOW + MIN_LEAD_MS),
    );
    expect((createScheduleInput(CONFIG, timer(NOW + MIN_LEAD_MS + 1), NOW) as { ScheduleExpression: string }).ScheduleExpression).toBe(
      atExpression(NOW + MIN_LEAD_MS + 1),
    );
  });

  it('retry policy from the config; no DeadLetterConfig without a queue; a retried step says its attempt', () => {
    const { deadLetterArn: _none, ...noQueue } = CONFIG;
    const check = { ...CHECK, step: 2, attempt: 3 };
    const input = createScheduleInput(
      { ...noQueue, maximumRetryAttempts: 2, maximumEventAgeSeconds: 600 },
      timer(NOW + 600_000, check),
      NOW,
    ) as {
      Description: string;
      Target: Record<string, unknown>;
    };
    expect(input.Target.RetryPolicy).toEqual({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 600 });
    expect(input.Target).not.toHaveProperty('DeadLetterConfig');
    expect(input.Description).toMatch(/^model-medic: ladder step 2 of rule errors-on-prod on churn-prod \(attempt 3\), due /);
  });
});

describe('createSchedulerTimers over the SDK adapter', () => {
  const scheduler = mockClient(SchedulerClient);
  beforeEach(() => scheduler.reset());
  afterEach(() => scheduler.reset());

  const timers = () => createSchedulerTimers(CONFIG, createSdkAdapters(ENV).writer, { now: () => NOW });
  const fail = (name: string, message: string, status = 400) =>
    new SchedulerServiceException({ name, $fault: 'client', message, $metadata: { httpStatusCode: status } });

  it('schedule sends exactly the built CreateSchedule input', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    const t = timer(NOW + 600_000);
    await timers().schedule(t);
    expect(scheduler).toHaveReceivedCommandTimes(CreateScheduleCommand, 1);
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input).toEqual(createScheduleInput(CONFIG, t, NOW));
  });

  it('a schedule that already exists (ConflictException: a retry) is success', async () => {
    scheduler.on(CreateScheduleCommand).rejects(
      new ConflictException({
        message: 'Schedule medic-check-x already exists.',
        Message: 'Schedule medic-check-x already exists.',
        $metadata: { httpStatusCode: 409 },
      }),
    );
    await expect(timers().schedule(timer(NOW + 600_000))).resolves.toBeUndefined();
  });

  it('throttling propagates as a transient aws-throttled MedicError', async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejects(new ThrottlingException({ message: 'Rate exceeded', Message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }));
    const error = await timers()
      .schedule(timer(NOW + 600_000))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MedicError);
    expect(error).toMatchObject({ kind: 'aws-throttled', transient: true });
    expect((error as Error).message).toMatch(
      /^scheduler:CreateSchedule on medic-check-[0-9a-f]{24}-1-1 failed: ThrottlingException: Rate exceeded/,
    );
  });

  it('access denied (the role may not create schedules, or pass the scheduler role) is aws-denied, not transient', async () => {
    scheduler.on(CreateScheduleCommand).rejects(fail('AccessDeniedException', 'User is not authorized to perform: iam:PassRole', 403));
    await expect(timers().schedule(timer(NOW + 600_000))).rejects.toMatchObject({ kind: 'aws-denied', transient: false });
  });

  it('an invalid request and a full quota are permanent', async () => {
    scheduler.on(CreateScheduleCommand).rejects(fail('ValidationException', 'Invalid Schedule Expression'));
    await expect(timers().schedule(timer(NOW + 600_000))).rejects.toMatchObject({ kind: 'aws-validation', transient: false });
    scheduler.on(CreateScheduleCommand).rejects(fail('ServiceQuotaExceededException', 'too many schedules', 402));
    await expect(timers().schedule(timer(NOW + 600_000))).rejects.toMatchObject({ kind: 'aws-validation' });
  });

  it('a schedule group that does not exist is aws-not-found on schedule (only a missing schedule is fine, on cancel)', async () => {
    scheduler.on(CreateScheduleCommand).rejects(
      new ResourceNotFoundException({
        message: 'Schedule group nope does not exist.',
        Message: 'Schedule group nope does not exist.',
        $metadata: { httpStatusCode: 404 },
      }),
    );
    await expect(timers().schedule(timer(NOW + 600_000))).rejects.toMatchObject({ kind: 'aws-not-found' });
  });

  it('cancel deletes the schedule in the group', async () => {
    scheduler.on(DeleteScheduleCommand).resolves({});
    await timers().cancel('medic-check-abc-1-1');
    expect(scheduler.commandCalls(DeleteScheduleCommand)[0]?.args[0].input).toEqual({
      Name: 'medic-check-abc-1-1',
      GroupName: 'model-medic-prod',
    });
  });

  it('cancel of a schedule that is gone (fired, cancelled, never made) is success', async () => {
    scheduler.on(DeleteScheduleCommand).rejects(
      new ResourceNotFoundException({
        message: 'Schedule x does not exist.',
        Message: 'Schedule x does not exist.',
        $metadata: { httpStatusCode: 404 },
      }),
    );
    await expect(timers().cancel('medic-check-abc-1-1')).resolves.toBeUndefined();
  });

  it('cancel: other failures propagate (throttling transient, access denied not)', async () => {
    scheduler
      .on(DeleteScheduleCommand)
      .rejects(new ThrottlingException({ message: 'Rate exceeded', Message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }));
    await expect(timers().cancel('x')).rejects.toMatchObject({ kind: 'aws-throttled', transient: true });
    scheduler.on(DeleteScheduleCommand).rejects(fail('AccessDeniedException', 'not authorized', 403));
    await expect(timers().cancel('x')).rejects.toMatchObject({ kind: 'aws-denied' });
  });

  it('a dry-run writer refuses: nothing is scheduled behind its back', async () => {
    const { refusingWriter } = await import('../../shared/aws/refusing-writer.js');
    await expect(createSchedulerTimers(CONFIG, refusingWriter).schedule(timer(NOW + 600_000))).rejects.toMatchObject({ kind: 'usage' });
    expect(scheduler).not.toHaveReceivedAnyCommand();
  });
});
