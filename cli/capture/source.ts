/**
 * The reads `medic capture` makes, behind a small interface so the snapshot logic can be
 * tested without AWS. The SDK implementation sends through the one SDK adapter
 * (shared/aws/sdk.ts), which builds every client model-medic uses: capture has no clients of
 * its own. Reads only: nothing here can change anything in the account.
 */
import {
  type AwsSend,
  createAwsSend,
  describeAlarmPages,
  describeVariantScalableTargets,
  forEachPage,
  notFoundAsUndefined,
  parseS3Uri,
} from '../../shared/aws/sdk.js';

type Json = Record<string, unknown>;
/** A page of a paged answer, read field by field. */
type Page = Json & { NextToken?: string };

export interface CaptureSource {
  /** DescribeEndpoint; undefined when the endpoint does not exist. */
  describeEndpoint(name: string): Promise<Json | undefined>;
  /** DescribeEndpointConfig; undefined when the config does not exist. */
  describeEndpointConfig(name: string): Promise<Json | undefined>;
  /** DescribeScalableTargets of SageMaker variants (ResourceIds like endpoint/E/variant/V). */
  describeScalableTargets(resourceIds: string[]): Promise<Json[]>;
  /** DescribeAlarms without names: every metric and composite alarm in the region, all pages. */
  describeAllAlarms(): Promise<{ metricAlarms: Json[]; compositeAlarms: Json[] }>;
  /** SageMaker ListPipelineExecutions, newest first; undefined when the pipeline does not exist. */
  listSageMakerPipelineExecutions(pipeline: string): Promise<Json[] | undefined>;
  /** CodePipeline ListPipelineExecutions, newest first; undefined when the pipeline does not exist. */
  listCodePipelineExecutions(pipeline: string): Promise<Json[] | undefined>;
  /** ListProcessingJobs created at or after `since` (epoch ms), every page: the summaries. */
  listProcessingJobs(since: number): Promise<Json[]>;
  /** DescribeProcessingJob; undefined when the job does not exist. */
  describeProcessingJob(name: string): Promise<Json | undefined>;
  /** S3 GetObject as text; undefined when the object does not exist. */
  getObjectText(s3Uri: string): Promise<string | undefined>;
  /**
   * DescribeAlarmHistory of one alarm (metric or composite): its StateUpdate items from `since`
   * to `until` (epoch ms), oldest first, every page; `onPage` hears how many items each page held.
   */
  describeAlarmHistory(alarmName: string, since: number, until: number, onPage?: (items: number) => void): Promise<Json[]>;
}

/** DescribeAlarmHistory returns at most 100 items a page. */
const HISTORY_ITEMS_PER_PAGE = 100;

/** How many recent executions per pipeline a snapshot keeps (retrain only looks for a running one). */
export const PIPELINE_EXECUTIONS_KEPT = 10;

type Env = Record<string, string | undefined>;

export function sdkCaptureSource(env: Env, send: AwsSend = createAwsSend(env)): CaptureSource {
  const json = (value: unknown) => value as Json;
  return {
    async describeEndpoint(name) {
      return json(await notFoundAsUndefined(() => send('sagemaker', 'DescribeEndpoint', { EndpointName: name })));
    },
    async describeEndpointConfig(name) {
      return json(await notFoundAsUndefined(() => send('sagemaker', 'DescribeEndpointConfig', { EndpointConfigName: name })));
    },
    async describeScalableTargets(resourceIds) {
      return (await describeVariantScalableTargets(send, resourceIds)) as unknown as Json[];
    },
    async describeAllAlarms() {
      const { metricAlarms, compositeAlarms } = await describeAlarmPages(send);
      return { metricAlarms: metricAlarms as Json[], compositeAlarms: compositeAlarms as Json[] };
    },
    async listSageMakerPipelineExecutions(pipeline) {
      const out = await notFoundAsUndefined(() =>
        send('sagemaker', 'ListPipelineExecutions', {
          PipelineName: pipeline,
          SortBy: 'CreationTime',
          SortOrder: 'Descending',
          MaxResults: PIPELINE_EXECUTIONS_KEPT,
        }),
      );
      return out ? ((json(out).PipelineExecutionSummaries as Json[] | undefined) ?? []) : undefined;
    },
    async listCodePipelineExecutions(pipeline) {
      const out = await notFoundAsUndefined(() =>
        send('codepipeline', 'ListPipelineExecutions', { pipelineName: pipeline, maxResults: PIPELINE_EXECUTIONS_KEPT }),
      );
      return out ? ((json(out).pipelineExecutionSummaries as Json[] | undefined) ?? []) : undefined;
    },
    async listProcessingJobs(since) {
      const jobs: Json[] = [];
      const input = { CreationTimeAfter: new Date(since), SortBy: 'CreationTime', SortOrder: 'Descending', MaxResults: 100 };
      await forEachPage<Page>(send, 'sagemaker', 'ListProcessingJobs', input, (page) => {
        jobs.push(...((page.ProcessingJobSummaries as Json[] | undefined) ?? []));
      });
      return jobs;
    },
    async describeProcessingJob(name) {
      return json(await notFoundAsUndefined(() => send('sagemaker', 'DescribeProcessingJob', { ProcessingJobName: name })));
    },
    async getObjectText(s3Uri) {
      const { bucket, key } = parseS3Uri(s3Uri);
      const out = (await notFoundAsUndefined(() => send('s3', 'GetObject', { Bucket: bucket, Key: key }))) as
        | { Body?: { transformToString(): Promise<string> } }
        | undefined;
      return out?.Body ? out.Body.transformToString() : undefined;
    },
    async describeAlarmHistory(alarmName, since, until, onPage) {
      const items: Json[] = [];
      const input = {
        AlarmName: alarmName,
        // Without AlarmTypes a composite alarm's history is not returned.
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
        HistoryItemType: 'StateUpdate',
        StartDate: new Date(since),
        EndDate: new Date(until),
        ScanBy: 'TimestampAscending',
        MaxRecords: HISTORY_ITEMS_PER_PAGE,
      };
      await forEachPage<Page>(send, 'cloudwatch', 'DescribeAlarmHistory', input, (page) => {
        const found = (page.AlarmHistoryItems as Json[] | undefined) ?? [];
        items.push(...found);
        onPage?.(found.length);
      });
      return items;
    },
  };
}
