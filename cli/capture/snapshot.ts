/**
 * Builds a recorded AWS state (docs/cli.md, the recorded AWS state) for some endpoints from a CaptureSource: their
 * DescribeEndpoint output and their live EndpointConfig (what redeploy copies), the scalable targets of their variants, the alarms on them (metric
 * alarms with an EndpointName/Endpoint dimension naming one of them, and the composite alarms
 * built on those), the recent executions of the runbook's pipelines, their recent Model Monitor
 * executions with the violation reports those point at, and each endpoint's live config as its
 * config history. Dates become ISO strings, as JSON serialises an SDK response.
 *
 * A read that fails (AWS refuses it, or the API is not there) is named in `failures` and
 * everything else is still captured: one unreadable pipeline must not cost the whole snapshot.
 */

import type { RecordedState } from '../../shared/aws/recorded.js';
import type { PipelineRef } from '../../shared/runbook/index.js';
import { alarmNamesInRule } from '../../shared/signals/alarm.js';
import { mayBeMonitoringJob, monitoredEndpointOf } from '../../shared/signals/monitoring.js';
import type { CaptureSource } from './source.js';

type Json = Record<string, unknown>;

export interface CaptureResult {
  state: RecordedState;
  /** Endpoints that do not exist (nothing was recorded for them). */
  missing: string[];
  /** Things worth telling the operator, one line each. */
  notes: string[];
  /** Reads that failed, one line each naming the call and AWS's answer; the rest was captured. */
  failures: string[];
  counts: {
    endpoints: number;
    scalableTargets: number;
    alarms: number;
    pipelines: number;
    processingJobs: number;
    reports: number;
  };
}

export interface CaptureWindow {
  /** Monitoring executions created at or after this time (epoch ms) are recorded. */
  since: number;
}

export async function captureState(
  source: CaptureSource,
  endpoints: string[],
  pipelines: PipelineRef[],
  window: CaptureWindow,
): Promise<CaptureResult> {
  const notes: string[] = [];
  const missing: string[] = [];
  const failures: string[] = [];
  /** One read; a failure is recorded and the capture goes on without that part. */
  const attempt = async <T>(read: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> => {
    try {
      return { ok: true, value: await read() };
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
      return { ok: false };
    }
  };

  const described: Record<string, Json> = {};
  for (const name of endpoints) {
    const endpoint = await attempt(() => source.describeEndpoint(name));
    if (!endpoint.ok) continue;
    if (endpoint.value) described[name] = plain(endpoint.value);
    else missing.push(name);
  }

  // The live EndpointConfig of each endpoint: what redeploy copies.
  const endpointConfigs: Record<string, Json> = {};
  for (const config of new Set(Object.values(described).map((e) => e.EndpointConfigName))) {
    if (typeof config !== 'string') continue;
    const read = await attempt(() => source.describeEndpointConfig(config));
    if (!read.ok) continue;
    if (read.value) endpointConfigs[config] = plain(read.value);
    else notes.push(`EndpointConfig ${config} does not exist (deleted while its endpoint runs on it): redeploy cannot copy it`);
  }

  const resourceIds = Object.entries(described).flatMap(([name, e]) =>
    ((e.ProductionVariants as Json[] | undefined) ?? [])
      .map((v) => v.VariantName)
      .filter((v): v is string => typeof v === 'string')
      .map((variant) => `endpoint/${name}/variant/${variant}`),
  );
  const targets = resourceIds.length > 0 ? await attempt(() => source.describeScalableTargets(resourceIds)) : undefined;
  const scalableTargets = targets?.ok ? targets.value.map(plain) : [];

  const allAlarms = await attempt(() => source.describeAllAlarms());
  const { metricAlarms, compositeAlarms } = allAlarms.ok ? allAlarms.value : { metricAlarms: [], compositeAlarms: [] };
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
    const read = await attempt(() =>
      pipeline.type === 'sagemaker'
        ? source.listSageMakerPipelineExecutions(pipeline.name)
        : source.listCodePipelineExecutions(pipeline.name),
    );
    if (!read.ok) continue;
    const runs = read.value;
    if (runs === undefined) {
      notes.push(
        `${pipeline.type === 'sagemaker' ? 'SageMaker pipeline' : 'CodePipeline'} ${pipeline.name} does not exist: no executions recorded`,
      );
      continue;
    }
    (pipeline.type === 'sagemaker' ? sagemakerExecutions : codepipelineExecutions)[pipeline.name] = runs.map(plain);
  }

  const monitoring = await captureMonitoring(source, new Set(Object.keys(described)), window, attempt);

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
    sagemaker: { endpoints: described, endpointConfigs, processingJobs: monitoring.jobs, pipelineExecutions: sagemakerExecutions },
    applicationAutoScaling: { scalableTargets },
    cloudwatch: { alarms: alarms.map(plain) },
    codepipeline: { pipelineExecutions: codepipelineExecutions },
    s3: monitoring.reports,
    history: { endpointConfigs: history },
  };
  return {
    state,
    missing,
    notes,
    failures,
    counts: {
      processingJobs: Object.keys(monitoring.jobs).length,
      reports: Object.keys(monitoring.reports).length,
      endpoints: Object.keys(described).length,
      scalableTargets: scalableTargets.length,
      alarms: alarms.length,
      pipelines: Object.keys(sagemakerExecutions).length + Object.keys(codepipelineExecutions).length,
    },
  };
}

