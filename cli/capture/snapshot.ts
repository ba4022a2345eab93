/**
 * Builds a recorded AWS state (SPEC §5) for some endpoints from a CaptureSource: their
 * DescribeEndpoint output, the scalable targets of their variants, the alarms on them (metric
 * alarms with an EndpointName/Endpoint dimension naming one of them, and the composite alarms
 * built on those), the recent executions of the runbook's pipelines, and each endpoint's live
 * config as its config history. Dates become ISO strings, as JSON serialises an SDK response.
 */

import type { RecordedState } from '../../shared/aws/recorded.js';
import type { PipelineRef } from '../../shared/runbook/index.js';
import { alarmNamesInRule } from '../../shared/signals/alarm.js';
import type { CaptureSource } from './source.js';

type Json = Record<string, unknown>;

export interface CaptureResult {
  state: RecordedState;
  /** Endpoints that do not exist (nothing was recorded for them). */
  missing: string[];
  /** Things worth telling the operator, one line each. */
  notes: string[];
  counts: { endpoints: number; scalableTargets: number; alarms: number; pipelines: number };
}

export async function captureState(source: CaptureSource, endpoints: string[], pipelines: PipelineRef[]): Promise<CaptureResult> {
  const notes: string[] = [];
  const missing: string[] = [];
  const described: Record<string, Json> = {};
  for (const name of endpoints) {
    const endpoint = await source.describeEndpoint(name);
    if (endpoint) described[name] = plain(endpoint);
    else missing.push(name);
  }

  const resourceIds = Object.entries(described).flatMap(([name, e]) =>
    ((e.ProductionVariants as Json[] | undefined) ?? [])
      .map((v) => v.VariantName)
      .filter((v): v is string => typeof v === 'string')
      .map((variant) => `endpoint/${name}/variant/${variant}`),
  );
  const scalableTargets = resourceIds.length > 0 ? (await source.describeScalableTargets(resourceIds)).map(plain) : [];

  const { metricAlarms, compositeAlarms } = await source.describeAllAlarms();
  const names = new Set(Object.keys(described));
  const alarms = metricAlarms.filter((a) => alarmEndpoints(a).some((e) => names.has(e)));
  const included = new Set(alarms.map((a) => String(a.AlarmName)));
  // Composite alarms on included alarms, and composites of those, until nothing changes.
  for (let grew = true; grew; ) {
    grew = false;
    for (const composite of compositeAlarms) {
      const name = String(composite.AlarmName);
      if (included.has(name)) continue;
      if (alarmNamesInRule(String(composite.AlarmRule ?? '')).some((child) => included.has(child))) {
        included.add(name);
        alarms.push(composite);
        grew = true;
      }
    }
  }

  const sagemakerExecutions: Record<string, Json[]> = {};
  const codepipelineExecutions: Record<string, Json[]> = {};
  for (const pipeline of uniqueByName(pipelines)) {
    const runs =
      pipeline.type === 'sagemaker'
        ? await source.listSageMakerPipelineExecutions(pipeline.name)
        : await source.listCodePipelineExecutions(pipeline.name);
    if (runs === undefined) {
      notes.push(
        `${pipeline.type === 'sagemaker' ? 'SageMaker pipeline' : 'CodePipeline'} ${pipeline.name} does not exist: no executions recorded`,
      );
      continue;
    }
    (pipeline.type === 'sagemaker' ? sagemakerExecutions : codepipelineExecutions)[pipeline.name] = runs.map(plain);
  }

  const history: Record<string, string[]> = {};
  for (const [name, e] of Object.entries(described)) {
    if (typeof e.EndpointConfigName === 'string') history[name] = [e.EndpointConfigName];
  }
  if (Object.keys(history).length > 0) {
    notes.push(
      'only the live EndpointConfig is known from AWS: rollback needs the one before it (capture with --merge over an older snapshot, or add it to history.endpointConfigs)',
    );
  }

  const state: RecordedState = {
    sagemaker: { endpoints: described, pipelineExecutions: sagemakerExecutions },
    applicationAutoScaling: { scalableTargets },
    cloudwatch: { alarms: alarms.map(plain) },
    codepipeline: { pipelineExecutions: codepipelineExecutions },
    history: { endpointConfigs: history },
  };
  return {
    state,
    missing,
    notes,
    counts: {
      endpoints: Object.keys(described).length,
      scalableTargets: scalableTargets.length,
      alarms: alarms.length,
      pipelines: Object.keys(sagemakerExecutions).length + Object.keys(codepipelineExecutions).length,
    },
  };
}

