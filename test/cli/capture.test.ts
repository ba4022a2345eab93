/**
 * medic capture against aws-sdk-client-mock: the SDK answers with the recorded sample world
 * (events/aws-state.json, dates as Date objects as the SDK returns them), and the snapshot it
 * writes replays exactly like the recorded state.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeEndpointConfigCommand, ListPipelineExecutionsCommand } from '@aws-sdk/client-sagemaker';
import { describe, expect, it } from 'vitest';
import { runBuiltCli } from '../support/built-cli.js';
import { autoscaling, cloudwatch, ENV, recorded, sagemaker } from '../support/capture-world.js';
import { runCli } from '../support/cli.js';
import { sampleEventFiles } from '../support/samples.js';

type Json = Record<string, unknown>;

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'medic-capture-'));
}

describe('medic capture', () => {
  it('writes the endpoints, their scalable targets, alarms and pipeline runs in the recorded state layout (docs/cli.md)', async () => {
    const out = join(tmp(), 'aws-state.json');
    const { code, stdout, stderr } = await runCli(
      ['capture', '--endpoint', 'churn-prod', '--endpoint', 'fraud-prod,ranker-prod', '--out', out],
      { env: ENV },
    );
    expect(stderr.filter((l) => !l.startsWith('note:'))).toEqual([]);
    expect(code).toBe(0);
    expect(stdout).toEqual([
      `captured 3 endpoints, 1 scalable target, 11 alarms, 3 pipelines, 9 monitoring executions, 7 violation reports -> ${out}`,
    ]);
    const state = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(state)).toEqual(['sagemaker', 'applicationAutoScaling', 'cloudwatch', 'codepipeline', 's3', 'history']);
    expect(Object.keys(state.sagemaker.endpoints)).toEqual(['churn-prod', 'fraud-prod', 'ranker-prod']);
    expect(state.sagemaker.endpoints['churn-prod']).toEqual(recorded.sagemaker.endpoints['churn-prod']);
    expect(state.sagemaker.endpoints['churn-prod'].$metadata).toBeUndefined();
    expect(typeof state.sagemaker.endpoints['churn-prod'].CreationTime).toBe('string');
    expect(state.applicationAutoScaling.scalableTargets.map((t: Json) => t.ResourceId)).toEqual(['endpoint/churn-prod/variant/v2']);
    const names = state.cloudwatch.alarms.map((a: Json) => a.AlarmName);
    expect(names).not.toContain('orders-db-cpu');
    expect(names).not.toContain('recsys-prod-memory-high');
    expect(names).toContain('churn-prod-model-latency');
    expect(names).toContain('fraud-prod-health'); // composite on fraud-prod's alarms
    expect(state.sagemaker.pipelineExecutions).toEqual(recorded.sagemaker.pipelineExecutions);
    expect(state.codepipeline.pipelineExecutions).toEqual(recorded.codepipeline.pipelineExecutions);
    // The live config of each, as DescribeEndpointConfig answered (what redeploy copies).
    expect(state.sagemaker.endpointConfigs).toEqual({
      'churn-prod-config-v2': recorded.sagemaker.endpointConfigs['churn-prod-config-v2'],
      'fraud-prod-config-2026-11-20': recorded.sagemaker.endpointConfigs['fraud-prod-config-2026-11-20'],
      'ranker-prod-config-bg-3': recorded.sagemaker.endpointConfigs['ranker-prod-config-bg-3'],
    });
    expect(sagemaker.commandCalls(DescribeEndpointConfigCommand).map((c) => c.args[0].input)).toEqual([
      { EndpointConfigName: 'churn-prod-config-v2' },
      { EndpointConfigName: 'fraud-prod-config-2026-11-20' },
      { EndpointConfigName: 'ranker-prod-config-bg-3' },
    ]);
    expect(state.history.endpointConfigs).toEqual({
      'churn-prod': ['churn-prod-config-v2'],
      'fraud-prod': ['fraud-prod-config-2026-11-20'],
      'ranker-prod': ['ranker-prod-config-bg-3'],
    });
    expect(sagemaker.commandCalls(ListPipelineExecutionsCommand).map((c) => c.args[0].input)).toContainEqual({
      PipelineName: 'churn-retrain',
      SortBy: 'CreationTime',
      SortOrder: 'Descending',
      MaxResults: 10,
    });
    expect(cloudwatch.commandCalls(DescribeAlarmsCommand)).toHaveLength(2);
    expect(autoscaling.commandCalls(DescribeScalableTargetsCommand)[0]?.args[0].input).toEqual({
      ServiceNamespace: 'sagemaker',
      ResourceIds: [
        'endpoint/churn-prod/variant/v2',
        'endpoint/churn-prod/variant/v1',
        'endpoint/fraud-prod/variant/AllTraffic',
        'endpoint/ranker-prod/variant/blue',
        'endpoint/ranker-prod/variant/green',
      ],
      ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
    });
  });

  it('the snapshot replays the sample events exactly as the recorded state does', async () => {
    const dir = tmp();
    const out = join(dir, 'aws-state.json');
    const all = Object.keys(recorded.sagemaker.endpoints);
    expect((await runCli(['capture', ...all.flatMap((e) => ['--endpoint', e]), '--out', out], { env: ENV })).code).toBe(0);
    // Alarm events on captured endpoints (rollback needs the config before the live one, which AWS does not tell).
    const alarms = ['01', '02', '03', '04', '06', '07', '09', '15', '16', '17', '19'];
    // Monitoring results, with their violation reports read from the captured S3 objects.
    const monitoring = ['20', '21', '22', '23', '24', '25', '26', '27', '32', '33'];
    const events = [...alarms, ...monitoring].map((n) => `events/${n}-${sampleName(n)}`);
    const fromCapture = await runCli(['replay', ...events, '--aws-state', out, '--json']);
    const fromRecorded = await runCli(['replay', ...events, '--json']);
    expect(fromCapture.code).toBe(0);
    expect(fromCapture.stdout).toEqual(fromRecorded.stdout);
  });

  it('--merge keeps what the file held and extends the config history', async () => {
    const dir = tmp();
    const out = join(dir, 'aws-state.json');
    writeFileSync(
      out,
      JSON.stringify({
        sagemaker: { endpoints: { 'old-prod': { EndpointName: 'old-prod' } }, processingJobs: { 'job-1': { ProcessingJobName: 'job-1' } } },
        s3: { 's3://b/k': { violations: [] } },
        history: { endpointConfigs: { 'fraud-prod': ['fraud-prod-config-2026-10-01'] } },
      }),
    );
    const { code, stdout } = await runCli(['capture', '--endpoint', 'fraud-prod', '--out', out, '--merge'], { env: ENV });
    expect(code).toBe(0);
    expect(stdout[0]).toMatch(/\(merged\)$/);
    const state = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(state.sagemaker.endpoints)).toEqual(['old-prod', 'fraud-prod']);
    // The older snapshot's jobs are kept beside the newly captured ones of fraud-prod.
    // (not the ground-truth merge job: it names the endpoint but is no monitoring result)
    expect(Object.keys(state.sagemaker.processingJobs)).toEqual([
      'job-1',
      'model-monitoring-202611230400-b3d85f10',
      'model-monitoring-202611230500-e71a3c58',
      'model-monitoring-202611230600-c24f8e91',
      'model-quality-monitoring-202611230500-5e2f7d9c',
    ]);
    expect(state.s3['s3://b/k']).toEqual({ violations: [] });
    expect(state.history.endpointConfigs['fraud-prod']).toEqual(['fraud-prod-config-2026-10-01', 'fraud-prod-config-2026-11-20']);
    expect(Object.keys(state.sagemaker.endpointConfigs)).toEqual(['fraud-prod-config-2026-11-20']);
    // With the history, rollback replays too (the default runbook rolls back as a ladder's last step).
    const runbook = join(dir, 'rollback.yml');
    writeFileSync(runbook, 'version: 1\nrules:\n  - { id: back, match: { kind: alarm, state: ALARM }, actions: [{ rollback: {} }] }\n');
    const rollback = await runCli([
      'replay',
      'events/05-alarm-5xx-rate-fraud-prod-math.json',
      '--aws-state',
      out,
      '--runbook',
      runbook,
      '--json',
    ]);
    expect(JSON.parse(rollback.stdout[0] as string).actions[0]).toMatchObject({ type: 'rollback', status: 'planned' });
  });

  it('an endpoint that does not exist: reported, the rest written, exit 1', async () => {
    const out = join(tmp(), 'state.json');
    const { code, stdout, stderr } = await runCli(['capture', '--endpoint', 'churn-prod,nope-prod', '--out', out], { env: ENV });
    expect(code).toBe(1);
    expect(stdout[0]).toMatch(/^captured 1 endpoint,/);
    expect(stderr).toContain('medic: endpoint nope-prod does not exist in this account and region: nothing recorded for it');
    expect(Object.keys(JSON.parse(readFileSync(out, 'utf8')).sagemaker.endpoints)).toEqual(['churn-prod']);
  });

  it('no endpoint exists: nothing is written (a good older snapshot is not overwritten), exit 1', async () => {
    const out = join(tmp(), 'state.json');
    writeFileSync(out, '{"kept": true}');
    const { code, stdout, stderr } = await runCli(['capture', '--endpoint', 'nope-prod', '--out', out], { env: ENV });
    expect(code).toBe(1);
    expect(stdout).toEqual([]);
    expect(stderr).toContain(`medic: no endpoint could be captured: nothing written to ${out}`);
    expect(readFileSync(out, 'utf8')).toBe('{"kept": true}');
  });

  it('AWS refusing a read: that read named on stderr, everything else written, exit 1', async () => {
    cloudwatch.on(DescribeAlarmsCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: cloudwatch:DescribeAlarms'), {
        name: 'AccessDenied',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const out = join(tmp(), 'state.json');
    const { code, stderr } = await runCli(['capture', '--endpoint', 'churn-prod', '--out', out], { env: ENV });
    expect(code).toBe(1);
    expect(stderr.filter((l) => !l.startsWith('note:'))).toEqual([
      expect.stringMatching(/^medic: not captured: cloudwatch:DescribeAlarms failed: AccessDenied: User is not authorized/),
      `medic: 1 read failed; everything else was captured in ${out}`,
    ]);
    const state = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(state.sagemaker.endpoints)).toEqual(['churn-prod']);
    expect(state.cloudwatch.alarms).toEqual([]);
    expect(Object.keys(state.sagemaker.processingJobs).length).toBeGreaterThan(0);
  });

  it('DescribeEndpointConfig refused: that read named, the endpoint itself still captured, exit 1', async () => {
    sagemaker.on(DescribeEndpointConfigCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: sagemaker:DescribeEndpointConfig'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const out = join(tmp(), 'state.json');
    const { code, stderr } = await runCli(['capture', '--endpoint', 'fraud-prod', '--out', out], { env: ENV });
    expect(code).toBe(1);
    expect(stderr.filter((l) => !l.startsWith('note:'))).toEqual([
      expect.stringMatching(
        /^medic: not captured: sagemaker:DescribeEndpointConfig on fraud-prod-config-2026-11-20 failed: AccessDeniedException: User is not authorized/,
      ),
      `medic: 1 read failed; everything else was captured in ${out}`,
    ]);
    const state = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(state.sagemaker.endpoints)).toEqual(['fraud-prod']);
    expect(state.sagemaker.endpointConfigs).toEqual({});
  });

  it('a live config that no longer exists: a note, nothing recorded for it, exit 0', async () => {
    sagemaker.on(DescribeEndpointConfigCommand).rejects(
      Object.assign(new Error('Could not find endpoint configuration "fraud-prod-config-2026-11-20".'), {
        name: 'ValidationException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const out = join(tmp(), 'state.json');
    const { code, stderr } = await runCli(['capture', '--endpoint', 'fraud-prod', '--out', out], { env: ENV });
    expect(code).toBe(0);
    expect(stderr).toContain(
      'note: EndpointConfig fraud-prod-config-2026-11-20 does not exist (deleted while its endpoint runs on it): redeploy cannot copy it',
    );
    expect(JSON.parse(readFileSync(out, 'utf8')).sagemaker.endpointConfigs).toEqual({});
  });

  it('--out - prints the snapshot on stdout and the summary on stderr', async () => {
    const { code, stdout, stderr } = await runCli(['capture', '--endpoint', 'recsys-prod', '--out', '-'], { env: ENV });
    expect(code).toBe(0);
    expect(JSON.parse(stdout.join('\n')).sagemaker.endpoints['recsys-prod'].EndpointName).toBe('recsys-prod');
    expect(stderr[0]).toBe('captured 1 endpoint, 0 scalable targets, 1 alarm, 3 pipelines, 0 monitoring executions, 0 violation reports');
  });

  it('--out into a missing folder (built CLI): refused before any AWS read, exit 2', () => {
    const { code, stderr } = runBuiltCli(['capture', '--endpoint', 'churn-prod', '--out', 'no-such-folder/state.json'], {
      // Nothing listens here: a read would fail, so the refusal must come first.
      env: { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' },
    });
    expect(code).toBe(2);
    expect(stderr).toContain(
      'medic: --out no-such-folder/state.json: the folder no-such-folder does not exist (create it first: mkdir -p no-such-folder)',
    );
    expect(stderr).not.toContain('DescribeEndpoint');
  });

  it('usage errors: no endpoint, a positional argument', async () => {
    expect((await runCli(['capture'], { env: ENV })).stderr[0]).toMatch(/capture needs at least one --endpoint NAME/);
    expect((await runCli(['capture', 'churn-prod'], { env: ENV })).code).toBe(2);
  });

  it('an endpoint pattern is refused before any read, saying names must be exact (it was "does not exist")', async () => {
    const { code, stderr } = await runCli(['capture', '--endpoint', 'fraud-prod,churn-*'], { env: ENV });
    expect(code).toBe(2);
    expect(stderr[0]).toBe(
      'medic: --endpoint churn-* is a pattern, but capture reads endpoints by their exact names: give each one (`aws sagemaker list-endpoints --name-contains` lists them)',
    );
    expect(sagemaker.calls()).toHaveLength(0);
  });
});

function sampleName(prefix: string): string {
  return (
    sampleEventFiles()
      .find((n) => n.startsWith(`${prefix}-`))
      ?.slice(prefix.length + 1) ?? ''
  );
}
