/**
 * SageMaker Processing Job State Change -> MonitoringSignal, or a reason to ignore it.
 * Model Monitor executions are processing jobs; we recognise them by schedule ARN,
 * Environment keys, or job-name prefix, and ask DescribeProcessingJob whenever the event does
 * not name both the endpoint and the schedule (a prefix alone says neither). Violations come
 * from constraint_violations.json under the job's output.
 */
import type { AwsReader, DescribeProcessingJobResponse } from '../aws/ports.js';
import type { Envelope } from './envelope.js';
import { checked, object, oneOf, optionalArray, optionalObject, optionalRecord, optionalString, ROOT, string } from './shape.js';
import type { MonitoringSignal, MonitoringStatus, MonitoringType, Violation } from './types.js';

const JOB_STATUSES = ['InProgress', 'Completed', 'Failed', 'Stopping', 'Stopped'] as const;
const OUTPUT_CONFIG_PATH = ['ProcessingOutputConfig'];
const TERMINAL = new Set(['Completed', 'Failed', 'Stopped']);

/** Name prefixes SageMaker gives monitoring executions, most specific first. */
const PREFIX_TYPES: Array<[string, MonitoringType]> = [
  ['model-quality-monitoring-', 'ModelQuality'],
  ['model-bias-monitoring-', 'ModelBias'],
  ['model-explainability-monitoring-', 'ModelExplainability'],
  ['model-monitoring-', 'DataQuality'],
];

type JobStatus = (typeof JOB_STATUSES)[number];

/** The fields of the event we read, checked in the order SageMaker documents them. */
interface JobDetail {
  ProcessingJobName: string;
  ProcessingJobArn?: string;
  ProcessingJobStatus: JobStatus;
  ExitMessage?: string;
  FailureReason?: string;
  MonitoringScheduleArn?: string;
  Environment?: Record<string, string>;
  /** The first S3 output's URI, if any. */
  outputUri?: string;
}

function readJobDetail(raw: unknown): JobDetail {
  const d = object(raw, []);
  const detail: JobDetail = {
    ProcessingJobName: string(d.ProcessingJobName, ROOT, 'ProcessingJobName', 'missing ProcessingJobName'),
    ProcessingJobArn: optionalString(d.ProcessingJobArn, ROOT, 'ProcessingJobArn'),
    ProcessingJobStatus: oneOf(d.ProcessingJobStatus, JOB_STATUSES, ROOT, 'ProcessingJobStatus', (value) =>
      value === undefined ? 'missing ProcessingJobStatus' : `expected one of ${JOB_STATUSES.join(', ')}, got ${JSON.stringify(value)}`,
    ),
    ExitMessage: optionalString(d.ExitMessage, ROOT, 'ExitMessage'),
    FailureReason: optionalString(d.FailureReason, ROOT, 'FailureReason'),
    MonitoringScheduleArn: optionalString(d.MonitoringScheduleArn, ROOT, 'MonitoringScheduleArn'),
    Environment: optionalRecord(d.Environment, ROOT, 'Environment', (v, path, key) => string(v, path, key)),
  };
  const config = optionalObject(d.ProcessingOutputConfig, ROOT, 'ProcessingOutputConfig');
  const outputs = optionalArray(config?.Outputs, OUTPUT_CONFIG_PATH, 'Outputs', (v, path) => {
    const output = object(v, path);
    const s3 = optionalObject(output.S3Output, path, 'S3Output');
    return s3 ? string(s3.S3Uri, [...path, 'S3Output', 'S3Uri']) : undefined;
  });
  const outputUri = outputs?.find((uri) => uri);
  if (outputUri) detail.outputUri = outputUri;
  return detail;
}

/** What we know of a processing job, from the event or from DescribeProcessingJob. */
interface JobFacts {
  name: string;
  arn: string;
  status: JobStatus;
  exitMessage?: string;
  failureReason?: string;
  scheduleArn?: string;
  environment: Record<string, string>;
  /** The endpoint whose captured data the job read (Environment, else its inputs). */
  endpoint?: string;
  outputUri?: string;
}

export type ProcessingJobOutcome = { signal: MonitoringSignal } | { ignored: string };

