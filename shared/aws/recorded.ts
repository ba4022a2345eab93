/**
 * AwsReader over a recorded state file (docs/cli.md#the-recorded-aws-state---aws-state): real API response shapes, so a snapshot
 * captured from a live account replays faithfully. Reads only; nothing here can write.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as z from 'zod';
import { MedicError } from '../errors.js';
import { inFile, parseJsonText } from '../json-text.js';
import type {
  AwsReader,
  CodePipelineExecutionSummary,
  CompositeAlarm,
  DescribeEndpointConfigOutput,
  DescribeEndpointOutput,
  DescribeProcessingJobResponse,
  MetricAlarm,
  SageMakerPipelineExecutionSummary,
  ScalableTarget,
} from './ports.js';

const recordSchema = z.record(z.string(), z.looseObject({}));

/** A text field the engine reads, checked for what it is: `"EndpointStatus": 5` would otherwise print "endpoint churn-prod is 5". */
function text(example: string) {
  return z
    .string({ error: (issue) => `expected a string like ${JSON.stringify(example)}, got ${JSON.stringify(issue.input) ?? 'nothing'}` })
    .optional();
}

/** DescribeEndpoint output: the fields the engine decides on are checked, the rest kept as recorded. */
const endpointSchema = z.looseObject({
  EndpointName: text('churn-prod'),
  EndpointStatus: text('InService'),
  EndpointConfigName: text('churn-prod-config-v2'),
});
const listsSchema = z.record(z.string(), z.array(z.looseObject({})));

const recordedStateSchema = z.strictObject({
  sagemaker: z
    .strictObject({
      endpoints: z.record(z.string(), endpointSchema).optional(),
      endpointConfigs: recordSchema.optional(),
      processingJobs: recordSchema.optional(),
      pipelineExecutions: listsSchema.optional(),
    })
    .optional(),
  applicationAutoScaling: z.strictObject({ scalableTargets: z.array(z.looseObject({})).optional() }).optional(),
  cloudwatch: z.strictObject({ alarms: z.array(z.looseObject({})).optional() }).optional(),
  codepipeline: z.strictObject({ pipelineExecutions: listsSchema.optional() }).optional(),
  s3: z.record(z.string(), z.unknown()).optional(),
  history: z.strictObject({ endpointConfigs: z.record(z.string(), z.array(z.string())).optional() }).optional(),
});

export type RecordedState = z.output<typeof recordedStateSchema>;

export function parseRecordedState(raw: unknown, file: string): RecordedState {
  const parsed = recordedStateSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MedicError('invalid-state', `${file}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

export function loadRecordedStateFile(file: string): RecordedState {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new MedicError(
      'invalid-state',
      `${file}: cannot read the recorded AWS state (${(error as NodeJS.ErrnoException).code ?? error})`,
    );
  }
  const json = parseJsonText(text);
  if (!json.ok) throw new MedicError('invalid-state', inFile(file, json.error));
  return parseRecordedState(json.value, file);
}

export class RecordedAwsReader implements AwsReader {
  private readonly s3Cache = new Map<string, unknown>();

  /** `baseDir` resolves S3 entries given as relative file paths; `file` names the state in messages. */
  constructor(
    private readonly state: RecordedState,
    private readonly baseDir: string,
    private readonly file = 'the recorded AWS state',
  ) {}

  static fromFile(file: string): RecordedAwsReader {
    return new RecordedAwsReader(loadRecordedStateFile(file), dirname(resolve(file)), file);
  }

  /** Endpoint config history to seed a state store with. */
  get endpointConfigHistory(): Record<string, string[]> {
    return this.state.history?.endpointConfigs ?? {};
  }

  async describeEndpoint(name: string): Promise<DescribeEndpointOutput | undefined> {
    return this.state.sagemaker?.endpoints?.[name] as DescribeEndpointOutput | undefined;
  }

  async describeEndpointConfig(name: string): Promise<DescribeEndpointConfigOutput | undefined> {
    return this.state.sagemaker?.endpointConfigs?.[name] as DescribeEndpointConfigOutput | undefined;
  }

  async describeScalableTargets(resourceIds: string[]): Promise<ScalableTarget[]> {
    const wanted = new Set(resourceIds);
    const targets = (this.state.applicationAutoScaling?.scalableTargets ?? []) as unknown as ScalableTarget[];
    return targets.filter((t) => wanted.has(String(t.ResourceId)));
  }

  async describeAlarms(names: string[]): Promise<Array<MetricAlarm | CompositeAlarm>> {
    const wanted = new Set(names);
    return (this.state.cloudwatch?.alarms ?? []).filter((a) => wanted.has(String((a as MetricAlarm).AlarmName))) as Array<
      MetricAlarm | CompositeAlarm
    >;
  }

  async describeProcessingJob(name: string): Promise<DescribeProcessingJobResponse | undefined> {
    return this.state.sagemaker?.processingJobs?.[name] as DescribeProcessingJobResponse | undefined;
  }

  async getJsonObject(s3Uri: string): Promise<unknown | undefined> {
    const entry = this.state.s3?.[s3Uri];
    if (entry === undefined) return undefined;
    if (typeof entry !== 'string') return entry;
    if (this.s3Cache.has(s3Uri)) return this.s3Cache.get(s3Uri);
    // A broken entry is bad input (the state file is wrong), not an AWS failure: named with the
    // state file, the entry and the path it resolved to, so the fix is obvious.
    const path = resolve(this.baseDir, entry);
    const where = `${this.file}: s3 entry "${s3Uri}"`;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const problem = code === 'ENOENT' ? `no file at ${path}` : `cannot read ${path} (${code ?? error})`;
      throw new MedicError('invalid-state', `${where}: ${problem} ("${entry}", relative to the recorded state's folder)`);
    }
    const json = parseJsonText(text);
    if (!json.ok) throw new MedicError('invalid-state', `${where}: ${inFile(path, json.error)}`);
    this.s3Cache.set(s3Uri, json.value);
    return json.value;
  }

  async listSageMakerPipelineExecutions(pipelineName: string): Promise<SageMakerPipelineExecutionSummary[]> {
    return (this.state.sagemaker?.pipelineExecutions?.[pipelineName] ?? []) as SageMakerPipelineExecutionSummary[];
  }

  async listCodePipelineExecutions(pipelineName: string): Promise<CodePipelineExecutionSummary[]> {
    return (this.state.codepipeline?.pipelineExecutions?.[pipelineName] ?? []) as CodePipelineExecutionSummary[];
  }
}
