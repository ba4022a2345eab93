/** shift-traffic: DesiredWeight per docs/runbook.md, and every refusal. */
import { UpdateEndpointWeightsAndCapacitiesCommand } from '@aws-sdk/client-sagemaker';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sample, withDetail } from '../support/samples.js';
import { inputsOf, MockedAws, published, runbookWith, runEvent } from './harness.js';

let aws: MockedAws;
beforeEach(() => {
  aws = new MockedAws();
});
afterEach(() => aws.restore());

/** churn-prod's 5xx alarm (04) on other dimensions. */
function errorsOn(endpoint: string, variant: string | undefined) {
  return withDetail(sample('04-'), (detail) => {
    const [metric] = (detail.configuration as { metrics: Array<{ metricStat: { metric: { dimensions: Record<string, string> } } }> })
      .metrics;
    if (metric)
      metric.metricStat.metric.dimensions = variant ? { EndpointName: endpoint, VariantName: variant } : { EndpointName: endpoint };
  });
}

const shiftTo = (params: string) =>
  runbookWith(
    '  - id: shift',
    '    match: { kind: alarm, state: ALARM }',
    '    actions:',
    `      - shift-traffic: ${params}`,
    '      - notify: { topic: ops }',
  );

describe('shift-traffic', () => {
  it('two variants, `previous`: all traffic moves from the failing variant to the other one', async () => {
    const report = await runEvent(sample('04-'));
    expect(report.actions[0]).toMatchObject({
      type: 'shift-traffic',
      status: 'executed',
      reason: "shift 100% of churn-prod's traffic from v2 to v1 (now 10%)",
    });
    expect(inputsOf(aws.sagemaker, UpdateEndpointWeightsAndCapacitiesCommand)).toEqual([
      {
        EndpointName: 'churn-prod',
        DesiredWeightsAndCapacities: [
          { VariantName: 'v2', DesiredWeight: 0 },
          { VariantName: 'v1', DesiredWeight: 1 },
        ],
      },
    ]);
    expect(aws.writes()).toEqual(['UpdateEndpointWeightsAndCapacities', 'Publish']);
  });

  it('a named variant and a weight: the others keep the rest in proportion', async () => {
    await runEvent(sample('04-'), { runbook: shiftTo('{ to: v1, weight: 50 }') });
    expect(inputsOf(aws.sagemaker, UpdateEndpointWeightsAndCapacitiesCommand)).toEqual([
      {
        EndpointName: 'churn-prod',
        DesiredWeightsAndCapacities: [
          { VariantName: 'v2', DesiredWeight: 0.5 },
          { VariantName: 'v1', DesiredWeight: 0.5 },
        ],
      },
    ]);
  });

  it('no variant on the signal: away from the variant taking the most traffic', async () => {
    await runEvent(errorsOn('churn-prod', undefined), { runbook: shiftTo('{ to: previous }') });
    expect(inputsOf(aws.sagemaker, UpdateEndpointWeightsAndCapacitiesCommand)[0]?.DesiredWeightsAndCapacities).toEqual([
      { VariantName: 'v2', DesiredWeight: 0 },
      { VariantName: 'v1', DesiredWeight: 1 },
    ]);
  });

  it('a named target works even when no variant stands out', async () => {
    aws.variant('ranker-prod', 'green').CurrentInstanceCount = 2;
    await runEvent(errorsOn('ranker-prod', undefined), { runbook: shiftTo('{ to: green }') });
    expect(inputsOf(aws.sagemaker, UpdateEndpointWeightsAndCapacitiesCommand)).toEqual([
      {
        EndpointName: 'ranker-prod',
        DesiredWeightsAndCapacities: [
          { VariantName: 'blue', DesiredWeight: 0 },
          { VariantName: 'green', DesiredWeight: 1 },
        ],
      },
    ]);
  });

  it('one variant: skipped, there is nowhere to shift traffic', async () => {
    const report = await runEvent(errorsOn('fraud-prod', 'AllTraffic'));
    expect(report.actions[0]).toMatchObject({
      status: 'skipped',
      reason: 'endpoint fraud-prod has a single variant (AllTraffic): there is nowhere to shift traffic',
    });
    expect(aws.writes()).toEqual(['Publish']);
  });

  it('"previous" with three variants is ambiguous: skipped', async () => {
    const endpoint = aws.world.sagemaker?.endpoints?.['churn-prod'] as { ProductionVariants: object[] };
    endpoint.ProductionVariants.push({
      VariantName: 'v3',
      CurrentWeight: 0.1,
      DesiredWeight: 0.1,
      CurrentInstanceCount: 1,
      DesiredInstanceCount: 1,
    });
    const report = await runEvent(sample('04-'));
    expect(report.actions[0]).toMatchObject({
      status: 'skipped',
      reason: '"previous" is ambiguous on churn-prod: besides v2 there are v1, v3; name the variant in the runbook',
    });
    expect(aws.sagemaker).not.toHaveReceivedCommand(UpdateEndpointWeightsAndCapacitiesCommand);
  });

  it('the target variant has no instances: skipped, requests would fail', async () => {
    const report = await runEvent(sample('19-'));
    expect(report.actions[0]).toMatchObject({
      status: 'skipped',
      reason: 'variant green of ranker-prod has no instances: shifting traffic to it would fail requests',
    });
    expect(aws.writes()).toEqual(['Publish']);
    expect(published(aws)[0]?.Message).toContain('  - shift-traffic: skipped: variant green of ranker-prod has no instances');
  });

  it('the endpoint is Updating: held (endpoint-busy)', async () => {
    const endpoint = aws.world.sagemaker?.endpoints?.['churn-prod'] as { EndpointStatus: string };
    endpoint.EndpointStatus = 'Updating';
    const report = await runEvent(sample('04-'));
    expect(report.actions[0]).toMatchObject({
      status: 'suppressed',
      suppressedBy: 'endpoint-busy',
      reason: 'endpoint churn-prod is Updating: changes wait until it is InService',
    });
    expect(aws.writes()).toEqual(['Publish']);
  });

  it('the endpoint does not exist: skipped (SageMaker answers ValidationException "Could not find endpoint")', async () => {
    const report = await runEvent(errorsOn('gone-prod', 'v2'));
    expect(report.actions[0]).toMatchObject({ status: 'skipped', reason: 'endpoint gone-prod does not exist' });
  });

  it('the target already takes the traffic: skipped', async () => {
    const report = await runEvent(sample('04-'), { runbook: shiftTo('{ to: v2, weight: 50 }') });
    expect(report.actions[0]).toMatchObject({
      status: 'skipped',
      reason: 'the signal is about v2 itself: shifting traffic to it would not help',
    });
    const second = await runEvent(errorsOn('churn-prod', 'v1'), { runbook: shiftTo('{ to: v2, weight: 50 }') });
    expect(second.actions[0]).toMatchObject({ status: 'skipped', reason: "v2 already takes 90% of churn-prod's traffic (wanted 50%)" });
  });
});
