/**
 * Approvals end to end on the emulator, with the shipped forms only: the packaged alarm function
 * (its runbook from the stage's SSM parameter: rollback waits for approval) answers a 5XX ALARM
 * with a rollback awaiting approval and one EventBridge Scheduler schedule for its deadline; the
 * built CLI lists it (`medic approvals`) and sends `medic approve` onto the stack's operator bus;
 * the delivered `Approval Granted`, handed to two function processes at once, rolls the endpoint
 * back with ONE UpdateEndpoint; a second approval that has expired (its deadline moved into the
 * past in the state table, as time would) is dropped by its schedule's own payload with one
 * notice, and approving it afterwards changes nothing.
 *
 * What moto does not emulate here (as in silences.test.ts): Lambda targets of EventBridge rules
 * (the operator rule is routed to a queue and the test hands what it delivered to the function);
 * the delivered event's `account` (EventBridge sets the bus owner's); firing schedules (the test
 * delivers the payload moto holds, as Scheduler would); SageMaker UpdateEndpoint (the stand-in
 * serves it and applies it to moto's endpoint).
 */
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { beforeAll, expect, it } from 'vitest';
import type { EventReport } from '../../shared/report.js';
import { expiryTimerName } from '../../shared/signals/approval-expiry.js';
import type { Approval } from '../../shared/state/store.js';
import { runBuiltCliAsync } from '../support/built-cli.js';
import type { InvokeResult } from '../support/emulator/lambda-host.js';
import { SAMPLE_ACCOUNT } from '../support/emulator/moto-server.js';
import { EMULATOR_RUNBOOK_PARAMETER } from '../support/emulator/packaged.js';
import { describeEmulator, useEmulator } from '../support/emulator/use-emulator.js';
import {
  endpointNow,
  type OperatorRoute,
  recordFraudProdHistory,
  routeOperatorRule,
  type Subscriber,
  schedulesNow,
} from '../support/emulator/world.js';
import { sample, withDetail } from '../support/samples.js';

const emulator = useEmulator();
let ops: Subscriber;
let operatorRule: OperatorRoute;
let bus: string;
let table: string;

const RUNBOOK = [
  'version: 1',
  'defaults: { cooldown: 0s, scale: { max: 8 } }',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a runbook's own ${env:...} reference
  'topics: { ops: "${env:OPS_TOPIC_ARN}" }',
  'rules:',
  '  - id: rollback-approved',
  '    match: { kind: alarm, state: ALARM, alarm: "*-5xx-rate" }',
  '    approval: { for: [rollback], expires: 30m }',
  '    actions:',
  '      - rollback: {}',
  '      - notify: { topic: ops, severity: high }',
  '',
].join('\n');

function report(result: InvokeResult): EventReport {
  if (!result.ok) throw new Error(`the function failed: ${result.error.errorMessage}`);
  return result.result as EventReport;
}

/** The 5XX ALARM again, as a new occurrence (another state timestamp and event id). */
function alarmAt(iso: string, id: string): Record<string, unknown> {
  return {
    ...withDetail(sample('05-'), (d) => {
      (d.state as Record<string, unknown>).timestamp = iso;
    }),
    id,
  };
}

async function medic(argv: string[]): Promise<string> {
  const result = await runBuiltCliAsync(argv, { env: emulator().env() });
  expect(result.stderr, `medic ${argv.join(' ')}`).toBe('');
  expect(result.code, `medic ${argv.join(' ')}`).toBe(0);
  return result.stdout;
}

/** `medic approve ID` through the built CLI; the event the operator rule delivered, as EventBridge hands it over. */
async function approveThroughTheBus(id: string): Promise<Record<string, unknown>> {
  await medic(['approve', id, '--reason', 'checked the dashboards', '--bus', bus]);
  const delivered = await operatorRule.drain();
  expect(delivered).toHaveLength(1);
  return { account: SAMPLE_ACCOUNT, ...(delivered[0] as Record<string, unknown>) };
}

/**
 * The ALARM state moto holds for the alarm, as CloudWatch writes state timestamps: a grant reads the
 * alarm and runs only while it is still in the ALARM the approval was asked for.
 */
