/**
 * A composite alarm carries no metrics: its endpoint comes from the child alarms that
 * triggered it (reasonData), or that its rule names, looked up with DescribeAlarms.
 * Nested composites are followed a few levels deep.
 */
import type { AwsReader, CompositeAlarm, MetricAlarm } from '../aws/ports.js';
import { alarmNamesInRule, endpointFromMetrics } from './alarm.js';
import type { AlarmSignal } from './types.js';

const MAX_DEPTH = 3;

export async function resolveCompositeTarget(signal: AlarmSignal, reader: AwsReader): Promise<AlarmSignal> {
  if (!signal.composite || signal.endpoint || !signal.triggeringAlarms?.length) return signal;
  const target = await findTarget(signal.triggeringAlarms, reader, 0);
  if (!target.endpoint) {
    return { ...signal, notes: [...(signal.notes ?? []), `no endpoint found among child alarms ${signal.triggeringAlarms.join(', ')}`] };
  }
  const resolved: AlarmSignal = { ...signal, endpoint: target.endpoint };
  if (target.variant) resolved.variant = target.variant;
  if (!resolved.metric && target.metric) resolved.metric = target.metric;
  if (!resolved.namespace && target.namespace) resolved.namespace = target.namespace;
  return resolved;
}

interface Target {
  endpoint?: string;
  variant?: string;
  metric?: string;
  namespace?: string;
}

async function findTarget(names: string[], reader: AwsReader, depth: number): Promise<Target> {
  if (depth >= MAX_DEPTH || names.length === 0) return {};
  const alarms = await reader.describeAlarms(names);
  // Keep the order the children were named in: the first triggering child wins.
  const byName = new Map(alarms.map((a) => [a.AlarmName, a]));
  for (const name of names) {
    const alarm = byName.get(name);
    if (!alarm) continue;
    if (isComposite(alarm)) {
      const nested = await findTarget(alarmNamesInRule(alarm.AlarmRule ?? ''), reader, depth + 1);
      if (nested.endpoint) return nested;
      continue;
    }
    const target = targetOfMetricAlarm(alarm);
    if (target.endpoint) return target;
  }
  return {};
}

function isComposite(alarm: MetricAlarm | CompositeAlarm): alarm is CompositeAlarm {
  return 'AlarmRule' in alarm && typeof alarm.AlarmRule === 'string';
}

function targetOfMetricAlarm(alarm: MetricAlarm): Target {
  const metrics: Array<{ dimensions: Record<string, string>; name?: string; namespace?: string }> = [];
  if (alarm.Dimensions?.length) {
    metrics.push({ dimensions: dimensionsToRecord(alarm.Dimensions), name: alarm.MetricName, namespace: alarm.Namespace });
  }
  for (const m of alarm.Metrics ?? []) {
    const metric = m.MetricStat?.Metric;
    if (metric)
      metrics.push({ dimensions: dimensionsToRecord(metric.Dimensions ?? []), name: metric.MetricName, namespace: metric.Namespace });
  }
  const target: Target = endpointFromMetrics(metrics);
  const first = metrics.find((m) => m.name);
  if (first?.name) target.metric = first.name;
  if (first?.namespace) target.namespace = first.namespace;
  return target;
}

function dimensionsToRecord(dimensions: Array<{ Name?: string; Value?: string }>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of dimensions) if (d.Name && d.Value !== undefined) out[d.Name] = d.Value;
  return out;
}
