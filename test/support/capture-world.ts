/**
 * The sample world (events/aws-state.json) served by aws-sdk-client-mock as the SDK would
 * answer: dates as Date objects, $metadata on every output, two pages where AWS pages. For
 * tests of `medic capture` in-process; mocks are reset before and after each test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CodePipelineClient, ListPipelineExecutionsCommand as CodePipelineListExecutions } from '@aws-sdk/client-codepipeline';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeProcessingJobCommand,
  ListPipelineExecutionsCommand,
  ListProcessingJobsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, expect } from 'vitest';
import { AWS_STATE, EVENTS_DIR } from './samples.js';

type Json = Record<string, unknown>;
export const recorded = JSON.parse(readFileSync(AWS_STATE, 'utf8')) as {
  sagemaker: {
    endpoints: Record<string, Json>;
    endpointConfigs: Record<string, Json>;
    processingJobs: Record<string, Json>;
    pipelineExecutions: Record<string, Json[]>;
  };
  applicationAutoScaling: { scalableTargets: Json[] };
  cloudwatch: { alarms: Json[] };
  codepipeline: { pipelineExecutions: Record<string, Json[]> };
  s3: Record<string, string>;
};

/** What the SDK hands back: ISO date strings are Date objects, and every output has $metadata. */
export function asSdk<T>(value: T): T {
  const revive = (v: unknown): unknown => {
    if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(v)) return new Date(v);
    if (Array.isArray(v)) return v.map(revive);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revive(x)]));
    return v;
  };
  return revive(value) as T;
}
export const meta = { $metadata: { httpStatusCode: 200, requestId: 'r-1', attempts: 1 } };

export const sagemaker = mockClient(SageMakerClient);
export const autoscaling = mockClient(ApplicationAutoScalingClient);
export const cloudwatch = mockClient(CloudWatchClient);
export const codepipeline = mockClient(CodePipelineClient);
export const s3 = mockClient(S3Client);

const UNRELATED_ALARM = {
  AlarmName: 'orders-db-cpu',
  AlarmArn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:orders-db-cpu',
  MetricName: 'CPUUtilization',
  Namespace: 'AWS/RDS',
  Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'orders' }],
  StateValue: 'OK',
};

beforeEach(() => {
  sagemaker.reset();
  autoscaling.reset();
  cloudwatch.reset();
  codepipeline.reset();
  s3.reset();
  // The recorded monitoring executions, listed then described, and their reports in S3.
  sagemaker.on(ListProcessingJobsCommand).callsFake(async () => ({
    ProcessingJobSummaries: asSdk(
      Object.values(recorded.sagemaker.processingJobs).map((j) => ({
        ProcessingJobName: j.ProcessingJobName,
        ProcessingJobArn: j.ProcessingJobArn,
        ProcessingJobStatus: j.ProcessingJobStatus,
        CreationTime: j.CreationTime,
      })),
    ),
    ...meta,
  }));
  sagemaker.on(DescribeProcessingJobCommand).callsFake(async (input: { ProcessingJobName: string }) => ({
    ...asSdk(recorded.sagemaker.processingJobs[input.ProcessingJobName]),
    ...meta,
  }));
  s3.on(GetObjectCommand).callsFake(async (input: { Bucket: string; Key: string }) => {
    const file = recorded.s3[`s3://${input.Bucket}/${input.Key}`];
    if (!file)
      throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
    const text = readFileSync(join(EVENTS_DIR, file), 'utf8');
    return { Body: { transformToString: async () => text } as never, ...meta };
  });
  sagemaker.on(DescribeEndpointCommand).callsFake(async (input: { EndpointName: string }) => {
    const endpoint = recorded.sagemaker.endpoints[input.EndpointName];
    if (!endpoint)
      throw Object.assign(new Error(`Could not find endpoint "${input.EndpointName}".`), {
        name: 'ValidationException',
        $metadata: { httpStatusCode: 400 },
      });
    return { ...asSdk(endpoint), ...meta };
  });
  sagemaker.on(DescribeEndpointConfigCommand).callsFake(async (input: { EndpointConfigName: string }) => {
    const config = recorded.sagemaker.endpointConfigs[input.EndpointConfigName];
    if (!config)
      throw Object.assign(new Error(`Could not find endpoint configuration "${input.EndpointConfigName}".`), {
        name: 'ValidationException',
        $metadata: { httpStatusCode: 400 },
      });
    return { ...asSdk(config), ...meta };
  });
  sagemaker.on(ListPipelineExecutionsCommand).callsFake(async (input: { PipelineName: string }) => {
    const runs = recorded.sagemaker.pipelineExecutions[input.PipelineName];
    if (!runs) throw Object.assign(new Error(`Pipeline ${input.PipelineName} does not exist`), { name: 'ResourceNotFound' });
    return { PipelineExecutionSummaries: asSdk(runs), ...meta };
  });
  // Two pages, to prove pagination: the first target, then the rest.
  autoscaling.on(DescribeScalableTargetsCommand).callsFake(async (input: { ResourceIds: string[]; NextToken?: string }) => {
    const all = recorded.applicationAutoScaling.scalableTargets.filter((t) => input.ResourceIds.includes(String(t.ResourceId)));
    return input.NextToken
      ? { ScalableTargets: asSdk(all.slice(1)), ...meta }
      : { ScalableTargets: asSdk(all.slice(0, 1)), NextToken: 'page-2', ...meta };
  });
  const metric = recorded.cloudwatch.alarms.filter((a) => !('AlarmRule' in a));
  const composite = recorded.cloudwatch.alarms.filter((a) => 'AlarmRule' in a);
  cloudwatch.on(DescribeAlarmsCommand).callsFake(async (input: { NextToken?: string; AlarmNames?: string[] }) => {
    expect(input.AlarmNames).toBeUndefined();
    return input.NextToken
      ? { MetricAlarms: asSdk(metric.slice(5)), CompositeAlarms: asSdk(composite), ...meta }
      : { MetricAlarms: asSdk([UNRELATED_ALARM, ...metric.slice(0, 5)]), CompositeAlarms: [], NextToken: 'alarms-2', ...meta };
  });
  codepipeline.on(CodePipelineListExecutions).callsFake(async (input: { pipelineName: string }) => ({
    pipelineExecutionSummaries: asSdk(recorded.codepipeline.pipelineExecutions[input.pipelineName] ?? []),
    ...meta,
  }));
});

afterEach(() => {
  sagemaker.reset();
  autoscaling.reset();
  cloudwatch.reset();
  codepipeline.reset();
  s3.reset();
});

export const ENV = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
