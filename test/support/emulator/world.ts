/**
 * The sample world (events/aws-state.json and the runbook's pipelines and topics) created in
 * moto through the real APIs, and the reads tests assert with afterwards: what the endpoint,
 * its scalable target or the pipeline looks like now, and what a subscriber of a topic got.
 *
 * Everything goes straight to moto (not through the stand-in), so seeding and inspecting never
 * show up among the requests a test asserts on.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreatePipelineCommand,
  CreateProcessingJobCommand,
  type CreateProcessingJobCommandInput,
  DescribeEndpointCommand,
  type DescribeEndpointCommandOutput,
  ListPipelineExecutionsCommand,
  ListPipelineParametersForExecutionCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import {
  GetScheduleCommand,
  type GetScheduleCommandOutput,
  ListSchedulesCommand,
  type ListSchedulesCommandOutput,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { RecordedState } from '../../../shared/aws/recorded.js';
import { AWS_STATE, sample, withDetail } from '../samples.js';
import { SAMPLE_ACCOUNT, SAMPLE_REGION } from './moto-server.js';
import type { DeployedStack } from './packaged.js';
import type { StandIn } from './stand-in.js';

type Json = Record<string, unknown>;

export const TEST_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const ROLE = `arn:aws:iam::${SAMPLE_ACCOUNT}:role/model-medic-emulator`;

/** SDK clients straight to moto. */
export function motoClients(motoUrl: string) {
  const config = { region: SAMPLE_REGION, endpoint: motoUrl, credentials: TEST_CREDENTIALS, maxAttempts: 1 };
  return {
    motoUrl,
    sagemaker: new SageMakerClient(config),
    autoscaling: new ApplicationAutoScalingClient(config),
    cloudwatch: new CloudWatchClient(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
    sns: new SNSClient(config),
    sqs: new SQSClient(config),
    ssm: new SSMClient(config),
    dynamodb: new DynamoDBClient(config),
    scheduler: new SchedulerClient(config),
    eventbridge: new EventBridgeClient(config),
  };
}
export type MotoClients = ReturnType<typeof motoClients>;

/** The environment a process needs to talk to the emulator through the stand-in. */
export function emulatorEnv(standInUrl: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: standInUrl,
    AWS_REGION: SAMPLE_REGION,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** SageMaker pipelines the sample runbook starts, with the parameters it passes. */
const SAGEMAKER_PIPELINES: Record<string, string[]> = {
  'churn-retrain': ['Endpoint', 'Trigger'],
  'fraud-retrain': ['Endpoint'],
};

const SAMPLE_TOPICS = ['model-medic-ops', 'model-medic-ml-team'];

export interface SeedOptions {
  /** The recorded state to create (default events/aws-state.json). */
  stateFile?: string;
  /** Only these endpoints (default all of the file's). */
  endpoints?: string[];
}

/**
 * Creates the recorded world in moto: models, endpoint configs (the live one and the history
 * before it) and endpoints with their variants' instance counts and weights; scalable targets;
 * metric alarms (moto has no composite alarms); the runbook's SageMaker pipelines; processing jobs; S3 reports; and the CodePipeline
 * history in the stand-in, and the sample runbook's topics. moto serves endpoints InService only (pricing-prod is Updating in
 * the file), and starts pipeline executions as Succeeded.
 */
export async function seedWorld(clients: MotoClients, standIn: StandIn | undefined, options: SeedOptions = {}): Promise<RecordedState> {
  const file = options.stateFile ?? AWS_STATE;
  const state = JSON.parse(readFileSync(file, 'utf8')) as RecordedState;
  const endpoints = Object.entries(state.sagemaker?.endpoints ?? {}).filter(
    ([name]) => !options.endpoints || options.endpoints.includes(name),
  ) as Array<[string, Json]>;
  const history = state.history?.endpointConfigs ?? {};

  for (const [name, endpoint] of endpoints) {
    const variants = (endpoint.ProductionVariants as Json[]) ?? [];
    for (const v of variants) {
      await clients.sagemaker.send(
        new CreateModelCommand({
          ModelName: `${name}-${v.VariantName}`,
          ExecutionRoleArn: ROLE,
          PrimaryContainer: { Image: String((v.DeployedImages as Json[] | undefined)?.[0]?.SpecifiedImage ?? 'model:latest') },
        }),
      );
    }
    const configs = [...new Set([...(history[name] ?? []), String(endpoint.EndpointConfigName)])];
    for (const config of configs) await createEndpointConfig(clients, config, name, variants);
    await clients.sagemaker.send(
      new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: String(endpoint.EndpointConfigName) }),
    );
  }

  const names = new Set(endpoints.map(([name]) => name));
  for (const target of state.applicationAutoScaling?.scalableTargets ?? []) {
    const endpoint = String(target.ResourceId).split('/')[1] ?? '';
    if (!names.has(endpoint)) continue;
    await clients.autoscaling.send(
      new RegisterScalableTargetCommand({
        ServiceNamespace: 'sagemaker',
        ResourceId: String(target.ResourceId),
        ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
        MinCapacity: Number(target.MinCapacity),
        MaxCapacity: Number(target.MaxCapacity),
      }),
    );
  }

  const alarms = (state.cloudwatch?.alarms ?? []) as Json[];
  for (const alarm of alarms.filter((a) => !('AlarmRule' in a))) await putMetricAlarm(clients, alarm);
  // Composite alarms are not created: moto has no PutCompositeAlarm, and the AlarmRule its
  // PutMetricAlarm takes over the JSON protocol comes back as a metric alarm without a metric.
  for (const alarm of alarms.filter((a) => !('AlarmRule' in a))) {
    if (typeof alarm.StateValue !== 'string') continue;
    await clients.cloudwatch.send(
      new SetAlarmStateCommand({
        AlarmName: String(alarm.AlarmName),
        StateValue: alarm.StateValue as 'ALARM',
        StateReason: String(alarm.StateReason ?? 'seeded from the recorded state'),
      }),
    );
  }

  for (const [pipeline, parameters] of Object.entries(SAGEMAKER_PIPELINES)) {
    await clients.sagemaker.send(
      new CreatePipelineCommand({
        PipelineName: pipeline,
        RoleArn: ROLE,
        ClientRequestToken: `create-${pipeline}-0000000000000000000000000`.slice(0, 64),
        PipelineDefinition: JSON.stringify({
          Version: '2020-12-01',
          Parameters: parameters.map((Name) => ({ Name, Type: 'String', DefaultValue: '' })),
          Steps: [],
        }),
      }),
    );
  }

  for (const job of Object.values(state.sagemaker?.processingJobs ?? {}) as Json[]) {
    await clients.sagemaker.send(new CreateProcessingJobCommand(processingJobInput(job)));
    if (job.Environment) standIn?.processingJobEnvironments.set(String(job.ProcessingJobName), job.Environment as Record<string, string>);
    const outcome = Object.fromEntries(
      ['ProcessingJobStatus', 'ExitMessage', 'FailureReason', 'MonitoringScheduleArn']
        .filter((k) => job[k] !== undefined)
        .map((k) => [k, job[k]]),
    );
    standIn?.processingJobOutcomes.set(String(job.ProcessingJobName), outcome);
  }

  const buckets = new Set<string>();
  for (const [uri, entry] of Object.entries(state.s3 ?? {})) {
    const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
    if (!match?.[1] || !match[2]) continue;
    if (!buckets.has(match[1])) {
      await clients.s3.send(new CreateBucketCommand({ Bucket: match[1] }));
      buckets.add(match[1]);
    }
    const body = typeof entry === 'string' ? readFileSync(resolve(dirname(file), entry), 'utf8') : JSON.stringify(entry);
    await clients.s3.send(new PutObjectCommand({ Bucket: match[1], Key: match[2], Body: body, ContentType: 'application/json' }));
  }

  // The topics the sample runbook publishes to when OPS_TOPIC_ARN / ML_TEAM_TOPIC_ARN are unset.
  for (const topic of SAMPLE_TOPICS) await clients.sns.send(new CreateTopicCommand({ Name: topic }));

  if (standIn) {
    for (const [pipeline, executions] of Object.entries(state.codepipeline?.pipelineExecutions ?? {})) {
      standIn.codePipelines.set(pipeline, structuredClone(executions) as never);
    }
  }
  return state;
}