async function alarmSince(): Promise<string> {
  const { MetricAlarms } = await emulator().clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ['fraud-prod-5xx-rate'] }));
  const alarm = MetricAlarms?.[0];
  expect(alarm?.StateValue).toBe('ALARM');
  const at = (alarm?.StateTransitionedTimestamp ?? alarm?.StateUpdatedTimestamp) as Date;
  return at.toISOString().replace('Z', '+0000');
}

describeEmulator('approvals through the packaged alarm function, the built CLI and the operator bus', () => {
  let approval: string;
  /** The second ALARM's approval, left to expire. */
  let late: string;

  beforeAll(async () => {
    const e = emulator();
    const world = await e.deployOntoWorld({ endpoints: ['fraud-prod'] });
    ops = world.ops;
    bus = world.deployed.operatorBus.name;
    table = world.deployed.tableName;
    operatorRule = await routeOperatorRule(e.clients, world.deployed);
    await e.clients.ssm.send(
      new PutParameterCommand({ Name: EMULATOR_RUNBOOK_PARAMETER, Type: 'String', Value: RUNBOOK, Overwrite: true }),
    );
    await recordFraudProdHistory(e.host('endpoint-state'));
  });

  it('the ALARM leaves the rollback awaiting approval: nothing changes, the notify names the command, a schedule holds the deadline', async () => {
    const e = emulator();
    e.standIn.requests.length = 0;
    const before = Date.now();
    const handled = report(await e.host('alarm').invoke(alarmAt(await alarmSince(), 'a0000000-0000-4000-8000-000000000001')));
    expect(
      handled.actions.map((a) => `${a.type}:${a.status}`),
      JSON.stringify(handled.actions[0]),
    ).toEqual(['rollback:awaiting-approval', 'notify:executed']);
    approval = String(handled.actions[0]?.approval);
    expect(approval).toMatch(/^apr-[0-9a-f]{16}$/);
    expect(e.standIn.calls('sagemaker', 'UpdateEndpoint')).toHaveLength(0);
    expect((await endpointNow(e.clients, 'fraud-prod')).config).toBe('fraud-prod-config-2026-11-20');

    const [page] = await ops.drain();
    expect(page?.subject).toBe('[HIGH] fraud-prod: ALARM fraud-prod-5xx-rate');
    expect(page?.message).toContain(`rollback: WAITING FOR YOUR APPROVAL`);
    expect(page?.message).toContain(`medic approve ${approval}`);

    const schedules = await schedulesNow(e.clients, e.deployed().scheduleGroup);
    expect(schedules.map((s) => s.Name)).toEqual([expiryTimerName(approval)]);
    const at = Date.parse(`${/^at\((.+)\)$/.exec(String(schedules[0]?.ScheduleExpression))?.[1]}Z`);
    expect(at).toBeGreaterThanOrEqual(Math.floor((before + 31 * 60_000) / 1000) * 1000);
    expect(at).toBeLessThanOrEqual(Date.now() + 31 * 60_000 + 1000);
    expect(JSON.parse(String(schedules[0]?.Target?.Input))).toMatchObject({
      source: 'model-medic',
      'detail-type': 'Approval Expiry',
      detail: { approval, rule: 'rollback-approved', endpoint: 'fraud-prod' },
    });

    // A second ALARM of the alarm (another occurrence) asks a second approval, with its own deadline.
    const asked = report(await e.host('alarm').invoke(alarmAt('2026-11-23T05:40:00.000+0000', 'a0000000-0000-4000-8000-000000000002')));
    expect(asked.actions.map((a) => `${a.type}:${a.status}`)).toEqual(['rollback:awaiting-approval', 'notify:executed']);
    late = String(asked.actions[0]?.approval);
    expect(late).not.toBe(approval);
    await ops.drain();
    expect((await schedulesNow(e.clients, e.deployed().scheduleGroup)).map((s) => s.Name).sort()).toEqual(
      [expiryTimerName(approval), expiryTimerName(late)].sort(),
    );

    const pending = (await medic(['approvals', '--table', table, '--json']))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Approval);
    expect(pending.map((a) => [a.id, a.action.type, a.endpoint, a.status])).toEqual([
      [approval, 'rollback', 'fraud-prod', 'pending'],
      [late, 'rollback', 'fraud-prod', 'pending'],
    ]);
  });

  it('`medic approve` once, its event delivered twice at once: one UpdateEndpoint, the endpoint rolled back, the schedule gone', async () => {
    const e = emulator();
    const granted = await approveThroughTheBus(approval);
    expect(granted).toMatchObject({ source: 'model-medic.operator', 'detail-type': 'Approval Granted', detail: { approval } });
    e.standIn.requests.length = 0;
    // Two processes, as two Lambda containers would be: EventBridge delivers at least once.
    const [a, b] = await Promise.all([e.host('alarm').invoke(granted), e.host('alarm').invoke({ ...granted })]);
    const reports = [report(a), report(b)];
    expect(e.standIn.calls('sagemaker', 'UpdateEndpoint')).toHaveLength(1);
    expect((await endpointNow(e.clients, 'fraud-prod')).config).toBe('fraud-prod-config-2026-10-01');
    const ran = reports.filter((r) => r.actions.some((x) => x.type === 'rollback' && x.status === 'executed'));
    expect(ran).toHaveLength(1);
    expect(ran[0]?.approvals?.map((x) => x.event)).toEqual(['granted']);
    expect(reports.filter((r) => r.ignored?.startsWith('duplicate') || r.ignored?.includes('right now'))).toHaveLength(1);

    // The granted one's deadline schedule is deleted; the other approval's remains.
    expect((await schedulesNow(e.clients, e.deployed().scheduleGroup)).map((s) => s.Name)).toEqual([expiryTimerName(late)]);
    expect((await ops.drain()).map((n) => n.subject)).toEqual(['[INFO] fraud-prod: approved rollback executed']);
  });

  it('an approval past its deadline: its schedule drops it with one notice, and approving it afterwards does nothing', async () => {
    const e = emulator();
    const [schedule] = await schedulesNow(e.clients, e.deployed().scheduleGroup);
    expect(schedule?.Name).toBe(expiryTimerName(late));

    // Time passes: the deadline is moved into the past in the state table, as 30 minutes would.
    const past = Date.now() - 1000;
    const item = { pk: { S: 'APPROVALS' }, sk: { S: `APPROVAL#${late}` } };
    const stored = await e.clients.dynamodb.send(
      new UpdateItemCommand({
        TableName: table,
        Key: item,
        UpdateExpression: 'SET deadline = :past',
        ExpressionAttributeValues: { ':past': { N: String(past) } },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const json = JSON.parse(String(stored.Attributes?.approval?.S)) as Approval;
    await e.clients.dynamodb.send(
      new UpdateItemCommand({
        TableName: table,
        Key: item,
        UpdateExpression: 'SET approval = :a',
        ExpressionAttributeValues: { ':a': { S: JSON.stringify({ ...json, expiresAt: past }) } },
      }),
    );

    e.standIn.requests.length = 0;
    const expired = report(await e.host('alarm').invoke(JSON.parse(String(schedule?.Target?.Input))));
    expect(expired.approvals?.map((x) => x.event)).toEqual(['expired']);
    expect((await ops.drain()).map((n) => n.subject)).toEqual(['[HIGH] fraud-prod: rollback not approved in time [not approved]']);

    const tooLate = report(await e.host('alarm').invoke(await approveThroughTheBus(late)));
    expect(tooLate.ignored).toContain('expired at');
    expect(tooLate.actions).toEqual([]);
    expect(e.standIn.calls('sagemaker', 'UpdateEndpoint')).toHaveLength(0);
    expect(await ops.drain()).toEqual([]);
    expect((await endpointNow(e.clients, 'fraud-prod')).config).toBe('fraud-prod-config-2026-10-01');
    expect((await medic(['approvals', '--table', table])).trim()).toBe('no approvals pending');
  });
});