export async function normalizeProcessingJobEvent(envelope: Envelope, reader: AwsReader): Promise<ProcessingJobOutcome> {
  const detail = checked('processing job event: ', 'detail', () => readJobDetail(envelope.detail));
  let job = factsFromEvent(detail, envelope);

  if (!TERMINAL.has(job.status)) return { ignored: `processing job ${job.name} is ${job.status}: not a terminal state` };
  const notMonitoring = notMonitoringReason(job.name);
  if (notMonitoring) return { ignored: notMonitoring };

  if (job.endpoint === undefined || scheduleOf(job) === undefined) {
    // The event may be trimmed: without the endpoint no endpoint rule can match, so ask
    // SageMaker for the whole job (its schedule, and the endpoint its data-capture input names).
    const described = await reader.describeProcessingJob(job.name);
    if (described) job = mergeDescribed(job, described);
  }
  if (!looksLikeMonitoring(job)) {
    return { ignored: `processing job ${job.name} is not a Model Monitor execution (no schedule, endpoint or monitoring prefix)` };
  }

  const signal = toMonitoringSignal(job, envelope);
  if (signal.status === 'CompletedWithViolations') await attachViolations(signal, job, reader);
  return { signal };
}

function factsFromEvent(detail: JobDetail, envelope: Envelope): JobFacts {
  const facts: JobFacts = {
    name: detail.ProcessingJobName,
    arn:
      detail.ProcessingJobArn ??
      `arn:aws:sagemaker:${envelope.region}:${envelope.account}:processing-job/${detail.ProcessingJobName.toLowerCase()}`,
    status: detail.ProcessingJobStatus,
    environment: detail.Environment ?? {},
  };
  if (detail.ExitMessage) facts.exitMessage = detail.ExitMessage;
  if (detail.FailureReason) facts.failureReason = detail.FailureReason;
  if (detail.MonitoringScheduleArn) facts.scheduleArn = detail.MonitoringScheduleArn;
  const endpoint = facts.environment.sagemaker_endpoint_name;
  if (endpoint) facts.endpoint = endpoint;
  if (detail.outputUri) facts.outputUri = detail.outputUri;
  return facts;
}

function mergeDescribed(job: JobFacts, described: DescribeProcessingJobResponse): JobFacts {
  const merged: JobFacts = { ...job, environment: { ...(described.Environment ?? {}), ...job.environment } };
  if (!merged.scheduleArn && described.MonitoringScheduleArn) merged.scheduleArn = described.MonitoringScheduleArn;
  if (!merged.exitMessage && described.ExitMessage) merged.exitMessage = described.ExitMessage;
  if (!merged.failureReason && described.FailureReason) merged.failureReason = described.FailureReason;
  const endpoint = merged.endpoint ?? monitoredEndpointOf({ ...described, Environment: merged.environment });
  if (endpoint) merged.endpoint = endpoint;
  const output = described.ProcessingOutputConfig?.Outputs?.find((o) => o.S3Output?.S3Uri)?.S3Output?.S3Uri;
  if (!merged.outputUri && output) merged.outputUri = output;
  return merged;
}

/**
 * Whether a processing job may be a Model Monitor execution: not a baseline or ground-truth
 * merge job by its name (whether it is one takes its description: schedule or endpoint).
 */
export function mayBeMonitoringJob(name: string): boolean {
  return notMonitoringReason(name) === undefined;
}

/**
 * The endpoint a monitoring execution watched, from DescribeProcessingJob: the
 * `sagemaker_endpoint_name` environment key, else its data-capture input (an EndpointInput, or
 * an S3 input that SageMaker mounts at /opt/ml/processing/input/endpoint/<endpoint>/...).
 */
export function monitoredEndpointOf(job: {
  Environment?: Record<string, string>;
  ProcessingInputs?: Array<{ EndpointInput?: { EndpointName?: string }; S3Input?: { LocalPath?: string } }>;
}): string | undefined {
  const fromEnvironment = job.Environment?.sagemaker_endpoint_name;
  if (fromEnvironment) return fromEnvironment;
  for (const input of job.ProcessingInputs ?? []) {
    if (input.EndpointInput?.EndpointName) return input.EndpointInput.EndpointName;
    const mounted = /^\/opt\/ml\/processing\/input\/endpoint\/([^/]+)/.exec(input.S3Input?.LocalPath ?? '');
    if (mounted?.[1]) return mounted[1];
  }
  return undefined;
}

/** Jobs that a monitoring schedule or a data scientist runs but that are not monitoring results. */
function notMonitoringReason(name: string): string | undefined {
  if (name.startsWith('groundtruth-merge-')) return `processing job ${name} is a ground-truth merge job, not a monitoring result`;
  if (/^baseline[-_]|baseline-suggestion|-baseline-job/i.test(name))
    return `processing job ${name} is a baselining job, not a monitoring result`;
  return undefined;
}

