/**
 * redeploy: CreateEndpointConfig as a copy of the live config, then UpdateEndpoint to the copy
 * blue/green; and rollback's wait and rollbackAlarms, which add the same DeploymentConfig.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateEndpointConfigCommand, UpdateEndpointCommand } from '@aws-sdk/client-sagemaker';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyConfigName } from '../../shared/actions/redeploy.js';
import type { InvalidRunbookError } from '../../shared/errors.js';
import { loadRunbook } from '../../shared/runbook/load.js';
import { MemoryStateStore } from '../../shared/state/memory.js';
import { runCli } from '../support/cli.js';
import { sample } from '../support/samples.js';
import { inputsOf, MockedAws, published, runbookWith, runEvent, sageMakerError, seededStore } from './harness.js';

let aws: MockedAws;
beforeEach(() => {
  aws = new MockedAws();
});
afterEach(() => aws.restore());

/** Event 05: fraud-prod's 5XX rate alarm. */
const EVENT = '05-';
const LIVE = 'fraud-prod-config-2026-11-20';
const hashOf = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 8);
const KEY = 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:fraud-prod-5xx-rate|ALARM|2026-11-23T04:36:20.268+0000';
const COPY = `${LIVE}-medic-${hashOf(KEY)}`;

/** The recorded live config of fraud-prod, as CreateEndpointConfig takes it (no ARN, no CreationTime). */
const COPIED = {
  EndpointConfigName: COPY,
  ProductionVariants: [
    {
      VariantName: 'AllTraffic',
      ModelName: 'fraud-model-2026-11-20',
      InitialInstanceCount: 2,
      InstanceType: 'ml.c5.2xlarge',
      InitialVariantWeight: 1,
    },
  ],
  DataCaptureConfig: {
    EnableCapture: true,
    InitialSamplingPercentage: 100,
    DestinationS3Uri: 's3://model-medic-datacapture-111122223333',
    CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
    CaptureContentTypeHeader: { CsvContentTypes: ['text/csv'], JsonContentTypes: ['application/json'] },
  },
  KmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/5d1e7c2a-8f3b-4a9e-b6d0-2c4f1e8a9b73',
};

const blueGreen = (seconds: number) => ({
  BlueGreenUpdatePolicy: {
    TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 0 },
    TerminationWaitInSeconds: seconds,
  },
});

function redeployRunbook(params = '{}', action = 'redeploy'): string {
  return runbookWith(
    '  - id: restart-on-errors',
    '    match: { kind: alarm, state: ALARM, endpoint: fraud-prod }',
    '    actions:',
    `      - ${action}: ${params}`,
    '      - notify: { topic: ops }',
  );
}

const configs = () => aws.world.sagemaker?.endpointConfigs ?? {};
const endpoint = (name = 'fraud-prod') => aws.world.sagemaker?.endpoints?.[name] as Record<string, unknown>;

