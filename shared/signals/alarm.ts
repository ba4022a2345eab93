/**
 * CloudWatch Alarm State Change -> AlarmSignal. Handles single-metric, metric-math,
 * anomaly-band and composite alarms. reasonData is a JSON *string* that may be absent or
 * unparseable: we degrade (note it, leave breach/value unset) rather than fail.
 */
import type { Envelope } from './envelope.js';
import {
  checked,
  object,
  oneOf,
  optionalArray,
  optionalBoolean,
  optionalNumber,
  optionalObject,
  optionalRecord,
  optionalString,
  ROOT,
  string,
} from './shape.js';
import { ALARM_STATES, type AlarmSignal, type AlarmState, type Breach, type MetricRef } from './types.js';

/** The fields of the alarm detail we read, checked in the order CloudWatch documents them. */
interface StateDetail {
  value: AlarmState;
  reason?: string;
  reasonData?: unknown;
  timestamp: string;
  actionsSuppressedBy?: string;
}

interface MetricEntry {
  id?: string;
  expression?: string;
  label?: string;
  returnData?: boolean;
  metricStat?: {
    metric: { namespace?: string; name?: string; dimensions?: Record<string, string> };
    period?: number;
    stat?: string;
  };
}

interface AlarmDetail {
  alarmName: string;
  state: StateDetail;
  previousState?: Partial<StateDetail>;
  configuration?: { description?: string; metrics?: MetricEntry[]; alarmRule?: string };
}

type Path = ReadonlyArray<string | number>;

const STATE_PATH: Path = ['state'];
const PREVIOUS_STATE_PATH: Path = ['previousState'];
const CONFIGURATION_PATH: Path = ['configuration'];

const stateValueMessage = (value: unknown) => `expected one of ${ALARM_STATES.join(', ')}, got ${JSON.stringify(value)}`;

function readState(raw: unknown, path: Path): StateDetail {
  const s = object(raw, path);
  const value = oneOf(s.value, ALARM_STATES, path, 'value', stateValueMessage);
  const reason = optionalString(s.reason, path, 'reason');
  const timestamp = string(s.timestamp, path, 'timestamp', 'missing state timestamp');
  const actionsSuppressedBy = optionalString(s.actionsSuppressedBy, path, 'actionsSuppressedBy');
  optionalString(s.actionsSuppressedReason, path, 'actionsSuppressedReason');
  return { value, reason, reasonData: s.reasonData, timestamp, actionsSuppressedBy };
}

/** The previous state: every field optional, but a field that is there has the right shape. */
function readPreviousState(raw: unknown, path: Path): Partial<StateDetail> | undefined {
  const s = optionalObject(raw, path);
  if (!s) return undefined;
  const value = s.value === undefined ? undefined : oneOf(s.value, ALARM_STATES, path, 'value', stateValueMessage);
  optionalString(s.reason, path, 'reason');
  const timestamp = s.timestamp === undefined ? undefined : string(s.timestamp, path, 'timestamp', 'missing state timestamp');
  optionalString(s.actionsSuppressedBy, path, 'actionsSuppressedBy');
  optionalString(s.actionsSuppressedReason, path, 'actionsSuppressedReason');
  return { value, timestamp };
}

function readMetricEntry(raw: unknown, path: Path): MetricEntry {
  const m = object(raw, path);
  const entry: MetricEntry = {
    id: optionalString(m.id, path, 'id'),
    expression: optionalString(m.expression, path, 'expression'),
    label: optionalString(m.label, path, 'label'),
    returnData: optionalBoolean(m.returnData, path, 'returnData'),
  };
  const stat = optionalObject(m.metricStat, path, 'metricStat');
  if (stat) {
    const statPath = [...path, 'metricStat'];
    const metricPath = [...statPath, 'metric'];
    const metric = object(stat.metric, metricPath);
    entry.metricStat = {
      metric: {
        namespace: optionalString(metric.namespace, metricPath, 'namespace'),
        name: optionalString(metric.name, metricPath, 'name'),
        // CloudWatch's dimension values are strings; anything else is refused here, at its path
        // (String() of an object whose toString is not a function would throw a TypeError later).
        dimensions: optionalRecord(metric.dimensions, metricPath, 'dimensions', (v, p, k) => string(v, p, k)),
      },
      period: optionalNumber(stat.period, statPath, 'period'),
      stat: optionalString(stat.stat, statPath, 'stat'),
    };
  }
  return entry;
}

