/**
 * The normalized signal (docs/runbook.md#the-signal): the one shape every runbook rule matches against.
 * Produced from EventBridge events by parse* (pure) and completed by enrich* (reads).
 */
export type AlarmState = 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
export const ALARM_STATES: readonly AlarmState[] = ['ALARM', 'OK', 'INSUFFICIENT_DATA'];

export type MonitoringStatus = 'Completed' | 'CompletedWithViolations' | 'Failed' | 'Stopped';
export const MONITORING_STATUSES: readonly MonitoringStatus[] = ['Completed', 'CompletedWithViolations', 'Failed', 'Stopped'];

export type MonitoringType = 'DataQuality' | 'ModelQuality' | 'ModelBias' | 'ModelExplainability';
export const MONITORING_TYPES: readonly MonitoringType[] = ['DataQuality', 'ModelQuality', 'ModelBias', 'ModelExplainability'];

export type Breach = 'above' | 'below';

/** One metric an alarm watches: a metricStat entry, or an expression entry of a metric-math alarm. */
export interface MetricRef {
  id?: string;
  namespace?: string;
  name?: string;
  dimensions: Record<string, string>;
  stat?: string;
  period?: number;
  expression?: string;
  label?: string;
  returnData?: boolean;
}

export interface Violation {
  /** constraint_check_type, e.g. baseline_drift_check, data_type_check, LessThanThreshold. */
  check: string;
  feature?: string;
  metric?: string;
  description: string;
}

interface SignalCommon {
  /** Identity of the occurrence, for dedupe: differs from the EventBridge event id. */
  key: string;
  /** EventBridge `source`, e.g. aws.cloudwatch. */
  source: string;
  /** EventBridge event id (a redelivery has the same id; a duplicate SageMaker event may not). */
  eventId: string;
  /** Event time, ISO 8601. */
  time: string;
  account: string;
  region: string;
  endpoint?: string;
  variant?: string;
}

export interface AlarmSignal extends SignalCommon {
  kind: 'alarm';
  alarm: string;
  alarmArn: string;
  composite: boolean;
  state: AlarmState;
  previousState?: AlarmState;
  /** When the new state began (detail.state.timestamp). */
  stateTimestamp: string;
  /** When the previous state began, if known: for "was in ALARM for 12 min". */
  previousStateTimestamp?: string;
  reason?: string;
  metrics: MetricRef[];
  /** Namespace and name of the primary metric (the single metric, or the first metricStat). */
  namespace?: string;
  metric?: string;
  breach?: Breach;
  /** Most recent datapoint and threshold from reasonData, in the metric's own unit. */
  value?: number;
  threshold?: number;
  /** Set when a composite alarm's actions are suppressed: such a signal must not act. */
  actionsSuppressedBy?: string;
  /** Child alarms that triggered a composite alarm. */
  triggeringAlarms?: string[];
  /** Notes on what could not be read (e.g. unparseable reasonData): degraded, not failed. */
  notes?: string[];
}

export interface MonitoringSignal extends SignalCommon {
  kind: 'monitoring';
  job: string;
  jobArn: string;
  status: MonitoringStatus;
  monitoringType?: MonitoringType;
  schedule?: string;
  violations: Violation[];
  exitMessage?: string;
  failureReason?: string;
  /** S3 URI of the monitoring report folder, when known. */
  reportUri?: string;
  notes?: string[];
}

export type Signal = AlarmSignal | MonitoringSignal;

/** An endpoint state change: not matched by rules, recorded for rollback history. */
export interface EndpointStateChange {
  endpoint: string;
  endpointArn?: string;
  status: string;
  endpointConfig?: string;
  time: string;
  eventId: string;
}