describe('redeploy', () => {
  it('copies the live config (every field it has, nothing read-only), then UpdateEndpoint to the copy: blue/green, all at once, 5 min', async () => {
    const report = await runEvent(sample(EVENT), { runbook: redeployRunbook() });
    expect(report.signal?.key).toBe(KEY);
    expect(report.actions[0]).toMatchObject({
      type: 'redeploy',
      status: 'executed',
      reason: `redeploy fraud-prod on a copy of its live config ${LIVE} as ${COPY} (blue/green, all at once, old fleet kept 5m)`,
    });
    expect(inputsOf(aws.sagemaker, CreateEndpointConfigCommand)).toEqual([COPIED]);
    expect(inputsOf(aws.sagemaker, UpdateEndpointCommand)).toEqual([
      { EndpointName: 'fraud-prod', EndpointConfigName: COPY, RetainAllVariantProperties: true, DeploymentConfig: blueGreen(300) },
    ]);
    expect(aws.writes()).toEqual(['CreateEndpointConfig', 'UpdateEndpoint', 'Publish']);
    expect(published(aws)[0]?.Message).toContain(`  - redeploy: done: redeploy fraud-prod on a copy of its live config ${LIVE} as ${COPY}`);
  });

  it('wait and rollbackAlarms: TerminationWaitInSeconds and AutoRollbackConfiguration', async () => {
    const report = await runEvent(sample(EVENT), {
      runbook: redeployRunbook('{ wait: 1h, rollbackAlarms: [fraud-prod-5xx-rate, fraud-prod-latency] }'),
    });
    expect(report.actions[0]?.reason).toBe(
      `redeploy fraud-prod on a copy of its live config ${LIVE} as ${COPY} (blue/green, all at once, old fleet kept 1h, rolled back by SageMaker if fraud-prod-5xx-rate or fraud-prod-latency goes off meanwhile)`,
    );
    expect(inputsOf(aws.sagemaker, UpdateEndpointCommand)).toEqual([
      {
        EndpointName: 'fraud-prod',
        EndpointConfigName: COPY,
        RetainAllVariantProperties: true,
        DeploymentConfig: {
          ...blueGreen(3600),
          AutoRollbackConfiguration: { Alarms: [{ AlarmName: 'fraud-prod-5xx-rate' }, { AlarmName: 'fraud-prod-latency' }] },
        },
      },
    ]);
  });

  it('wait: 0s removes the old fleet at once', async () => {
    const report = await runEvent(sample(EVENT), { runbook: redeployRunbook('{ wait: 0s }') });
    expect(report.actions[0]?.reason).toMatch(/\(blue\/green, all at once, old fleet removed at once\)$/);
    expect(inputsOf(aws.sagemaker, UpdateEndpointCommand)[0]?.DeploymentConfig).toEqual(blueGreen(0));
  });

  it('copies the optional parts a config may have, and only what CreateEndpointConfig takes', async () => {
    const live = configs()[LIVE] as Record<string, unknown>;
    Object.assign(live, {
      AsyncInferenceConfig: { OutputConfig: { S3OutputPath: 's3://fraud-async/out' } },
      ExplainerConfig: { ClarifyExplainerConfig: { ShapConfig: { ShapBaselineConfig: { MimeType: 'text/csv' } } } },
      ShadowProductionVariants: [
        { VariantName: 'shadow', ModelName: 'fraud-model-next', InitialInstanceCount: 1, InstanceType: 'ml.c5.xlarge' },
      ],
      ExecutionRoleArn: 'arn:aws:iam::111122223333:role/fraud-endpoint',
      VpcConfig: { SecurityGroupIds: ['sg-0a1b2c3d'], Subnets: ['subnet-0a1b2c3d'] },
      EnableNetworkIsolation: true,
      MetricsConfig: { EnableEnhancedMetrics: true },
      SomethingNew: 'not part of CreateEndpointConfig',
    });
    await runEvent(sample(EVENT), { runbook: redeployRunbook() });
    const [input] = inputsOf(aws.sagemaker, CreateEndpointConfigCommand);
    expect(Object.keys(input ?? {})).toEqual([
      'EndpointConfigName',
      'ProductionVariants',
      'DataCaptureConfig',
      'KmsKeyId',
      'AsyncInferenceConfig',
      'ExplainerConfig',
      'ShadowProductionVariants',
      'ExecutionRoleArn',
      'VpcConfig',
      'EnableNetworkIsolation',
      'MetricsConfig',
    ]);
    expect(input?.VpcConfig).toEqual(live.VpcConfig);
    expect(input?.ShadowProductionVariants).toEqual(live.ShadowProductionVariants);
  });

  it('the copy exists (a retry after CreateEndpointConfig succeeded): no second copy, UpdateEndpoint to it', async () => {
    configs()[COPY] = { ...structuredClone(configs()[LIVE]), EndpointConfigName: COPY };
    const report = await runEvent(sample(EVENT), { runbook: redeployRunbook() });
    expect(report.actions[0]).toMatchObject({
      status: 'executed',
      reason: `redeploy fraud-prod on ${COPY}, the copy of ${LIVE} an earlier attempt for this signal created (blue/green, all at once, old fleet kept 5m)`,
    });
    expect(aws.writes()).toEqual(['UpdateEndpoint', 'Publish']);
    expect(inputsOf(aws.sagemaker, UpdateEndpointCommand)[0]?.EndpointConfigName).toBe(COPY);
  });

  it('the same signal again once the endpoint runs on its copy: skipped, no second copy, no second update', async () => {
    await runEvent(sample(EVENT), { runbook: redeployRunbook() });
    expect(endpoint().EndpointConfigName).toBe(COPY);
    // A fresh store: dedupe does not hold it back (a replay run of its own, a lost claim).
    const again = await runEvent(sample(EVENT), { runbook: redeployRunbook(), store: await seededStore() });
    expect(again.actions[0]).toMatchObject({
      status: 'skipped',
      reason: `fraud-prod already runs on ${COPY}, the copy made for this signal: it was redeployed for it already`,
    });
    expect(aws.writes()).toEqual(['CreateEndpointConfig', 'UpdateEndpoint', 'Publish', 'Publish']);
  });

  it('a live config that is itself a copy loses its suffix: names do not grow', async () => {
    const earlier = `${LIVE}-medic-0123abcd`;
    configs()[earlier] = { ...structuredClone(configs()[LIVE]), EndpointConfigName: earlier };
    endpoint().EndpointConfigName = earlier;
    const report = await runEvent(sample(EVENT), { runbook: redeployRunbook() });
    expect(report.actions[0]?.reason).toContain(`a copy of its live config ${earlier} as ${COPY} (`);
    expect(inputsOf(aws.sagemaker, CreateEndpointConfigCommand)[0]?.EndpointConfigName).toBe(COPY);
  });

  it('a long live config name: the base is cut so the copy stays within 63 characters', async () => {
    const long = `fraud-prod-${'x'.repeat(37)}-config-2026-11-20`; // 65 characters would not fit either
    configs()[long] = { ...structuredClone(configs()[LIVE]), EndpointConfigName: long };
    endpoint().EndpointConfigName = long;
    await runEvent(sample(EVENT), { runbook: redeployRunbook() });
    const name = String(inputsOf(aws.sagemaker, CreateEndpointConfigCommand)[0]?.EndpointConfigName);
    expect(name).toBe(`${long.slice(0, 48)}-medic-${hashOf(KEY)}`);
    expect(name).toHaveLength(63);
    expect(name).toMatch(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/);
  });

  it('copyConfigName: deterministic per signal, different for another signal, always a valid name', () => {
    expect(copyConfigName(LIVE, KEY)).toBe(COPY);
    expect(copyConfigName(LIVE, KEY)).toBe(copyConfigName(LIVE, KEY));
    expect(copyConfigName(LIVE, `${KEY}x`)).not.toBe(COPY);
    expect(copyConfigName(COPY, KEY)).toBe(COPY);
    expect(copyConfigName(`${LIVE}-medic-ffffffff`, KEY)).toBe(COPY);
    // Only a medic suffix is stripped.
    expect(copyConfigName(`${LIVE}-medic-v2`, KEY)).toBe(`${LIVE}-medic-v2-medic-${hashOf(KEY)}`);
    for (const live of ['a', 'a'.repeat(63), `${'a'.repeat(47)}--b${'c'.repeat(13)}`, `${'b'.repeat(47)}-${'c'.repeat(15)}`]) {
      const name = copyConfigName(live, KEY);
      expect(name.length, live).toBeLessThanOrEqual(63);
      expect(name, live).toMatch(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/);
      expect(name.endsWith(`-medic-${hashOf(KEY)}`), live).toBe(true);
    }
    // A cut that ends in "-" drops the hyphens rather than doubling them.
    expect(copyConfigName(`${'b'.repeat(47)}-${'c'.repeat(15)}`, KEY)).toBe(`${'b'.repeat(47)}-medic-${hashOf(KEY)}`);
  });

  it('the endpoint does not exist: skipped with the reason, nothing sent', async () => {
    delete aws.world.sagemaker?.endpoints?.['fraud-prod'];
    const report = await runEvent(sample(EVENT), { runbook: redeployRunbook() });
    expect(report.actions[0]).toMatchObject({ status: 'skipped', reason: 'endpoint fraud-prod does not exist' });
    expect(aws.writes()).toEqual(['Publish']);
  });

  it('the endpoint is Updating: held (endpoint-busy), changes wait until it is InService', async () => {
    endpoint().EndpointStatus = 'Updating';
    const report = await runEvent(sample(EVENT), { runbook: redeployRunbook() });
    expect(report.actions[0]).toMatchObject({
      status: 'suppressed',
      suppressedBy: 'endpoint-busy',
      reason: 'endpoint fraud-prod is Updating: changes wait until it is InService',
    });
    expect(aws.writes()).toEqual(['Publish']);
  });

  it('the live config does not exist: skipped, nothing to copy', async () => {
    delete configs()[LIVE];
    const report = await runEvent(sample(EVENT), { runbook: redeployRunbook() });
    expect(report.actions[0]).toMatchObject({
      status: 'skipped',
      reason: `the live EndpointConfig ${LIVE} of fraud-prod does not exist (deleted while in use?): nothing to copy`,
    });
    expect(aws.writes()).toEqual(['Publish']);
    expect(published(aws)[0]?.Message).toContain(`  - redeploy: skipped: the live EndpointConfig ${LIVE} of fraud-prod does not exist`);
  });

  it('CreateEndpointConfig refused: the action fails naming the API and the copy, UpdateEndpoint is not sent', async () => {
    aws.sagemaker
      .on(CreateEndpointConfigCommand)
      .rejects(sageMakerError('ResourceLimitExceeded', 'The account-level service limit for endpoint configurations is 1000'));
    const report = await runEvent(sample(EVENT), { runbook: redeployRunbook() });
    expect(report.actions[0]).toMatchObject({ status: 'failed', error: { kind: 'aws-validation' } });
    expect(report.actions[0]?.error?.message).toBe(
      `sagemaker:CreateEndpointConfig on ${COPY} failed: ResourceLimitExceeded: The account-level service limit for endpoint configurations is 1000 (a service quota or limit is reached: raise it or free capacity)`,
    );
    expect(aws.writes()).toEqual(['CreateEndpointConfig', 'Publish']);
  });

  it('dry-run: planned, nothing written but the notification', async () => {
    const runbook = redeployRunbook().replace('    actions:', '    mode: dry-run\n    actions:');
    const report = await runEvent(sample(EVENT), { runbook });
    expect(report.actions[0]).toMatchObject({ type: 'redeploy', status: 'planned' });
    expect(report.actions[0]?.calls.map((c) => c.operation)).toEqual(['CreateEndpointConfig', 'UpdateEndpoint']);
    expect(aws.writes()).toEqual(['Publish']);
  });
});