function readAlarmDetail(raw: unknown): AlarmDetail {
  const d = object(raw, []);
  const detail: AlarmDetail = {
    alarmName: string(d.alarmName, ROOT, 'alarmName', 'missing alarmName'),
    state: readState(d.state, STATE_PATH),
  };
  const previousState = readPreviousState(d.previousState, PREVIOUS_STATE_PATH);
  if (previousState) detail.previousState = previousState;
  const c = optionalObject(d.configuration, ROOT, 'configuration');
  if (c) {
    optionalString(c.description, CONFIGURATION_PATH, 'description');
    detail.configuration = {
      metrics: optionalArray(c.metrics, CONFIGURATION_PATH, 'metrics', readMetricEntry),
      alarmRule: optionalString(c.alarmRule, CONFIGURATION_PATH, 'alarmRule'),
    };
  }
  return detail;
}

/** The parts of reasonData we use; everything else is ignored. */
interface ReasonData {
  threshold?: number;
  recentDatapoints?: number[];
  recentUpperThresholds?: number[];
  recentLowerThresholds?: number[];
  triggeringAlarms?: Array<{ arn?: string; state?: { value?: string } }>;
}

export function parseAlarmEvent(envelope: Envelope): AlarmSignal {
  const detail = checked('alarm event: ', 'detail', () => readAlarmDetail(envelope.detail));
  const notes: string[] = [];

  const alarmArn =
    envelope.resources.find((r) => r.includes(':alarm:')) ??
    `arn:aws:cloudwatch:${envelope.region}:${envelope.account}:alarm:${detail.alarmName}`;
  const state = detail.state.value;
  const composite = detail.configuration?.alarmRule !== undefined;
  const metrics = (detail.configuration?.metrics ?? []).map(toMetricRef);
  const primary = metrics.find((m) => m.name !== undefined);
  const reasonData = readReasonData(detail.state.reasonData, notes);

  const signal: AlarmSignal = {
    kind: 'alarm',
    key: `${alarmArn}|${state}|${detail.state.timestamp}`,
    source: envelope.source,
    eventId: envelope.id,
    time: envelope.time,
    account: envelope.account,
    region: envelope.region,
    alarm: detail.alarmName,
    alarmArn,
    composite,
    state,
    stateTimestamp: detail.state.timestamp,
    metrics,
  };
  const previous = detail.previousState?.value;
  if (previous) signal.previousState = previous;
  if (detail.previousState?.timestamp) signal.previousStateTimestamp = detail.previousState.timestamp;
  if (detail.state.reason) signal.reason = detail.state.reason;
  if (primary?.namespace) signal.namespace = primary.namespace;
  if (primary?.name) signal.metric = primary.name;
  if (detail.state.actionsSuppressedBy) signal.actionsSuppressedBy = detail.state.actionsSuppressedBy;

  const target = endpointFromMetrics(metrics);
  if (target.endpoint) signal.endpoint = target.endpoint;
  if (target.variant) signal.variant = target.variant;

  if (reasonData) {
    const value = last(reasonData.recentDatapoints);
    if (value !== undefined) signal.value = value;
    if (typeof reasonData.threshold === 'number') signal.threshold = reasonData.threshold;
    const breach = breachFrom(reasonData, value, state);
    if (breach) signal.breach = breach;
    const children = (reasonData.triggeringAlarms ?? []).map((t) => t.arn).filter((a): a is string => !!a);
    if (children.length > 0) signal.triggeringAlarms = children.map(alarmNameFromArn);
  }
  if (composite && !signal.triggeringAlarms) {
    // No triggering children in reasonData: the rule names the candidates.
    const named = alarmNamesInRule(detail.configuration?.alarmRule ?? '');
    if (named.length > 0) signal.triggeringAlarms = named;
  }
  if (notes.length > 0) signal.notes = notes;
  return signal;
}

