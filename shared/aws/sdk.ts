/**
 * The live AWS adapters: AwsReader and AwsWriter over SDK v3 clients. One client per
 * service per container, created on first use and imported lazily, so a cold start pays
 * only for the services the event needs. Region from the environment; AWS_ENDPOINT_URL
 * points every client at an AWS-compatible endpoint; adaptive retries with a bounded
 * number of attempts absorb throttling.
 */
import type { AwsCall, AwsReader, AwsWriter } from './ports.js';
import { errorKindOf, resourceOf, toMedicError } from './errors.js';

type Env = Record<string, string | undefined>;

export interface ClientConfig {
  region: string;
  endpoint?: string;
  maxAttempts: number;
  retryMode: 'adaptive';
}

export function clientConfig(env: Env): ClientConfig {
  const config: ClientConfig = {
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    maxAttempts: boundedAttempts(env.MEDIC_AWS_MAX_ATTEMPTS),
    retryMode: 'adaptive',
  };
  if (env.AWS_ENDPOINT_URL) config.endpoint = env.AWS_ENDPOINT_URL;
  return config;
}

function boundedAttempts(raw: string | undefined): number {
  const n = Number(raw ?? 4);
  return Number.isInteger(n) && n >= 1 && n <= 10 ? n : 4;
}

/** Sends an SDK command for one service; created lazily and kept for the container's life. */
type Sender = (operation: string, input: Record<string, unknown>) => Promise<unknown>;

function lazySender(load: (config: ClientConfig) => Promise<Sender>, config: ClientConfig): Sender {
  let sender: Promise<Sender> | undefined;
  return async (operation, input) => {
    sender ??= load(config);
    return (await sender)(operation, input);
  };
}

/** Command constructors by operation name, per service: only what model-medic calls. */
type Commands = Record<string, new (input: never) => unknown>;

function senderFor(
  client: { send(command: never): Promise<unknown> },
  commands: Commands,
  service: string,
): Sender {
  return async (operation, input) => {
    const Command = commands[operation];
    if (!Command) throw new Error(`model-medic does not call ${service}:${operation}`);
    return client.send(new Command(input as never) as never);
  };
}

const loaders: Record<string, (config: ClientConfig) => Promise<Sender>> = {
  async sns(config) {
    const m = await import('@aws-sdk/client-sns');
    return senderFor(new m.SNSClient(config), { Publish: m.PublishCommand }, 'sns');
  },
  async sagemaker(config) {
    const m = await import('@aws-sdk/client-sagemaker');
    return senderFor(
      new m.SageMakerClient(config),
      {
        DescribeEndpoint: m.DescribeEndpointCommand,
        DescribeProcessingJob: m.DescribeProcessingJobCommand,
        ListPipelineExecutions: m.ListPipelineExecutionsCommand,
        UpdateEndpointWeightsAndCapacities: m.UpdateEndpointWeightsAndCapacitiesCommand,
        UpdateEndpoint: m.UpdateEndpointCommand,
        StartPipelineExecution: m.StartPipelineExecutionCommand,
      },
      'sagemaker',
    );
  },
  async 'application-auto-scaling'(config) {
    const m = await import('@aws-sdk/client-application-auto-scaling');
    return senderFor(
      new m.ApplicationAutoScalingClient(config),
      { DescribeScalableTargets: m.DescribeScalableTargetsCommand, RegisterScalableTarget: m.RegisterScalableTargetCommand },
      'application-auto-scaling',
    );
  },
  async codepipeline(config) {
    const m = await import('@aws-sdk/client-codepipeline');
    return senderFor(
      new m.CodePipelineClient(config),
      { ListPipelineExecutions: m.ListPipelineExecutionsCommand, StartPipelineExecution: m.StartPipelineExecutionCommand },
      'codepipeline',
    );
  },
  async cloudwatch(config) {
    const m = await import('@aws-sdk/client-cloudwatch');
    return senderFor(new m.CloudWatchClient(config), { DescribeAlarms: m.DescribeAlarmsCommand }, 'cloudwatch');
  },
  async s3(config) {
    const m = await import('@aws-sdk/client-s3');
    return senderFor(new m.S3Client({ ...config, forcePathStyle: Boolean(config.endpoint) }), { GetObject: m.GetObjectCommand }, 's3');
  },
};