describe("rollback's wait and rollbackAlarms", () => {
  const PREVIOUS = 'fraud-prod-config-2026-10-01';

  it('without them: the plain UpdateEndpoint it always was', async () => {
    await runEvent(sample(EVENT), { runbook: redeployRunbook('{}', 'rollback') });
    expect(inputsOf(aws.sagemaker, UpdateEndpointCommand)).toEqual([
      { EndpointName: 'fraud-prod', EndpointConfigName: PREVIOUS, RetainAllVariantProperties: false },
    ]);
  });

  it('with both: the same blue/green DeploymentConfig as redeploy', async () => {
    const report = await runEvent(sample(EVENT), {
      runbook: redeployRunbook('{ wait: 15m, rollbackAlarms: [fraud-prod-5xx-rate] }', 'rollback'),
    });
    expect(report.actions[0]?.reason).toBe(
      `roll fraud-prod back from ${LIVE} to ${PREVIOUS} (its variants, weights and instance counts as configured there; blue/green, all at once, old fleet kept 15m, rolled back by SageMaker if fraud-prod-5xx-rate goes off meanwhile)`,
    );
    expect(inputsOf(aws.sagemaker, UpdateEndpointCommand)).toEqual([
      {
        EndpointName: 'fraud-prod',
        EndpointConfigName: PREVIOUS,
        RetainAllVariantProperties: false,
        DeploymentConfig: { ...blueGreen(900), AutoRollbackConfiguration: { Alarms: [{ AlarmName: 'fraud-prod-5xx-rate' }] } },
      },
    ]);
  });

  it('only rollbackAlarms: the old fleet is kept the default 5 min, so the alarms have time to go off', async () => {
    await runEvent(sample(EVENT), { runbook: redeployRunbook('{ rollbackAlarms: [fraud-prod-5xx-rate] }', 'rollback') });
    expect(inputsOf(aws.sagemaker, UpdateEndpointCommand)[0]?.DeploymentConfig).toEqual({
      ...blueGreen(300),
      AutoRollbackConfiguration: { Alarms: [{ AlarmName: 'fraud-prod-5xx-rate' }] },
    });
  });

  it('only wait: no AutoRollbackConfiguration', async () => {
    await runEvent(sample(EVENT), { runbook: redeployRunbook('{ wait: 90s }', 'rollback'), store: new MemoryStateStore() });
    // No history in this store: skipped, nothing sent; the parameters still load.
    expect(aws.writes()).toEqual(['Publish']);
    await runEvent(sample(EVENT), { runbook: redeployRunbook('{ wait: 90s }', 'rollback') });
    expect(inputsOf(aws.sagemaker, UpdateEndpointCommand)[0]?.DeploymentConfig).toEqual(blueGreen(90));
  });
});

