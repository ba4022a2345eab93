/**
 * The endpoint-state function: it records endpoint states and the live config without loading
 * the runbook, refuses any other event, and leaves an audit record that names no runbook.
 */
import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../shared/clock.js';
import { handleEndpointStateEvent } from '../../shared/endpoint-state.js';
import type { EventReport } from '../../shared/report.js';
import { MemoryStateStore } from '../../shared/state/memory.js';
import { ROOT, sample } from '../support/samples.js';

const NOW = Date.parse('2026-11-23T06:00:00Z');

describe('handleEndpointStateEvent', () => {
  it('an InService endpoint: its status, its config as live, an audit record naming no runbook', async () => {
    const store = new MemoryStateStore();
    const report = await handleEndpointStateEvent(sample('34-'), 'e-34', { store, clock: new VirtualClock(NOW) });
    expect(report).toMatchObject({ error: null, recorded: 'fraud-prod: fraud-prod-config-2026-11-20 is live', actions: [] });
    expect(await store.getEndpointConfigHistory('fraud-prod')).toEqual(['fraud-prod-config-2026-11-20']);
    expect(await store.getEndpointStatus('fraud-prod')).toMatchObject({ status: 'InService' });
    const [audit] = await store.queryAudit({ endpoint: 'fraud-prod', since: 0 });
    expect(audit).toMatchObject({ event: 'e-34', endpoint: 'fraud-prod', endpointState: { status: 'InService' } });
    expect(audit).not.toHaveProperty('runbook');
  });

  it('an updating endpoint is busy: changes to it wait', async () => {
    const store = new MemoryStateStore();
    const report = await handleEndpointStateEvent(sample('35-'), 'e-35', { store, clock: new VirtualClock(NOW) });
    expect(report.recorded).toBe('churn-prod is Updating: changes to it wait until it is InService');
    expect(await store.getEndpointStatus('churn-prod')).toMatchObject({ status: 'Updating' });
  });

  it('any other event is refused as invalid (the failure queue keeps it), naming what came and from where', async () => {
    const report = await handleEndpointStateEvent(sample('01-'), 'e-01', { store: new MemoryStateStore(), clock: new VirtualClock(NOW) });
    expect(report.errorKind).toBe('invalid-event');
    expect(report.error).toBe(
      'the endpoint-state function takes "SageMaker Endpoint State Change" events from aws.sagemaker only, got "CloudWatch Alarm State Change" from aws.cloudwatch: check which EventBridge rule sends it here',
    );
  });

  it('a malformed endpoint state event names the field', async () => {
    const event = sample('34-') as { detail: Record<string, unknown> };
    const report = await handleEndpointStateEvent({ ...event, detail: { ...event.detail, EndpointName: 7 } }, 'e-bad', {
      store: new MemoryStateStore(),
      clock: new VirtualClock(NOW),
    });
    expect(report).toMatchObject({
      errorKind: 'invalid-event',
      error: 'endpoint state event: detail.EndpointName: Invalid input: expected string, received number',
    });
  });
});

describe('the endpoint-state Lambda handler', () => {
  let handler: (event: unknown, context: Context) => Promise<EventReport>;
  const context = {
    awsRequestId: 'req-34',
    functionName: 'model-medic-test-endpoint-state',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:model-medic-test-endpoint-state',
    getRemainingTimeInMillis: () => 30_000,
  } as unknown as Context;

  beforeAll(async () => {
    Object.assign(process.env, {
      MEDIC_WRITES: 'off',
      // No runbook where the function would look: it must not need one.
      MEDIC_RUNBOOK_FILE: 'no-such-runbook.yml',
      LAMBDA_TASK_ROOT: ROOT,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    ({ handler } = await import('../../functions/endpoint-state.js'));
  });

  it('records the live config without a runbook', async () => {
    const report = await handler(sample('34-'), context);
    expect(report).toMatchObject({ error: null, recorded: 'fraud-prod: fraud-prod-config-2026-11-20 is live' });
  });
});
