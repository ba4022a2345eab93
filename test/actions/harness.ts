/**
 * Action tests at the SDK boundary: the SDK client classes are mocked with
 * aws-sdk-client-mock, everything above them is real (createSdkAdapters, the engine's
 * handleEvent, guards, a MemoryStateStore, the runbook loader). Reads are answered from a
 * copy of events/aws-state.json that a test may edit; successful writes are applied to it
 * (capacity, weights), so a later event sees what an earlier one changed, as in AWS.
 */
import 'aws-sdk-client-mock-vitest/extend';
import { readFileSync } from 'node:fs';
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  ObjectNotFoundException,
  RegisterScalableTargetCommand,
  type ScalableTarget,
} from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  CodePipelineClient,
  ListPipelineExecutionsCommand as ListCodePipelineExecutionsCommand,
  PipelineNotFoundException,
  StartPipelineExecutionCommand as StartCodePipelineCommand,
} from '@aws-sdk/client-codepipeline';
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import {
  CreateEndpointConfigCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeProcessingJobCommand,
  ListPipelineExecutionsCommand,
  type ProductionVariantSummary,
  ResourceNotFound,
  SageMakerClient,
  SageMakerServiceException,
  StartPipelineExecutionCommand,
  UpdateEndpointCommand,
  UpdateEndpointWeightsAndCapacitiesCommand,
} from '@aws-sdk/client-sagemaker';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { type AwsStub, mockClient } from 'aws-sdk-client-mock';
import type { RecordedState } from '../../shared/aws/recorded.js';
import { createSdkAdapters } from '../../shared/aws/sdk.js';
import { handleEvent } from '../../shared/engine.js';
import type { EventReport } from '../../shared/report.js';
import { compileRunbook } from '../../shared/runbook/index.js';
import { loadRunbook } from '../../shared/runbook/load.js';
import { MemoryStateStore } from '../../shared/state/memory.js';
import type { StateStore } from '../../shared/state/store.js';
import { AWS_STATE, RUNBOOK } from '../support/samples.js';

/** 2026-11-23T12:00:00Z: after every sample event. */
export const NOW = Date.parse('2026-11-23T12:00:00Z');
export const REGION = 'us-east-1';
/** No AWS_ENDPOINT_URL: the mocks answer before any request is built. */
export const SDK_ENV = { AWS_REGION: REGION, AWS_ACCESS_KEY_ID: 'AKIAFAKE', AWS_SECRET_ACCESS_KEY: 'fake', MEDIC_AWS_MAX_ATTEMPTS: '1' };

export type World = RecordedState;

export function recordedWorld(): World {
  return JSON.parse(readFileSync(AWS_STATE, 'utf8')) as World;
}

// biome-ignore lint/suspicious/noExplicitAny: the stubs of six different clients share one list
type AnyStub = AwsStub<any, any, any>;

export class MockedAws {
  readonly sns = mockClient(SNSClient);
  readonly sagemaker = mockClient(SageMakerClient);
  readonly autoScaling = mockClient(ApplicationAutoScalingClient);
  readonly codepipeline = mockClient(CodePipelineClient);
  readonly cloudwatch = mockClient(CloudWatchClient);
  readonly s3 = mockClient(S3Client);

  constructor(readonly world: World = recordedWorld()) {
    this.answerReads();
    this.acceptWrites();
  }

  get stubs(): AnyStub[] {
    return [this.sns, this.sagemaker, this.autoScaling, this.codepipeline, this.cloudwatch, this.s3];
  }

  restore(): void {
    for (const stub of this.stubs) stub.restore();
  }

  /** Every write command sent, in order, as `service:Operation`. */
  writes(): string[] {
    const writes = new Set([
      'PublishCommand',
      'CreateEndpointConfigCommand',
      'RegisterScalableTargetCommand',
      'UpdateEndpointWeightsAndCapacitiesCommand',
      'UpdateEndpointCommand',
      'StartPipelineExecutionCommand',
    ]);
    return this.stubs
      .flatMap((stub) => stub.calls())
      .filter((call) => writes.has(call.args[0].constructor.name))
      .sort((a, b) => (a.calledBefore(b) ? -1 : 1))
      .map((call) => call.args[0].constructor.name.replace(/Command$/, ''));
  }

