/**
 * The live AWS adapters: AwsReader and AwsWriter over SDK v3 clients. One client per
 * service per adapter set (the Lambda container and a CLI run each build one set), created
 * on first use and imported lazily, so a cold start pays only for the services the event
 * needs. Each service is imported by its loader (loaders/<service>.ts) through its module under
 * clients/, which re-exports only the client and the commands used here, so the bundle keeps
 * nothing else of the package (and, with esbuild splitting, each client is a chunk loaded on
 * first use). Which loaders a process has is what its entry installed (client-loader.ts): a
 * Lambda function's bundle holds only the clients it may call. Client configuration (region,
 * endpoint, retries, timeouts) is in client-config.ts.
 */
import { MedicError } from '../errors.js';
import { clientConfig } from './client-config.js';
import { installedLoader, type Sender } from './client-loader.js';
import { errorKindOf, resourceOf, toMedicError } from './errors.js';
import type { AwsCall, AwsReader, AwsWriter, CompositeAlarm, MetricAlarm, ScalableTarget } from './ports.js';

export { type ClientConfig, clientConfig } from './client-config.js';

type Env = Record<string, string | undefined>;

/**
 * The DynamoDB client of the state store (DynamoStateStore sends its own commands), built here
 * like every other client so that its configuration cannot drift from theirs.
 */
export async function createDynamoDBClient(env: Env = process.env): Promise<import('./clients/dynamodb.js').DynamoDBClient> {
  const { DynamoDBClient } = await import('./clients/dynamodb.js');
  return new DynamoDBClient(clientConfig(env, 'dynamodb'));
}

/**
 * Sends one operation of one service; SDK errors become MedicErrors naming the call. Every AWS
 * request model-medic makes (the Lambda adapters, `--aws`/`--live`, `medic capture`) goes
 * through one of these, so each client is configured and built in exactly one place.
 */
export type AwsSend = (service: string, operation: string, input: Record<string, unknown>) => Promise<unknown>;

export interface AwsSendOptions {
  /**
   * The signal of the invocation in progress (the Lambda's deadline): every call is aborted
   * when it fires, retries included, so no call outlives the function. Read per call, since a
   * container's adapters serve one invocation after another.
   */
  abortSignal?: () => AbortSignal | undefined;
}

export function createAwsSend(env: Env = process.env, options: AwsSendOptions = {}): AwsSend {
  const senders = new Map<string, Promise<Sender>>();
  const senderOf = (service: string): Promise<Sender> => {
    let sender = senders.get(service);
    if (!sender) {
      // A service this process has no loader for fails the call, not the caller's stack.
      sender = Promise.resolve().then(() => installedLoader(service).load(clientConfig(env, service)));
      // A failed import is not remembered: the next call may try again.
      sender.catch(() => senders.delete(service));
      senders.set(service, sender);
    }
    return sender;
  };
  return async (service, operation, input) => {
    try {
      return await (await senderOf(service))(operation, input, options.abortSignal?.());
    } catch (error) {
      throw toMedicError(error, service, operation, resourceOf(input));
    }
  };
}

/** A read whose "does not exist" answer is a value (undefined), not an error. */
export async function notFoundAsUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (errorKindOf(error) === 'aws-not-found') return undefined;
    throw error;
  }
}

/**
 * Every page of a call paged by NextToken: `input` each time, with the token of the page before
 * it; `onPage` hears each answer in order.
 */
export async function forEachPage<Page extends { NextToken?: string }>(
  send: AwsSend,
  service: string,
  operation: string,
  input: Record<string, unknown>,
  onPage: (page: Page) => void,
): Promise<void> {
  let NextToken: string | undefined;
  do {
    const page = (await send(service, operation, NextToken ? { ...input, NextToken } : input)) as Page;
    onPage(page);
    NextToken = page.NextToken;
  } while (NextToken);
}

/** DescribeScalableTargets takes at most 50 ResourceIds per call. */
const RESOURCE_IDS_PER_CALL = 50;

/** DescribeScalableTargets of SageMaker variants, in batches of 50 ids, every page. */
export async function describeVariantScalableTargets(send: AwsSend, resourceIds: string[]): Promise<ScalableTarget[]> {
  const targets: ScalableTarget[] = [];
  for (let i = 0; i < resourceIds.length; i += RESOURCE_IDS_PER_CALL) {
    const input = {
      ServiceNamespace: 'sagemaker',
      ResourceIds: resourceIds.slice(i, i + RESOURCE_IDS_PER_CALL),
      ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
    };
    await forEachPage<{ ScalableTargets?: ScalableTarget[]; NextToken?: string }>(
      send,
      'application-auto-scaling',
      'DescribeScalableTargets',
      input,
      (page) => targets.push(...(page.ScalableTargets ?? [])),
    );
  }
  return targets;
}

/** DescribeAlarms, every page: the named alarms, or every alarm in the region without names. */
export async function describeAlarmPages(
  send: AwsSend,
  names?: string[],
): Promise<{ metricAlarms: MetricAlarm[]; compositeAlarms: CompositeAlarm[] }> {
  const metricAlarms: MetricAlarm[] = [];
  const compositeAlarms: CompositeAlarm[] = [];
  const input: Record<string, unknown> = { AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], MaxRecords: 100 };
  if (names) input.AlarmNames = names;
  await forEachPage<{ MetricAlarms?: MetricAlarm[]; CompositeAlarms?: CompositeAlarm[]; NextToken?: string }>(
    send,
    'cloudwatch',
    'DescribeAlarms',
    input,
    (page) => {
      metricAlarms.push(...(page.MetricAlarms ?? []));
      compositeAlarms.push(...(page.CompositeAlarms ?? []));
    },
  );
  return { metricAlarms, compositeAlarms };
}

export interface SdkAdapters {
  reader: AwsReader;
  writer: AwsWriter;
}

export function createSdkAdapters(env: Env = process.env, send: AwsSend = createAwsSend(env)): SdkAdapters {
  const readOrUndefined = <T>(service: string, operation: string, input: Record<string, unknown>): Promise<T | undefined> =>
    notFoundAsUndefined(() => send(service, operation, input) as Promise<T>);

  const reader: AwsReader = {
    describeEndpoint: (name) => readOrUndefined('sagemaker', 'DescribeEndpoint', { EndpointName: name }),
    describeEndpointConfig: (name) => readOrUndefined('sagemaker', 'DescribeEndpointConfig', { EndpointConfigName: name }),
    describeScalableTargets: (resourceIds) => describeVariantScalableTargets(send, resourceIds),
    async describeAlarms(names) {
      const alarms: Array<MetricAlarm | CompositeAlarm> = [];
      // AlarmNames takes at most 100 names.
      for (let i = 0; i < names.length; i += 100) {
        const page = await describeAlarmPages(send, names.slice(i, i + 100));
        alarms.push(...page.metricAlarms, ...page.compositeAlarms);
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
