/**
 * Ladder checks on EventBridge Scheduler, against moto: createSchedulerTimers over the real SDK
 * adapter (REST-JSON over HTTP, through the stand-in), configured with the alarm function's
 * environment as the packaged stack sets it (the schedule group created from the template), and
 * moto's state read back afterwards.
 *
 * What moto 5.2.1 does not emulate faithfully (so this file cannot show it):
 * - a schedule never fires: no invocation of the target, no retries, no dead-letter event, and
 *   ActionAfterCompletion DELETE never deletes it;
 * - nothing in the request is validated: not the `at()` expression (nor a time in the past), the
 *   time zone, the target or role ARNs (no role is assumed), nor the retry policy's bounds;
 * - CreateSchedule in a group that does not exist fails with an HTTP 500 (a KeyError in moto)
 *   instead of ResourceNotFoundException; CreateScheduleGroup of an existing name replaces the
 *   group and its schedules instead of answering ConflictException;
 * - ClientToken (idempotency) is ignored; a second CreateSchedule of a name answers
 *   ConflictException, as AWS does (with HTTP 400 where AWS sends 409).
 */
import { beforeAll, beforeEach, expect, it } from 'vitest';
import { createAwsSend, createSdkAdapters } from '../../shared/aws/sdk.js';
import { readRuntimeConfig } from '../../shared/config.js';
import { MedicError } from '../../shared/errors.js';
import { containerTimers } from '../../shared/lambda/container.js';
import { checkEvent, checkTimerName, type RemediationCheck } from '../../shared/signals/check.js';
import { atExpression, createSchedulerTimers, MIN_LEAD_MS, type SchedulerTimersConfig } from '../../shared/timers/eventbridge-scheduler.js';
import type { ScheduledCheck, Timers } from '../../shared/timers/timers.js';
import { SAMPLE_ACCOUNT, SAMPLE_REGION } from '../support/emulator/moto-server.js';
import { describeEmulator, useEmulator } from '../support/emulator/use-emulator.js';
import { schedulesNow } from '../support/emulator/world.js';

const emulator = useEmulator();
const ALARM_ARN = `arn:aws:cloudwatch:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:alarm:churn-prod-5xx`;
const CHECK: RemediationCheck = {
  ladder: `${ALARM_ARN}#2026-11-23T04:00:00.000+0000`,
  step: 1,
  attempt: 1,
  rule: 'errors-on-prod',
  alarmArn: ALARM_ARN,
  endpoint: 'churn-prod',
  since: '2026-11-23T04:00:00.000+0000',
};

let config: SchedulerTimersConfig;
let timers: Timers;
const requests = () => emulator().standIn.calls('scheduler');
const alarmFunction = () => {
  const fn = emulator().stack.functions.alarm;
  if (!fn) throw new Error('the packaged stack has no alarm function');
  return fn;
};
const timer = (at: number, check: RemediationCheck = CHECK): ScheduledCheck => ({ at, name: checkTimerName(check), check });

