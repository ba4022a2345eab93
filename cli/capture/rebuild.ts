/**
 * Past incidents as the EventBridge events that announced them, rebuilt from what AWS keeps:
 * an alarm's StateUpdate item of DescribeAlarmHistory, and a terminal Model Monitor execution's
 * DescribeProcessingJob answer. The shapes are those EventBridge delivers ("CloudWatch Alarm
 * State Change", "SageMaker Processing Job State Change": see events/), so `medic backtest`
 * reads them as it reads real ones.
 *
 * Honest about what history holds: a field AWS does not keep is left out, never made up (the
 * event id is derived from the transition, since EventBridge's own is kept nowhere). What
 * comes from today's state instead of the time of the event is named in `from`.
 */
import { hash } from 'node:crypto';
import { ALARM_DETAIL_TYPE, PROCESSING_JOB_DETAIL_TYPE } from '../../shared/signals/normalize.js';
import { parseAwsTime } from '../../shared/signals/timestamp.js';
import { ALARM_STATES } from '../../shared/signals/types.js';

type Json = Record<string, unknown>;

export interface RebuiltEvent {
  kind: 'alarm' | 'monitoring';
  /** When the transition happened (epoch ms): the file name and the order. */
  at: number;
  /** The file's name in the events folder: sorts in time order. */
  file: string;
  event: Json;
  /** Where each part came from, one line for the folder's README. */
  from: string;
}

export type Rebuilt = { ok: true; event: RebuiltEvent; notes: string[] } | { ok: false; reason: string };

const TERMINAL_JOB_STATUSES = new Set(['Completed', 'Failed', 'Stopped']);

/**
 * One alarm state change from its DescribeAlarmHistory StateUpdate item. `alarm` is the alarm
 * as DescribeAlarms describes it today: its ARN and configuration (history keeps neither).
 * `previousAt` is the Timestamp of the alarm's previous StateUpdate item, when it was captured:
 * the previous state's timestamp, which HistoryData does not hold.
 */
export function rebuildAlarmEvent(item: Json, alarm: Json, previousAt?: string): Rebuilt {
  const name = String(item.AlarmName ?? alarm.AlarmName);
  const at = parseAwsTime(item.Timestamp as string | Date | undefined);
  if (!Number.isFinite(at)) return { ok: false, reason: `a history item of ${name} has no Timestamp` };
  const arn = typeof alarm.AlarmArn === 'string' ? alarm.AlarmArn : undefined;
  const where = arn ? arnParts(arn) : undefined;
  if (!arn || !where) return { ok: false, reason: `DescribeAlarms gives ${name} no ARN: its account and region are unknown` };

  const notes: string[] = [];
  const states = statesOf(item);
  if (!states.ok) return { ok: false, reason: `${name} at ${isoMs(at)}: ${states.reason}` };
  if (states.fromSummary)
    notes.push(`${name} at ${isoMs(at)}: HistoryData is not JSON (${states.fromSummary}): rebuilt without reason and reason data`);

  const state: Json = stateDetail(states.newState);
  state.timestamp = awsStateTime(at);
  const detail: Json = { alarmName: name, state };
  if (states.oldState) {
    const previous = stateDetail(states.oldState);
    const previousMs = parseAwsTime(previousAt);
    if (Number.isFinite(previousMs)) previous.timestamp = awsStateTime(previousMs);
    detail.previousState = previous;
  }
  const configuration = configurationOf(alarm);
  if (configuration) detail.configuration = configuration;

  const value = String(state.value);
  const event: Json = {
    version: '0',
    id: derivedId(`alarm|${arn}|${value}|${state.timestamp}`),
    'detail-type': ALARM_DETAIL_TYPE,
    source: 'aws.cloudwatch',
    account: where.account,
    time: eventTime(at),
    region: where.region,
    resources: [arn],
    detail,
  };
  const previousValue = states.oldState ? String(states.oldState.stateValue) : '?';
  return {
    ok: true,
    notes,
    event: {
      kind: 'alarm',
      at,
      file: fileName(at, 'alarm', name, value),
      event,
      from:
        `cloudwatch:DescribeAlarmHistory ${name}, StateUpdate item of ${isoMs(at)} (${previousValue} → ${value})` +
        (configuration ? '; configuration: DescribeAlarms at capture time' : ''),
    },
  };
}

