/**
 * medic generate-event: whatever the options, the output is an EventBridge event that the
 * engine's normalizeEvent turns into a valid signal (or endpoint state change) carrying those
 * options (property-based with fast-check).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordedAwsReader } from '../../shared/aws/recorded.js';
import { normalizeEvent } from '../../shared/signals/normalize.js';
import { ALARM_STATES, MONITORING_STATUSES, MONITORING_TYPES } from '../../shared/signals/types.js';
import { runBuiltCli } from '../support/built-cli.js';
import { runCli } from '../support/cli.js';
import { recordedReader } from '../support/samples.js';

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/);
const time = fc
  .integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2030-12-31T00:00:00Z') })
  .map((ms) => new Date(ms).toISOString());
/** The spelling given -> DescribeEndpoint's spelling, which the engine uses. */
const API_SPELLING: Record<string, string> = {
  IN_SERVICE: 'InService',
  InService: 'InService',
  UPDATING: 'Updating',
  Updating: 'Updating',
  FAILED: 'Failed',
  SystemUpdating: 'SystemUpdating',
  ROLLING_BACK: 'RollingBack',
};
const METRICS = [
  'ModelLatency',
  'OverheadLatency',
  'CPUUtilization',
  'GPUUtilization',
  'MemoryUtilization',
  'Invocation5XXErrors',
  'Invocation4XXErrors',
  'Invocations',
];

async function generate(args: string[]): Promise<unknown> {
  const { code, stdout, stderr } = await runCli(['generate-event', ...args]);
  expect(stderr.filter((l) => !l.startsWith('wrote ') && !l.startsWith('note: the violations report is in S3'))).toEqual([]);
  expect(code).toBe(0);
  return JSON.parse(stdout.join('\n'));
}