const TERMINAL_JOB_STATUSES = new Set(['Completed', 'Failed', 'Stopped']);

/**
 * The endpoints' Model Monitor executions in the window (terminal ones: what a monitoring event
 * reports) and, for those that found violations, constraint_violations.json inlined under its
 * S3 URI, exactly where a monitoring replay looks for it.
 */
async function captureMonitoring(
  source: CaptureSource,
  endpoints: Set<string>,
  window: CaptureWindow,
  attempt: <T>(read: () => Promise<T>) => Promise<{ ok: true; value: T } | { ok: false }>,
): Promise<{ jobs: Record<string, Json>; reports: Record<string, unknown> }> {
  const jobs: Record<string, Json> = {};
  const reports: Record<string, unknown> = {};
  if (endpoints.size === 0) return { jobs, reports };
  const listed = await attempt(() => source.listProcessingJobs(window.since));
  if (!listed.ok) return { jobs, reports };
  for (const summary of listed.value) {
    const name = String(summary.ProcessingJobName ?? '');
    if (!mayBeMonitoringJob(name) || !TERMINAL_JOB_STATUSES.has(String(summary.ProcessingJobStatus))) continue;
    const described = await attempt(() => source.describeProcessingJob(name));
    if (!described.ok || !described.value) continue;
    const job = plain(described.value);
    // A monitoring execution names its endpoint (environment or data-capture input); a
    // feature-engineering job or anything else of the account's does not.
    const endpoint = monitoredEndpointOf(job as Parameters<typeof monitoredEndpointOf>[0]);
    if (!endpoint || !endpoints.has(endpoint)) continue;
    jobs[name] = job;
    // A completed execution may have found violations (ExitMessage says so; not every API
    // answer carries it): its report is read when it exists.
    if (job.ProcessingJobStatus !== 'Completed') continue;
    const outputs = ((job.ProcessingOutputConfig as Json | undefined)?.Outputs as Json[] | undefined) ?? [];
    const output = outputs.map((o) => (o.S3Output as Json | undefined)?.S3Uri).find((u): u is string => typeof u === 'string');
    if (!output) continue;
    const uri = `${output.replace(/\/+$/, '')}/constraint_violations.json`;
    const report = await attempt(async () => {
      const text = await source.getObjectText(uri);
      if (text === undefined) return undefined;
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        throw new Error(`s3:GetObject on ${uri}: the report is not valid JSON (${(error as Error).message})`);
      }
    });
    if (report.ok && report.value !== undefined) reports[uri] = report.value;
  }
  return { jobs, reports };
}

/**
 * A new capture over an older snapshot: what was captured now replaces what it covers; the
 * rest (other endpoints, older processing jobs and S3 objects) is kept; each endpoint's config history
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
      endpointConfigs: { ...(older.sagemaker?.endpointConfigs ?? {}), ...(newer.sagemaker?.endpointConfigs ?? {}) },
      processingJobs: { ...(older.sagemaker?.processingJobs ?? {}), ...(newer.sagemaker?.processingJobs ?? {}) },
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
  if (older.s3 || newer.s3) merged.s3 = { ...(older.s3 ?? {}), ...(newer.s3 ?? {}) };
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
