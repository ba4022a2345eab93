/**
 * The operator's reading commands (silence list, approvals, status) against a real DynamoDB
 * implementation (dynalite), seeded with the DynamoStateStore's own methods.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EndpointStatus, STATUS_DISCOVERY_NOTE } from '../../cli/commands/operator-read.js';
import { DynamoStateStore } from '../../shared/state/dynamodb.js';
import type { Approval, AuditRecord, LadderState, Silence } from '../../shared/state/store.js';
import { runBuiltCliAsync } from '../support/built-cli.js';
import { FIXED_NOW, runCli } from '../support/cli.js';
import { type LocalDynamo, startDynalite } from '../support/dynalite.js';

const NOW = FIXED_NOW; // 2026-11-23T12:00:00Z
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const by = 'arn:aws:sts::111122223333:assumed-role/oncall/alice';

let dynamo: LocalDynamo;
let env: Record<string, string>;
let table: string;
let empty: string;

function silence(id: string, endpoint: string, startsAt: number, endsAt: number, extra: Partial<Silence> = {}): Silence {
  return { silence: id, endpoint, startsAt, endsAt, quiet: false, by, reason: 'planned retrain', createdAt: startsAt, ...extra };
}

function approval(id: string, endpoint: string, expiresAt: number): Approval {
  return {
    id,
    rule: 'drift-rollback',
    endpoint,
    action: { type: 'rollback', params: {} } as Approval['action'],
    index: 0,
    signal: { kind: 'monitoring', endpoint } as unknown as Approval['signal'],
    createdAt: NOW - 10 * MIN,
    expiresAt,
    status: 'pending',
  };
}

function ladder(endpoint: string): LadderState {
  return {
    key: 'k1',
    rule: 'latency-escalate',
    alarmArn: `arn:aws:cloudwatch:us-east-1:111122223333:alarm:${endpoint}-latency`,
    alarm: `${endpoint}-latency`,
    endpoint,
    since: new Date(NOW - 20 * MIN).toISOString(),
    startedAt: NOW - 20 * MIN,
    status: 'open',
    next: { step: 2, attempt: 1, at: NOW + 10 * MIN, timer: 't' },
    stepsRun: 1,
    signal: {} as LadderState['signal'],
  };
}

function audit(endpoint: string, at: number): AuditRecord {
  return { event: `evt-${endpoint}-${at}`, signal: null, rule: null, actions: [], ignored: 'x', error: null, at, endpoint };
}

beforeAll(async () => {
  dynamo = await startDynalite();
  env = { AWS_ENDPOINT_URL: dynamo.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
  table = await dynamo.createTable();
  empty = await dynamo.createTable();
  const store = new DynamoStateStore({ client: dynamo.client, tableName: table });
  await store.putSilence(silence('sil-active01', 'fraud-*', NOW - HOUR, NOW + 2 * HOUR, { rule: 'latency-*', quiet: true }), DAY);
  await store.putSilence(silence('sil-later002', 'churn-prod', NOW + HOUR, NOW + 3 * HOUR, { kind: 'monitoring' }), DAY);
  await store.putSilence(silence('sil-over0003', 'churn-prod', NOW - 3 * HOUR, NOW - HOUR), DAY);
  await store.putSilence(silence('sil-ended004', 'churn-prod', NOW - HOUR, NOW + HOUR), DAY);
  await store.endSilence('sil-ended004', NOW - MIN, by, 'done');
  await store.putApproval(approval('apr-3f9a2c1b7d4e6a08', 'churn-prod', NOW + 50 * MIN), DAY);
  await store.putApproval(approval('apr-0002', 'churn-prod', NOW - MIN), DAY);
  await store.setCooldownUntil('latency-scale-out', 'fraud-prod', NOW + 5 * MIN);
  await store.setCooldownUntil('old-rule', 'fraud-prod', NOW - 5 * MIN);
  await store.openCircuit('fraud-prod', NOW - HOUR, NOW + 5 * HOUR, '6 remediations in 1h (limit 6)');
  await store.acquireLock('fraud-prod', 'evt-123', NOW, 5 * MIN);
  await store.recordEndpointStatus('fraud-prod', { status: 'Updating', at: NOW - 10 * MIN }, DAY);
  await store.recordEndpointStatus('quiet-prod', { status: 'Updating', at: NOW - 2 * HOUR }, DAY);
  await store.putLadder(ladder('fraud-prod'), DAY, NOW);
  await store.recordRemediation('fraud-prod', 'r1', NOW - 30 * MIN, DAY);
  await store.recordRemediation('fraud-prod', 'r2', NOW - 2 * HOUR, DAY);
  await store.putAudit(audit('fraud-prod', NOW - HOUR), DAY);
  await store.putAudit(audit('quiet-prod', NOW - 2 * HOUR), DAY);
  await store.putAudit(audit('gone-prod', NOW - 2 * DAY), 3 * DAY);
});
afterAll(async () => {
  await dynamo?.stop();
});

describe('medic silence list', () => {
  it('lists the active and upcoming silences, not the ended ones', async () => {
    const { code, stdout } = await runCli(['silence', 'list', '--table', table], { env });
    expect(code).toBe(0);
    expect(stdout).toEqual([
      'sil-active01  endpoint fraud-*, rule latency-*  (quiet)',
      '  2026-11-23T11:00:00Z to 2026-11-23T14:00:00Z (active, ends in 2h)',
      `  by ${by}: planned retrain`,
      'sil-later002  endpoint churn-prod, kind monitoring',
      '  2026-11-23T13:00:00Z to 2026-11-23T15:00:00Z (upcoming, starts in 1h)',
      `  by ${by}: planned retrain`,
      '',
      '1 active, 1 upcoming; `medic silence expire ID --reason TEXT` ends one early',
    ]);
  });

  it('--json prints one stored silence per line', async () => {
    const { stdout } = await runCli(['silence', 'list', '--json'], { env: { ...env, MEDIC_TABLE: table } });
    const silences = stdout.map((l) => JSON.parse(l) as Silence);
    expect(silences.map((s) => s.silence)).toEqual(['sil-active01', 'sil-later002']);
    expect(silences[0]).toMatchObject({ endpoint: 'fraud-*', rule: 'latency-*', quiet: true, by, startsAt: NOW - HOUR });
  });

  it('an empty table says so', async () => {
    const { code, stdout } = await runCli(['silence', 'list', '--table', empty], { env });
    expect([code, stdout]).toEqual([0, ['no active or upcoming silences']]);
  });

  it('without a table it says how to name one; a missing table is named', async () => {
    const none = await runCli(['silence', 'list'], { env: {} });
    expect(none.code).toBe(2);
    expect(none.stderr[0]).toBe(
      'medic: silence list needs the state table: --table NAME or MEDIC_TABLE (see `npx osls info` for the deployed name)',
    );
    const missing = await runCli(['approvals', '--table', 'no-such-table'], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr[0]).toMatch(/^medic: the state table no-such-table does not exist in us-east-1: check --table or MEDIC_TABLE/);
  });
});

describe('medic approvals', () => {
  it('lists the pending approvals with the command to approve', async () => {
    const { code, stdout } = await runCli(['approvals', '--table', table], { env });
    expect(code).toBe(0);
    expect(stdout).toEqual([
      'apr-3f9a2c1b7d4e6a08  rollback on churn-prod, rule drift-rollback',
      '  asked 2026-11-23T11:50:00Z, expires 2026-11-23T12:50:00Z (in 50m)',
      '  medic approve apr-3f9a2c1b7d4e6a08    medic reject apr-3f9a2c1b7d4e6a08 --reason TEXT',
      '',
      '1 pending, soonest to expire first',
    ]);
  });

  it('--json prints the stored approvals; none pending says so', async () => {
    const json = await runCli(['approvals', '--table', table, '--json'], { env });
    expect(json.stdout.map((l) => (JSON.parse(l) as Approval).id)).toEqual(['apr-3f9a2c1b7d4e6a08']);
    const none = await runCli(['approvals', '--table', empty], { env });
    expect(none.stdout).toEqual(['no approvals pending']);
  });
});

describe('medic status', () => {
  it('one endpoint: busy, circuit, cooldown, lock, silence, ladder, remediations', async () => {
    const { code, stdout } = await runCli(['status', '--endpoint', 'fraud-prod', '--table', table], { env });
    expect(code).toBe(0);
    expect(stdout).toEqual([
      'fraud-prod',
      '  busy      Updating since 2026-11-23T11:50:00Z (10m ago)',
      '  circuit   open until 2026-11-23T17:00:00Z (in 5h): 6 remediations in 1h (limit 6)',
      '  cooldown  latency-scale-out until 2026-11-23T12:05:00Z (in 5m)',
      '  lock      held by evt-123 until 2026-11-23T12:05:00Z (in 5m)',
      '  silence   sil-active01 (endpoint fraud-*, rule latency-*) until 2026-11-23T14:00:00Z (in 2h)',
      '  ladder    latency-escalate on fraud-prod-latency: check 2.1 due 2026-11-23T12:10:00Z (in 10m)',
      '  1 remediation in the last hour',
    ]);
  });

  it('--json: one object per endpoint', async () => {
    const { stdout } = await runCli(['status', '--endpoint', 'fraud-prod', '--table', table, '--json'], { env });
    expect(stdout.map((l) => JSON.parse(l) as EndpointStatus)).toEqual([
      {
        endpoint: 'fraud-prod',
        busy: { status: 'Updating', since: NOW - 10 * MIN },
        circuit: { openedAt: NOW - HOUR, until: NOW + 5 * HOUR, reason: '6 remediations in 1h (limit 6)' },
        cooldowns: [{ rule: 'latency-scale-out', until: NOW + 5 * MIN }],
        lock: { owner: 'evt-123', until: NOW + 5 * MIN },
        silences: ['sil-active01'],
        approvals: [],
        ladders: [{ rule: 'latency-escalate', alarm: 'fraud-prod-latency', next: { step: 2, attempt: 1, at: NOW + 10 * MIN } }],
        remediationsLastHour: 1,
        clear: false,
      },
    ]);
  });

  it('every endpoint with something to show; a glob silence once on its own line', async () => {
    const { code, stdout } = await runCli(['status', '--table', table], { env });
    expect(code).toBe(0);
    expect(stdout.filter((l) => /^\S/.test(l))).toEqual(['churn-prod', 'fraud-prod', 'quiet-prod', 'silences on endpoint patterns']);
    const churn = stdout.slice(0, stdout.indexOf(''));
    expect(churn).toEqual([
      'churn-prod',
      '  silence   sil-later002 (endpoint churn-prod, kind monitoring) from 2026-11-23T13:00:00Z until 2026-11-23T15:00:00Z (in 3h)',
      '  approval  apr-3f9a2c1b7d4e6a08: rollback (rule drift-rollback) expires 2026-11-23T12:50:00Z (in 50m): medic approve apr-3f9a2c1b7d4e6a08',
      '  0 remediations in the last hour',
    ]);
    // Updating 2 h ago with no news since: forgotten, not busy.
    const quiet = stdout.slice(stdout.indexOf('quiet-prod'), stdout.indexOf('quiet-prod') + 3);
    expect(quiet).toEqual(['quiet-prod', '  nothing held', '  0 remediations in the last hour']);
    expect(stdout.slice(-2)).toEqual([
      'silences on endpoint patterns',
      '  silence   sil-active01 (endpoint fraud-*, rule latency-*) until 2026-11-23T14:00:00Z (in 2h)',
    ]);
  });

  it('an empty table has nothing to show', async () => {
    const { stdout } = await runCli(['status', '--table', empty], { env });
    expect(stdout).toEqual(['no endpoint has anything to show: no silences, no pending approvals, no decisions in the last 24h']);
  });

  it('takes no arguments', async () => {
    const { code, stderr } = await runCli(['status', 'fraud-prod', '--table', table], { env });
    expect(code).toBe(2);
    expect(stderr[0]).toBe('medic: status takes no arguments; use --endpoint NAME, not "fraud-prod"');
  });
});

describe('medic status without --endpoint finds endpoints only through what can be listed (built CLI)', () => {
  it('an endpoint held only by a cooldown set days ago is not found; the note says so and --endpoint shows it', async () => {
    // The shipped command reads the wall clock: the state is laid out around it.
    const now = Date.now();
    const older = await dynamo.createTable();
    const store = new DynamoStateStore({ client: dynamo.client, tableName: older });
    // A rule with a 3-day cooldown acted on slow-prod two days ago: the audit of that is older than 24 h.
    await store.setCooldownUntil('weekly-retrain', 'slow-prod', now + DAY);
    await store.putAudit(audit('slow-prod', now - 2 * DAY), 3 * DAY);
    await store.putAudit(audit('recent-prod', now - HOUR), DAY);

    const all = await runBuiltCliAsync(['status', '--table', older], { env });
    expect(all.code).toBe(0);
    expect(all.stdout.split('\n').filter((l) => /^\S/.test(l))).toEqual(['recent-prod']);
    expect(all.stderr).toBe(`${STATUS_DISCOVERY_NOTE}\n`);

    const one = await runBuiltCliAsync(['status', '--endpoint', 'slow-prod', '--table', older], { env });
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^slow-prod\n {2}cooldown {2}weekly-retrain until \S+ \(in 2[34]h( \d+m)?\)\n/);
    expect(one.stderr).toBe('');
  });
});