describe('wait and rollbackAlarms are validated with line:col', () => {
  function issuesOf(params: string, action = 'redeploy'): string[] {
    try {
      loadRunbook(redeployRunbook(params, action), 'runbook.yml', {});
      return [];
    } catch (error) {
      return (error as InvalidRunbookError).message.split('\n');
    }
  }

  it.each(['redeploy', 'rollback'])('%s', (action) => {
    const at = (col: number, path: string, message: string) => `runbook.yml:14:${col} rules[0].actions[0].${action}.${path}: ${message}`;
    const c = action.length + 11; // the column of "{" in "      - <action>: { ... }"
    expect(issuesOf('{ wait: 2h }', action)).toEqual([
      at(c + 8, 'wait', 'at most 1h (SageMaker keeps the old fleet at most 3600 s), got "2h"'),
    ]);
    expect(issuesOf('{ wait: 5 minutes }', action)).toEqual([
      at(c + 8, 'wait', 'expected a duration like 15m, 90s, 2h30m or 1d, got "5 minutes" (unexpected " " after "5")'),
    ]);
    expect(issuesOf('{ wait: 1500ms }', action)).toEqual([
      at(c + 8, 'wait', 'expected whole seconds (SageMaker counts the wait in seconds), got "1500ms"'),
    ]);
    expect(issuesOf('{ wait: 300 }', action)).toEqual([at(c + 8, 'wait', 'expected a duration from 0s to 1h, like 5m')]);
    expect(issuesOf('{ rollbackAlarms: [] }', action)).toEqual([at(c + 18, 'rollbackAlarms', 'expected at least one alarm name')]);
    expect(issuesOf('{ rollbackAlarms: fraud-prod-5xx-rate }', action)).toEqual([
      at(c + 18, 'rollbackAlarms', 'expected a list of CloudWatch alarm names, like [fraud-prod-5xx-rate]'),
    ]);
    const eleven = Array.from({ length: 11 }, (_, i) => `a${i}`).join(', ');
    expect(issuesOf(`{ rollbackAlarms: [${eleven}] }`, action)).toEqual([
      at(c + 18, 'rollbackAlarms', "at most 10 alarms (SageMaker's limit)"),
    ]);
    expect(issuesOf('{ rollbackAlarms: [a, b, a] }', action)).toEqual([at(c + 25, 'rollbackAlarms[2]', 'alarm "a" is listed twice')]);
    expect(issuesOf('{ rollbackAlarms: [a, 7] }', action)).toEqual([at(c + 22, 'rollbackAlarms[1]', 'expected a CloudWatch alarm name')]);
    expect(issuesOf('{ wiat: 5m }', action)[0]).toMatch(
      new RegExp(`^runbook\\.yml:14:${c + 2} rules\\[0\\]\\.actions\\[0\\]\\.${action}\\.wiat: unknown key "wiat"`),
    );
    expect(issuesOf('{ wait: 1h, rollbackAlarms: [a, b, c, d, e, f, g, h, i, j] }', action)).toEqual([]);
    expect(issuesOf('', action)).toEqual([]);
  });
});

describe('replay against the recorded state (events/aws-state.json, sagemaker.endpointConfigs)', () => {
  it('plans the copy of the recorded live config, and writes nothing', async () => {
    const runbook = join(mkdtempSync(join(tmpdir(), 'medic-redeploy-')), 'runbook.yml');
    writeFileSync(runbook, redeployRunbook('{ wait: 10m }'));
    const { code, stdout } = await runCli(['replay', 'events/05-alarm-5xx-rate-fraud-prod-math.json', '--runbook', runbook, '--json']);
    expect(code).toBe(0);
    const [redeploy] = JSON.parse(stdout[0] as string).actions;
    expect(redeploy).toMatchObject({ type: 'redeploy', status: 'planned' });
    expect(redeploy.calls).toEqual([
      { service: 'sagemaker', operation: 'CreateEndpointConfig', input: COPIED },
      {
        service: 'sagemaker',
        operation: 'UpdateEndpoint',
        input: { EndpointName: 'fraud-prod', EndpointConfigName: COPY, RetainAllVariantProperties: true, DeploymentConfig: blueGreen(600) },
      },
    ]);
    expect(aws.writes()).toEqual([]);
  });
});
