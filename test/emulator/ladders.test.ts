/**
 * Escalation ladders through the packaged functions on the emulator: the alarm function creates
 * the first check's EventBridge Scheduler schedule (asserted on moto's schedule group), the
 * schedule's own payload delivered twice at once runs its step once, a busy endpoint (told by the
 * packaged endpoint-state function) holds the next step and schedules its retry, and an alarm
 * back to OK ends the ladder without touching the endpoint.
 *
 * moto never fires a schedule: the test delivers the payload moto holds to the function itself,
 * which is what Scheduler would do. moto records alarm state transitions at the time it is told
 * (SetAlarmState), so the ALARM event is given the timestamp moto reports, as CloudWatch would.
 */
import { DescribeAlarmsCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { beforeAll, expect, it } from 'vitest';
import type { EventReport } from '../../shared/report.js';
import { checkEvent, checkTimerName, type RemediationCheck } from '../../shared/signals/check.js';
import type { InvokeResult } from '../support/emulator/lambda-host.js';
import { describeEmulator, useEmulator } from '../support/emulator/use-emulator.js';
import { endpointNow, type Subscriber, schedulesNow } from '../support/emulator/world.js';
import { sample, withDetail } from '../support/samples.js';

const emulator = useEmulator();
let ops: Subscriber;
const ALARM = 'fraud-prod-5xx-rate';
const ALARM_ARN = `arn:aws:cloudwatch:us-east-1:111122223333:alarm:${ALARM}`;

/** The ALARM state moto holds for the alarm, as CloudWatch writes state timestamps. */
async function alarmSince(): Promise<string> {
  const { MetricAlarms } = await emulator().clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [ALARM] }));
  const alarm = MetricAlarms?.[0];
  expect(alarm?.StateValue).toBe('ALARM');
  const at = (alarm?.StateTransitionedTimestamp ?? alarm?.StateUpdatedTimestamp) as Date;
  return at.toISOString().replace('Z', '+0000');
}

function report(result: InvokeResult): EventReport {
  if (!result.ok) throw new Error(`the function failed: ${result.error.errorMessage}`);
  return result.result as EventReport;
}

