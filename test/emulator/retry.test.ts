/**
 * Throttling is absorbed by the SDK's own retries (adaptive mode, bounded attempts), and what
 * outlasts them, hangs or drops the connection fails the action with a transient kind, while
 * later actions still run. Real SDK clients and real HTTP against moto, with the stand-in
 * injecting the faults: here the retry middleware actually runs (aws-sdk-client-mock would
 * replace it).
 */
import { readFileSync } from 'node:fs';
import { beforeEach, expect, inject, it } from 'vitest';
import { createSdkAdapters } from '../../shared/aws/sdk.js';
import { handleEvent } from '../../shared/engine.js';
import { type EventReport, exitCodeFor } from '../../shared/report.js';
import { compileRunbook } from '../../shared/runbook/index.js';
import { loadRunbook } from '../../shared/runbook/load.js';
import { MemoryStateStore } from '../../shared/state/memory.js';
import type { StateStore } from '../../shared/state/store.js';
import { fastRetries } from '../support/emulator/fast-retries.js';
import { describeEmulator, useEmulator } from '../support/emulator/use-emulator.js';
import { ROLLBACK_RUNBOOK, RUNBOOK, recordedReader, sample } from '../support/samples.js';

const emulator = useEmulator();
fastRetries();
const standIn = () => emulator().standIn;
const writes = () => standIn().requests.filter((r) => !r.fault && /^(Publish|Update|Start|Register)/.test(r.operation));

beforeEach(async () => {
  if (inject('emulator').available) await emulator().freshWorld();
});

async function run(prefix: string, env: Record<string, string>): Promise<EventReport> {
  const { reader, writer } = createSdkAdapters({ ...emulator().env(), ...env });
  const store: StateStore = new MemoryStateStore();
  for (const [endpoint, configs] of Object.entries(recordedReader().endpointConfigHistory)) {
    for (const c of configs) await store.recordEndpointConfig(endpoint, c, 0);
  }
  return handleEvent(sample(prefix), prefix, {
    // Event 05 rolls back at once only under the rollback runbook (the default escalates to it).
    runbook: compileRunbook(loadRunbook(readFileSync(prefix === '05-' ? ROLLBACK_RUNBOOK : RUNBOOK, 'utf8'), 'runbook.yml', {})),
    reader,
    writer,
    store,
    clock: { now: () => Date.parse('2026-11-23T12:00:00Z') },
    allowWrites: true,
    owner: 'test',
    lockWaitMs: 0,
  });
}

const THROTTLED = [
  ['01-', 'RegisterScalableTarget', { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' }],
  ['02-', 'UpdateEndpointWeightsAndCapacities', { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' }],
  ['05-', 'UpdateEndpoint', { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' }],
  ['20-', 'StartPipelineExecution', { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' }],
  ['22-', 'StartPipelineExecution', { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' }],
  ['06-', 'Publish', { status: 400, code: 'Throttling', message: 'Rate exceeded' }],
] as const;

describeEmulator('throttling', () => {
  it.each(THROTTLED)('%s %s: throttled twice, then success: the SDK retries, the action is executed', async (prefix, operation, error) => {
    standIn().fail({ operation, error, times: 2 });
    const report = await run(prefix, { MEDIC_AWS_MAX_ATTEMPTS: '3' });
    expect(report.actions.map((a) => a.status)).toEqual(report.actions.map(() => 'executed'));
    const attempts = standIn().requests.filter((r) => r.operation === operation);
    expect(attempts.map((r) => r.fault ?? 'ok')).toEqual([error.code, error.code, 'ok']);
    // Every attempt sent the same request.
    expect(new Set(attempts.map((r) => JSON.stringify(r.input))).size).toBe(1);
    expect(exitCodeFor(report)).toBe(0);
  });

  it('throttled beyond the bounded attempts: failed (transient), named, the notification still goes out', async () => {
    standIn().fail({
      operation: 'RegisterScalableTarget',
      error: { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' },
      times: 5,
    });
    const report = await run('01-', { MEDIC_AWS_MAX_ATTEMPTS: '2' });
    expect(standIn().requests.filter((r) => r.operation === 'RegisterScalableTarget')).toHaveLength(2);
    expect(report.actions[0]?.status).toBe('failed');
    expect(report.actions[0]?.error).toEqual({
      kind: 'aws-throttled',
      message:
        'application-auto-scaling:RegisterScalableTarget on endpoint/churn-prod/variant/v2 failed: ThrottlingException: Rate exceeded (sent 2 times; AWS throttled the call and the retries ran out; the event will be retried)',
    });
    expect(report.actions[1]?.status).toBe('executed');
    expect(writes().find((r) => r.operation === 'Publish')?.input.Message).toContain(
      '  - scale: FAILED: application-auto-scaling:RegisterScalableTarget',
    );
    expect(exitCodeFor(report)).toBe(1);
  });
});

describeEmulator('timeouts and network errors', () => {
  it('a call that never answers times out: failed as aws-error, later actions run', async () => {
    standIn().fail({ operation: 'UpdateEndpoint', hang: true });
    const report = await run('05-', { MEDIC_AWS_MAX_ATTEMPTS: '1', MEDIC_AWS_TIMEOUT_MS: '300' });
    expect(report.actions[0]?.status).toBe('failed');
    expect(report.actions[0]?.error?.kind).toBe('aws-error');
    expect(report.actions[0]?.error?.message).toMatch(/^sagemaker:UpdateEndpoint on fraud-prod failed: TimeoutError: /);
    expect(report.actions[1]?.status).toBe('executed');
    expect(exitCodeFor(report)).toBe(1);
  });

  it('a dropped connection: retried by the SDK as transient, then success', async () => {
    standIn().fail({ operation: 'UpdateEndpointWeightsAndCapacities', reset: true });
    const report = await run('02-', { MEDIC_AWS_MAX_ATTEMPTS: '2' });
    expect(report.actions.map((a) => a.status)).toEqual(['executed', 'executed']);
    expect(
      standIn()
        .requests.filter((r) => r.operation === 'UpdateEndpointWeightsAndCapacities')
        .map((r) => r.fault ?? 'ok'),
    ).toEqual(['reset', 'ok']);
  });

  it('a dropped connection with no attempts left: failed as aws-error naming the call', async () => {
    standIn().fail({ operation: 'UpdateEndpointWeightsAndCapacities', reset: true });
    const report = await run('02-', { MEDIC_AWS_MAX_ATTEMPTS: '1' });
    expect(report.actions[0]?.error?.kind).toBe('aws-error');
    expect(report.actions[0]?.error?.message).toMatch(
      /^sagemaker:UpdateEndpointWeightsAndCapacities on fraud-prod failed: .*(socket hang up|ECONNRESET)/,
    );
    expect(report.actions[1]?.status).toBe('executed');
  });
});
