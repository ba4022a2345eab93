/** scale: the exact requests for each case, through the engine and the SDK adapters. */
import { DescribeScalableTargetsCommand, RegisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import { DescribeEndpointCommand, UpdateEndpointWeightsAndCapacitiesCommand } from '@aws-sdk/client-sagemaker';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sample, withDetail } from '../support/samples.js';
import { inputsOf, MockedAws, published, runbookWith, runEvent, seededStore } from './harness.js';

let aws: MockedAws;
beforeEach(() => {
  aws = new MockedAws();
});
afterEach(() => aws.restore());

/** A copy of an alarm sample with other dimensions on its metric (and a new occurrence key). */
function onVariant(prefix: string, endpoint: string, variant: string | undefined, stamp = '2026-11-23T09:00:00.000+0000') {
  return withDetail(sample(prefix), (detail) => {
    const metric = (detail.configuration as { metrics: Array<{ metricStat?: { metric: { dimensions: Record<string, string> } } }> })
      .metrics[0];
    const dimensions: Record<string, string> = { EndpointName: endpoint };
    if (variant) dimensions.VariantName = variant;
    if (metric?.metricStat) metric.metricStat.metric.dimensions = dimensions;
    (detail.state as { timestamp: string }).timestamp = stamp;
  });
}

const SCALE_RULE = (params: string) => [
  '  - id: scale-out',
  '    match: { kind: alarm, state: ALARM }',
  '    actions:',
  `      - scale: ${params}`,
  '      - notify: { topic: ops }',
];

