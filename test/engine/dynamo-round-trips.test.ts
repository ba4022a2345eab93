/**
 * Issue 14's budget: sequential DynamoDB round trips per event, on the real engine and the real
 * DynamoDB store (dynalite), the sample events and the shipped runbook. A round trip is counted
 * from the order in which requests start and end (test/support/round-trips.ts), never from time.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleEvent } from '../../shared/engine.js';
import { DynamoStateStore } from '../../shared/state/dynamodb.js';
import { type LocalDynamo, startDynalite } from '../support/dynalite.js';
import { testEngine } from '../support/engine.js';
import { logRoundTrips } from '../support/round-trips.js';
import { RUNBOOK, sample } from '../support/samples.js';

const RUNBOOK_TEXT = readFileSync(RUNBOOK, 'utf8');

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo?.stop();
});

async function measure(prefix: string) {
  const log = logRoundTrips(dynamo.client);
  const store = new DynamoStateStore({ client: log.client, tableName: await dynamo.createTable() });
  const { deps, writer } = await testEngine(RUNBOOK_TEXT, { store });
  log.reset();
  const report = await handleEvent(sample(prefix), `sample ${prefix}`, deps);
  console.info(`event ${prefix}: ${log.rounds().length} round trips, ${log.requests()} requests\n${log.describe()}`);
  return { log, report, writer };
}

describe('sequential DynamoDB round trips (dynalite)', () => {
  // 13 before issue 14: claim, records, ladders, lock, guard reads, scale memory, two records,
  // guard writes, unlock, ladder, completion, audit, one after another.
  it('an alarm that scales and notifies (sample 02, shipped runbook): at most 4', async () => {
    const { log, report, writer } = await measure('02-');
    expect(report.actions.map((a) => `${a.type}:${a.status}`)).toEqual(['scale:executed', 'notify:executed']);
    expect(writer.operations()).toEqual(['sagemaker:UpdateEndpointWeightsAndCapacities', 'sns:Publish']);
    expect(log.rounds().length, `round trips:\n${log.describe()}`).toBeLessThanOrEqual(4);
  });

  // No budget for these two; the figures of issue 14 (8 and 3 before), kept from growing back.
  it('a monitoring result that retrains and notifies, no lock (sample 20): at most 3', async () => {
    const { log, report } = await measure('20-');
    expect(report.actions.map((a) => `${a.type}:${a.status}`)).toEqual(['retrain:executed', 'notify:executed']);
    expect(log.rounds().length, `round trips:\n${log.describe()}`).toBeLessThanOrEqual(3);
  });

  it('an endpoint state change (sample 34): one round trip', async () => {
    const { log, report } = await measure('34-');
    expect(report.recorded).toMatch(/is live/);
    expect(log.rounds().length, `round trips:\n${log.describe()}`).toBe(1);
  });
});
