import { describe, expect, it } from 'vitest';
import type { AwsReader, DescribeProcessingJobResponse } from '../../shared/aws/ports.js';
import { compileRunbook, decide } from '../../shared/runbook/index.js';
import { loadRunbookFile } from '../../shared/runbook/load.js';
import { violationsFromReport } from '../../shared/signals/monitoring.js';
import { normalizeEvent } from '../../shared/signals/normalize.js';
import type { MonitoringSignal } from '../../shared/signals/types.js';
import { RUNBOOK, recordedReader, sample, withDetail } from '../support/samples.js';

async function monitoringSignal(event: unknown, reader: AwsReader = recordedReader()): Promise<MonitoringSignal> {
  const normalized = await normalizeEvent(event, reader);
  if (normalized.type !== 'signal' || normalized.signal.kind !== 'monitoring') {
    throw new Error(`not a monitoring signal: ${JSON.stringify(normalized)}`);
  }
  return normalized.signal;
}

async function ignoredReason(event: unknown): Promise<string> {
  const normalized = await normalizeEvent(event, recordedReader());
  if (normalized.type !== 'ignored') throw new Error(`not ignored: ${JSON.stringify(normalized)}`);
  return normalized.reason;
}

/** A reader that counts DescribeProcessingJob calls. */
function countingReader(): AwsReader & { describes: string[] } {
  const base = recordedReader();
  const describes: string[] = [];
  return Object.assign(Object.create(base) as AwsReader, {
    describes,
    describeProcessingJob: (name: string) => {
      describes.push(name);
      return base.describeProcessingJob(name);
    },
  });
}