async function createEndpointConfig(clients: MotoClients, config: string, endpoint: string, variants: Json[]): Promise<void> {
  await clients.sagemaker.send(
    new CreateEndpointConfigCommand({
      EndpointConfigName: config,
      ProductionVariants: variants.map((v) => ({
        VariantName: String(v.VariantName),
        ModelName: `${endpoint}-${v.VariantName}`,
        InitialInstanceCount: Number(v.CurrentInstanceCount ?? 1),
        InitialVariantWeight: Number(v.CurrentWeight ?? 1),
        InstanceType: 'ml.m5.large',
      })),
    }),
  );
}

async function putMetricAlarm(clients: MotoClients, alarm: Json): Promise<void> {
  const input: Json = {
    AlarmName: alarm.AlarmName,
    ComparisonOperator: alarm.ComparisonOperator ?? 'GreaterThanThreshold',
    EvaluationPeriods: alarm.EvaluationPeriods ?? 1,
    ActionsEnabled: true,
  };
  for (const key of [
    'MetricName',
    'Namespace',
    'Statistic',
    'Period',
    'Threshold',
    'Dimensions',
    'Metrics',
    'ThresholdMetricId',
    'DatapointsToAlarm',
  ]) {
    if (alarm[key] !== undefined) input[key] = alarm[key];
  }
  await clients.cloudwatch.send(new PutMetricAlarmCommand(input as never));
}

