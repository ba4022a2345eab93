/**
 * The reads `medic capture` makes, behind a small interface so the snapshot logic can be
 * tested without AWS; the SDK implementation imports each client only when first used.
 * Reads only: nothing here can change anything in the account.
 */
import { clientConfig } from '../../shared/aws/client-config.js';
import { errorKindOf, toMedicError } from '../../shared/aws/errors.js';

type Json = Record<string, unknown>;

export interface CaptureSource {
  /** DescribeEndpoint; undefined when the endpoint does not exist. */
  describeEndpoint(name: string): Promise<Json | undefined>;
  /** DescribeScalableTargets of SageMaker variants (ResourceIds like endpoint/E/variant/V). */
  describeScalableTargets(resourceIds: string[]): Promise<Json[]>;
  /** DescribeAlarms without names: every metric and composite alarm in the region, all pages. */
  describeAllAlarms(): Promise<{ metricAlarms: Json[]; compositeAlarms: Json[] }>;
  /** SageMaker ListPipelineExecutions, newest first; undefined when the pipeline does not exist. */
  listSageMakerPipelineExecutions(pipeline: string): Promise<Json[] | undefined>;
  /** CodePipeline ListPipelineExecutions, newest first; undefined when the pipeline does not exist. */
  listCodePipelineExecutions(pipeline: string): Promise<Json[] | undefined>;
}

/** How many recent executions per pipeline a snapshot keeps (retrain only looks for a running one). */
export const PIPELINE_EXECUTIONS_KEPT = 10;
/** DescribeScalableTargets takes at most 50 ResourceIds per call. */
const RESOURCE_IDS_PER_CALL = 50;

type Env = Record<string, string | undefined>;
type Send = (input: Json) => Promise<Json>;

interface Client {
  send(command: unknown): Promise<unknown>;
}

/** One lazily created client per service; each operation wrapped so errors name the call. */
export function sdkCaptureSource(env: Env): CaptureSource {
  const clients = new Map<string, Promise<{ client: Client; commands: Record<string, new (input: Json) => unknown> }>>();
  const load = (service: string) => {
    let loaded = clients.get(service);
    if (!loaded) {
      loaded = loadClient(service, env);
      clients.set(service, loaded);
    }
    return loaded;
  };
  const op =
    (service: string, operation: string, resource: (input: Json) => string | undefined): Send =>
    async (input) => {
      try {
        const { client, commands } = await load(service);
        const Command = commands[operation] as new (input: Json) => unknown;
        return (await client.send(new Command(input))) as Json;
      } catch (error) {
        throw toMedicError(error, service, operation, resource(input));
      }
    };

  const describeEndpoint = op('sagemaker', 'DescribeEndpoint', (i) => i.EndpointName as string);
  const describeTargets = op('application-auto-scaling', 'DescribeScalableTargets', (i) => (i.ResourceIds as string[]).join(', '));
  const describeAlarms = op('cloudwatch', 'DescribeAlarms', () => undefined);
  const listSageMaker = op('sagemaker', 'ListPipelineExecutions', (i) => i.PipelineName as string);
  const listCodePipeline = op('codepipeline', 'ListPipelineExecutions', (i) => i.pipelineName as string);

  return {
    async describeEndpoint(name) {
      return notFoundAsUndefined(() => describeEndpoint({ EndpointName: name }));
    },
    async describeScalableTargets(resourceIds) {
      const targets: Json[] = [];
      for (let i = 0; i < resourceIds.length; i += RESOURCE_IDS_PER_CALL) {
        let NextToken: string | undefined;
        do {
          const out = await describeTargets({
            ServiceNamespace: 'sagemaker',
            ResourceIds: resourceIds.slice(i, i + RESOURCE_IDS_PER_CALL),
            ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
            ...(NextToken ? { NextToken } : {}),
          });
          targets.push(...((out.ScalableTargets as Json[] | undefined) ?? []));
          NextToken = out.NextToken as string | undefined;
        } while (NextToken);
      }
      return targets;
    },
    async describeAllAlarms() {
      const metricAlarms: Json[] = [];
      const compositeAlarms: Json[] = [];
      let NextToken: string | undefined;
      do {
        const out = await describeAlarms({
          AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
          MaxRecords: 100,
          ...(NextToken ? { NextToken } : {}),
        });
        metricAlarms.push(...((out.MetricAlarms as Json[] | undefined) ?? []));
        compositeAlarms.push(...((out.CompositeAlarms as Json[] | undefined) ?? []));
        NextToken = out.NextToken as string | undefined;
      } while (NextToken);
      return { metricAlarms, compositeAlarms };
    },
    async listSageMakerPipelineExecutions(pipeline) {
      const out = await notFoundAsUndefined(() =>
        listSageMaker({ PipelineName: pipeline, SortBy: 'CreationTime', SortOrder: 'Descending', MaxResults: PIPELINE_EXECUTIONS_KEPT }),
      );
      return out ? ((out.PipelineExecutionSummaries as Json[] | undefined) ?? []) : undefined;
    },
    async listCodePipelineExecutions(pipeline) {
      const out = await notFoundAsUndefined(() => listCodePipeline({ pipelineName: pipeline, maxResults: PIPELINE_EXECUTIONS_KEPT }));
      return out ? ((out.pipelineExecutionSummaries as Json[] | undefined) ?? []) : undefined;
    },
  };
}

async function notFoundAsUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (errorKindOf(error) === 'aws-not-found') return undefined;
    throw error;
  }
}

async function loadClient(service: string, env: Env): Promise<{ client: Client; commands: Record<string, new (input: Json) => unknown> }> {
  const config = clientConfig(env, service);
  switch (service) {
    case 'sagemaker': {
      const m = await import('@aws-sdk/client-sagemaker');
      return {
        client: new m.SageMakerClient(config),
        commands: { DescribeEndpoint: m.DescribeEndpointCommand, ListPipelineExecutions: m.ListPipelineExecutionsCommand } as never,
      };
    }
    case 'application-auto-scaling': {
      const m = await import('@aws-sdk/client-application-auto-scaling');
      return {
        client: new m.ApplicationAutoScalingClient(config),
        commands: { DescribeScalableTargets: m.DescribeScalableTargetsCommand } as never,
      };
    }
    case 'cloudwatch': {
      const m = await import('@aws-sdk/client-cloudwatch');
      return { client: new m.CloudWatchClient(config), commands: { DescribeAlarms: m.DescribeAlarmsCommand } as never };
    }
    case 'codepipeline': {
      const m = await import('@aws-sdk/client-codepipeline');
      return { client: new m.CodePipelineClient(config), commands: { ListPipelineExecutions: m.ListPipelineExecutionsCommand } as never };
    }
    default:
      throw new Error(`medic capture does not read ${service}`);
  }
}