describe('monitoring signals', () => {
  it('data quality with violations: type, schedule, endpoint and the violations from S3', async () => {
    const s = await monitoringSignal(sample('20-'));
    expect(s).toMatchObject({
      kind: 'monitoring',
      status: 'CompletedWithViolations',
      monitoringType: 'DataQuality',
      schedule: 'churn-prod-data-quality',
      endpoint: 'churn-prod',
    });
    expect(s.violations).toHaveLength(3);
    expect(s.violations.every((v) => v.check === 'baseline_drift_check')).toBe(true);
    expect(s.violations.map((v) => v.feature)).toEqual(['tenure', 'monthly_charges', 'contract_type']);
    expect(s.key).toBe(`${s.jobArn}|CompletedWithViolations`);
  });

  it('a recognised event needs no DescribeProcessingJob', async () => {
    const reader = countingReader();
    await monitoringSignal(sample('20-'), reader);
    expect(reader.describes).toEqual([]);
  });

  it('schema-only violations keep their check types', async () => {
    const s = await monitoringSignal(sample('21-'));
    expect(new Set(s.violations.map((v) => v.check))).toEqual(new Set(['data_type_check', 'completeness_check']));
  });

  it.each([
    ['22-', 'ModelQuality'],
    ['23-', 'ModelBias'],
    ['24-', 'ModelExplainability'],
  ])('%s: monitoring type from the job-name prefix', async (prefix, type) => {
    const s = await monitoringSignal(sample(prefix));
    expect(s.monitoringType).toBe(type);
    expect(s.violations.length).toBeGreaterThan(0);
  });

  it('model quality violations carry the metric name', async () => {
    const s = await monitoringSignal(sample('22-'));
    expect(s.violations.map((v) => v.metric).sort()).toEqual(['accuracy', 'f1']);
  });

  it('a clean run is Completed with no violations and no S3 read needed', async () => {
    const s = await monitoringSignal(sample('25-'));
    expect(s).toMatchObject({ status: 'Completed', violations: [] });
  });

  it('a failed job carries its failure reason', async () => {
    const s = await monitoringSignal(sample('26-'));
    expect(s.status).toBe('Failed');
    expect(s.failureReason).toBeTruthy();
  });

  it('a stopped job is a Stopped signal', async () => {
    expect((await monitoringSignal(sample('33-'))).status).toBe('Stopped');
  });

  it('an event that lacks schedule, environment and prefix is completed by DescribeProcessingJob', async () => {
    const reader = countingReader();
    const s = await monitoringSignal(sample('27-'), reader);
    expect(reader.describes).toHaveLength(1);
    expect(s).toMatchObject({ endpoint: 'churn-prod', monitoringType: 'DataQuality', status: 'CompletedWithViolations' });
    expect(s.violations.filter((v) => v.check === 'baseline_drift_check')).toHaveLength(2);
  });

  /** Sample 20 as a trimmed event would bring it: the job name alone, no Environment, no schedule. */
  const knownByPrefixOnly = () =>
    withDetail(sample('20-'), (d) => {
      d.Environment = undefined;
      d.MonitoringScheduleArn = undefined;
    });

  it('a monitoring job known only by its name prefix is described, so its endpoint rules match', async () => {
    const reader = countingReader();
    const s = await monitoringSignal(knownByPrefixOnly(), reader);
    expect(reader.describes).toEqual(['model-monitoring-202611230400-7c1e9a42']);
    expect(s).toMatchObject({ endpoint: 'churn-prod', schedule: 'churn-prod-data-quality', monitoringType: 'DataQuality' });
    const runbook = compileRunbook(loadRunbookFile(RUNBOOK, {}));
    expect(decide(runbook, s).matches.map((r) => r.id)).toEqual(['churn-drift-retrain']);
  });

  it('a described job without the endpoint in its Environment names it by its data-capture input', async () => {
    const base = recordedReader();
    const described = {
      ...(await base.describeProcessingJob('model-monitoring-202611230400-7c1e9a42')),
      Environment: {},
    } as DescribeProcessingJobResponse;
    const reader = Object.assign(Object.create(base) as AwsReader, { describeProcessingJob: async () => described });
    expect((await monitoringSignal(knownByPrefixOnly(), reader)).endpoint).toBe('churn-prod');
  });

  it.each([
    ['28-', /baselining job/],
    ['29-', /ground-truth merge job/],
    ['30-', /not a Model Monitor execution/],
    ['31-', /InProgress: not a terminal state/],
  ])('%s is ignored with a reason', async (prefix, reason) => {
    expect(await ignoredReason(sample(prefix))).toMatch(reason);
  });

  it('the duplicate delivery has another event id but the same signal key', async () => {
    const first = await monitoringSignal(sample('20-'));
    const again = await monitoringSignal(sample('32-'));
    expect(again.eventId).not.toBe(first.eventId);
    expect(again.key).toBe(first.key);
  });

  it('a missing violations report degrades to no violations with a note', async () => {
    const event = withDetail(sample('20-'), (d) => {
      const out = (d.ProcessingOutputConfig as { Outputs: Array<{ S3Output: { S3Uri: string } }> }).Outputs[0];
      if (out) out.S3Output.S3Uri = 's3://nowhere/missing';
    });
    const s = await monitoringSignal(event);
    expect(s.violations).toEqual([]);
    expect(s.notes).toEqual(['violations report not found at s3://nowhere/missing/constraint_violations.json']);
  });

  it('a missing job status is invalid input', async () => {
    const event = withDetail(sample('20-'), (d) => {
      d.ProcessingJobStatus = undefined;
    });
    await expect(normalizeEvent(event, recordedReader())).rejects.toThrow(
      'processing job event: detail.ProcessingJobStatus: missing ProcessingJobStatus',
    );
  });

  it('reads the four report formats', () => {
    expect(
      violationsFromReport({
        violations: [
          { feature_name: 'age', constraint_check_type: 'baseline_drift_check', description: 'drift 0.4' },
          { metric_name: 'f1', constraint_check_type: 'LessThanThreshold', description: 'f1 low' },
          { facet: 'gender', facet_value: 'F', metric_name: 'CI', constraint_check_type: 'bias_drift_check', description: 'bias' },
          { feature: 'income', constraint_check_type: 'attribution_drift_check', description: 'attr' },
          'garbage',
        ],
      }),
    ).toEqual([
      { check: 'baseline_drift_check', feature: 'age', description: 'drift 0.4' },
      { check: 'LessThanThreshold', metric: 'f1', description: 'f1 low' },
      { check: 'bias_drift_check', feature: 'gender', metric: 'CI', description: 'bias' },
      { check: 'attribution_drift_check', feature: 'income', description: 'attr' },
    ]);
    expect(violationsFromReport(null)).toEqual([]);
    expect(violationsFromReport({ violations: 'no' })).toEqual([]);
  });
});
