/** notify: the SNS Publish request, and a body an on-call engineer can act on. */
import { UpdateEndpointWeightsAndCapacitiesCommand } from '@aws-sdk/client-sagemaker';
import { PublishCommand } from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sample } from '../support/samples.js';
import { inputsOf, MockedAws, published, runbookWith, runEvent, sageMakerError } from './harness.js';

let aws: MockedAws;
beforeEach(() => {
  aws = new MockedAws();
});
afterEach(() => aws.restore());

const SNS_MAX_BYTES = 256 * 1024;
const DRIFT_REPORT = 's3://model-medic-monitoring-111122223333/churn-prod-data-quality/2026/11/23/04/constraint_violations.json';

describe('notify', () => {
  it('the exact request: topic, subject, attributes for filter policies, and the body', async () => {
    await runEvent(sample('01-'));
    const [input] = inputsOf(aws.sns, PublishCommand);
    expect(Object.keys(input ?? {}).sort()).toEqual(['Message', 'MessageAttributes', 'Subject', 'TopicArn']);
    expect(input?.TopicArn).toBe('arn:aws:sns:us-east-1:111122223333:model-medic-ops');
    expect(input?.Subject).toBe('[HIGH] churn-prod: ALARM churn-prod-model-latency');
    expect(input?.MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'high' },
      rule: { DataType: 'String', StringValue: 'latency-scale-out' },
      kind: { DataType: 'String', StringValue: 'alarm' },
      endpoint: { DataType: 'String', StringValue: 'churn-prod' },
    });
    expect(input?.Message?.split('\n')).toEqual([
      'ALARM churn-prod-model-latency on churn-prod/v2',
      '',
      // ModelLatency is in microseconds: 812345.5 µs and 500000 µs.
      'What fired: ModelLatency = 812.3 ms, threshold 500 ms (above threshold)',
      'State: OK -> ALARM at 2026-11-23T04:12:40.512+0000',
      expect.stringMatching(/^Reason: Threshold Crossed: 3 out of the last 3 datapoints/),
      '',
      'Runbook rule: latency-scale-out (Latency or utilisation above threshold on a prod endpoint -> add capacity; if it persists, add more; then page)',
      'What model-medic did:',
      '  - scale: done: raise MinCapacity of churn-prod/v2 from 2 to 3 (2 instances now; auto scaling target)',
      '',
      'Alarm: https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/churn-prod-model-latency',
      'Endpoint: https://us-east-1.console.aws.amazon.com/sagemaker/home?region=us-east-1#/endpoints/churn-prod',
      '',
      'Event e3bf8ac5-e59a-47fc-838d-9bf8d00e655d at 2026-11-23T04:12:40Z, account 111122223333, us-east-1.',
    ]);
  });

  it('a resolved alarm says what recovered and how long it was in ALARM', async () => {
    await runEvent(sample('11-'));
    const [input] = published(aws);
    expect(input?.Subject).toBe('[INFO] churn-prod: RESOLVED churn-prod-model-latency');
    expect(input?.Message).toContain('RESOLVED churn-prod-model-latency on churn-prod/v2');
    expect(input?.Message).toContain('Now: ModelLatency = 352.1 ms, threshold 500 ms');
    expect(input?.Message).toContain('Recovered: churn-prod-model-latency is OK again after 14 min in ALARM.');
  });

  it('each earlier action: held back and why', async () => {
    await runEvent(sample('16-'));
    expect(published(aws)[0]?.Message).toContain(
      '  - scale: held back (endpoint-busy): endpoint pricing-prod is Updating: changes wait until it is InService',
    );
  });

  it('a monitoring result: the violations, the job, the report and their console links', async () => {
    await runEvent(sample('20-'));
    const message = published(aws)[0]?.Message ?? '';
    expect(message).toContain('Violations (3):');
    expect(message).toContain('  - baseline_drift_check on tenure: Numerical distance: 0.2417 exceeds numerical threshold: 0.1');
    expect(message).toContain(
      '  - retrain: done: start SageMaker pipeline churn-retrain with Endpoint=churn-prod, Trigger=churn-drift-retrain',
    );
    expect(message).toContain(
      'Monitoring job: https://us-east-1.console.aws.amazon.com/sagemaker/home?region=us-east-1#/processing-jobs/model-monitoring-202611230400-7c1e9a42',
    );
    expect(message).toContain(
      'Report in the console: https://s3.console.aws.amazon.com/s3/buckets/model-medic-monitoring-111122223333?region=us-east-1&prefix=churn-prod-data-quality%2F2026%2F11%2F23%2F04%2F',
    );
    expect(published(aws)[0]?.MessageAttributes?.kind).toEqual({ DataType: 'String', StringValue: 'monitoring' });
  });

  it('a long violation list is summarised and the message stays under 256 KB', async () => {
    const violations = Array.from({ length: 5000 }, (_, i) => ({
      feature_name: `feature_${i}`,
      constraint_check_type: i % 10 === 0 ? 'data_type_check' : 'baseline_drift_check',
      description: `Numerical distance ${'x'.repeat(2000)}`,
    }));
    if (aws.world.s3) aws.world.s3[DRIFT_REPORT] = { violations };
    await runEvent(sample('20-'));
    const message = published(aws)[0]?.Message ?? '';
    expect(Buffer.byteLength(message, 'utf8')).toBeLessThan(SNS_MAX_BYTES);
    expect(message).toContain('Violations (5000):');
    expect(message).toContain('  by check: 500x data_type_check, 4500x baseline_drift_check');
    expect(message).toContain(
      '  ... and 4980 more (see the report under s3://model-medic-monitoring-111122223333/churn-prod-data-quality/2026/11/23/04)',
    );
    expect(published(aws)[0]?.Subject).toBe('[HIGH] churn-prod: DataQuality CompletedWithViolations (5000 violations)');
  });

  it('the subject fits SNS: ASCII, one line, under 100 characters, even from a long template', async () => {
    // 70 characters as written, 130 once rendered.
    const subject = 'Latency — {{alarm}} {{alarm}} {{alarm}} {{alarm}} on {{endpoint}}';
    const runbook = runbookWith(
      '  - id: page',
      '    match: { kind: alarm }',
      '    actions:',
      `      - notify: { topic: ops, subject: "${subject}" }`,
    );
    await runEvent(sample('01-'), { runbook });
    const sent = published(aws)[0]?.Subject ?? '';
    expect(sent.length).toBeLessThan(100);
    expect(sent).toMatch(/^[\x20-\x7E]+$/);
    expect(sent).toMatch(/^Latency \? churn-prod-model-latency churn-prod-model-latency .*\.\.\.$/);
  });

  it('no endpoint on the signal: the endpoint attribute is left out (SNS refuses empty values)', async () => {
    const runbook = runbookWith(
      '  - id: page',
      '    match: { kind: alarm }',
      '    actions:',
      '      - notify: { topic: ops, severity: low }',
    );
    const event = sample('18-');
    const detail = event.detail as { configuration: { metrics: Array<{ metricStat: { metric: { dimensions: object } } }> } };
    for (const m of detail.configuration.metrics) m.metricStat.metric.dimensions = {};
    await runEvent(event, { runbook });
    expect(Object.keys(published(aws)[0]?.MessageAttributes ?? {}).sort()).toEqual(['kind', 'rule', 'severity']);
  });

  it('after a failed action, a runbook-written subject is sent as written; the body and the outcome attribute flag it', async () => {
    aws.sagemaker.on(UpdateEndpointWeightsAndCapacitiesCommand).rejects(sageMakerError('ValidationException', 'bad request'));
    const runbook = runbookWith(
      '  - id: page',
      '    match: { kind: alarm }',
      '    actions:',
      '      - scale: { by: 1 }',
      '      - notify: { topic: ops, subject: "CPU on {{endpoint}}" }',
    );
    await runEvent(sample('02-'), { runbook });
    const [sent] = published(aws);
    expect(sent?.Subject).toBe('CPU on fraud-prod');
    expect(sent?.Message).toContain('!! 1 automatic action FAILED (scale): a human is needed.');
    expect(sent?.MessageAttributes?.outcome).toEqual({ DataType: 'String', StringValue: 'failed' });
  });
});
