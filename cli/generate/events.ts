/**
 * Sample EventBridge events, in the shapes AWS sends (see events/README.md), for
 * `medic generate-event`: every option has a sensible default, the output is deterministic for
 * given options (ids are derived from them), and it normalizes into a valid signal.
 */

import { hash } from 'node:crypto';
import type { Envelope } from '../../shared/signals/envelope.js';
import {
  ALARM_STATES,
  type AlarmState,
  MONITORING_STATUSES,
  MONITORING_TYPES,
  type MonitoringStatus,
  type MonitoringType,
} from '../../shared/signals/types.js';

export type EventKind = 'alarm' | 'monitoring' | 'endpoint-state';
export const EVENT_KINDS: readonly EventKind[] = ['alarm', 'monitoring', 'endpoint-state'];

export interface CommonOptions {
  /** Epoch ms; the event `time` is this, to the second. */
  time: number;
  account?: string;
  region?: string;
}

export interface AlarmOptions extends CommonOptions {
  endpoint?: string;
  variant?: string;
  metric?: string;
  namespace?: string;
  state?: AlarmState;
  previousState?: AlarmState;
  value?: number;
  threshold?: number;
  alarm?: string;
}

export interface MonitoringOptions extends CommonOptions {
  endpoint?: string;
  type?: MonitoringType;
  status?: MonitoringStatus;
  violations?: number;
  check?: string;
  schedule?: string;
}

export interface EndpointStateOptions extends CommonOptions {
  endpoint?: string;
  /** EventBridge spelling (IN_SERVICE) or the API's (InService). */
  status?: string;
  config?: string;
  variant?: string;
}

/** What generate-event writes: the envelope every parser reads (shared/signals/envelope.ts), as EventBridge sends it. */
export type EventBridgeEvent = Envelope & { version: '0' };

/** The default endpoint: one of the sample world's (events/aws-state.json). */
export const DEFAULT_ENDPOINT = 'churn-prod';
const DEFAULT_ACCOUNT = '111122223333';
const DEFAULT_REGION = 'us-east-1';

/** Metrics published per instance under /aws/sagemaker/Endpoints; the rest are AWS/SageMaker. */
const INSTANCE_METRICS = new Set(['CPUUtilization', 'GPUUtilization', 'MemoryUtilization', 'GPUMemoryUtilization', 'DiskUtilization']);
const SUM_METRICS = new Set(['Invocations', 'Invocation4XXErrors', 'Invocation5XXErrors', 'InvocationsPerInstance', 'ModelSetupTime']);
const DEFAULT_THRESHOLDS: Record<string, number> = {
  ModelLatency: 500_000,
  OverheadLatency: 100_000,
  CPUUtilization: 150,
  GPUUtilization: 300,
  MemoryUtilization: 80,
  GPUMemoryUtilization: 80,
  DiskUtilization: 80,
  Invocation5XXErrors: 10,
  Invocation4XXErrors: 50,
  Invocations: 1_000,
};

export function namespaceFor(metric: string): string {
  return INSTANCE_METRICS.has(metric) ? '/aws/sagemaker/Endpoints' : 'AWS/SageMaker';
}