describe('scale', () => {
  it('with a scalable target: raises MinCapacity only (MaxCapacity untouched while it is high enough)', async () => {
    const report = await runEvent(sample('01-'));
    expect(report.actions.map((a) => a.status)).toEqual(['executed', 'executed']);
    expect(inputsOf(aws.sagemaker, DescribeEndpointCommand)).toEqual([{ EndpointName: 'churn-prod' }]);
    expect(inputsOf(aws.autoScaling, DescribeScalableTargetsCommand)).toEqual([
      {
        ServiceNamespace: 'sagemaker',
        ResourceIds: ['endpoint/churn-prod/variant/v2'],
        ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      },
    ]);
    expect(aws.autoScaling).toHaveReceivedCommandExactlyOnceWith(RegisterScalableTargetCommand, { MinCapacity: 3 });
    expect(inputsOf(aws.autoScaling, RegisterScalableTargetCommand)).toEqual([
      {
        ServiceNamespace: 'sagemaker',
        ResourceId: 'endpoint/churn-prod/variant/v2',
        ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
        MinCapacity: 3,
      },
    ]);
    // Never both: a direct DesiredInstanceCount would be undone by the scaling policy.
    expect(aws.sagemaker).not.toHaveReceivedCommand(UpdateEndpointWeightsAndCapacitiesCommand);
    expect(aws.writes()).toEqual(['RegisterScalableTarget', 'Publish']);
  });

  it('with a scalable target whose MaxCapacity is in the way: raises both', async () => {
    const target = aws.targets()[0];
    if (target) target.MaxCapacity = 2;
    await runEvent(sample('01-'));
    expect(inputsOf(aws.autoScaling, RegisterScalableTargetCommand)).toEqual([
      {
        ServiceNamespace: 'sagemaker',
        ResourceId: 'endpoint/churn-prod/variant/v2',
        ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
        MinCapacity: 3,
        MaxCapacity: 3,
      },
    ]);
  });

  it('without a scalable target: UpdateEndpointWeightsAndCapacities DesiredInstanceCount', async () => {
    const report = await runEvent(sample('02-'));
    expect(report.actions[0]).toMatchObject({
      type: 'scale',
      status: 'executed',
      reason: 'scale fraud-prod/AllTraffic from 2 to 3 instances',
    });
    expect(inputsOf(aws.sagemaker, UpdateEndpointWeightsAndCapacitiesCommand)).toEqual([
      { EndpointName: 'fraud-prod', DesiredWeightsAndCapacities: [{ VariantName: 'AllTraffic', DesiredInstanceCount: 3 }] },
    ]);
    expect(aws.autoScaling).not.toHaveReceivedCommand(RegisterScalableTargetCommand);
  });

  it('never above the cap: a step beyond the runbook max is capped', async () => {
    const report = await runEvent(sample('02-'), { runbook: runbookWith(...SCALE_RULE('{ by: 10 }')) });
    expect(report.actions[0]?.reason).toBe('scale fraud-prod/AllTraffic from 2 to 8 instances (capped at 8)');
    expect(inputsOf(aws.sagemaker, UpdateEndpointWeightsAndCapacitiesCommand)).toEqual([
      { EndpointName: 'fraud-prod', DesiredWeightsAndCapacities: [{ VariantName: 'AllTraffic', DesiredInstanceCount: 8 }] },
    ]);
  });

  it('never above the cap: a rule max cannot lift the runbook cap, and factor rounds up', async () => {
    const report = await runEvent(sample('02-'), { runbook: runbookWith(...SCALE_RULE('{ factor: 1.2, max: 20 }')) });
    expect(inputsOf(aws.sagemaker, UpdateEndpointWeightsAndCapacitiesCommand)).toEqual([
      { EndpointName: 'fraud-prod', DesiredWeightsAndCapacities: [{ VariantName: 'AllTraffic', DesiredInstanceCount: 3 }] },
    ]);
    expect(report.actions[0]?.status).toBe('executed');
  });

  it('never above the cap: the rule max is the cap when it is lower', async () => {
    const report = await runEvent(sample('01-'), { runbook: runbookWith(...SCALE_RULE('{ by: 3, max: 4 }')) });
    expect(report.actions[0]?.reason).toBe(
      'raise MinCapacity of churn-prod/v2 from 2 to 4 (capped at 4) (2 instances now; auto scaling target)',
    );
    expect(inputsOf(aws.autoScaling, RegisterScalableTargetCommand)[0]?.MinCapacity).toBe(4);
  });

  it('already at the cap: skipped with that reason, nothing but the notification is sent', async () => {
    const report = await runEvent(sample('03-'));
    expect(report.actions[0]).toMatchObject({
      status: 'skipped',
      reason: 'recsys-prod/AllTraffic is already at 8 instances, the cap is 6',
      calls: [],
    });
    expect(aws.writes()).toEqual(['Publish']);
    expect(published(aws)[0]?.Message).toContain('  - scale: skipped: recsys-prod/AllTraffic is already at 8 instances, the cap is 6');
  });

  it('endpoint Updating: held (endpoint-busy), SageMaker would refuse the change', async () => {
    const report = await runEvent(sample('16-'));
    expect(report.actions[0]).toMatchObject({
      status: 'suppressed',
      suppressedBy: 'endpoint-busy',
      reason: 'endpoint pricing-prod is Updating: changes wait until it is InService',
    });
    expect(aws.writes()).toEqual(['Publish']);
  });

  it('two variants and no variant on the signal: scales the one taking the most traffic', async () => {
    await runEvent(onVariant('02-', 'churn-prod', undefined), { runbook: runbookWith(...SCALE_RULE('{ by: 2 }')) });
    expect(inputsOf(aws.autoScaling, RegisterScalableTargetCommand)).toEqual([
      {
        ServiceNamespace: 'sagemaker',
        ResourceId: 'endpoint/churn-prod/variant/v2',
        ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
        MinCapacity: 4,
      },
    ]);
  });

  it('two variants with equal traffic and no variant on the signal: skipped, nothing to choose by', async () => {
    const report = await runEvent(onVariant('02-', 'ranker-prod', undefined), { runbook: runbookWith(...SCALE_RULE('{ by: 1 }')) });
    expect(report.actions[0]).toMatchObject({
      status: 'skipped',
      reason: 'endpoint ranker-prod has several variants with equal traffic: the signal names none to scale',
    });
    expect(aws.writes()).toEqual(['Publish']);
  });

  it('a variant the endpoint does not have: skipped', async () => {
    const report = await runEvent(onVariant('02-', 'fraud-prod', 'blue'), { runbook: runbookWith(...SCALE_RULE('{ by: 1 }')) });
    expect(report.actions[0]).toMatchObject({ status: 'skipped', reason: 'endpoint fraud-prod has no variant blue' });
  });

  it('a serverless variant: skipped, it has no instances to add', async () => {
    const variant = aws.variant('fraud-prod', 'AllTraffic');
    variant.CurrentServerlessConfig = { MemorySizeInMB: 2048, MaxConcurrency: 5 };
    const report = await runEvent(sample('02-'));
    expect(report.actions[0]?.status).toBe('skipped');
    expect(report.actions[0]?.reason).toMatch(/serverless variant/);
  });
});

