/**
 * redeploy as it ships: the built CLI's `replay --live` with a runbook that redeploys fraud-prod,
 * against moto. Asserted on the emulated account afterwards (the copied EndpointConfig in moto,
 * the config the endpoint runs) and on what the stand-in received for UpdateEndpoint (which
 * moto lacks, so DeploymentConfig is only visible there).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeEndpointConfigCommand, ListEndpointConfigsCommand } from '@aws-sdk/client-sagemaker';
import { beforeEach, expect, it } from 'vitest';
import type { EventReport } from '../../shared/report.js';
import { runBuiltCliAsync } from '../support/built-cli.js';
import { describeEmulator, useEmulator } from '../support/emulator/use-emulator.js';
import { endpointNow } from '../support/emulator/world.js';

const emulator = useEmulator();

const EVENT = 'events/05-alarm-5xx-rate-fraud-prod-math.json';
const LIVE = 'fraud-prod-config-2026-11-20';
const KEY = 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:fraud-prod-5xx-rate|ALARM|2026-11-23T04:36:20.268+0000';
const COPY = `${LIVE}-medic-${createHash('sha256').update(KEY).digest('hex').slice(0, 8)}`;
const UPDATE = {
  EndpointName: 'fraud-prod',
  EndpointConfigName: COPY,
  RetainAllVariantProperties: true,
  DeploymentConfig: {
    BlueGreenUpdatePolicy: {
      TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 0 },
      TerminationWaitInSeconds: 120,
    },
    AutoRollbackConfiguration: { Alarms: [{ AlarmName: 'fraud-prod-5xx-rate' }] },
  },
};

function runbookFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'medic-redeploy-')), 'runbook.yml');
  writeFileSync(
    file,
    [
      'version: 1',
      'rules:',
      '  - id: restart-fraud',
      '    match: { kind: alarm, state: ALARM, endpoint: fraud-prod }',
      '    actions:',
      '      - redeploy: { wait: 2m, rollbackAlarms: [fraud-prod-5xx-rate] }',
      '    cooldown: 0s',
      '',
    ].join('\n'),
  );
  return file;
}

async function replayLive(runbook: string): Promise<{ code: number | null; stderr: string; report: EventReport }> {
  const { code, stdout, stderr } = await runBuiltCliAsync(['replay', EVENT, '--runbook', runbook, '--live', '--json'], {
    env: emulator().env(),
  });
  return { code, stderr, report: JSON.parse(stdout.trim().split('\n')[0] ?? 'null') as EventReport };
}

async function medicConfigs(): Promise<string[]> {
  const out = await emulator().clients.sagemaker.send(new ListEndpointConfigsCommand({ NameContains: '-medic-' }));
  return (out.EndpointConfigs ?? []).map((c) => String(c.EndpointConfigName));
}

async function configNow(name: string) {
  const out = await emulator().clients.sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: name }));
  return { variants: out.ProductionVariants };
}

describeEmulator('redeploy through the built CLI (replay --live)', () => {
  beforeEach(() => emulator().freshWorld({ endpoints: ['fraud-prod'] }));

  it('fraud-prod runs on a copy of its live config with the same variants; the same event again creates nothing', async () => {
    const e = emulator();
    const runbook = runbookFile();
    expect((await endpointNow(e.clients, 'fraud-prod')).config).toBe(LIVE);

    const first = await replayLive(runbook);
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
    expect(first.report.actions[0]).toMatchObject({ type: 'redeploy', status: 'executed' });
    expect(await medicConfigs()).toEqual([COPY]);
    const [live, copy] = [await configNow(LIVE), await configNow(COPY)];
    expect(copy.variants).toEqual(live.variants);
    expect(copy.variants?.map((v) => v.VariantName)).toEqual(['AllTraffic']);
    expect((await endpointNow(e.clients, 'fraud-prod')).config).toBe(COPY);
    expect(e.standIn.calls('sagemaker', 'CreateEndpointConfig').map((r) => r.input.EndpointConfigName)).toEqual([COPY]);
    expect(e.standIn.calls('sagemaker', 'UpdateEndpoint').map((r) => r.input)).toEqual([UPDATE]);

    // A second run (its own process and state: no dedupe) finds the endpoint on this signal's copy.
    e.standIn.requests.length = 0;
    const second = await replayLive(runbook);
    expect(second.code).toBe(0);
    expect(second.report.actions[0]).toMatchObject({
      status: 'skipped',
      reason: `fraud-prod already runs on ${COPY}, the copy made for this signal: it was redeployed for it already`,
    });
    expect(e.standIn.requests.filter((r) => /^(Create|Update)/.test(r.operation))).toEqual([]);
    expect(await medicConfigs()).toEqual([COPY]);
  });

  it('UpdateEndpoint refused after the copy was made: failed, exit 1; the retry reuses the copy instead of making a second', async () => {
    const e = emulator();
    const runbook = runbookFile();
    e.standIn.fail({
      service: 'sagemaker',
      operation: 'UpdateEndpoint',
      error: { status: 400, code: 'AccessDeniedException', message: 'User is not authorized to perform: sagemaker:UpdateEndpoint' },
    });
    const first = await replayLive(runbook);
    expect(first.code).toBe(1);
    expect(first.report.actions[0]).toMatchObject({ type: 'redeploy', status: 'failed' });
    expect(first.report.actions[0]?.error?.message).toMatch(/^sagemaker:UpdateEndpoint on fraud-prod failed: AccessDeniedException: /);
    expect(await medicConfigs()).toEqual([COPY]);
    expect((await endpointNow(e.clients, 'fraud-prod')).config).toBe(LIVE);

    e.standIn.requests.length = 0;
    const retry = await replayLive(runbook);
    expect(retry.code).toBe(0);
    expect(retry.report.actions[0]).toMatchObject({
      status: 'executed',
      reason: `redeploy fraud-prod on ${COPY}, the copy of ${LIVE} an earlier attempt for this signal created (blue/green, all at once, old fleet kept 2m, rolled back by SageMaker if fraud-prod-5xx-rate goes off meanwhile)`,
    });
    expect(e.standIn.calls('sagemaker', 'CreateEndpointConfig')).toEqual([]);
    expect(e.standIn.calls('sagemaker', 'UpdateEndpoint').map((r) => r.input)).toEqual([UPDATE]);
    expect(await medicConfigs()).toEqual([COPY]);
    expect((await endpointNow(e.clients, 'fraud-prod')).config).toBe(COPY);
  });
});