export function alarmEvent(options: AlarmOptions): EventBridgeEvent {
  const endpoint = options.endpoint ?? DEFAULT_ENDPOINT;
  const variant = options.variant ?? 'AllTraffic';
  const metric = options.metric ?? 'ModelLatency';
  const namespace = options.namespace ?? namespaceFor(metric);
  const state = options.state ?? 'ALARM';
  const previousState = options.previousState ?? (state === 'ALARM' ? 'OK' : 'ALARM');
  // ALARM -> ALARM is sent (a composite alarm whose reason changed: events/09-…); an OK or
  // INSUFFICIENT_DATA alarm that stays so sends nothing.
  if (previousState === state && state !== 'ALARM') {
    throw new RangeError(
      `--previous-state ${previousState} is the same as --state ${state}${options.state === undefined ? ' (the default)' : ''}: CloudWatch sends no event for an alarm that stays ${state} (only ALARM -> ALARM, when a composite's reason changes)`,
    );
  }
  const threshold = options.threshold ?? DEFAULT_THRESHOLDS[metric] ?? 100;
  const value = state === 'INSUFFICIENT_DATA' ? undefined : (options.value ?? defaultValue(threshold, state === 'ALARM'));
  const alarm = options.alarm ?? `${endpoint}-${kebab(metric)}`;
  const account = options.account ?? DEFAULT_ACCOUNT;
  const region = options.region ?? DEFAULT_REGION;
  const at = wholeSecond(options.time);
  const alarmArn = `arn:aws:cloudwatch:${region}:${account}:alarm:${alarm}`;
  const stat = SUM_METRICS.has(metric) ? 'Sum' : 'Average';
  const datapointAt = at - 60_000;
  const above = value !== undefined && value > threshold;

  const reasonData: Record<string, unknown> = {
    version: '1.0',
    queryDate: alarmTimestamp(at + 512),
    startDate: alarmTimestamp(datapointAt),
    statistic: stat,
    period: 60,
    recentDatapoints: value === undefined ? [] : [value],
    threshold,
    evaluatedDatapoints: [
      value === undefined
        ? { timestamp: alarmTimestamp(datapointAt) }
        : { timestamp: alarmTimestamp(datapointAt), sampleCount: 1000, value },
    ],
  };
  const reason =
    value === undefined
      ? 'Insufficient Data: 1 datapoint was unknown.'
      : `Threshold Crossed: 1 out of the last 1 datapoints [${formatNumber(value)} (${cloudwatchDate(datapointAt)})] was ${above ? 'greater than' : 'not greater than'} the threshold (${formatNumber(threshold)}) (minimum 1 datapoint for ${previousState} -> ${state} transition).`;

  const detail: Record<string, unknown> = {
    alarmName: alarm,
    state: { value: state, reason, reasonData: JSON.stringify(reasonData), timestamp: alarmTimestamp(at + 512) },
    previousState: {
      value: previousState,
      reason: `generated by medic generate-event (previous state ${previousState})`,
      timestamp: alarmTimestamp(at - 3_600_000),
    },
    configuration: {
      description: `${endpoint}/${variant} ${stat.toLowerCase()} ${metric} threshold ${formatNumber(threshold)}`,
      metrics: [
        {
          id: 'm1',
          metricStat: {
            metric: { namespace, name: metric, dimensions: { EndpointName: endpoint, VariantName: variant } },
            period: 60,
            stat,
          },
          returnData: true,
        },
      ],
    },
  };
  return envelope('CloudWatch Alarm State Change', 'aws.cloudwatch', account, region, at, [alarmArn], detail);
}

const JOB_PREFIX: Record<MonitoringType, string> = {
  DataQuality: 'model-monitoring-',
  ModelQuality: 'model-quality-monitoring-',
  ModelBias: 'model-bias-monitoring-',
  ModelExplainability: 'model-explainability-monitoring-',
};
const SCHEDULE_SUFFIX: Record<MonitoringType, string> = {
  DataQuality: 'data-quality',
  ModelQuality: 'model-quality',
  ModelBias: 'model-bias',
  ModelExplainability: 'explainability',
};
export const DEFAULT_CHECKS: Record<MonitoringType, string> = {
  DataQuality: 'baseline_drift_check',
  ModelQuality: 'LessThanThreshold',
  ModelBias: 'bias_drift_check',
  ModelExplainability: 'feature_attribution_drift_check',
};

export interface MonitoringSample {
  event: EventBridgeEvent;
  /** Where the engine looks for the violations report, and the report itself (when there are violations). */
  reportUri: string;
  report?: unknown;
}

/** The status follows the violations: some -> CompletedWithViolations; CompletedWithViolations alone -> 3. */
export function resolveMonitoringStatus(options: Pick<MonitoringOptions, 'status' | 'violations'>): {
  status: MonitoringStatus;
  violations: number;
} {
  const status = options.status ?? (options.violations === 0 ? 'Completed' : 'CompletedWithViolations');
  const violations = status === 'CompletedWithViolations' ? (options.violations ?? 3) : (options.violations ?? 0);
  if (status === 'CompletedWithViolations' && violations < 1)
    throw new RangeError('status CompletedWithViolations needs at least 1 violation');
  if (status !== 'CompletedWithViolations' && violations > 0)
    throw new RangeError(`status ${status} has no violations; use CompletedWithViolations`);
  return { status, violations };
}