function toMetricRef(entry: MetricEntry): MetricRef {
  const ref: MetricRef = { dimensions: {} };
  if (entry.id) ref.id = entry.id;
  if (entry.expression) ref.expression = entry.expression;
  if (entry.label) ref.label = entry.label;
  if (entry.returnData !== undefined) ref.returnData = entry.returnData;
  const stat = entry.metricStat;
  if (stat) {
    if (stat.metric.namespace) ref.namespace = stat.metric.namespace;
    if (stat.metric.name) ref.name = stat.metric.name;
    for (const [k, v] of Object.entries(stat.metric.dimensions ?? {})) ref.dimensions[k] = v;
    if (stat.stat) ref.stat = stat.stat;
    if (stat.period !== undefined) ref.period = stat.period;
  }
  return ref;
}

/**
 * Endpoint metrics use EndpointName/VariantName; Model Monitor metrics use Endpoint.
 * Also used for the children of a composite alarm (from DescribeAlarms).
 */
export function endpointFromMetrics(metrics: Array<{ dimensions: Record<string, string> }>): {
  endpoint?: string;
  variant?: string;
} {
  for (const m of metrics) {
    const endpoint = m.dimensions.EndpointName ?? m.dimensions.Endpoint;
    if (endpoint) {
      const variant = m.dimensions.VariantName;
      return variant ? { endpoint, variant } : { endpoint };
    }
  }
  return {};
}

function readReasonData(raw: unknown, notes: string[]): ReasonData | undefined {
  if (raw === undefined || raw === null || raw === '') {
    notes.push('reasonData absent: breach direction and value unknown');
    return undefined;
  }
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      notes.push('reasonData is not valid JSON: breach direction and value unknown');
      return undefined;
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    notes.push('reasonData is not a JSON object: breach direction and value unknown');
    return undefined;
  }
  const data = value as Record<string, unknown>;
  const out: ReasonData = {};
  if (typeof data.threshold === 'number') out.threshold = data.threshold;
  const numbers = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : undefined);
  const recent = numbers(data.recentDatapoints);
  if (recent) out.recentDatapoints = recent;
  const upper = numbers(data.recentUpperThresholds);
  if (upper) out.recentUpperThresholds = upper;
  const lower = numbers(data.recentLowerThresholds);
  if (lower) out.recentLowerThresholds = lower;
  if (Array.isArray(data.triggeringAlarms)) out.triggeringAlarms = data.triggeringAlarms as ReasonData['triggeringAlarms'];
  return out;
}

/**
 * The event carries no comparison operator, so the direction is read off the numbers: the
 * anomaly band when there is one, otherwise the latest datapoint against the threshold.
 * Only an ALARM state says the datapoint breached; in OK the same numbers mean the opposite.
 */
function breachFrom(data: ReasonData, value: number | undefined, state: string): Breach | undefined {
  if (state !== 'ALARM' || value === undefined) return undefined;
  const upper = last(data.recentUpperThresholds);
  const lower = last(data.recentLowerThresholds);
  if (upper !== undefined || lower !== undefined) {
    if (upper !== undefined && value > upper) return 'above';
    if (lower !== undefined && value < lower) return 'below';
    return undefined;
  }
  if (data.threshold === undefined || value === data.threshold) return undefined;
  return value > data.threshold ? 'above' : 'below';
}

function last(values: number[] | undefined): number | undefined {
  return values && values.length > 0 ? values[values.length - 1] : undefined;
}

export function alarmNameFromArn(arn: string): string {
  const at = arn.indexOf(':alarm:');
  return at === -1 ? arn : arn.slice(at + ':alarm:'.length);
}

/** ALARM("name"), ALARM(name), OK(...), INSUFFICIENT_DATA(...) references in a composite rule. */
export function alarmNamesInRule(rule: string): string[] {
  const names = new Set<string>();
  for (const m of rule.matchAll(/\b(?:ALARM|OK|INSUFFICIENT_DATA)\(\s*("([^"]+)"|'([^']+)'|[^)\s]+)\s*\)/g)) {
    const name = m[2] ?? m[3] ?? m[1];
    if (name) names.add(alarmNameFromArn(name));
  }
  return [...names];
}
