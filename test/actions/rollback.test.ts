/** rollback: UpdateEndpoint to the config that was live before, from recorded history. */
import { UpdateEndpointCommand } from '@aws-sdk/client-sagemaker';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../shared/state/memory.js';
import type { StateStore } from '../../shared/state/store.js';
import { sample, withDetail } from '../support/samples.js';
import { inputsOf, MockedAws, published, runbookWith, runEvent } from './harness.js';

/** The rule the default runbook once had for event 05: roll back at once (it escalates to it now). */
const runbook = runbookWith(
  '  - id: error-rate-rollback',
  '    match: { kind: alarm, state: ALARM, alarm: "*-5xx-rate" }',
  '    actions: [{ rollback: {} }, { notify: { topic: ops, severity: critical } }]',
);

let aws: MockedAws;
beforeEach(() => {
  aws = new MockedAws();
});
afterEach(() => aws.restore());

/** fraud-prod went InService on `config` (event 34 with another config and id). */
function inService(config: string, id: string) {
  const event = withDetail(sample('34-'), (detail) => {
    detail.EndpointConfigName = config;
  });
  event.id = id;
  return event;
}

describe('rollback', () => {
  it('UpdateEndpoint to the previous config, RetainAllVariantProperties false (the old config as it was)', async () => {
    const report = await runEvent(sample('05-'), { runbook });
    expect(report.actions[0]).toMatchObject({ type: 'rollback', status: 'executed' });
    expect(inputsOf(aws.sagemaker, UpdateEndpointCommand)).toEqual([
      { EndpointName: 'fraud-prod', EndpointConfigName: 'fraud-prod-config-2026-10-01', RetainAllVariantProperties: false },
    ]);
    expect(aws.writes()).toEqual(['UpdateEndpoint', 'Publish']);
    expect(published(aws)[0]?.Message).toContain(
      '  - rollback: done: roll fraud-prod back from fraud-prod-config-2026-11-20 to fraud-prod-config-2026-10-01',
    );
  });

  it('history comes from endpoint state-change events', async () => {
    const store = new MemoryStateStore();
    expect((await runEvent(inService('fraud-prod-config-2026-10-01', 'e1'), { store })).recorded).toBe(
      'fraud-prod: fraud-prod-config-2026-10-01 is live',
    );
    await runEvent(inService('fraud-prod-config-2026-11-20', 'e2'), { store });
    await runEvent(sample('05-'), { store, runbook });
    expect(inputsOf(aws.sagemaker, UpdateEndpointCommand)).toEqual([
      { EndpointName: 'fraud-prod', EndpointConfigName: 'fraud-prod-config-2026-10-01', RetainAllVariantProperties: false },
    ]);
  });

  it('after a redeploy, back past the copy to the config before the one it copied (a copy runs the same models)', async () => {
    const copy = 'fraud-prod-config-2026-11-20-medic-bc2b1e2b';
    (aws.world.sagemaker?.endpoints?.['fraud-prod'] as { EndpointConfigName: string }).EndpointConfigName = copy;
    const store = new MemoryStateStore();
    await runEvent(inService('fraud-prod-config-2026-10-01', 'e1'), { store });
    await runEvent(inService('fraud-prod-config-2026-11-20', 'e2'), { store });
    await runEvent(inService(copy, 'e3'), { store });
    const report = await runEvent(sample('05-'), { store, runbook });
    expect(report.actions[0]?.reason).toMatch(new RegExp(`^roll fraud-prod back from ${copy} to fraud-prod-config-2026-10-01`));
    expect(inputsOf(aws.sagemaker, UpdateEndpointCommand)).toEqual([
      { EndpointName: 'fraud-prod', EndpointConfigName: 'fraud-prod-config-2026-10-01', RetainAllVariantProperties: false },
    ]);
  });

  it('no history recorded: skipped with that reason, the notification says so', async () => {
    const report = await runEvent(sample('05-'), { store: new MemoryStateStore(), runbook });
    expect(report.actions[0]).toMatchObject({
      status: 'skipped',
      reason: 'no EndpointConfig history is recorded for fraud-prod: nothing to roll back to',
    });
    expect(aws.writes()).toEqual(['Publish']);
    expect(published(aws)[0]?.Message).toContain('  - rollback: skipped: no EndpointConfig history is recorded for fraud-prod');
  });

  it('only the live config recorded: skipped, nothing came before it', async () => {
    const store = new MemoryStateStore();
    await runEvent(inService('fraud-prod-config-2026-11-20', 'e1'), { store });
    const report = await runEvent(sample('05-'), { store, runbook });
    expect(report.actions[0]).toMatchObject({
      status: 'skipped',
      reason: 'no EndpointConfig was live on fraud-prod before fraud-prod-config-2026-11-20: nothing to roll back to',
    });
  });

  it('the live config is not in the history: skipped, "before it" is unknown', async () => {
    const store: StateStore = new MemoryStateStore();
    await store.recordEndpointConfig('fraud-prod', 'fraud-prod-config-2026-09-01', 0);
    const report = await runEvent(sample('05-'), { store, runbook });
    expect(report.actions[0]?.status).toBe('skipped');
    expect(report.actions[0]?.reason).toMatch(/^the live config fraud-prod-config-2026-11-20 of fraud-prod is not in the recorded history/);
  });

  it('the endpoint is Updating: held (endpoint-busy)', async () => {
    (aws.world.sagemaker?.endpoints?.['fraud-prod'] as { EndpointStatus: string }).EndpointStatus = 'Updating';
    const report = await runEvent(sample('05-'), { runbook });
    expect(report.actions[0]).toMatchObject({
      status: 'suppressed',
      suppressedBy: 'endpoint-busy',
      reason: 'endpoint fraud-prod is Updating: changes wait until it is InService',
    });
    expect(aws.sagemaker).not.toHaveReceivedCommand(UpdateEndpointCommand);
  });
});