export function monitoringEvent(options: MonitoringOptions): MonitoringSample {
  const endpoint = options.endpoint ?? DEFAULT_ENDPOINT;
  const type = options.type ?? 'DataQuality';
  const { status, violations } = resolveMonitoringStatus(options);
  const schedule = options.schedule ?? `${endpoint}-${SCHEDULE_SUFFIX[type]}`;
  const account = options.account ?? DEFAULT_ACCOUNT;
  const region = options.region ?? DEFAULT_REGION;
  const at = wholeSecond(options.time);
  const hour = new Date(at);
  const stamp = `${hour.getUTCFullYear()}${pad(hour.getUTCMonth() + 1)}${pad(hour.getUTCDate())}${pad(hour.getUTCHours())}00`;
  const job = `${JOB_PREFIX[type]}${stamp}-${idFrom('job', endpoint, type, status, String(at)).slice(0, 8)}`;
  const jobArn = `arn:aws:sagemaker:${region}:${account}:processing-job/${job}`;
  const reportUri = `s3://model-medic-monitoring-${account}/${schedule}/${hour.getUTCFullYear()}/${pad(hour.getUTCMonth() + 1)}/${pad(hour.getUTCDate())}/${pad(hour.getUTCHours())}`;

  const environment: Record<string, string> = {
    sagemaker_endpoint_name: endpoint,
    sagemaker_monitoring_schedule_name: schedule,
    output_path: '/opt/ml/processing/resultdata',
    publish_cloudwatch_metrics: 'Enabled',
    end_time: new Date(Math.floor(at / 3_600_000) * 3_600_000).toISOString().replace('.000', ''),
  };
  if (type === 'DataQuality')
    environment.dataset_format = '{"sagemakerCaptureJson":{"captureIndexNames":["endpointInput","endpointOutput"]}}';
  if (type === 'ModelQuality') environment.problem_type = 'BinaryClassification';

  const detail: Record<string, unknown> = {
    ProcessingJobName: job,
    ProcessingJobArn: jobArn,
    ProcessingJobStatus: status === 'CompletedWithViolations' ? 'Completed' : status,
    ProcessingOutputConfig: {
      Outputs: [
        {
          OutputName: 'result',
          S3Output: { S3Uri: reportUri, LocalPath: '/opt/ml/processing/resultdata', S3UploadMode: 'EndOfJob' },
          AppManaged: false,
        },
      ],
    },
    ProcessingResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 20 } },
    StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    AppSpecification: { ImageUri: '156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer' },
    Environment: environment,
    RoleArn: `arn:aws:iam::${account}:role/model-medic-monitoring-execution`,
    MonitoringScheduleArn: `arn:aws:sagemaker:${region}:${account}:monitoring-schedule/${schedule}`,
    CreationTime: at - 600_000,
    ProcessingStartTime: at - 480_000,
    ProcessingEndTime: at - 5_000,
    LastModifiedTime: at - 2_000,
  };
  if (status === 'CompletedWithViolations')
    detail.ExitMessage = `CompletedWithViolations: Job completed successfully with ${violations} violation${violations === 1 ? '' : 's'}.`;
  if (status === 'Completed') detail.ExitMessage = 'Completed: Job completed successfully with no violations.';
  if (status === 'Failed') {
    detail.ExitMessage = 'Error: the analysis could not read the captured data.';
    detail.FailureReason = 'AlgorithmError: Error: the analysis could not read the captured data (generated by medic generate-event)';
  }
  const event = envelope('SageMaker Processing Job State Change', 'aws.sagemaker', account, region, at, [jobArn], detail);
  const sample: MonitoringSample = { event, reportUri: `${reportUri}/constraint_violations.json` };
  if (violations > 0) sample.report = violationsReport(type, violations, options.check ?? DEFAULT_CHECKS[type]);
  return sample;
}