function processingJobInput(job: Json): CreateProcessingJobCommandInput {
  const input: Json = {
    ProcessingJobName: job.ProcessingJobName,
    RoleArn: job.RoleArn ?? ROLE,
    AppSpecification: job.AppSpecification ?? { ImageUri: 'monitor:latest' },
    ProcessingResources: job.ProcessingResources ?? {
      ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 20 },
    },
  };
  for (const key of ['Environment', 'ProcessingInputs', 'ProcessingOutputConfig', 'StoppingCondition', 'NetworkConfig']) {
    if (job[key] !== undefined) input[key] = job[key];
  }
  return input as unknown as CreateProcessingJobCommandInput;
}

/** What the endpoint is now: each variant's instance count and weight, and the live config. */
export async function endpointNow(clients: MotoClients, name: string) {
  const out: DescribeEndpointCommandOutput = await clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: name }));
  return {
    config: out.EndpointConfigName,
    status: out.EndpointStatus,
    variants: Object.fromEntries(
      (out.ProductionVariants ?? []).map((v) => [
        v.VariantName,
        { instances: v.DesiredInstanceCount ?? v.CurrentInstanceCount, weight: v.DesiredWeight ?? v.CurrentWeight },
      ]),
    ),
  };
}

/** MinCapacity/MaxCapacity of a variant's scalable target, or undefined without one. */
export async function scalableTargetNow(clients: MotoClients, endpoint: string, variant: string) {
  const out = await clients.autoscaling.send(
    new DescribeScalableTargetsCommand({
      ServiceNamespace: 'sagemaker',
      ResourceIds: [`endpoint/${endpoint}/variant/${variant}`],
      ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
    }),
  );
  const target = out.ScalableTargets?.[0];
  return target ? { min: target.MinCapacity, max: target.MaxCapacity } : undefined;
}

/** The SageMaker pipeline's executions, newest first, each with the parameters it was started with. */
export async function pipelineExecutionsNow(clients: MotoClients, pipeline: string) {
  const out = await clients.sagemaker.send(new ListPipelineExecutionsCommand({ PipelineName: pipeline }));
  const executions = [];
  for (const summary of out.PipelineExecutionSummaries ?? []) {
    const params = await clients.sagemaker.send(
      new ListPipelineParametersForExecutionCommand({ PipelineExecutionArn: summary.PipelineExecutionArn }),
    );
    executions.push({
      arn: summary.PipelineExecutionArn,
      parameters: Object.fromEntries((params.PipelineParameters ?? []).map((p) => [p.Name, p.Value])),
    });
  }
  return executions;
}

/**
 * Every schedule in a schedule group now, as GetSchedule answers (ListSchedules only gives a
 * summary), by name. Pending checks: a schedule that fired is deleted (ActionAfterCompletion),
 * though moto never fires one.
 */
export async function schedulesNow(clients: MotoClients, group: string): Promise<GetScheduleCommandOutput[]> {
  const names: string[] = [];
  let NextToken: string | undefined;
  do {
    const page: ListSchedulesCommandOutput = await clients.scheduler.send(new ListSchedulesCommand({ GroupName: group, NextToken }));
    names.push(...(page.Schedules ?? []).map((s) => String(s.Name)));
    NextToken = page.NextToken;
  } while (NextToken);
  const schedules: GetScheduleCommandOutput[] = [];
  for (const Name of names.sort()) schedules.push(await clients.scheduler.send(new GetScheduleCommand({ Name, GroupName: group })));
  return schedules;
}

