/**
 * The live AwsReader over real SDK clients and real HTTP, against the fake AWS endpoint:
 * every protocol model-medic speaks (JSON 1.1, JSON 1.0, awsQuery, S3 REST), and "does not
 * exist" answered as each service really answers it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSdkAdapters, type SdkAdapters } from '../../shared/aws/sdk.js';
import { FakeAws } from '../support/fake-aws.js';

let fake: FakeAws;
let aws: SdkAdapters;
beforeAll(async () => {
  fake = await FakeAws.start();
  aws = createSdkAdapters(fake.env({ MEDIC_AWS_MAX_ATTEMPTS: '1' }));
});
afterEach(() => fake.reset());
afterAll(() => fake.stop());

describe('AwsReader over the SDK', () => {
  it('DescribeEndpoint (JSON 1.1): the endpoint, timestamps as Dates; a missing one is undefined', async () => {
    const endpoint = await aws.reader.describeEndpoint('churn-prod');
    expect(endpoint?.EndpointStatus).toBe('InService');
    expect(endpoint?.ProductionVariants?.map((v) => [v.VariantName, v.CurrentInstanceCount])).toEqual([
      ['v2', 2],
      ['v1', 1],
    ]);
    expect(endpoint?.CreationTime).toEqual(new Date('2026-08-04T13:27:09.412Z'));
    // SageMaker answers ValidationException "Could not find endpoint": that is "does not exist".
    expect(await aws.reader.describeEndpoint('nope')).toBeUndefined();
    expect(fake.requests.map((r) => [r.service, r.operation, r.input, r.region])).toEqual([
      ['sagemaker', 'DescribeEndpoint', { EndpointName: 'churn-prod' }, 'us-east-1'],
      ['sagemaker', 'DescribeEndpoint', { EndpointName: 'nope' }, 'us-east-1'],
    ]);
  });

  it('DescribeScalableTargets (JSON 1.1)', async () => {
    const targets = await aws.reader.describeScalableTargets(['endpoint/churn-prod/variant/v2', 'endpoint/fraud-prod/variant/AllTraffic']);
    expect(targets.map((t) => [t.ResourceId, t.MinCapacity, t.MaxCapacity])).toEqual([['endpoint/churn-prod/variant/v2', 2, 6]]);
  });

  it('DescribeAlarms (CloudWatch speaks JSON 1.0 in this SDK version): metric and composite alarms', async () => {
    const alarms = await aws.reader.describeAlarms(['fraud-prod-health', 'fraud-prod-cpu-high', 'unknown']);
    expect(alarms.map((a) => a.AlarmName).sort()).toEqual(['fraud-prod-cpu-high', 'fraud-prod-health']);
    expect(fake.requests[0]?.input).toEqual({
      AlarmNames: ['fraud-prod-health', 'fraud-prod-cpu-high', 'unknown'],
      AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
      MaxRecords: 100,
    });
  });

  it('DescribeProcessingJob: the job; a missing one (ResourceNotFound) is undefined', async () => {
    const job = await aws.reader.describeProcessingJob('churn-prod-data-quality-1795417200');
    expect(job?.Environment?.sagemaker_endpoint_name).toBe('churn-prod');
    expect(await aws.reader.describeProcessingJob('nope')).toBeUndefined();
  });

  it('S3 GetObject (path-style): the parsed JSON; a missing key is undefined', async () => {
    const report = (await aws.reader.getJsonObject(
      's3://model-medic-monitoring-111122223333/churn-prod-data-quality/2026/11/23/04/constraint_violations.json',
    )) as { violations: unknown[] };
    expect(report.violations).toHaveLength(3);
    expect(await aws.reader.getJsonObject('s3://model-medic-monitoring-111122223333/nope.json')).toBeUndefined();
    expect(fake.requests[0]?.input).toEqual({
      Bucket: 'model-medic-monitoring-111122223333',
      Key: 'churn-prod-data-quality/2026/11/23/04/constraint_violations.json',
    });
  });

  it('ListPipelineExecutions of both kinds; a missing pipeline is an error naming it', async () => {
    expect((await aws.reader.listSageMakerPipelineExecutions('fraud-retrain')).map((e) => e.PipelineExecutionStatus)).toEqual([
      'Executing',
      'Succeeded',
    ]);
    expect((await aws.reader.listCodePipelineExecutions('fraud-model-build')).map((e) => e.status)).toEqual(['Succeeded']);
    await expect(aws.reader.listCodePipelineExecutions('nope')).rejects.toMatchObject({
      kind: 'aws-not-found',
      message: expect.stringMatching(/^codepipeline:ListPipelineExecutions on nope failed: PipelineNotFoundException: /),
    });
  });
});

describe('AwsWriter over the SDK', () => {
  it('SNS Publish (awsQuery): message attributes arrive as sent', async () => {
    const input = {
      TopicArn: 'arn:aws:sns:us-east-1:111122223333:model-medic-ops',
      Subject: 'subject',
      Message: 'line 1\nline 2 & <more>',
      MessageAttributes: { severity: { DataType: 'String', StringValue: 'high' }, rule: { DataType: 'String', StringValue: 'r' } },
    };
    expect(await aws.writer.send({ service: 'sns', operation: 'Publish', input })).toMatchObject({ MessageId: expect.any(String) });
    expect(fake.writes()).toEqual([{ service: 'sns', operation: 'Publish', input, write: true, region: 'us-east-1' }]);
  });

  it.each([
    [{ status: 404, code: 'NotFound', message: 'Topic does not exist' }, 'aws-not-found', 'NotFoundException'],
    [
      { status: 403, code: 'AuthorizationError', message: 'User is not authorized to perform: SNS:Publish' },
      'aws-denied',
      'AuthorizationErrorException',
    ],
    [{ status: 400, code: 'InvalidParameter', message: 'Invalid parameter: Subject' }, 'aws-validation', 'InvalidParameterException'],
  ])('an SNS error in XML (%o) is classified and named', async (error, kind, name) => {
    fake.fail({ operation: 'Publish', error });
    const send = aws.writer.send({
      service: 'sns',
      operation: 'Publish',
      input: { TopicArn: 'arn:aws:sns:us-east-1:111122223333:gone', Message: 'm' },
    });
    await expect(send).rejects.toMatchObject({
      kind,
      message: expect.stringContaining(`sns:Publish on arn:aws:sns:us-east-1:111122223333:gone failed: ${name}: ${error.message}`),
    });
  });

  it('a JSON error (__type) is classified and named', async () => {
    fake.fail({
      operation: 'RegisterScalableTarget',
      error: { status: 400, code: 'ObjectNotFoundException', message: 'No scalable target registered' },
    });
    const send = aws.writer.send({
      service: 'application-auto-scaling',
      operation: 'RegisterScalableTarget',
      input: {
        ServiceNamespace: 'sagemaker',
        ResourceId: 'endpoint/x/variant/y',
        ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
        MinCapacity: 2,
      },
    });
    await expect(send).rejects.toMatchObject({
      kind: 'aws-not-found',
      message: expect.stringContaining(
        'application-auto-scaling:RegisterScalableTarget on endpoint/x/variant/y failed: ObjectNotFoundException: No scalable target registered',
      ),
    });
  });
});