describeEmulator('ladder checks on EventBridge Scheduler (moto)', () => {
  beforeAll(async () => {
    const deployed = await emulator().deployStack();
    // The alarm function's environment as CloudFormation resolves it: the group, the role, its own ARN, the queue.
    const env = deployed.environmentOf(alarmFunction());
    const runtime = readRuntimeConfig(env);
    config = {
      groupName: String(runtime.scheduleGroup),
      roleArn: String(runtime.schedulerRoleArn),
      targetArn: String(runtime.checkFunctionArn),
      deadLetterArn: String(runtime.failureQueueArn),
    };
    const send = createAwsSend({ ...emulator().env(), MEDIC_AWS_MAX_ATTEMPTS: '1' });
    timers = createSchedulerTimers(config, createSdkAdapters(emulator().env(), send).writer);
  });
  beforeEach(() => {
    emulator().standIn.requests.length = 0;
  });

  it('the deployed environment names the stack group, the scheduler role, the alarm function and the failure queue', () => {
    expect(config).toEqual({
      groupName: 'model-medic-emulator',
      roleArn: expect.stringMatching(new RegExp(`^arn:aws:iam::${SAMPLE_ACCOUNT}:role/model-medic-emulator-CheckSchedulerRole-`)),
      targetArn: `arn:aws:lambda:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:function:model-medic-emulator-alarm`,
      deadLetterArn: `arn:aws:sqs:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:model-medic-emulator-failures`,
    });
    expect(emulator().deployed().scheduleGroup).toBe('model-medic-emulator');
  });

  it('schedule: one one-time schedule in the group, exactly as built, its Input the Remediation Check event', async () => {
    const at = Date.now() + 10 * 60_000 + 250;
    await timers.schedule(timer(at));
    const schedules = await schedulesNow(emulator().clients, config.groupName);
    expect(schedules).toHaveLength(1);
    const [schedule] = schedules;
    expect(schedule).toMatchObject({
      Name: checkTimerName(CHECK),
      GroupName: 'model-medic-emulator',
      Arn: `arn:aws:scheduler:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:schedule/model-medic-emulator/${checkTimerName(CHECK)}`,
      ScheduleExpression: atExpression(at),
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      Description: expect.stringMatching(/^model-medic: ladder step 1 of rule errors-on-prod on churn-prod, due /),
      Target: {
        Arn: config.targetArn,
        RoleArn: config.roleArn,
        RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: config.deadLetterArn },
      },
    });
    expect(schedule?.ScheduleExpression).toMatch(/^at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)$/);
    expect(JSON.parse(String(schedule?.Target?.Input))).toEqual(checkEvent(CHECK, at));
    expect(requests().map((r) => [r.operation, r.input.Name, r.input.GroupName])).toEqual([
      ['CreateSchedule', checkTimerName(CHECK), 'model-medic-emulator'],
    ]);
  });

  it('scheduling the same check twice (a retried invocation) leaves one schedule; the second answer, ConflictException, is success', async () => {
    const at = Date.now() + 10 * 60_000;
    await timers.schedule(timer(at));
    await timers.schedule(timer(at));
    expect((await schedulesNow(emulator().clients, config.groupName)).map((s) => s.Name)).toEqual([checkTimerName(CHECK)]);
    expect(requests().map((r) => r.operation)).toEqual(['CreateSchedule', 'CreateSchedule']);
  });

  it('another step of the ladder is another schedule', async () => {
    const next = { ...CHECK, step: 2 };
    await timers.schedule(timer(Date.now() + 20 * 60_000, next));
    expect((await schedulesNow(emulator().clients, config.groupName)).map((s) => s.Name).sort()).toEqual(
      [checkTimerName(CHECK), checkTimerName(next)].sort(),
    );
  });

  it('cancel removes the schedule; cancelling it again (gone: fired or cancelled) is fine', async () => {
    await timers.cancel(checkTimerName({ ...CHECK, step: 2 }));
    await timers.cancel(checkTimerName(CHECK));
    expect(await schedulesNow(emulator().clients, config.groupName)).toEqual([]);
    await expect(timers.cancel(checkTimerName(CHECK))).resolves.toBeUndefined();
    expect(requests().map((r) => [r.operation, r.input.GroupName])).toEqual([
      ['DeleteSchedule', 'model-medic-emulator'],
      ['DeleteSchedule', 'model-medic-emulator'],
      ['DeleteSchedule', 'model-medic-emulator'],
    ]);
  });

  it('a due time already past is put a minute from now (the event keeps its due time)', async () => {
    const due = Date.now() - 5 * 60_000;
    const before = Date.now();
    await timers.schedule(timer(due));
    const [schedule] = await schedulesNow(emulator().clients, config.groupName);
    const fireAt = Date.parse(`${/^at\((.+)\)$/.exec(String(schedule?.ScheduleExpression))?.[1]}Z`);
    expect(fireAt).toBeGreaterThanOrEqual(before + MIN_LEAD_MS);
    expect(fireAt).toBeLessThanOrEqual(Date.now() + MIN_LEAD_MS + 1000);
    expect(JSON.parse(String(schedule?.Target?.Input)).time).toBe(new Date(due).toISOString());
    await timers.cancel(checkTimerName(CHECK));
  });

  it('throttling that outlasts the SDK retries is a transient failure the event is retried for; denied is not', async () => {
    emulator().standIn.fail({
      service: 'scheduler',
      operation: 'CreateSchedule',
      error: { status: 429, code: 'ThrottlingException', message: 'Rate exceeded' },
    });
    const throttled = await timers.schedule(timer(Date.now() + 600_000)).catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(MedicError);
    expect(throttled).toMatchObject({ kind: 'aws-throttled', transient: true });
    emulator().standIn.fail({
      service: 'scheduler',
      operation: 'DeleteSchedule',
      error: { status: 403, code: 'AccessDeniedException', message: 'not authorized to perform: scheduler:DeleteSchedule' },
    });
    await expect(timers.cancel(checkTimerName(CHECK))).rejects.toMatchObject({ kind: 'aws-denied', transient: false });
    expect(await schedulesNow(emulator().clients, config.groupName)).toEqual([]);
  });

  it("the container's timers with the deployed environment schedule the same way", async () => {
    const env = { ...emulator().deployed().environmentOf(alarmFunction()), ...emulator().env() };
    const { writer } = createSdkAdapters({ ...env, MEDIC_AWS_MAX_ATTEMPTS: '1' });
    const containerTimersNow = containerTimers(readRuntimeConfig(env), writer);
    await containerTimersNow.schedule(timer(Date.now() + 600_000));
    expect((await schedulesNow(emulator().clients, config.groupName)).map((s) => s.Target?.Arn)).toEqual([config.targetArn]);
    await containerTimersNow.cancel(checkTimerName(CHECK));
    expect(await schedulesNow(emulator().clients, config.groupName)).toEqual([]);
  });
});