/**
 * A new capture over an older snapshot: what was captured now replaces what it covers; the
 * rest (other endpoints, processing jobs, S3 objects) is kept; each endpoint's config history
 * grows when its live config changed.
 */
export function mergeStates(older: RecordedState, newer: RecordedState): RecordedState {
  const newEndpoints = newer.sagemaker?.endpoints ?? {};
  const newTargetIds = new Set((newer.applicationAutoScaling?.scalableTargets ?? []).map((t) => String(t.ResourceId)));
  const capturedPrefixes = Object.keys(newEndpoints).map((e) => `endpoint/${e}/variant/`);
  const newAlarmNames = new Set((newer.cloudwatch?.alarms ?? []).map((a) => String(a.AlarmName)));

  const history: Record<string, string[]> = { ...(older.history?.endpointConfigs ?? {}) };
  for (const [endpoint, configs] of Object.entries(newer.history?.endpointConfigs ?? {})) {
    const list = [...(history[endpoint] ?? [])];
    for (const config of configs) if (list[list.length - 1] !== config) list.push(config);
    history[endpoint] = list;
  }
  const merged: RecordedState = {
    sagemaker: {
      endpoints: { ...(older.sagemaker?.endpoints ?? {}), ...newEndpoints },
      ...(older.sagemaker?.processingJobs ? { processingJobs: older.sagemaker.processingJobs } : {}),
      pipelineExecutions: { ...(older.sagemaker?.pipelineExecutions ?? {}), ...(newer.sagemaker?.pipelineExecutions ?? {}) },
    },
    applicationAutoScaling: {
      scalableTargets: [
        ...(older.applicationAutoScaling?.scalableTargets ?? []).filter((t) => {
          const id = String(t.ResourceId);
          return !newTargetIds.has(id) && !capturedPrefixes.some((p) => id.startsWith(p));
        }),
        ...(newer.applicationAutoScaling?.scalableTargets ?? []),
      ],
    },
    cloudwatch: {
      alarms: [
        ...(older.cloudwatch?.alarms ?? []).filter((a) => !newAlarmNames.has(String(a.AlarmName))),
        ...(newer.cloudwatch?.alarms ?? []),
      ],
    },
    codepipeline: {
      pipelineExecutions: { ...(older.codepipeline?.pipelineExecutions ?? {}), ...(newer.codepipeline?.pipelineExecutions ?? {}) },
    },
    history: { endpointConfigs: history },
  };
  if (older.s3) merged.s3 = older.s3;
  return merged;
}

/** Endpoints a metric alarm watches: EndpointName (endpoint metrics) or Endpoint (Model Monitor). */
export function alarmEndpoints(alarm: Json): string[] {
  const found: string[] = [];
  const scan = (dimensions: unknown) => {
    if (!Array.isArray(dimensions)) return;
    for (const d of dimensions as Json[]) {
      if ((d.Name === 'EndpointName' || d.Name === 'Endpoint') && typeof d.Value === 'string') found.push(d.Value);
    }
  };
  scan(alarm.Dimensions);
  for (const metric of (alarm.Metrics as Json[] | undefined) ?? []) {
    scan(((metric.MetricStat as Json | undefined)?.Metric as Json | undefined)?.Dimensions);
  }
  return found;
}

function uniqueByName(pipelines: PipelineRef[]): PipelineRef[] {
  const seen = new Set<string>();
  return pipelines.filter((p) => {
    const key = `${p.type}:${p.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Plain JSON: Dates as ISO strings, no SDK $metadata. */
function plain(value: Json): Json {
  const { $metadata: _m, ...rest } = value;
  return JSON.parse(JSON.stringify(rest)) as Json;
}
