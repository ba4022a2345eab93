/** medic history against a real DynamoDB implementation (dynalite), filled by the real engine. */

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleEvent } from '../../shared/engine.js';
import { DynamoStateStore } from '../../shared/state/dynamodb.js';
import type { AuditRecord } from '../../shared/state/store.js';
import { runCli } from '../support/cli.js';
import { type LocalDynamo, startDynalite } from '../support/dynalite.js';
import { occurrence, START, testEngine } from '../support/engine.js';
import { RUNBOOK, sample, withDetail } from '../support/samples.js';

let dynamo: LocalDynamo;
let table: string;
let env: Record<string, string>;
let store: DynamoStateStore;
const RUNBOOK_HASH = createHash('sha256').update(readFileSync(RUNBOOK, 'utf8')).digest('hex').slice(0, 12);

beforeAll(async () => {
  dynamo = await startDynalite();
  table = await dynamo.createTable();
  env = { AWS_ENDPOINT_URL: dynamo.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
  store = new DynamoStateStore({ client: dynamo.client, tableName: table });
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

  it('each record names the runbook that decided: its content hash in --json and on one line of text', async () => {
    const json = await runCli(['history', '--table', table, '--json'], { env });
    expect(json.stdout.map((l) => (JSON.parse(l) as AuditRecord).runbook)).toEqual([{ hash: RUNBOOK_HASH }, { hash: RUNBOOK_HASH }]);
    const text = await runCli(['history', '--table', table, '--endpoint', 'fraud-prod'], { env });
    expect(text.stdout.filter((l) => l.includes('runbook'))).toEqual([`  runbook ${RUNBOOK_HASH}`]);
  });

  it('a runbook read from SSM is shown with its parameter version', async () => {
    const runbook = { hash: '3f2a9c1d0b7e', parameter: '/model-medic/runbook', version: 4 };
    await store.putAudit(
      { event: 'from-ssm', signal: null, rule: null, actions: [], ignored: 'x', error: null, at: START, endpoint: 'ssm-prod', runbook },
      60_000,
    );
    const text = await runCli(['history', '--table', table, '--endpoint', 'ssm-prod'], { env });
    expect(text.stdout).toContain('  runbook 3f2a9c1d0b7e (ssm v4)');
    const json = await runCli(['history', '--table', table, '--endpoint', 'ssm-prod', '--json'], { env });
    expect(json.stdout.map((l) => (JSON.parse(l) as AuditRecord).runbook)).toEqual([runbook]);
  });

  it('an endpoint state change is listed by its endpoint, status and config', async () => {
    const { deps } = await testEngine(readFileSync(RUNBOOK, 'utf8'), { store, allowWrites: false });
    const event = withDetail(sample('34-'), (d) => {
      d.EndpointName = 'state-prod';
    });
    await handleEvent(event, 'state-change', deps);
    const text = await runCli(['history', '--table', table, '--endpoint', 'state-prod'], { env });
    expect(text.stdout.slice(0, 2)).toEqual([
      '2026-11-23T04:00:00.000Z  endpoint state-prod InService with fraud-prod-config-2026-11-20',
      '  recorded state-prod: fraud-prod-config-2026-11-20 is live',
    ]);
  });

  it('a bad --since is a usage error', async () => {
    const { code, stderr } = await runCli(['history', '--table', table, '--since', 'yesterday'], { env });
    expect(code).toBe(2);
    expect(stderr[0]).toMatch(/^medic: --since: /);
  });
});
