/**
 * Ports at the AWS edge. The engine never touches an SDK client: it reads through AwsReader
 * and writes AwsCalls through AwsWriter. Replay serves reads from a recorded state file;
 * the Lambda handlers and `--aws` serve them from the SDK. Types are the real API shapes
 * (type-only imports: they cost nothing at run time).
 */
import type { ScalableTarget } from '@aws-sdk/client-application-auto-scaling';
import type { CompositeAlarm, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { PipelineExecutionSummary as CodePipelineExecutionSummary } from '@aws-sdk/client-codepipeline';
import type {
  DescribeEndpointConfigOutput,
  DescribeEndpointOutput,
  DescribeProcessingJobResponse,
  PipelineExecutionSummary as SageMakerPipelineExecutionSummary,
} from '@aws-sdk/client-sagemaker';

export type {
  CodePipelineExecutionSummary,
  CompositeAlarm,
  DescribeEndpointConfigOutput,
  DescribeEndpointOutput,
  DescribeProcessingJobResponse,
  MetricAlarm,
  SageMakerPipelineExecutionSummary,
  ScalableTarget,
};

/** Short SDK client names, as they appear in plans and JSON output. */
export type AwsService = 'sns' | 'sagemaker' | 'application-auto-scaling' | 'codepipeline' | 'scheduler';

/** One write request, exactly as it will be sent. */
export interface AwsCall {
  service: AwsService;
  operation: string;
  input: Record<string, unknown>;
}

export interface AwsReader {
  /** DescribeEndpoint; undefined when the endpoint does not exist. */
  describeEndpoint(name: string): Promise<DescribeEndpointOutput | undefined>;
  /** DescribeEndpointConfig; undefined when the config does not exist. */
  describeEndpointConfig(name: string): Promise<DescribeEndpointConfigOutput | undefined>;
  /** DescribeScalableTargets for SageMaker variants (ResourceIds like endpoint/E/variant/V). */
  describeScalableTargets(resourceIds: string[]): Promise<ScalableTarget[]>;
  /** DescribeAlarms by name (metric and composite alarms). Unknown names are simply absent. */
  describeAlarms(names: string[]): Promise<Array<MetricAlarm | CompositeAlarm>>;
  /** DescribeProcessingJob; undefined when the job does not exist. */
  describeProcessingJob(name: string): Promise<DescribeProcessingJobResponse | undefined>;
  /** S3 GetObject of a JSON document; undefined when the object does not exist. */
  getJsonObject(s3Uri: string): Promise<unknown | undefined>;
  /** SageMaker ListPipelineExecutions, newest first. */
  listSageMakerPipelineExecutions(pipelineName: string): Promise<SageMakerPipelineExecutionSummary[]>;
  /** CodePipeline ListPipelineExecutions, newest first. */
  listCodePipelineExecutions(pipelineName: string): Promise<CodePipelineExecutionSummary[]>;
}

export interface AwsWriter {
  /** Sends the call; resolves with the API response or rejects with a MedicError. */
  send(call: AwsCall): Promise<unknown>;
}