describe('medic generate-event', () => {
  it('alarm: any endpoint, variant, metric, state, value and threshold normalize into that alarm signal', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          endpoint: name,
          variant: name,
          metric: fc.constantFrom(...METRICS),
          state: fc.constantFrom(...ALARM_STATES),
          value: fc.option(fc.double({ min: 0, max: 1e7, noNaN: true }), { nil: undefined }),
          threshold: fc.option(fc.double({ min: 0.001, max: 1e7, noNaN: true }), { nil: undefined }),
          time,
        }),
        async (o) => {
          const args = [
            'alarm',
            '--endpoint',
            o.endpoint,
            '--variant',
            o.variant,
            '--metric',
            o.metric,
            '--state',
            o.state,
            '--time',
            o.time,
          ];
          if (o.value !== undefined) args.push('--value', String(o.value));
          if (o.threshold !== undefined) args.push('--threshold', String(o.threshold));
          const normalized = await normalizeEvent(await generate(args), recordedReader());
          expect(normalized.type).toBe('signal');
          if (normalized.type !== 'signal' || normalized.signal.kind !== 'alarm') throw new Error('not an alarm signal');
          const s = normalized.signal;
          expect(s).toMatchObject({
            kind: 'alarm',
            endpoint: o.endpoint,
            variant: o.variant,
            metric: o.metric,
            state: o.state,
            composite: false,
          });
          expect(s.notes).toBeUndefined();
          expect(s.time).toBe(o.time.replace(/\.\d{3}Z$/, 'Z'));
          if (o.threshold !== undefined) expect(s.threshold).toBe(o.threshold);
          if (o.state === 'ALARM' && o.value !== undefined) {
            expect(s.value).toBe(o.value);
            const t = s.threshold as number;
            expect(s.breach).toBe(o.value > t ? 'above' : o.value < t ? 'below' : undefined);
          }
          if (o.state === 'ALARM' && o.value === undefined) expect(s.breach).toBe('above');
        },
      ),
      { numRuns: 60 },
    );
  });

  it('monitoring: any type, status and violation count normalize into that monitoring signal, violations included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medic-generate-'));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          endpoint: name,
          type: fc.constantFrom(...MONITORING_TYPES),
          status: fc.constantFrom(...MONITORING_STATUSES),
          violations: fc.integer({ min: 1, max: 30 }),
          check: fc.option(fc.constantFrom('baseline_drift_check', 'data_type_check', 'completeness_check'), { nil: undefined }),
          time,
        }),
        async (o) => {
          const withViolations = o.status === 'CompletedWithViolations';
          const state = join(dir, `state-${n++}.json`);
          const args = [
            'monitoring',
            '--endpoint',
            o.endpoint,
            '--type',
            o.type,
            '--status',
            o.status,
            '--time',
            o.time,
            '--aws-state-out',
            state,
          ];
          if (withViolations) args.push('--violations', String(o.violations));
          if (withViolations && o.check) args.push('--check', o.check);
          const event = await generate(args);
          const normalized = await normalizeEvent(event, RecordedAwsReader.fromFile(state));
          if (normalized.type !== 'signal' || normalized.signal.kind !== 'monitoring')
            throw new Error(`not a monitoring signal: ${JSON.stringify(normalized)}`);
          const s = normalized.signal;
          expect(s).toMatchObject({ kind: 'monitoring', endpoint: o.endpoint, monitoringType: o.type, status: o.status });
          expect(s.violations).toHaveLength(withViolations ? o.violations : 0);
          if (withViolations && o.check) expect(new Set(s.violations.map((v) => v.check))).toEqual(new Set([o.check]));
          expect(s.notes).toBeUndefined();
        },
      ),
      { numRuns: 40 },
    );
  });

  it('endpoint-state: any status spelling normalizes into an endpoint state change with that config', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ endpoint: name, config: name, status: fc.constantFrom(...Object.keys(API_SPELLING)), time }),
        async (o) => {
          const event = await generate([
            'endpoint-state',
            '--endpoint',
            o.endpoint,
            '--config',
            o.config,
            '--status',
            o.status,
            '--time',
            o.time,
          ]);
          const normalized = await normalizeEvent(event, recordedReader());
          if (normalized.type !== 'endpoint-state') throw new Error('not an endpoint state change');
          expect(normalized.change).toMatchObject({ endpoint: o.endpoint, endpointConfig: o.config, status: API_SPELLING[o.status] });
        },
      ),
      { numRuns: 30 },
    );
  });

  it('with no options each kind is valid, deterministic for a given time, and what the runbook expects', async () => {
    const t = '2026-11-23T04:12:40Z';
    const alarm = await generate(['alarm', '--time', t]);
    expect(await generate(['alarm', '--time', t])).toEqual(alarm);
    expect(alarm).toMatchObject({
      'detail-type': 'CloudWatch Alarm State Change',
      source: 'aws.cloudwatch',
      time: t,
      account: '111122223333',
      region: 'us-east-1',
    });
    const explained = await runCli(['explain', await writeTemp(alarm)]);
    expect(explained.stdout.join('\n')).toMatch(/latency-scale-out\s+✓ match/);
    const monitoring = await generate(['monitoring', '--time', t]);
    expect((await normalizeEvent(monitoring, recordedReader())).type).toBe('signal');
    const endpoint = await generate(['endpoint-state', '--time', t]);
    expect((await normalizeEvent(endpoint, recordedReader())).type).toBe('endpoint-state');
  });

  it('a generated drift result with --aws-state-out replays into a retrain', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medic-generate-'));
    const event = join(dir, 'drift.json');
    const state = join(dir, 'state.json');
    const { code } = await runCli([
      'generate-event',
      'monitoring',
      '--endpoint',
      'churn-prod',
      '--violations',
      '3',
      '--time',
      '2026-11-23T08:15:00Z',
      '--out',
      event,
      '--aws-state-out',
      state,
    ]);
    expect(code).toBe(0);
    const replay = await runCli(['replay', event, '--aws-state', state, '--json']);
    const report = JSON.parse(replay.stdout[0] as string);
    expect(report.rule).toBe('churn-drift-retrain');
    expect(report.actions[0]).toMatchObject({ type: 'retrain', status: 'planned' });
    expect(JSON.parse(readFileSync(state, 'utf8')).sagemaker.endpoints['churn-prod']).toBeDefined();
  });

  it('ALARM -> ALARM is generated (a composite whose reason changed sends it)', async () => {
    const { code, stdout } = await runCli(['generate-event', 'alarm', '--previous-state', 'ALARM']);
    expect(code).toBe(0);
    const event = JSON.parse(stdout.join('\n')) as { detail: { state: { value: string }; previousState: { value: string } } };
    expect([event.detail.previousState.value, event.detail.state.value]).toEqual(['ALARM', 'ALARM']);
  });

  it('refuses wrong options with exit 2 and one line', async () => {
    for (const [args, message] of [
      [[], /generate-event takes one kind/],
      [['sns'], /generate-event takes one kind/],
      [['alarm', '--state', 'BROKEN'], /--state must be one of ALARM, OK, INSUFFICIENT_DATA/],
      [['alarm', '--value', 'high'], /--value must be a number/],
      [['alarm', '--type', 'DataQuality'], /--type does not apply to alarm events/],
      [['monitoring', '--type', 'Drift'], /--type must be one of DataQuality/],
      [['monitoring', '--status', 'Completed', '--violations', '2'], /status Completed has no violations/],
      [['monitoring', '--violations=-1'], /--violations must be a whole number/],
      [['monitoring', '--violations', '2.5'], /--violations must be a whole number/],
      [['endpoint-state', '--status', 'SLEEPING'], /--status must be one of IN_SERVICE/],
      [['alarm', '--time', 'yesterday'], /--time must be an ISO 8601 time/],
      [['alarm', '--time', '2026-11-31T00:00:00Z'], /--time must be an ISO 8601 time .*November 2026 has 30 days/],
      [['alarm', '--time', '2026-11-23T04:00:00'], /--time must be an ISO 8601 time with its zone/],
      [['alarm', '--account', '42'], /--account must be a 12-digit/],
      [['alarm', '--state', 'OK', '--previous-state', 'OK'], /--previous-state OK is the same as --state OK: CloudWatch sends no event/],
      [['alarm', '--state', 'INSUFFICIENT_DATA', '--previous-state', 'INSUFFICIENT_DATA'], /is the same as --state INSUFFICIENT_DATA:/],
    ] as Array<[string[], RegExp]>) {
      const { code, stderr } = await runCli(['generate-event', ...args]);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr[0], args.join(' ')).toMatch(message);
    }
  });
});

