/**
 * The live AwsReader and AwsWriter over real SDK clients and real HTTP, against moto seeded
 * with the sample world: every protocol model-medic speaks (JSON 1.1, JSON 1.0, awsQuery, S3
 * REST), and "does not exist" answered as each service really answers it. Error shapes moto
 * cannot be made to send are injected by the stand-in, in each protocol's own encoding.
 */
import { beforeAll, beforeEach, expect, it } from 'vitest';
import { createSdkAdapters, type SdkAdapters } from '../../shared/aws/sdk.js';
import { describeEmulator, useEmulator } from '../support/emulator/use-emulator.js';
import { seedWorld, subscribeQueue } from '../support/emulator/world.js';

const emulator = useEmulator();
let aws: SdkAdapters;
const requests = () => emulator().standIn.requests;

describeEmulator('AwsReader over the SDK', () => {
  beforeAll(async () => {
    await seedWorld(emulator().clients, emulator().standIn);
    aws = createSdkAdapters({ ...emulator().env(), MEDIC_AWS_MAX_ATTEMPTS: '1' });
  });
  beforeEach(() => {
    requests().length = 0;
  });

  it('DescribeEndpoint (JSON 1.1): the endpoint, timestamps as Dates; a missing one is undefined', async () => {
    const endpoint = await aws.reader.describeEndpoint('churn-prod');
    expect(endpoint?.EndpointStatus).toBe('InService');
    expect(endpoint?.ProductionVariants?.map((v) => [v.VariantName, v.CurrentInstanceCount])).toEqual([
      ['v2', 2],
      ['v1', 1],
    ]);
    expect(endpoint?.CreationTime).toBeInstanceOf(Date);
    // SageMaker answers ValidationException "Could not find endpoint": that is "does not exist".
    expect(await aws.reader.describeEndpoint('nope')).toBeUndefined();
    expect(requests().map((r) => [r.service, r.operation, r.input])).toEqual([
      ['sagemaker', 'DescribeEndpoint', { EndpointName: 'churn-prod' }],
      ['sagemaker', 'DescribeEndpoint', { EndpointName: 'nope' }],
    ]);
  });

  it('DescribeEndpointConfig: the config, its variants and a Date; a missing one ("Could not find endpoint configuration") is undefined', async () => {
    const config = await aws.reader.describeEndpointConfig('fraud-prod-config-2026-11-20');
    expect(config?.ProductionVariants?.map((v) => [v.VariantName, v.ModelName])).toEqual([['AllTraffic', 'fraud-prod-AllTraffic']]);
    expect(config?.CreationTime).toBeInstanceOf(Date);
    expect(await aws.reader.describeEndpointConfig('nope')).toBeUndefined();
    expect(requests().map((r) => [r.service, r.operation, r.input])).toEqual([
      ['sagemaker', 'DescribeEndpointConfig', { EndpointConfigName: 'fraud-prod-config-2026-11-20' }],
      ['sagemaker', 'DescribeEndpointConfig', { EndpointConfigName: 'nope' }],
    ]);
  });

  it('DescribeScalableTargets (JSON 1.1)', async () => {
    const targets = await aws.reader.describeScalableTargets(['endpoint/churn-prod/variant/v2', 'endpoint/fraud-prod/variant/AllTraffic']);
    expect(targets.map((t) => [t.ResourceId, t.MinCapacity, t.MaxCapacity])).toEqual([['endpoint/churn-prod/variant/v2', 2, 6]]);
  });

  it('DescribeAlarms (CloudWatch speaks JSON 1.0 in this SDK version): the named alarms (moto holds no composites)', async () => {
    const alarms = await aws.reader.describeAlarms(['fraud-prod-5xx-rate', 'fraud-prod-cpu-high', 'unknown']);
    expect(alarms.map((a) => a.AlarmName).sort()).toEqual(['fraud-prod-5xx-rate', 'fraud-prod-cpu-high']);
    expect(requests()[0]?.input).toEqual({
      AlarmNames: ['fraud-prod-5xx-rate', 'fraud-prod-cpu-high', 'unknown'],
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
    expect(requests()[0]?.input).toEqual({
      Bucket: 'model-medic-monitoring-111122223333',
      Key: 'churn-prod-data-quality/2026/11/23/04/constraint_violations.json',
    });
  });

  it('ListPipelineExecutions of both kinds; a missing pipeline is an error naming it', async () => {
    expect(await aws.reader.listSageMakerPipelineExecutions('fraud-retrain')).toEqual([]);
    expect((await aws.reader.listCodePipelineExecutions('fraud-model-build')).map((e) => e.status)).toEqual(['Succeeded']);
    await expect(aws.reader.listCodePipelineExecutions('nope')).rejects.toMatchObject({
      kind: 'aws-not-found',
      message: expect.stringMatching(/^codepipeline:ListPipelineExecutions on nope failed: PipelineNotFoundException: /),
    });
  });
});

describeEmulator('AwsWriter over the SDK', () => {
  it('SNS Publish (awsQuery): the subscriber gets the message and its attributes as sent', async () => {
    const subscriber = await subscribeQueue(emulator().clients, 'model-medic-ops');
    const input = {
      TopicArn: 'arn:aws:sns:us-east-1:111122223333:model-medic-ops',
      Subject: 'subject',
      Message: 'line 1\nline 2 & <more>',
      MessageAttributes: { severity: { DataType: 'String', StringValue: 'high' }, rule: { DataType: 'String', StringValue: 'r' } },
    };
    expect(await aws.writer.send({ service: 'sns', operation: 'Publish', input })).toMatchObject({ MessageId: expect.any(String) });
    expect(await subscriber.drain()).toEqual([
      { topicArn: input.TopicArn, subject: 'subject', message: input.Message, attributes: { severity: 'high', rule: 'r' } },
    ]);
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
    emulator().standIn.fail({ operation: 'Publish', error });
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
    emulator().standIn.fail({
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
