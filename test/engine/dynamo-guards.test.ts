/**
 * Issue 4's safety scenarios, end to end: the real engine on the real DynamoDB store
 * (dynalite, in-process), concurrent invocations each with their own owner id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsCall, AwsReader, DescribeEndpointOutput } from '../../shared/aws/ports.js';
import { type EngineDeps, handleEvent } from '../../shared/engine.js';
import { MedicError } from '../../shared/errors.js';
import type { EventReport } from '../../shared/report.js';
import { DynamoStateStore } from '../../shared/state/dynamodb.js';
import { type LocalDynamo, startDynalite } from '../support/dynalite.js';
import { occurrence, START, testEngine } from '../support/engine.js';
import { recordedReader, sample } from '../support/samples.js';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:ops';
const RUNBOOK = `
version: 1
defaults: { cooldown: 10m, scale: { max: 8 }, maxRemediationsPerHour: 3 }
topics: { ops: ${TOPIC} }
rules:
  - id: rollback
    match: { kind: alarm, state: ALARM, alarm: "*-5xx-rate" }
    actions: [ { rollback: {} }, { notify: { topic: ops } } ]
  - id: scale-out
    match: { kind: alarm, state: ALARM, metric: CPUUtilization }
    actions: [ { scale: { by: 1 } }, { notify: { topic: ops } } ]
`;
const MINUTE = 60_000;

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo?.stop();
});

async function dynamoEngine(runbook = RUNBOOK, reader?: AwsReader) {
  const store = new DynamoStateStore({ client: dynamo.client, tableName: await dynamo.createTable() });
  return testEngine(runbook, { store, ...(reader ? { reader } : {}) });
}

/** One Lambda invocation: same container adapters, its own request id. */
function invocation(deps: EngineDeps, owner: string): EngineDeps {
  return { ...deps, owner };
}

const statuses = (r: EventReport) => r.actions.map((a) => a.status);

