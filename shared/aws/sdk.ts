/**
 * The live AWS adapters: AwsReader and AwsWriter over SDK v3 clients. One client per
 * service per adapter set (the Lambda container and a CLI run each build one set), created
 * on first use and imported lazily, so a cold start pays only for the services the event
 * needs. Each service is imported through its module under clients/, which re-exports only the
 * client and the commands used here, so the bundle keeps nothing else of the package (and, with
 * esbuild splitting, each client is a chunk loaded on first use). Client configuration (region,
 * endpoint, retries, timeouts) is in client-config.ts.
 */
import { MedicError } from '../errors.js';
import { type ClientConfig, clientConfig } from './client-config.js';
import { errorKindOf, resourceOf, toMedicError } from './errors.js';
import type { AwsCall, AwsReader, AwsWriter } from './ports.js';

export { type ClientConfig, clientConfig } from './client-config.js';

type Env = Record<string, string | undefined>;

/** Sends one operation of one service; the client behind it is created on first use. */
type Sender = (operation: string, input: Record<string, unknown>) => Promise<unknown>;

/** Command constructors by operation name, per service: only what model-medic calls. */
type Commands = Record<string, new (input: never) => unknown>;

interface SdkClient {
  send(command: never): Promise<unknown>;
}

function senderFor(client: SdkClient, commands: Commands, service: string): Sender {
  return async (operation, input) => {
    const Command = commands[operation];
    if (!Command) throw new Error(`model-medic does not call ${service}:${operation}`);
    return client.send(new Command(input as never) as never);
  };
}

const LOADERS: Record<string, (config: ClientConfig) => Promise<Sender>> = {
  async sns(config) {
    const m = await import('./clients/sns.js');
    return senderFor(new m.SNSClient(config), { Publish: m.PublishCommand }, 'sns');
  },
  async sagemaker(config) {
    const m = await import('./clients/sagemaker.js');
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
    const m = await import('./clients/application-auto-scaling.js');
    return senderFor(
      new m.ApplicationAutoScalingClient(config),
      { DescribeScalableTargets: m.DescribeScalableTargetsCommand, RegisterScalableTarget: m.RegisterScalableTargetCommand },
      'application-auto-scaling',
    );
  },
  async codepipeline(config) {
    const m = await import('./clients/codepipeline.js');
    return senderFor(
      new m.CodePipelineClient(config),
      { ListPipelineExecutions: m.ListPipelineExecutionsCommand, StartPipelineExecution: m.StartPipelineExecutionCommand },
      'codepipeline',
    );
  },
  async cloudwatch(config) {
    const m = await import('./clients/cloudwatch.js');
    return senderFor(new m.CloudWatchClient(config), { DescribeAlarms: m.DescribeAlarmsCommand }, 'cloudwatch');
  },
  async s3(config) {
    const m = await import('./clients/s3.js');
    // A custom endpoint (LocalStack, MinIO, a test server) rarely resolves bucket subdomains.
    return senderFor(new m.S3Client({ ...config, forcePathStyle: Boolean(config.endpoint) }), { GetObject: m.GetObjectCommand }, 's3');
  },
};

export interface SdkAdapters {
  reader: AwsReader;
  writer: AwsWriter;
}

export function createSdkAdapters(env: Env = process.env): SdkAdapters {
  const senders = new Map<string, Promise<Sender>>();
  const senderOf = (service: string): Promise<Sender> => {
    let sender = senders.get(service);
    if (!sender) {
      const load = LOADERS[service];
      if (!load) return Promise.reject(new Error(`model-medic does not call the ${service} service`));
      sender = load(clientConfig(env, service));
      // A failed import is not remembered: the next call may try again.
      sender.catch(() => senders.delete(service));
      senders.set(service, sender);
    }
    return sender;
  };

  /** Every call goes through here: SDK errors become MedicErrors naming the call. */
  const send = async (service: string, operation: string, input: Record<string, unknown>): Promise<unknown> => {
    try {
      return await (await senderOf(service))(operation, input);
    } catch (error) {
      throw toMedicError(error, service, operation, resourceOf(input));
    }
  };

  /** A read whose "does not exist" answer is a value, not an error. */
  const readOrUndefined = async <T>(service: string, operation: string, input: Record<string, unknown>): Promise<T | undefined> => {
    try {
      return (await send(service, operation, input)) as T;
    } catch (error) {
      if (errorKindOf(error) === 'aws-not-found') return undefined;
      throw error;
    }
  };

  const reader: AwsReader = {
    describeEndpoint: (name) => readOrUndefined('sagemaker', 'DescribeEndpoint', { EndpointName: name }),
    async describeScalableTargets(resourceIds) {
      if (resourceIds.length === 0) return [];
      const out = (await send('application-auto-scaling', 'DescribeScalableTargets', {
        ServiceNamespace: 'sagemaker',
        ResourceIds: resourceIds,
        ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      })) as { ScalableTargets?: [] };
      return out.ScalableTargets ?? [];
    },
    async describeAlarms(names) {
      const alarms: Awaited<ReturnType<AwsReader['describeAlarms']>> = [];
      // AlarmNames takes at most 100 names; each page holds at most 100 alarms.
      for (let i = 0; i < names.length; i += 100) {
        let NextToken: string | undefined;
        do {
          const input: Record<string, unknown> = {
            AlarmNames: names.slice(i, i + 100),
            AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
            MaxRecords: 100,
          };
          if (NextToken) input.NextToken = NextToken;
          const out = (await send('cloudwatch', 'DescribeAlarms', input)) as {
            MetricAlarms?: [];
            CompositeAlarms?: [];
            NextToken?: string;
          };
          alarms.push(...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? []));
          NextToken = out.NextToken;
        } while (NextToken);
      }
      return alarms;
    },
    describeProcessingJob: (name) => readOrUndefined('sagemaker', 'DescribeProcessingJob', { ProcessingJobName: name }),
    async getJsonObject(s3Uri) {
      const { bucket, key } = parseS3Uri(s3Uri);
      const out = await readOrUndefined<{ Body?: { transformToString(): Promise<string> } }>('s3', 'GetObject', {
        Bucket: bucket,
        Key: key,
      });
      if (!out?.Body) return undefined;
      const text = await out.Body.transformToString();
      try {
        return JSON.parse(text);
      } catch (error) {
        // Not an AWS failure and not worth retrying: the report itself is unreadable.
        throw new MedicError('precondition-failed', `s3:GetObject on ${s3Uri}: the object is not valid JSON (${(error as Error).message})`);
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

export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match?.[1] || !match[2])
    throw toMedicError({ name: 'ValidationException', message: `not an S3 URI: ${uri}` }, 's3', 'GetObject', uri);
  return { bucket: match[1], key: match[2] };
}