async function writeTemp(event: unknown): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'medic-generate-')), 'event.json');
  writeFileSync(file, JSON.stringify(event));
  return file;
}

describe('the defaults fit the sample state (events/aws-state.json), with the shipped command', () => {
  it.each(['alarm', 'monitoring', 'endpoint-state'])('generate-event %s with no options replays cleanly', (kind) => {
    const dir = mkdtempSync(join(tmpdir(), 'medic-generated-'));
    const generated = runBuiltCli(['generate-event', kind]);
    expect(generated.code).toBe(0);
    writeFileSync(join(dir, `${kind}.json`), generated.stdout);
    const replay = runBuiltCli(['replay', join(dir, `${kind}.json`), '--runbook', 'test/fixtures/runbook.yml']);
    expect(replay.stderr).toBe('');
    expect(replay.code).toBe(0);
    expect(replay.stdout).not.toMatch(/has no variant|does not exist|skipped|failed/);
    expect(replay.stdout).toMatch(/\n1 event, /);
  });

  it('the generated endpoint-state event records the endpoint’s live config from the state', () => {
    const { stdout } = runBuiltCli(['generate-event', 'endpoint-state']);
    expect(JSON.parse(stdout).detail).toMatchObject({ EndpointName: 'churn-prod', EndpointConfigName: 'churn-prod-config-v2' });
  });

  it('a monitoring result with violations and no --aws-state-out says where the violations are', () => {
    const { code, stderr } = runBuiltCli(['generate-event', 'monitoring']);
    expect(code).toBe(0);
    expect(stderr).toMatch(/^note: the violations report is in S3, not in the event: add --aws-state-out F/);
  });
});