describe('safety on DynamoDB (dynalite)', () => {
  it('the same event delivered 20 times concurrently: every action executes exactly once', async () => {
    const { deps, writer } = await dynamoEngine();
    const event = occurrence(sample('02-'), START);
    const reports = await Promise.all(
      Array.from({ length: 20 }, (_, i) => handleEvent(event, `delivery-${i}`, invocation(deps, `req-${i}`))),
    );
    expect(writer.operations()).toEqual(['sagemaker:UpdateEndpointWeightsAndCapacities', 'sns:Publish']);
    const acted = reports.filter((r) => r.actions.some((a) => a.status === 'executed'));
    expect(acted).toHaveLength(1);
    for (const r of reports.filter((x) => x !== acted[0])) {
      expect(
        r.actions.every((a) => a.suppressedBy === 'dedupe'),
        JSON.stringify(r.actions),
      ).toBe(true);
    }
  });

  it('two different events for one endpoint at once: the lock serialises their changes', async () => {
    const { deps, writer } = await dynamoEngine();
    // Each write takes a while, so without the lock the two rules' calls would interleave.
    const log: string[] = [];
    const send = writer.send.bind(writer);
    writer.send = async (call: AwsCall) => {
      log.push(`start ${call.operation}`);
      await new Promise((r) => setTimeout(r, 40));
      log.push(`end ${call.operation}`);
      return send(call);
    };
    const realSleep = { ...deps, sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)), lockWaitMs: 10_000 };
    const [scale, rollback] = await Promise.all([
      handleEvent(occurrence(sample('02-'), START), 'cpu', invocation(realSleep, 'req-cpu')),
      handleEvent(occurrence(sample('05-'), START), '5xx', invocation(realSleep, 'req-5xx')),
    ]);
    expect(statuses(scale as EventReport)).toEqual(['executed', 'executed']);
    expect(statuses(rollback as EventReport)).toEqual(['executed', 'executed']);
    // Each rule's two calls run back to back: one rule finishes before the other starts.
    const ops = log.filter((l) => l.startsWith('start')).map((l) => l.slice(6));
    expect([
      ['UpdateEndpointWeightsAndCapacities', 'Publish', 'UpdateEndpoint', 'Publish'],
      ['UpdateEndpoint', 'Publish', 'UpdateEndpointWeightsAndCapacities', 'Publish'],
    ]).toContainEqual(ops);
    for (let i = 0; i < log.length; i += 2) expect(log[i + 1]?.replace('end', 'start')).toBe(log[i]);
  });

  it('three occurrences of one rule on one endpoint at once: one scale-out, the others held by its cooldown', async () => {
    const { deps, writer } = await dynamoEngine();
    // Each waits for the lock as a Lambda would (polling), instead of giving up at once.
    const waiting = { ...deps, sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)), lockWaitMs: 10_000 };
    const reports = await Promise.all(
      [0, 1, 2].map((i) => handleEvent(occurrence(sample('02-'), START + i * 1000), `occurrence-${i}`, invocation(waiting, `req-${i}`))),
    );
    expect(writer.operations().filter((o) => o.startsWith('sagemaker:'))).toEqual(['sagemaker:UpdateEndpointWeightsAndCapacities']);
    expect(reports.map((r) => r.actions[0]?.status).sort()).toEqual(['executed', 'suppressed', 'suppressed']);
    expect(reports.flatMap((r) => r.actions.filter((a) => a.status === 'suppressed').map((a) => a.suppressedBy))).toEqual(
      Array(4).fill('cooldown'),
    );
  });

  it('an alarm storm: 1,000 ALARM events over 10 endpoints in 30 minutes, 10-minute cooldown: at most 3 scale-outs per endpoint', async () => {
    const endpoints = Array.from({ length: 10 }, (_, i) => `storm-${i}-prod`);
    const reader = stormReader(endpoints);
    const { deps, writer, clock } = await dynamoEngine(RUNBOOK.replace('maxRemediationsPerHour: 3', 'maxRemediationsPerHour: 6'), reader);
    const template = sample('02-');
    const scaleOuts = new Map<string, number>();
    const suppressed = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      const at = START + Math.floor((i * 30 * MINUTE) / 1000);
      const endpoint = endpoints[i % endpoints.length] as string;
      const event = occurrence(template, at, `storm-${i}`);
      const detail = event.detail as {
        alarmName: string;
        configuration: { metrics: Array<{ metricStat: { metric: { dimensions: Record<string, string> } } }> };
      };
      detail.alarmName = `${endpoint}-cpu-high`;
      const dims = detail.configuration.metrics[0]?.metricStat.metric.dimensions;
      if (dims) dims.EndpointName = endpoint;
      clock.set(at);
      const report = await handleEvent(event, `storm-${i}`, deps);
      const scale = report.actions.find((a) => a.type === 'scale');
      if (scale?.status === 'executed') scaleOuts.set(endpoint, (scaleOuts.get(endpoint) ?? 0) + 1);
      if (scale?.status === 'suppressed') suppressed.set(endpoint, (suppressed.get(endpoint) ?? 0) + 1);
    }
    const counts = Object.fromEntries(endpoints.map((e) => [e, scaleOuts.get(e) ?? 0]));
    // Reported for the closing note: executed and suppressed per endpoint.
    console.info('storm scale-outs per endpoint', counts, 'suppressed', Object.fromEntries(suppressed));
    for (const e of endpoints) {
      expect(scaleOuts.get(e), e).toBeGreaterThanOrEqual(1);
      expect(scaleOuts.get(e), e).toBeLessThanOrEqual(3);
    }
    expect(writer.calls.filter((c) => c.operation === 'UpdateEndpointWeightsAndCapacities')).toHaveLength(
      [...scaleOuts.values()].reduce((a, b) => a + b, 0),
    );
  }, 120_000);

  it('the limit opens the circuit and sends exactly one "human needed" notification', async () => {
    const { deps, writer, clock } = await dynamoEngine(RUNBOOK.replace('cooldown: 10m', 'cooldown: 0s'));
    for (let i = 0; i < 8; i++) {
      clock.set(START + i * MINUTE);
      await handleEvent(occurrence(sample('02-'), START + i * MINUTE), `e${i}`, deps);
    }
    expect(writer.calls.filter((c) => c.operation === 'UpdateEndpointWeightsAndCapacities')).toHaveLength(3);
    expect(writer.calls.filter((c) => String(c.input.Subject).includes('human needed'))).toHaveLength(1);
  });

  it('a retry after a partial failure re-runs only the failed action', async () => {
    const { deps, writer } = await dynamoEngine();
    writer.fail = (call, attempt) =>
      call.service === 'sagemaker' && attempt === 1 ? new MedicError('aws-error', 'socket hang up') : undefined;
    const event = occurrence(sample('02-'), START);
    const first = await handleEvent(event, 'try-1', invocation(deps, 'req-1'));
    expect(statuses(first)).toEqual(['failed', 'executed']);
    const retry = await handleEvent(event, 'try-2', invocation(deps, 'req-2'));
    // The scale-out now, the notify already done, and the one "recovered" notice after it.
    expect(statuses(retry)).toEqual(['executed', 'executed', 'executed']);
    expect(writer.operations()).toEqual(['sns:Publish', 'sagemaker:UpdateEndpointWeightsAndCapacities', 'sns:Publish']);
    expect(String(writer.calls[2]?.input.Subject)).toMatch(/scale succeeded on retry .* \[RECOVERED\]$/);
  });
});

/** DescribeEndpoint for any storm endpoint: InService, one variant with 2 instances, no auto scaling. */
function stormReader(endpoints: string[]): AwsReader {
  const base = recordedReader();
  const known = new Set(endpoints);
  return Object.assign(Object.create(base) as AwsReader, {
    async describeEndpoint(name: string): Promise<DescribeEndpointOutput | undefined> {
      if (!known.has(name)) return base.describeEndpoint(name);
      return {
        EndpointName: name,
        EndpointArn: `arn:aws:sagemaker:us-east-1:111122223333:endpoint/${name}`,
        EndpointConfigName: `${name}-config`,
        EndpointStatus: 'InService',
        CreationTime: new Date(START),
        LastModifiedTime: new Date(START),
        ProductionVariants: [{ VariantName: 'AllTraffic', CurrentWeight: 1, CurrentInstanceCount: 2, DesiredInstanceCount: 2 }],
      };
    },
  });
}