describeEmulator('escalation ladders through the packaged functions', () => {
  let since: string;
  let schedule: Awaited<ReturnType<typeof schedulesNow>>[number];

  beforeAll(async () => {
    ({ ops } = await emulator().deployOntoWorld());
    since = await alarmSince();
  });

  it('the ALARM acts, then creates one schedule for the first check: group, at() time, target and payload as SPEC §6', async () => {
    const e = emulator();
    const deployed = e.deployed();
    const alarm = withDetail(sample('05-'), (d) => {
      (d.state as Record<string, unknown>).timestamp = since;
    });
    const before = Date.now();
    const handled = report(await e.host('alarm').invoke(alarm));
    const after = Date.now();
    expect(handled.actions.map((a) => `${a.type}:${a.status}`)).toEqual(['scale:executed', 'notify:executed']);
    expect((await endpointNow(e.clients, 'fraud-prod')).variants.AllTraffic?.instances).toBe(3);

    const schedules = await schedulesNow(e.clients, deployed.scheduleGroup);
    expect(schedules).toHaveLength(1);
    schedule = schedules[0] as (typeof schedules)[number];
    const check: RemediationCheck = {
      ladder: `${ALARM_ARN}#${since}`,
      step: 1,
      attempt: 1,
      rule: 'error-rate-ladder',
      alarmArn: ALARM_ARN,
      endpoint: 'fraud-prod',
      since,
    };
    expect(schedule.Name).toBe(checkTimerName(check));
    expect(schedule.GroupName).toBe(deployed.scheduleGroup);
    const at = /^at\((\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\)$/.exec(String(schedule.ScheduleExpression))?.[1];
    const due = Date.parse(`${at}Z`);
    expect(due).toBeGreaterThanOrEqual(Math.floor((before + 10 * 60_000) / 1000) * 1000);
    expect(due).toBeLessThanOrEqual(after + 10 * 60_000 + 1000);
    expect(schedule).toMatchObject({
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      Target: {
        Arn: deployed.environmentOf(e.stack.functions.alarm as never).MEDIC_CHECK_FUNCTION_ARN,
        RoleArn: deployed.schedulerRoleArn,
        DeadLetterConfig: { Arn: deployed.failureQueueArn },
        RetryPolicy: { MaximumRetryAttempts: expect.any(Number), MaximumEventAgeInSeconds: expect.any(Number) },
      },
    });
    const payload = JSON.parse(String(schedule.Target?.Input)) as Record<string, unknown>;
    expect(payload).toMatchObject({ source: 'model-medic', 'detail-type': 'Remediation Check', detail: check });
    expect(payload).toEqual(checkEvent(check, Date.parse(String(payload.time))));
    expect((await ops.drain()).map((n) => n.subject)).toEqual(['[HIGH] fraud-prod: ALARM fraud-prod-5xx-rate']);
  });

  it("the schedule's payload delivered twice at once runs the step once: one copy of the config, one UpdateEndpoint, one next check", async () => {
    const e = emulator();
    const payload = JSON.parse(String(schedule.Target?.Input));
    e.standIn.requests.length = 0;
    const [a, b] = await Promise.all([e.host('alarm').invoke(payload), e.host('alarm').invoke(payload)]);
    const reports = [report(a), report(b)];
    expect(reports.filter((r) => r.ignored?.startsWith('duplicate:'))).toHaveLength(1);
    expect(e.standIn.calls('sagemaker', 'CreateEndpointConfig')).toHaveLength(1);
    const updates = e.standIn.calls('sagemaker', 'UpdateEndpoint');
    expect(updates).toHaveLength(1);
    expect(updates[0]?.input).toMatchObject({ EndpointName: 'fraud-prod', RetainAllVariantProperties: true });
    expect((await endpointNow(e.clients, 'fraud-prod')).config).toMatch(/^fraud-prod-config-2026-11-20-medic-[0-9a-f]{8}$/);
    const schedules = await schedulesNow(e.clients, e.deployed().scheduleGroup);
    expect(schedules.map((s) => JSON.parse(String(s.Target?.Input)).detail.step).sort()).toEqual([1, 2]);
    expect((await ops.drain()).map((n) => n.subject)).toEqual(['[HIGH] fraud-prod: ALARM fraud-prod-5xx-rate [escalation 1/2]']);
  });

  it('an Updating endpoint holds the next step (endpoint-busy) and schedules its retry; back to OK, the retry only records resolved', async () => {
    const e = emulator();
    const step2 = (await schedulesNow(e.clients, e.deployed().scheduleGroup)).find(
      (s) => JSON.parse(String(s.Target?.Input)).detail.step === 2,
    );
    const updating = withDetail(sample('34-'), (d) => {
      d.EndpointStatus = 'UPDATING';
    });
    const changing = report(
      await e.host('endpoint-state').invoke({ ...updating, id: 'b0e1a7e2-0000-4000-8000-00000000000a', time: new Date().toISOString() }),
    );
    expect(changing.recorded).toBe('fraud-prod is Updating: changes to it wait until it is InService');

    e.standIn.requests.length = 0;
    const held = report(await e.host('alarm').invoke(JSON.parse(String(step2?.Target?.Input))));
    expect(held.actions.map((a) => `${a.type}:${a.status}:${a.suppressedBy ?? ''}`)).toEqual([
      'rollback:suppressed:endpoint-busy',
      'notify:executed:',
    ]);
    expect(held.scheduled).toEqual([expect.objectContaining({ step: 2, attempt: 2 })]);
    expect(e.standIn.calls('sagemaker', 'UpdateEndpoint')).toHaveLength(0);
    const retry = (await schedulesNow(e.clients, e.deployed().scheduleGroup)).find((s) => {
      const detail = JSON.parse(String(s.Target?.Input)).detail;
      return detail.step === 2 && detail.attempt === 2;
    });
    expect(retry).toBeDefined();

    await e.clients.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: ALARM, StateValue: 'OK', StateReason: 'recovered' }));
    await ops.drain();
    const resolved = report(await e.host('alarm').invoke(JSON.parse(String(retry?.Target?.Input))));
    expect(resolved.actions).toEqual([]);
    expect(resolved.ladders).toEqual([expect.objectContaining({ event: 'resolved', step: 2, rule: 'error-rate-ladder' })]);
    expect(resolved.scheduled).toBeUndefined();
    expect(e.standIn.calls('sagemaker', 'UpdateEndpoint')).toHaveLength(0);
    expect(await ops.drain()).toEqual([]);
  });
});