/** A message as an SQS subscriber of an SNS topic receives it (the SNS envelope, not raw). */
export interface ReceivedNotification {
  subject?: string;
  message: string;
  attributes: Record<string, string>;
  topicArn: string;
}

export type Subscriber = Awaited<ReturnType<typeof subscribeQueue>>;

/**
 * A topic (created if missing: CreateTopic is idempotent) with an SQS queue subscribed, the
 * way an operator's own subscriber would receive what model-medic publishes.
 */
export async function subscribeQueue(clients: MotoClients, topicName: string) {
  const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: topicName }));
  const queueName = `${topicName}-subscriber`;
  const { QueueUrl } = await clients.sqs.send(new CreateQueueCommand({ QueueName: queueName }));
  const attrs = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  await clients.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: attrs.Attributes?.QueueArn }));
  return {
    topicArn: String(TopicArn),
    queueUrl: String(QueueUrl),
    /** Every notification that arrived so far (removed from the queue). */
    async drain(): Promise<ReceivedNotification[]> {
      return (await drainQueue(clients, String(QueueUrl))).map((body) => {
        const envelope = JSON.parse(body) as {
          Subject?: string;
          Message: string;
          TopicArn: string;
          MessageAttributes?: Record<string, { Value: string }>;
        };
        const notification: ReceivedNotification = {
          message: envelope.Message,
          topicArn: envelope.TopicArn,
          attributes: Object.fromEntries(Object.entries(envelope.MessageAttributes ?? {}).map(([k, v]) => [k, v.Value])),
        };
        if (envelope.Subject) notification.subject = envelope.Subject;
        return notification;
      });
    },
  };
}

export type OperatorRoute = Awaited<ReturnType<typeof routeOperatorRule>>;

/**
 * The deployed operator rule (on the operator bus) routed to an SQS queue standing in for the
 * alarm function, its target in the template (moto's EventBridge delivers to SQS, not to the
 * hosts the functions run in): what the rule matched is what the queue received.
 */
export async function routeOperatorRule(clients: MotoClients, deployed: Pick<DeployedStack, 'operatorBus' | 'operatorRule'>) {
  const operator = { busName: deployed.operatorBus.name, ruleName: deployed.operatorRule.name };
  const { QueueUrl } = await clients.sqs.send(new CreateQueueCommand({ QueueName: `${operator.ruleName}-alarm-stand-in` }));
  const attrs = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  await clients.eventbridge.send(
    new PutTargetsCommand({
      Rule: operator.ruleName,
      EventBusName: operator.busName,
      Targets: [{ Id: 'alarm-function-stand-in', Arn: String(attrs.Attributes?.QueueArn) }],
    }),
  );
  return {
    queueUrl: String(QueueUrl),
    /** Every event the rule delivered so far (removed from the queue), as the function would receive it. */
    async drain(): Promise<Array<Record<string, unknown>>> {
      return (await drainQueue(clients, String(QueueUrl))).map((body) => JSON.parse(body) as Record<string, unknown>);
    },
  };
}

/** Every message body in the queue now, deleted as read. */
export async function drainQueue(clients: MotoClients, queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const out = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ['All'] }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) return bodies;
    bodies.push(...messages.map((m) => String(m.Body)));
    await clients.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: String(m.ReceiptHandle) })),
      }),
    );
  }
}

/**
 * fraud-prod's config history as the packaged endpoint-state function records it from its state
 * changes: fraud-prod-config-2026-10-01 in October, then fraud-prod-config-2026-11-20 (live), the
 * history a rollback reads.
 */
export async function recordFraudProdHistory(endpointState: { invoke(event: unknown): Promise<{ ok: boolean }> }): Promise<void> {
  const live = sample('34-');
  const older = withDetail(live, (d) => {
    d.EndpointConfigName = 'fraud-prod-config-2026-10-01';
    d.LastModifiedTime = 1759300000000;
  });
  for (const event of [{ ...older, id: 'f0c1a7e2-0000-4000-8000-000000000001', time: '2026-10-01T09:00:00Z' }, live]) {
    if (!(await endpointState.invoke(event)).ok) throw new Error(`endpoint-state refused ${String(event.id)}`);
  }
}