describe('scale: { restore: true }', () => {
  const RESTORE_RUNBOOK = runbookWith(
    '  - id: recovered',
    '    match: { kind: alarm, state: OK }',
    '    actions:',
    '      - scale: { restore: true }',
    '  - id: scale-out',
    '    match: { kind: alarm, state: ALARM }',
    '    actions:',
    '      - scale: { by: 1 }',
  );
  /** fraud-prod's CPU alarm going back to OK. */
  const fraudRecovered = () =>
    withDetail(sample('02-'), (detail) => {
      const state = detail.state as { value: string; timestamp: string };
      (detail.previousState as { value: string }).value = 'ALARM';
      state.value = 'OK';
      state.timestamp = '2026-11-23T04:40:00.000+0000';
    });

  it('after a scale-out through auto scaling: MinCapacity back to what it was', async () => {
    const store = await seededStore();
    await runEvent(sample('01-'), { runbook: RESTORE_RUNBOOK, store });
    expect(aws.targets()[0]?.MinCapacity).toBe(3);
    const report = await runEvent(sample('11-'), { runbook: RESTORE_RUNBOOK, store });
    expect(report.actions[0]).toMatchObject({ type: 'scale', status: 'executed' });
    expect(report.actions[0]?.reason).toMatch(/^restore MinCapacity of churn-prod\/v2 to 2 \(3 was raised by rule scale-out at /);
    expect(inputsOf(aws.autoScaling, RegisterScalableTargetCommand)).toEqual([
      {
        ServiceNamespace: 'sagemaker',
        ResourceId: 'endpoint/churn-prod/variant/v2',
        ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
        MinCapacity: 3,
      },
      {
        ServiceNamespace: 'sagemaker',
        ResourceId: 'endpoint/churn-prod/variant/v2',
        ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
        MinCapacity: 2,
      },
    ]);
    expect(await store.getScaleChange('churn-prod', 'v2')).toBeUndefined();
  });

  it('after a scale-out that raised MaxCapacity: both go back', async () => {
    const target = aws.targets()[0];
    if (target) target.MaxCapacity = 2;
    const store = await seededStore();
    await runEvent(sample('01-'), { runbook: RESTORE_RUNBOOK, store });
    await runEvent(sample('11-'), { runbook: RESTORE_RUNBOOK, store });
    expect(inputsOf(aws.autoScaling, RegisterScalableTargetCommand)[1]).toEqual({
      ServiceNamespace: 'sagemaker',
      ResourceId: 'endpoint/churn-prod/variant/v2',
      ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      MinCapacity: 2,
      MaxCapacity: 2,
    });
  });

  it('after a scale-out by instance count: DesiredInstanceCount back to what it was', async () => {
    const store = await seededStore();
    await runEvent(sample('02-'), { runbook: RESTORE_RUNBOOK, store });
    const report = await runEvent(fraudRecovered(), { runbook: RESTORE_RUNBOOK, store });
    expect(report.actions[0]?.status).toBe('executed');
    expect(inputsOf(aws.sagemaker, UpdateEndpointWeightsAndCapacitiesCommand)).toEqual([
      { EndpointName: 'fraud-prod', DesiredWeightsAndCapacities: [{ VariantName: 'AllTraffic', DesiredInstanceCount: 3 }] },
      { EndpointName: 'fraud-prod', DesiredWeightsAndCapacities: [{ VariantName: 'AllTraffic', DesiredInstanceCount: 2 }] },
    ]);
  });

  it('nothing recorded: skipped', async () => {
    const report = await runEvent(sample('11-'), { runbook: RESTORE_RUNBOOK });
    expect(report.actions[0]).toMatchObject({ status: 'skipped', reason: 'nothing to restore: no scale-out of churn-prod/v2 is recorded' });
    expect(aws.writes()).toEqual([]);
  });

  it('someone changed the capacity since: their change wins, restore is skipped', async () => {
    const store = await seededStore();
    await runEvent(sample('01-'), { runbook: RESTORE_RUNBOOK, store });
    const target = aws.targets()[0];
    if (target) target.MinCapacity = 5;
    const report = await runEvent(sample('11-'), { runbook: RESTORE_RUNBOOK, store });
    expect(report.actions[0]?.status).toBe('skipped');
    expect(report.actions[0]?.reason).toMatch(/MinCapacity of churn-prod\/v2 is 5, not the 3 model-medic set .*someone changed it since/);
    expect(inputsOf(aws.autoScaling, RegisterScalableTargetCommand)).toHaveLength(1);
  });
});