export interface SdkAdapters {
  reader: AwsReader;
  writer: AwsWriter;
}

export function createSdkAdapters(env: Env = process.env): SdkAdapters {
  const config = clientConfig(env);
  const senders = new Map<string, Sender>();
  const send = async (service: string, operation: string, input: Record<string, unknown>): Promise<unknown> => {
    let sender = senders.get(service);
    if (!sender) {
      const load = loaders[service];
      if (!load) throw new Error(`unknown AWS service ${service}`);
      sender = lazySender(load, config);
      senders.set(service, sender);
    }
    try {
      return await sender(operation, input);
    } catch (error) {
      throw toMedicError(error, service, operation, resourceOf(input));
    }
  };
  /** A read whose "does not exist" answer is a value, not an error. */
  const readOrUndefined = async <T>(service: string, operation: string, input: Record<string, unknown>): Promise<T | undefined> => {
    try {
      return (await send(service, operation, input)) as T;
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      if (errorKindOf(cause) === 'aws-not-found' || isSageMakerMissing(cause)) return undefined;
      throw error;
    }
  };

  const reader: AwsReader = {
    describeEndpoint: (name) => readOrUndefined('sagemaker', 'DescribeEndpoint', { EndpointName: name }),
    async describeScalableTargets(resourceIds) {
      const out = (await send('application-auto-scaling', 'DescribeScalableTargets', {
        ServiceNamespace: 'sagemaker',
        ResourceIds: resourceIds,
        ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      })) as { ScalableTargets?: [] };
      return out.ScalableTargets ?? [];
    },
    async describeAlarms(names) {
      if (names.length === 0) return [];
      const out = (await send('cloudwatch', 'DescribeAlarms', {
        AlarmNames: names.slice(0, 100),
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
      })) as { MetricAlarms?: []; CompositeAlarms?: [] };
      return [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])];
    },
    describeProcessingJob: (name) => readOrUndefined('sagemaker', 'DescribeProcessingJob', { ProcessingJobName: name }),
    async getJsonObject(s3Uri) {
      const { bucket, key } = parseS3Uri(s3Uri);
      const out = await readOrUndefined<{ Body?: { transformToString(): Promise<string> } }>('s3', 'GetObject', { Bucket: bucket, Key: key });
      if (!out?.Body) return undefined;
      const text = await out.Body.transformToString();
      try {
        return JSON.parse(text);
      } catch {
        throw toMedicError({ name: 'MalformedReport', message: `${s3Uri} is not valid JSON` }, 's3', 'GetObject', s3Uri);
      }
    },
    async listSageMakerPipelineExecutions(pipelineName) {
      const out = (await send('sagemaker', 'ListPipelineExecutions', {
        PipelineName: pipelineName,
        SortBy: 'CreationTime',
        SortOrder: 'Descending',
        MaxResults: 10,
      })) as { PipelineExecutionSummaries?: [] };
      return out.PipelineExecutionSummaries ?? [];
    },
    async listCodePipelineExecutions(pipelineName) {
      const out = (await send('codepipeline', 'ListPipelineExecutions', { pipelineName, maxResults: 10 })) as {
        pipelineExecutionSummaries?: [];
      };
      return out.pipelineExecutionSummaries ?? [];
    },
  };

  const writer: AwsWriter = { send: (call: AwsCall) => send(call.service, call.operation, call.input) };
  return { reader, writer };
}

/** SageMaker answers a missing endpoint or job with ValidationException "Could not find ...". */
function isSageMakerMissing(error: unknown): boolean {
  const e = error as { name?: string; message?: string } | undefined;
  return e?.name === 'ValidationException' && /could not find|does not exist/i.test(e.message ?? '');
}

export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match?.[1] || !match[2]) throw toMedicError({ name: 'ValidationException', message: `not an S3 URI: ${uri}` }, 's3', 'GetObject', uri);
  return { bucket: match[1], key: match[2] };
}
