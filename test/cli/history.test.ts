/** medic history against a real DynamoDB implementation (dynalite), filled by the real engine. */

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleEvent } from '../../shared/engine.js';
import { DynamoStateStore } from '../../shared/state/dynamodb.js';
import type { AuditRecord } from '../../shared/state/store.js';
import { runCli } from '../support/cli.js';
import { type LocalDynamo, startDynalite } from '../support/dynalite.js';
import { occurrence, START, testEngine } from '../support/engine.js';
import { RUNBOOK, sample } from '../support/samples.js';

let dynamo: LocalDynamo;
let table: string;
let env: Record<string, string>;

beforeAll(async () => {
  dynamo = await startDynalite();
  table = await dynamo.createTable();
  env = { AWS_ENDPOINT_URL: dynamo.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
  const store = new DynamoStateStore({ client: dynamo.client, tableName: table });
  const { deps, clock } = await testEngine(readFileSync(RUNBOOK, 'utf8'), { store, allowWrites: false });
  await handleEvent(occurrence(sample('02-'), START), 'cpu-fraud', deps);
  clock.set(START + 60_000);
  await handleEvent(occurrence(sample('06-'), START + 60_000), '4xx-churn', deps);
});
afterAll(async () => {
  await dynamo?.stop();
});

describe('medic history', () => {
  it('lists every decision of the window, newest first', async () => {
    const { code, stdout } = await runCli(['history', '--table', table, '--json'], { env });
    expect(code).toBe(0);
    const records = stdout.map((l) => JSON.parse(l) as AuditRecord);
    expect(records.map((r) => [r.event, r.rule, r.endpoint])).toEqual([
      ['4xx-churn', 'client-errors-notify', 'churn-prod'],
      ['cpu-fraud', 'latency-scale-out', 'fraud-prod'],
    ]);
  });

  it('filters by endpoint and prints a readable report', async () => {
    const { code, stdout } = await runCli(['history', '--endpoint', 'fraud-prod'], { env: { ...env, MEDIC_TABLE: table } });
    expect(code).toBe(0);
    expect(stdout[0]).toMatch(/^2026-11-23T04:00:00\.000Z {2}alarm fraud-prod-cpu-high OK→ALARM CPUUtilization/);
    expect(stdout).toContain('  scale planned: scale fraud-prod/AllTraffic from 2 to 3 instances');
    expect(stdout.at(-1)).toBe('1 decision for fraud-prod in the last 24h, newest first');
  });

  it('an older window is empty', async () => {
    const { stdout } = await runCli(['history', '--table', table, '--since', '1h'], { env });
    expect(stdout).toEqual(['no decisions recorded in the last 1h']);
  });

  it('without a table it says how to name one (exit 2)', async () => {
    const { code, stderr } = await runCli(['history'], { env: {} });
    expect(code).toBe(2);
    expect(stderr[0]).toMatch(/history needs the state table: --table NAME or MEDIC_TABLE/);
  });

  it('a bad --since is a usage error', async () => {
    const { code, stderr } = await runCli(['history', '--table', table, '--since', 'yesterday'], { env });
    expect(code).toBe(2);
    expect(stderr[0]).toMatch(/^medic: --since: /);
  });
});
