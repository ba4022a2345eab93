/**
 * Every action type, through the packaged functions, changes what it should in the emulated
 * account: asserted on moto's state afterwards (describe calls, a subscriber's queue), not on
 * the requests. Rollback and CodePipeline retrain go through the stand-in for the two APIs
 * moto lacks; the SageMaker idempotency token is asserted on the request, since moto does not
 * keep it.
 */
import { readFileSync } from 'node:fs';
import { DeleteParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { beforeAll, beforeEach, expect, it } from 'vitest';
import { EMULATOR_RUNBOOK_PARAMETER } from '../support/emulator/packaged.js';
import { describeEmulator, useEmulator } from '../support/emulator/use-emulator.js';
import {
  endpointNow,
  pipelineExecutionsNow,
  recordFraudProdHistory,
  type Subscriber,
  scalableTargetNow,
} from '../support/emulator/world.js';
import { ROLLBACK_RUNBOOK, sample, withDetail } from '../support/samples.js';

const emulator = useEmulator();
let ops: Subscriber;

/** The same alarm, in ALARM again later: a new occurrence (another state timestamp), so not a duplicate. */
function againAt(event: Record<string, unknown>, iso: string): Record<string, unknown> {
  const copy = withDetail(event, (d) => {
    (d.state as Record<string, unknown>).timestamp = iso;
  });
  return { ...copy, id: `${String(event.id).slice(0, 24)}${iso.replace(/\D/g, '').slice(-12)}`, time: iso.replace(/\.\d+/, '') };
}

describeEmulator('every action type through the packaged functions', () => {
  beforeAll(async () => {
    ({ ops } = await emulator().deployOntoWorld());
  });
  beforeEach(async () => {
    await ops.drain();
    emulator().standIn.requests.length = 0;
  });

  it('scale with an auto scaling target: MinCapacity 2 -> 3, the instance count left to the policy, ops told', async () => {
    const e = emulator();
    expect(await scalableTargetNow(e.clients, 'churn-prod', 'v2')).toEqual({ min: 2, max: 6 });
    expect((await e.host('alarm').invoke(sample('01-'))).ok).toBe(true);
    expect(await scalableTargetNow(e.clients, 'churn-prod', 'v2')).toEqual({ min: 3, max: 6 });
    expect((await endpointNow(e.clients, 'churn-prod')).variants.v2).toEqual({ instances: 2, weight: 0.9 });
    const received = await ops.drain();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      subject: '[HIGH] churn-prod: ALARM churn-prod-model-latency',
      topicArn: e.deployed().opsTopicArn,
      attributes: { severity: 'high', endpoint: 'churn-prod', rule: 'latency-scale-out', kind: 'alarm' },
    });
    expect(received[0]?.message).toContain('raise MinCapacity of churn-prod/v2 from 2 to 3');
  });

  it('scale without a target: the variant runs 3 instances instead of 2', async () => {
    const e = emulator();
    expect((await endpointNow(e.clients, 'fraud-prod')).variants.AllTraffic?.instances).toBe(2);
    expect((await e.host('alarm').invoke(sample('02-'))).ok).toBe(true);
    expect((await endpointNow(e.clients, 'fraud-prod')).variants.AllTraffic?.instances).toBe(3);
    expect((await ops.drain()).map((n) => n.subject)).toEqual(['[HIGH] fraud-prod: ALARM fraud-prod-cpu-high']);
  });

  it("shift-traffic: all of churn-prod's traffic on v1, none on the failing v2", async () => {
    const e = emulator();
    expect((await e.host('alarm').invoke(sample('04-'))).ok).toBe(true);
    const now = await endpointNow(e.clients, 'churn-prod');
    expect(now.variants.v1?.weight).toBe(1);
    expect(now.variants.v2?.weight).toBe(0);
    expect((await ops.drain()).map((n) => n.subject)).toEqual(['[CRITICAL] churn-prod: ALARM churn-prod-v2-5xx']);
  });

  it('rollback: fraud-prod runs the config recorded before the live one, as that config made it (2 instances)', async () => {
    const e = emulator();
    await recordFraudProdHistory(e.host('endpoint-state'));
    expect(await endpointNow(e.clients, 'fraud-prod')).toMatchObject({ config: 'fraud-prod-config-2026-11-20' });

    // The default runbook rolls back as a ladder's last step: this one does at once.
    await e.clients.ssm.send(
      new PutParameterCommand({
        Name: EMULATOR_RUNBOOK_PARAMETER,
        Type: 'String',
        Overwrite: true,
        Value: readFileSync(ROLLBACK_RUNBOOK, 'utf8'),
      }),
    );
    try {
      expect((await e.host('alarm').invoke(sample('05-'))).ok).toBe(true);
    } finally {
      await e.clients.ssm.send(new DeleteParameterCommand({ Name: EMULATOR_RUNBOOK_PARAMETER }));
    }
    expect(await endpointNow(e.clients, 'fraud-prod')).toMatchObject({
      config: 'fraud-prod-config-2026-10-01',
      variants: { AllTraffic: { instances: 2, weight: 1 } },
    });
    expect(e.standIn.calls('sagemaker', 'UpdateEndpoint').map((r) => r.input)).toEqual([
      { EndpointName: 'fraud-prod', EndpointConfigName: 'fraud-prod-config-2026-10-01', RetainAllVariantProperties: false },
    ]);
    expect((await ops.drain()).map((n) => n.subject)).toEqual(['[CRITICAL] fraud-prod: ALARM fraud-prod-5xx-rate']);
  });

  it("retrain on SageMaker Pipelines: one execution of churn-retrain with the runbook's parameters and a token from the signal", async () => {
    const e = emulator();
    expect(await pipelineExecutionsNow(e.clients, 'churn-retrain')).toEqual([]);
    expect((await e.host('monitoring').invoke(sample('20-'))).ok).toBe(true);
    const executions = await pipelineExecutionsNow(e.clients, 'churn-retrain');
    expect(executions.map((x) => x.parameters)).toEqual([{ Endpoint: 'churn-prod', Trigger: 'churn-drift-retrain' }]);
    const [start] = e.standIn.calls('sagemaker', 'StartPipelineExecution');
    expect(start?.input.ClientRequestToken).toMatch(/^[0-9a-f]{64}$/);
    expect((await ops.drain()).map((n) => n.subject)).toEqual(['[HIGH] churn-prod: DataQuality CompletedWithViolations (3 violations)']);
  });

  it('retrain on CodePipeline (stand-in): one new fraud-model-build execution with ENDPOINT=fraud-prod', async () => {
    const e = emulator();
    const before = e.standIn.codePipelines.get('fraud-model-build')?.length ?? 0;
    expect((await e.host('monitoring').invoke(sample('22-'))).ok).toBe(true);
    const executions = e.standIn.codePipelines.get('fraud-model-build') ?? [];
    expect(executions).toHaveLength(before + 1);
    expect(executions[0]).toMatchObject({ status: 'InProgress', variables: [{ name: 'ENDPOINT', value: 'fraud-prod' }] });
    expect((await ops.drain()).map((n) => n.subject)).toEqual(['[HIGH] fraud-prod: ModelQuality CompletedWithViolations (2 violations)']);
  });

  it('scale restore (runbook from SSM): a scale-out by 2, then on OK MinCapacity back to what it was', async () => {
    const e = emulator();
    await e.clients.ssm.send(
      new PutParameterCommand({
        Name: EMULATOR_RUNBOOK_PARAMETER,
        Type: 'String',
        Overwrite: true,
        Value: [
          'version: 1',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a runbook's own ${env:...} reference
          'topics: { ops: "${env:OPS_TOPIC_ARN}" }',
          'rules:',
          '  - id: latency-scale-out-by-two',
          '    match: { kind: alarm, state: ALARM, metric: ModelLatency, endpoint: churn-prod }',
          '    actions: [{ scale: { by: 2, max: 6 } }]',
          '    cooldown: 0s',
          '  - id: latency-recovered',
          '    match: { kind: alarm, state: OK, metric: ModelLatency, endpoint: churn-prod }',
          '    actions: [{ scale: { restore: true } }, { notify: { topic: ops } }]',
          '    cooldown: 0s',
          '',
        ].join('\n'),
      }),
    );
    const before = await scalableTargetNow(e.clients, 'churn-prod', 'v2');
    const alarm = e.host('alarm');
    expect((await alarm.invoke(againAt(sample('01-'), '2026-11-23T09:58:11.000+0000'))).ok).toBe(true);
    // `by` counts from the larger of the instances running (2) and the floor.
    const raised = Math.max(before?.min ?? 0, 2) + 2;
    expect(await scalableTargetNow(e.clients, 'churn-prod', 'v2')).toEqual({ min: raised, max: 6 });
    expect((await alarm.invoke(sample('11-'))).ok).toBe(true);
    expect(await scalableTargetNow(e.clients, 'churn-prod', 'v2')).toEqual(before);
    const [resolved] = await ops.drain();
    expect(resolved?.message).toContain(`restore MinCapacity of churn-prod/v2 to ${before?.min}`);
  });
});
