/**
 * What the fake AWS endpoint answers: reads from a recorded state file (SPEC §5, the same
 * file replay reads), writes acknowledged with a plausible response. The world never
 * changes: a write is recorded, not applied, so a live run sees the same reads as its plan.
 * Missing resources fail the way each service really fails them.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadRecordedStateFile, type RecordedState } from '../../shared/aws/recorded.js';

export type FakeService = 'sns' | 'sagemaker' | 'application-auto-scaling' | 'codepipeline' | 'cloudwatch' | 's3';

export const WRITE_OPERATIONS = new Set([
  'Publish',
  'UpdateEndpointWeightsAndCapacities',
  'UpdateEndpoint',
  'StartPipelineExecution',
  'RegisterScalableTarget',
]);

/** An AWS error as the service would send it: HTTP status, error code, message. */
export class FakeAwsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Input = Record<string, unknown>;
const ACCOUNT = '111122223333';

export class FakeAwsWorld {
  private readonly baseDir: string;
  private readonly state: RecordedState;

  constructor(stateFile: string) {
    this.state = loadRecordedStateFile(stateFile);
    this.baseDir = dirname(resolve(stateFile));
  }

  /** The response body (JSON value; for S3 the object text), or throws FakeAwsError. */
  answer(service: FakeService, operation: string, input: Input, region: string): unknown {
    const handler = this.handlers[`${service}:${operation}`];
    if (!handler)
      throw new FakeAwsError(400, 'UnknownOperationException', `the fake AWS endpoint does not implement ${service}:${operation}`);
    return handler(input, region);
  }

  private readonly handlers: Record<string, (input: Input, region: string) => unknown> = {
    'sagemaker:DescribeEndpoint': (input, region) => {
      const name = String(input.EndpointName);
      const endpoint = this.state.sagemaker?.endpoints?.[name];
      if (!endpoint)
        throw new FakeAwsError(
          400,
          'ValidationException',
          `Could not find endpoint "arn:aws:sagemaker:${region}:${ACCOUNT}:endpoint/${name.toLowerCase()}".`,
        );
      return endpoint;
    },
    'sagemaker:DescribeProcessingJob': (input) => {
      const name = String(input.ProcessingJobName);
      const job = this.state.sagemaker?.processingJobs?.[name];
      if (!job) throw new FakeAwsError(400, 'ResourceNotFound', `Processing job ${name} does not exist.`);
      return job;
    },
    'sagemaker:ListPipelineExecutions': (input) => {
      const name = String(input.PipelineName);
      const executions = this.state.sagemaker?.pipelineExecutions?.[name];
      if (!executions) throw new FakeAwsError(400, 'ResourceNotFound', `Pipeline '${name}' does not exist.`);
      return { PipelineExecutionSummaries: executions.slice(0, Number(input.MaxResults ?? 50)) };
    },
    'sagemaker:UpdateEndpointWeightsAndCapacities': (input, region) => ({ EndpointArn: this.endpointArn(input, region) }),
    'sagemaker:UpdateEndpoint': (input, region) => ({ EndpointArn: this.endpointArn(input, region) }),
    'sagemaker:StartPipelineExecution': (input, region) => {
      const name = String(input.PipelineName);
      if (!this.state.sagemaker?.pipelineExecutions?.[name])
        throw new FakeAwsError(400, 'ResourceNotFound', `Pipeline '${name}' does not exist.`);
      return {
        PipelineExecutionArn: `arn:aws:sagemaker:${region}:${ACCOUNT}:pipeline/${name}/execution/${String(input.ClientRequestToken).slice(0, 12)}`,
      };
    },
    'application-auto-scaling:DescribeScalableTargets': (input) => {
      const ids = new Set((input.ResourceIds as string[] | undefined) ?? []);
      const targets = (this.state.applicationAutoScaling?.scalableTargets ?? []).filter(
        (t) => t.ServiceNamespace === input.ServiceNamespace && (ids.size === 0 || ids.has(String(t.ResourceId))),
      );
      return { ScalableTargets: targets };
    },
    'application-auto-scaling:RegisterScalableTarget': (input, region) => ({
      ScalableTargetARN: `arn:aws:application-autoscaling:${region}:${ACCOUNT}:scalable-target/${Buffer.from(String(input.ResourceId)).toString('hex').slice(0, 32)}`,
    }),
    'codepipeline:ListPipelineExecutions': (input) => {
      const name = String(input.pipelineName);
      const executions = this.state.codepipeline?.pipelineExecutions?.[name];
      if (!executions)
        throw new FakeAwsError(400, 'PipelineNotFoundException', `Account '${ACCOUNT}' does not have a pipeline with name '${name}'`);
      return { pipelineExecutionSummaries: executions.slice(0, Number(input.maxResults ?? 100)) };
    },
    'codepipeline:StartPipelineExecution': (input) => {
      const name = String(input.name);
      if (!this.state.codepipeline?.pipelineExecutions?.[name]) {
        throw new FakeAwsError(400, 'PipelineNotFoundException', `Account '${ACCOUNT}' does not have a pipeline with name '${name}'`);
      }
      return { pipelineExecutionId: `exec-${String(input.clientRequestToken ?? 'none').slice(0, 12)}` };
    },
    'cloudwatch:DescribeAlarms': (input) => {
      const names = new Set((input.AlarmNames as string[] | undefined) ?? []);
      const alarms = (this.state.cloudwatch?.alarms ?? []).filter((a) => names.size === 0 || names.has(String(a.AlarmName)));
      return {
        MetricAlarms: alarms.filter((a) => !('AlarmRule' in a)),
        CompositeAlarms: alarms.filter((a) => 'AlarmRule' in a),
      };
    },
    'sns:Publish': () => ({ MessageId: randomUUID() }),
    's3:GetObject': (input) => {
      const uri = `s3://${input.Bucket}/${input.Key}`;
      const entry = this.state.s3?.[uri];
      if (entry === undefined) throw new FakeAwsError(404, 'NoSuchKey', 'The specified key does not exist.');
      return typeof entry === 'string' ? readFileSync(resolve(this.baseDir, entry), 'utf8') : JSON.stringify(entry);
    },
  };

  private endpointArn(input: Input, region: string): string {
    const name = String(input.EndpointName);
    if (!this.state.sagemaker?.endpoints?.[name]) {
      throw new FakeAwsError(
        400,
        'ValidationException',
        `Could not find endpoint "arn:aws:sagemaker:${region}:${ACCOUNT}:endpoint/${name.toLowerCase()}".`,
      );
    }
    return `arn:aws:sagemaker:${region}:${ACCOUNT}:endpoint/${name.toLowerCase()}`;
  }
}