/**
 * The state change a terminal processing job announced, from DescribeProcessingJob: the event's
 * detail is that answer, times in epoch ms as EventBridge writes them. Its time is the job's
 * LastModifiedTime (EventBridge delivers a few seconds later; the exact second is kept nowhere).
 */
export function rebuildMonitoringEvent(job: Json): Rebuilt {
  const name = String(job.ProcessingJobName ?? '');
  const status = String(job.ProcessingJobStatus ?? '');
  if (!TERMINAL_JOB_STATUSES.has(status))
    return { ok: false, reason: `processing job ${name} is ${status || 'without a status'}: not terminal` };
  const arn = typeof job.ProcessingJobArn === 'string' ? job.ProcessingJobArn : undefined;
  const where = arn ? arnParts(arn) : undefined;
  if (!arn || !where) return { ok: false, reason: `processing job ${name} has no ARN: its account and region are unknown` };
  const atField = job.LastModifiedTime !== undefined ? 'LastModifiedTime' : 'ProcessingEndTime';
  const at = parseAwsTime(job[atField] as string | Date | undefined);
  if (!Number.isFinite(at)) return { ok: false, reason: `processing job ${name} has neither LastModifiedTime nor ProcessingEndTime` };

  const detail: Json = {};
  for (const [key, value] of Object.entries(job)) {
    if (key === '$metadata') continue;
    detail[key] = JOB_TIME_FIELDS.has(key) ? epochMs(value) : value;
  }
  const event: Json = {
    version: '0',
    id: derivedId(`monitoring|${arn}|${status}`),
    'detail-type': PROCESSING_JOB_DETAIL_TYPE,
    source: 'aws.sagemaker',
    account: where.account,
    time: eventTime(at),
    region: where.region,
    resources: [arn],
    detail,
  };
  return {
    ok: true,
    notes: [],
    event: {
      kind: 'monitoring',
      at,
      file: fileName(at, 'monitoring', name, status),
      event,
      from: `sagemaker:DescribeProcessingJob ${name} (${status}; time: its ${atField} ${isoMs(at)})`,
    },
  };
}

/** DescribeProcessingJob's times; the event carries them as epoch ms. */
const JOB_TIME_FIELDS = new Set(['CreationTime', 'LastModifiedTime', 'ProcessingStartTime', 'ProcessingEndTime']);

function epochMs(value: unknown): unknown {
  const ms = parseAwsTime(value as string | Date | undefined);
  return Number.isFinite(ms) ? ms : value;
}

interface HistoryState {
  stateValue: string;
  stateReason?: unknown;
  stateReasonData?: unknown;
  actionsSuppressedBy?: unknown;
  actionsSuppressedReason?: unknown;
}

type States = { ok: true; newState: HistoryState; oldState?: HistoryState; fromSummary?: string } | { ok: false; reason: string };

const isState = (v: unknown): v is string => typeof v === 'string' && (ALARM_STATES as readonly string[]).includes(v);

/**
 * Old and new state from HistoryData; when that is not JSON (CloudWatch caps it at 4,095
 * characters), the states alone from HistorySummary ("Alarm updated from OK to ALARM").
 */
function statesOf(item: Json): States {
  let data: unknown;
  try {
    data = JSON.parse(String(item.HistoryData));
  } catch (error) {
    const summary = /^Alarm updated from (\w+) to (\w+)$/.exec(String(item.HistorySummary ?? ''));
    if (summary && isState(summary[1]) && isState(summary[2])) {
      return {
        ok: true,
        newState: { stateValue: summary[2] },
        oldState: { stateValue: summary[1] },
        fromSummary: (error as Error).message,
      };
    }
    return { ok: false, reason: 'HistoryData is not JSON and HistorySummary names no states' };
  }
  const record = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
  const newState = record(record(data)?.newState);
  const oldState = record(record(data)?.oldState);
  if (!newState || !isState(newState.stateValue)) {
    return { ok: false, reason: `HistoryData has no newState.stateValue among ${ALARM_STATES.join(', ')}` };
  }
  return {
    ok: true,
    newState: newState as unknown as HistoryState,
    ...(oldState && isState(oldState.stateValue) ? { oldState: oldState as unknown as HistoryState } : {}),
  };
}