/** constraint_violations.json as each monitor type writes it. */
export function violationsReport(type: MonitoringType, count: number, check: string): unknown {
  const features = ['tenure', 'monthly_charges', 'contract_type', 'payment_method', 'total_charges', 'region', 'device_id', 'age'];
  const metrics = ['f1', 'accuracy', 'precision', 'recall', 'auc'];
  const list = Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    switch (type) {
      case 'DataQuality':
        return {
          feature_name: features[i % features.length] + (i >= features.length ? `_${n}` : ''),
          constraint_check_type: check,
          description: `Baseline drift distance: 0.${20 + (i % 70)} exceeds threshold: 0.1`,
        };
      case 'ModelQuality':
        return {
          constraint_check_type: check,
          metric_name: metrics[i % metrics.length],
          description: `Metric ${metrics[i % metrics.length]} with 0.6${i % 10} was LessThanThreshold 0.8`,
        };
      case 'ModelBias':
        return {
          facet: 'age',
          facet_value: String(40 + n),
          metric_name: 'CI',
          constraint_check_type: check,
          description: `Value 0.${30 + (i % 60)} does not meet the constraint requirement`,
        };
      case 'ModelExplainability':
        return {
          label: 'churn',
          metric_name: 'shap',
          constraint_check_type: check,
          description: `Feature attribution drift 0.${40 + (i % 50)} exceeds threshold 0.3`,
        };
      default:
        throw new Error(`unknown monitoring type ${type as string}`);
    }
  });
  return type === 'DataQuality' || type === 'ModelQuality' ? { violations: list } : { version: '1.0', violations: list };
}

export function endpointStateEvent(options: EndpointStateOptions): EventBridgeEvent {
  const endpoint = options.endpoint ?? DEFAULT_ENDPOINT;
  const status = toEventBridgeStatus(options.status ?? 'IN_SERVICE');
  const config = options.config ?? `${endpoint}-config`;
  const variant = options.variant ?? 'AllTraffic';
  const account = options.account ?? DEFAULT_ACCOUNT;
  const region = options.region ?? DEFAULT_REGION;
  const at = wholeSecond(options.time);
  const endpointArn = `arn:aws:sagemaker:${region}:${account}:endpoint/${endpoint.toLowerCase()}`;
  const detail = {
    EndpointName: endpoint,
    EndpointArn: endpointArn,
    EndpointConfigName: config,
    ProductionVariants: [{ VariantName: variant, CurrentWeight: 1, DesiredWeight: 1, CurrentInstanceCount: 1, DesiredInstanceCount: 1 }],
    EndpointStatus: status,
    CreationTime: at - 30 * 86_400_000,
    LastModifiedTime: at - 1_000,
    Tags: { 'model-medic:managed': 'true' },
  };
  return envelope('SageMaker Endpoint State Change', 'aws.sagemaker', account, region, at, [endpointArn], detail);
}

/** InService -> IN_SERVICE; IN_SERVICE stays. */
export function toEventBridgeStatus(status: string): string {
  if (/^[A-Z]+(_[A-Z]+)*$/.test(status)) return status;
  return status.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

function envelope(
  detailType: string,
  source: string,
  account: string,
  region: string,
  at: number,
  resources: string[],
  detail: Record<string, unknown>,
): EventBridgeEvent {
  return {
    version: '0',
    id: uuidFrom(detailType, JSON.stringify(detail)),
    'detail-type': detailType,
    source,
    account,
    time: new Date(at).toISOString().replace('.000Z', 'Z'),
    region,
    resources,
    detail,
  };
}

function wholeSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** CloudWatch's state timestamp spelling: 2026-11-23T04:12:40.512+0000. */
function alarmTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** The datapoint time in a CloudWatch reason: 23/11/26 04:11:00. */
function cloudwatchDate(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${String(d.getUTCFullYear()).slice(2)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? `${n}.0` : String(n);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** A datapoint on the side of the threshold the state says: 1.5× in ALARM, 0.5× otherwise. */
function defaultValue(threshold: number, breached: boolean): number {
  // A threshold of 0 or below has no "1.5×" above it: one unit past it instead.
  const raw = threshold <= 0 ? threshold + (breached ? 1 : -1) : breached ? threshold * 1.5 : threshold * 0.5;
  const rounded = Math.round(raw * 100) / 100;
  // Rounding must not move a tiny value onto (or across) the threshold.
  return rounded !== threshold && rounded > threshold === raw > threshold ? rounded : raw;
}

function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .toLowerCase();
}

function idFrom(...parts: string[]): string {
  return hash('sha256', parts.join('\u0000'), 'hex');
}

/** A UUID-shaped id derived from the content: the same options give the same event. */
function uuidFrom(...parts: string[]): string {
  const h = idFrom(...parts);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((Number.parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export { ALARM_STATES, MONITORING_STATUSES, MONITORING_TYPES };