  private answerReads(): void {
    const w = this.world;
    this.sagemaker.on(DescribeEndpointCommand).callsFake(({ EndpointName }) => {
      const endpoint = w.sagemaker?.endpoints?.[EndpointName];
      if (!endpoint)
        throw sageMakerError(
          'ValidationException',
          `Could not find endpoint "arn:aws:sagemaker:${REGION}:111122223333:endpoint/${EndpointName}".`,
        );
      return structuredClone(endpoint);
    });
    this.sagemaker.on(DescribeEndpointConfigCommand).callsFake(({ EndpointConfigName }) => {
      const config = w.sagemaker?.endpointConfigs?.[EndpointConfigName];
      if (!config)
        throw sageMakerError(
          'ValidationException',
          `Could not find endpoint configuration "arn:aws:sagemaker:${REGION}:111122223333:endpoint-config/${EndpointConfigName}".`,
        );
      return structuredClone(config);
    });
    this.sagemaker.on(DescribeProcessingJobCommand).callsFake(({ ProcessingJobName }) => {
      const job = w.sagemaker?.processingJobs?.[ProcessingJobName];
      if (!job)
        throw new ResourceNotFound({ message: `Processing job ${ProcessingJobName} does not exist.`, $metadata: { httpStatusCode: 400 } });
      return structuredClone(job);
    });
    this.sagemaker.on(ListPipelineExecutionsCommand).callsFake(({ PipelineName }) => {
      const executions = w.sagemaker?.pipelineExecutions?.[PipelineName];
      if (!executions)
        throw new ResourceNotFound({ message: `Pipeline '${PipelineName}' does not exist.`, $metadata: { httpStatusCode: 400 } });
      return { PipelineExecutionSummaries: structuredClone(executions) };
    });
    this.autoScaling.on(DescribeScalableTargetsCommand).callsFake(({ ResourceIds }) => ({
      ScalableTargets: structuredClone(this.targets().filter((t) => (ResourceIds ?? []).includes(String(t.ResourceId)))),
    }));
    this.codepipeline.on(ListCodePipelineExecutionsCommand).callsFake(({ pipelineName }) => {
      const executions = w.codepipeline?.pipelineExecutions?.[pipelineName];
      if (!executions)
        throw new PipelineNotFoundException({
          message: `Account '111122223333' does not have a pipeline with name '${pipelineName}'`,
          $metadata: { httpStatusCode: 400 },
        });
      return { pipelineExecutionSummaries: structuredClone(executions) };
    });
    this.cloudwatch.on(DescribeAlarmsCommand).callsFake(({ AlarmNames }) => {
      const alarms = (w.cloudwatch?.alarms ?? []).filter((a) => (AlarmNames ?? []).includes(String(a.AlarmName)));
      return { MetricAlarms: alarms.filter((a) => !('AlarmRule' in a)), CompositeAlarms: alarms.filter((a) => 'AlarmRule' in a) };
    });
    this.s3.on(GetObjectCommand).callsFake(({ Bucket, Key }) => {
      const entry = w.s3?.[`s3://${Bucket}/${Key}`];
      if (entry === undefined) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } });
      const text =
        typeof entry === 'string' ? readFileSync(new URL(`../../events/${entry}`, import.meta.url), 'utf8') : JSON.stringify(entry);
      return { Body: { transformToString: async () => text } };
    });
  }

  private acceptWrites(): void {
    this.sns.on(PublishCommand).resolves({ MessageId: 'message-1' });
    this.autoScaling.on(RegisterScalableTargetCommand).callsFake((input) => {
      const target = this.targets().find((t) => t.ResourceId === input.ResourceId);
      if (!target)
        throw new ObjectNotFoundException({
          message: `No scalable target registered for ${input.ResourceId}`,
          $metadata: { httpStatusCode: 400 },
        });
      if (input.MinCapacity !== undefined) target.MinCapacity = input.MinCapacity;
      if (input.MaxCapacity !== undefined) target.MaxCapacity = input.MaxCapacity;
      return { ScalableTargetARN: 'arn:aws:application-autoscaling:us-east-1:111122223333:scalable-target/fake' };
    });
    this.sagemaker.on(UpdateEndpointWeightsAndCapacitiesCommand).callsFake(({ EndpointName, DesiredWeightsAndCapacities }) => {
      for (const desired of DesiredWeightsAndCapacities ?? []) {
        const variant = this.variant(EndpointName, desired.VariantName);
        if (desired.DesiredInstanceCount !== undefined)
          variant.CurrentInstanceCount = variant.DesiredInstanceCount = desired.DesiredInstanceCount;
        if (desired.DesiredWeight !== undefined) variant.CurrentWeight = variant.DesiredWeight = desired.DesiredWeight;
      }
      return { EndpointArn: `arn:aws:sagemaker:us-east-1:111122223333:endpoint/${EndpointName}` };
    });
    this.sagemaker.on(CreateEndpointConfigCommand).callsFake((input) => {
      const name = String(input.EndpointConfigName);
      const configs = this.world.sagemaker?.endpointConfigs ?? {};
      if (configs[name])
        throw sageMakerError(
          'ValidationException',
          `Cannot create already existing endpoint configuration "arn:aws:sagemaker:${REGION}:111122223333:endpoint-config/${name}".`,
        );
      const EndpointConfigArn = `arn:aws:sagemaker:${REGION}:111122223333:endpoint-config/${name}`;
      configs[name] = { ...structuredClone(input), EndpointConfigArn, CreationTime: new Date(NOW).toISOString() };
      if (this.world.sagemaker) this.world.sagemaker.endpointConfigs = configs;
      return { EndpointConfigArn };
    });
    // The endpoint now runs the new config (SageMaker: once the update is done).
    this.sagemaker.on(UpdateEndpointCommand).callsFake(({ EndpointName, EndpointConfigName }) => {
      const endpoint = this.world.sagemaker?.endpoints?.[String(EndpointName)];
      if (endpoint) endpoint.EndpointConfigName = EndpointConfigName;
      return { EndpointArn: `arn:aws:sagemaker:us-east-1:111122223333:endpoint/${EndpointName}` };
    });
    this.sagemaker.on(StartPipelineExecutionCommand).callsFake(({ PipelineName }) => ({
      PipelineExecutionArn: `arn:aws:sagemaker:us-east-1:111122223333:pipeline/${PipelineName}/execution/fake`,
    }));
    this.codepipeline.on(StartCodePipelineCommand).resolves({ pipelineExecutionId: 'exec-1' });
  }

  targets(): ScalableTarget[] {
    return (this.world.applicationAutoScaling?.scalableTargets ?? []) as unknown as ScalableTarget[];
  }

  variant(endpoint: string, variant: string | undefined): ProductionVariantSummary {
    const found = (this.world.sagemaker?.endpoints?.[endpoint]?.ProductionVariants as ProductionVariantSummary[] | undefined)?.find(
      (v) => v.VariantName === variant,
    );
    if (!found) throw new Error(`test world: no variant ${variant} on ${endpoint}`);
    return found;
  }
}