/** A state of the event from a state of HistoryData: reasonData goes back to a JSON string. */
function stateDetail(s: HistoryState): Json {
  const out: Json = {};
  // Copied when history holds them: whether it does for a suppressed composite is not documented.
  if (typeof s.actionsSuppressedBy === 'string') out.actionsSuppressedBy = s.actionsSuppressedBy;
  if (typeof s.actionsSuppressedReason === 'string') out.actionsSuppressedReason = s.actionsSuppressedReason;
  out.value = s.stateValue;
  if (typeof s.stateReason === 'string') out.reason = s.stateReason;
  if (s.stateReasonData !== undefined && s.stateReasonData !== null) {
    out.reasonData = typeof s.stateReasonData === 'string' ? s.stateReasonData : JSON.stringify(s.stateReasonData);
  }
  return out;
}

/**
 * The event's `configuration` from DescribeAlarms (today's definition). A single-metric alarm's
 * metric gets an `id` from CloudWatch in the event that nothing else records: left out.
 */
export function configurationOf(alarm: Json): Json | undefined {
  const out: Json = {};
  if (typeof alarm.AlarmDescription === 'string') out.description = alarm.AlarmDescription;
  if (typeof alarm.AlarmRule === 'string') {
    out.alarmRule = alarm.AlarmRule;
    for (const [from, to] of [
      ['ActionsSuppressor', 'actionsSuppressor'],
      ['ActionsSuppressorWaitPeriod', 'actionsSuppressorWaitPeriod'],
      ['ActionsSuppressorExtensionPeriod', 'actionsSuppressorExtensionPeriod'],
    ] as const) {
      if (alarm[from] !== undefined) out[to] = alarm[from];
    }
    return out;
  }
  if (Array.isArray(alarm.Metrics) && alarm.Metrics.length > 0) {
    out.metrics = (alarm.Metrics as Json[]).map((m) => {
      const entry: Json = {};
      if (typeof m.Id === 'string') entry.id = m.Id;
      if (typeof m.Expression === 'string') entry.expression = m.Expression;
      if (typeof m.Label === 'string') entry.label = m.Label;
      const stat = m.MetricStat as Json | undefined;
      if (stat) entry.metricStat = metricStat(stat.Metric as Json | undefined, stat.Period, stat.Stat);
      if (typeof m.ReturnData === 'boolean') entry.returnData = m.ReturnData;
      return entry;
    });
  } else if (typeof alarm.MetricName === 'string') {
    const metric = { Namespace: alarm.Namespace, MetricName: alarm.MetricName, Dimensions: alarm.Dimensions };
    out.metrics = [{ metricStat: metricStat(metric, alarm.Period, alarm.Statistic ?? alarm.ExtendedStatistic), returnData: true }];
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function metricStat(metric: Json | undefined, period: unknown, stat: unknown): Json {
  const out: Json = {};
  const m: Json = {};
  if (typeof metric?.Namespace === 'string') m.namespace = metric.Namespace;
  if (typeof metric?.MetricName === 'string') m.name = metric.MetricName;
  if (Array.isArray(metric?.Dimensions)) {
    m.dimensions = Object.fromEntries((metric.Dimensions as Json[]).map((d) => [String(d.Name), String(d.Value)]));
  }
  out.metric = m;
  if (typeof period === 'number') out.period = period;
  if (typeof stat === 'string') out.stat = stat;
  return out;
}

function arnParts(arn: string): { region: string; account: string } | undefined {
  const [, , , region, account] = arn.split(':');
  return region && account ? { region, account } : undefined;
}

/** CloudWatch's state timestamp: `2026-11-23T04:12:40.512+0000`. */
export function awsStateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '+0000');
}

/** EventBridge's `time`: to the second, `2026-11-23T04:12:40Z`. */
export function eventTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function isoMs(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * `20261123T041240.512Z-alarm-churn-prod-model-latency-ALARM.json`: the time first, so the
 * names sort in time order; no colons (not allowed in file names everywhere).
 */
export function fileName(at: number, kind: string, name: string, state: string): string {
  const stamp = new Date(at).toISOString().replace(/[-:]/g, '');
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120);
  return `${stamp}-${kind}-${safe}-${state}.json`;
}

/** A UUID-shaped id derived from the occurrence: a second capture writes the same files. */
function derivedId(key: string): string {
  const h = hash('sha256', `medic-capture|${key}`, 'hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((Number.parseInt(h[16] ?? '0', 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