function looksLikeMonitoring(job: JobFacts): boolean {
  return (
    job.scheduleArn !== undefined ||
    job.environment.sagemaker_monitoring_schedule_name !== undefined ||
    job.environment.sagemaker_endpoint_name !== undefined ||
    PREFIX_TYPES.some(([prefix]) => job.name.startsWith(prefix))
  );
}

/** The monitoring schedule's name, from the Environment or the schedule ARN. */
function scheduleOf(job: JobFacts): string | undefined {
  return job.environment.sagemaker_monitoring_schedule_name ?? job.scheduleArn?.split('/').pop();
}

function toMonitoringSignal(job: JobFacts, envelope: Envelope): MonitoringSignal {
  const status = monitoringStatus(job);
  const signal: MonitoringSignal = {
    kind: 'monitoring',
    key: `${job.arn}|${status}`,
    source: envelope.source,
    eventId: envelope.id,
    time: envelope.time,
    account: envelope.account,
    region: envelope.region,
    job: job.name,
    jobArn: job.arn,
    status,
    violations: [],
  };
  if (job.endpoint) signal.endpoint = job.endpoint;
  const schedule = scheduleOf(job);
  if (schedule) signal.schedule = schedule;
  const type = monitoringType(job);
  if (type) signal.monitoringType = type;
  if (job.exitMessage) signal.exitMessage = job.exitMessage;
  if (job.failureReason) signal.failureReason = job.failureReason;
  if (job.outputUri) signal.reportUri = job.outputUri;
  return signal;
}

function monitoringStatus(job: JobFacts): MonitoringStatus {
  if (job.status === 'Completed') {
    return job.exitMessage?.startsWith('CompletedWithViolations') ? 'CompletedWithViolations' : 'Completed';
  }
  return job.status as MonitoringStatus;
}

/**
 * The job-name prefix is authoritative; otherwise the Environment gives it away:
 * model-quality jobs carry a problem_type, Clarify jobs an analysis config for bias or
 * explainability.
 */
function monitoringType(job: JobFacts): MonitoringType | undefined {
  for (const [prefix, type] of PREFIX_TYPES) if (job.name.startsWith(prefix)) return type;
  const env = job.environment;
  const hint = `${env.sagemaker_monitoring_schedule_name ?? ''} ${job.scheduleArn ?? ''} ${job.name}`.toLowerCase();
  if (env.problem_type || /model-quality/.test(hint)) return 'ModelQuality';
  if (/bias/.test(hint)) return 'ModelBias';
  if (/explainab|attribution/.test(hint)) return 'ModelExplainability';
  if (env.dataset_format || /data-quality/.test(hint)) return 'DataQuality';
  return undefined;
}

async function attachViolations(signal: MonitoringSignal, job: JobFacts, reader: AwsReader): Promise<void> {
  if (!job.outputUri) {
    signal.notes = [...(signal.notes ?? []), 'no output S3 URI on the job: violations unknown'];
    return;
  }
  const uri = `${job.outputUri.replace(/\/+$/, '')}/constraint_violations.json`;
  const report = await reader.getJsonObject(uri);
  if (report === undefined) {
    signal.notes = [...(signal.notes ?? []), `violations report not found at ${uri}`];
    return;
  }
  signal.violations = violationsFromReport(report);
  if (signal.violations.length === 0) signal.notes = [...(signal.notes ?? []), `no violations listed in ${uri}`];
}

/** constraint_violations.json of data quality, model quality, bias and explainability jobs. */
export function violationsFromReport(report: unknown): Violation[] {
  const list = (report as { violations?: unknown })?.violations;
  if (!Array.isArray(list)) return [];
  const out: Violation[] = [];
  for (const item of list) {
    if (!item || typeof item !== 'object') continue;
    const v = item as Record<string, unknown>;
    const str = (x: unknown) => (typeof x === 'string' && x.length > 0 ? x : undefined);
    const violation: Violation = {
      check: str(v.constraint_check_type) ?? 'unknown',
      description: str(v.description) ?? '',
    };
    const feature = str(v.feature_name) ?? str(v.feature) ?? str(v.facet);
    if (feature) violation.feature = feature;
    const metric = str(v.metric_name);
    if (metric) violation.metric = metric;
    out.push(violation);
  }
  return out;
}