/** An error as the SageMaker client throws it for codes it does not model (ValidationException, AccessDeniedException, ...). */
export function sageMakerError(name: string, message: string, status = 400): Error {
  return new SageMakerServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message,
  });
}

/** The inputs a stub received for one command, in order: compared with toEqual, so exactly. */
export function inputsOf<I extends object>(stub: AnyStub, command: new (input: I) => unknown): I[] {
  // biome-ignore lint/suspicious/noExplicitAny: aws-sdk-client-mock's command-type plumbing
  return stub.commandCalls(command as any).map((call) => call.args[0].input as I);
}

export interface RunOptions {
  /** Runbook YAML; the default is the project's runbook.yml. */
  runbook?: string;
  allowWrites?: boolean;
  store?: StateStore;
  env?: Record<string, string>;
}

/** A store seeded with the recorded endpoint config history, as `medic replay` seeds it. */
export async function seededStore(world: World = recordedWorld()): Promise<StateStore> {
  const store: StateStore = new MemoryStateStore();
  for (const [endpoint, configs] of Object.entries(world.history?.endpointConfigs ?? {})) {
    for (const config of configs) await store.recordEndpointConfig(endpoint, config, 0);
  }
  return store;
}

/** One event through the real engine with live SDK adapters (over the mocked clients). */
export async function runEvent(event: unknown, options: RunOptions = {}): Promise<EventReport> {
  const yaml = options.runbook ?? readFileSync(RUNBOOK, 'utf8');
  const { reader, writer } = createSdkAdapters({ ...SDK_ENV, ...options.env });
  return handleEvent(event, 'test-event', {
    runbook: compileRunbook(loadRunbook(yaml, 'runbook.yml', {})),
    reader,
    writer,
    store: options.store ?? (await seededStore()),
    clock: { now: () => NOW },
    allowWrites: options.allowWrites ?? true,
    owner: 'test',
    lockWaitMs: 0,
  });
}

/** The Publish inputs sent, parsed for assertions. */
export function published(
  aws: MockedAws,
): Array<{ TopicArn?: string; Subject?: string; Message?: string; MessageAttributes?: Record<string, unknown> }> {
  return inputsOf(aws.sns, PublishCommand);
}

/** A small runbook: the head of every test runbook plus the rules given (YAML lines). */
export function runbookWith(...ruleLines: string[]): string {
  return [
    'version: 1',
    'defaults: { scale: { max: 8, min: 1 }, cooldown: 0s }',
    'topics:',
    '  ops: arn:aws:sns:us-east-1:111122223333:model-medic-ops',
    'pipelines:',
    '  churn-retrain: { type: sagemaker, name: churn-retrain, parameters: { Endpoint: "{{endpoint}}" } }',
    '  fraud-retrain: { type: sagemaker, name: fraud-retrain }',
    '  fraud-build: { type: codepipeline, name: fraud-model-build, variables: { ENDPOINT: "{{endpoint}}" } }',
    '  missing: { type: sagemaker, name: no-such-pipeline }',
    'rules:',
    ...ruleLines,
  ].join('\n');
}
