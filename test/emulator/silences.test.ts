/**
 * Silences end to end on the emulator, with the shipped forms only: the built CLI (`bin/medic.js`)
 * sends `Silence Created` / `Silence Expired` onto the stack's operator bus (the bus and rule the
 * packaged template defines), the rule delivers them (routed to a queue standing in for the alarm
 * function), the packaged alarm function applies them, the built CLI reads the state table back
 * (`silence list`, `status`), and a matching ALARM handed to the packaged function is held while
 * the silence lasts and acts once it is expired: asserted on moto's state (the variant's
 * instance count, the ops subscriber's queue, the failure queue).
 *
 * What moto does not emulate here:
 * - Lambda targets of EventBridge rules: the operator rule is routed to an SQS queue
 *   (routeOperatorRule) and the test hands what it delivered to the packaged function, as
 *   EventBridge would invoke it;
 * - the delivered event's `account`: moto's default input template leaves it out, EventBridge
 *   sets it to the account of the bus (this stack's); the test adds it, as EventBridge would;
 * - the bus policy (stored, not enforced) and IAM: who may put events is not checked here;
 * - STS: GetCallerIdentity answers moto's fixed identity for any credentials, so `by` is that
 *   ARN (asked from moto by the test too, and compared), not a real caller's;
 * - CloudWatch does not send the ALARMs: the test hands the sample events to the function, and a
 *   new occurrence is the same alarm with another state timestamp and event id.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { beforeAll, expect, it } from 'vitest';
import type { EndpointStatus } from '../../cli/commands/operator-read.js';
import type { EventReport } from '../../shared/report.js';
import { OPERATOR_SOURCE } from '../../shared/signals/operator.js';
import type { Silence } from '../../shared/state/store.js';
import { runBuiltCliAsync } from '../support/built-cli.js';
import type { InvokeResult } from '../support/emulator/lambda-host.js';
import { SAMPLE_ACCOUNT, SAMPLE_REGION } from '../support/emulator/moto-server.js';
import { describeEmulator, useEmulator } from '../support/emulator/use-emulator.js';
import {
  drainQueue,
  endpointNow,
  type OperatorRoute,
  routeOperatorRule,
  type Subscriber,
  TEST_CREDENTIALS,
} from '../support/emulator/world.js';
import { sample, withDetail } from '../support/samples.js';

const emulator = useEmulator();
let ops: Subscriber;
let operatorRule: OperatorRoute;
let bus: string;
let table: string;
/** The caller ARN moto's STS answers (for any credentials). */
let caller: string;
let silenceId: string;

function report(result: InvokeResult): EventReport {
  if (!result.ok) throw new Error(`the function failed: ${result.error.errorMessage}`);
  return result.result as EventReport;
}

/** The same alarm, in ALARM again later: a new occurrence (another state timestamp and event id), so not a duplicate. */
function againAt(event: Record<string, unknown>, iso: string): Record<string, unknown> {
  const copy = withDetail(event, (d) => {
    (d.state as Record<string, unknown>).timestamp = iso;
  });
  return { ...copy, id: `${String(event.id).slice(0, 24)}${iso.replace(/\D/g, '').slice(-12)}`, time: iso.replace(/\.\d+/, '') };
}

/** What the rule delivered, as EventBridge hands it to the function: moto leaves `account` out, EventBridge sets the bus owner's. */
const asDelivered = (got: Record<string, unknown>) => ({ account: SAMPLE_ACCOUNT, ...got });

async function medic(argv: string[]) {
  const result = await runBuiltCliAsync(argv, { env: emulator().env() });
  expect(result.stderr, `medic ${argv.join(' ')}`).toBe('');
  expect(result.code, `medic ${argv.join(' ')}`).toBe(0);
  return result.stdout;
}

const jsonLines = <T>(stdout: string): T[] =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);

describeEmulator('silences through the built CLI, the operator bus and the packaged alarm function', () => {
  beforeAll(async () => {
    const e = emulator();
    const world = await e.deployOntoWorld();
    ops = world.ops;
    bus = world.deployed.operatorBus.name;
    table = world.deployed.tableName;
    operatorRule = await routeOperatorRule(e.clients, world.deployed);
    const sts = new STSClient({ region: SAMPLE_REGION, endpoint: e.motoUrl, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    try {
      caller = String((await sts.send(new GetCallerIdentityCommand({}))).Arn);
    } finally {
      sts.destroy();
    }
  });

  it('`medic silence add` puts one Silence Created on the stack bus; the rule delivers exactly it, by the STS caller', async () => {
    const before = Date.now();
    const out = await medic(['silence', 'add', '--endpoint', 'fraud-prod', '--for', '1h', '--reason', 'load test', '--bus', bus]);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(2);
    silenceId = String(/^silence (sil-[0-9a-f]{8}): endpoint fraud-prod, \S+ to \S+$/.exec(lines[0] ?? '')?.[1]);
    expect(silenceId).toMatch(/^sil-[0-9a-f]{8}$/);
    const eventId = /^sent Silence Created to bus (\S+) as event (\S+) \(by (\S+)\); /.exec(lines[1] ?? '');
    expect(eventId?.[1]).toBe(bus);
    expect(eventId?.[3]).toBe(caller);

    const received = await operatorRule.drain();
    expect(received).toHaveLength(1);
    const [event] = received as [Record<string, unknown>];
    expect(event).toMatchObject({ id: eventId?.[2], source: OPERATOR_SOURCE, 'detail-type': 'Silence Created', region: SAMPLE_REGION });
    const detail = event.detail as Record<string, unknown>;
    expect(detail).toEqual({
      silence: silenceId,
      endpoint: 'fraud-prod',
      startsAt: expect.any(String),
      endsAt: expect.any(String),
      quiet: false,
      reason: 'load test',
      by: caller,
    });
    const startsAt = Date.parse(String(detail.startsAt));
    expect(startsAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(startsAt).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(String(detail.endsAt)) - startsAt).toBe(3600_000);

    // The delivered event, handed to the packaged alarm function, creates the silence.
    const created = report(await emulator().host('alarm').invoke(asDelivered(event)));
    expect(created.error).toBeNull();
    expect(created.operator).toEqual({ type: 'Silence Created', by: caller, reason: 'load test' });
    const ms = (t: unknown) => new Date(Date.parse(String(t))).toISOString();
    expect(created.recorded).toBe(
      `silence ${silenceId} (endpoint fraud-prod) from ${ms(detail.startsAt)} until ${ms(detail.endsAt)}: set by ${caller}`,
    );
  });

  it('`medic silence list` and `medic status --endpoint fraud-prod` (built CLI) show it, in text and --json', async () => {
    const listed = jsonLines<Silence>(await medic(['silence', 'list', '--table', table, '--json']));
    expect(listed).toEqual([
      expect.objectContaining({ silence: silenceId, endpoint: 'fraud-prod', quiet: false, by: caller, reason: 'load test' }),
    ]);
    const text = await medic(['silence', 'list', '--table', table]);
    expect(text).toContain(`${silenceId}  endpoint fraud-prod\n`);
    expect(text).toMatch(/\(active, ends in (59m|1h)\)/);
    expect(text).toContain(`  by ${caller}: load test\n`);
    expect(text).toContain('1 active, 0 upcoming');

    const [status] = jsonLines<EndpointStatus>(await medic(['status', '--endpoint', 'fraud-prod', '--table', table, '--json']));
    expect(status).toMatchObject({ endpoint: 'fraud-prod', silences: [silenceId], clear: false });
    const statusText = await medic(['status', '--endpoint', 'fraud-prod', '--table', table]);
    expect(statusText).toMatch(
      new RegExp(`^fraud-prod\\n  silence   ${silenceId} \\(endpoint fraud-prod\\) until \\S+ \\(in (59m|1h)\\)\\n`),
    );
    expect(statusText).not.toContain('nothing held');
  });

  it('a matching ALARM (fraud-prod CPU) is held: scale suppressed `silenced` with the id, 2 instances still, ops told "held back (silenced)"', async () => {
    const e = emulator();
    await ops.drain();
    expect((await endpointNow(e.clients, 'fraud-prod')).variants.AllTraffic?.instances).toBe(2);
    const held = report(await e.host('alarm').invoke(sample('02-')));
    expect(held.rule).toBe('latency-scale-out');
    expect(held.actions.map((a) => `${a.type}:${a.status}:${a.suppressedBy ?? ''}`)).toEqual([
      'scale:suppressed:silenced',
      'notify:executed:',
    ]);
    expect(held.actions[0]).toMatchObject({ silence: silenceId, reason: expect.stringContaining(`silenced by ${silenceId} until `) });
    expect((await endpointNow(e.clients, 'fraud-prod')).variants.AllTraffic?.instances).toBe(2);
    const told = await ops.drain();
    expect(told.map((n) => n.subject)).toEqual(['[HIGH] fraud-prod: ALARM fraud-prod-cpu-high']);
    expect(told[0]?.message).toContain(`  - scale: held back (silenced): silenced by ${silenceId}`);
  });

  it('`medic silence expire` ends it (delivered, applied); the scale the silence held now runs: 2 -> 3 instances', async () => {
    const e = emulator();
    const out = await medic(['silence', 'expire', silenceId, '--reason', 'done', '--bus', bus]);
    expect(out).toMatch(
      new RegExp(`^silence ${silenceId}: ends now\\nsent Silence Expired to bus ${bus} as event \\S+ \\(by ${caller}\\)`),
    );
    const received = await operatorRule.drain();
    expect(received).toHaveLength(1);
    const [event] = received as [Record<string, unknown>];
    expect(event).toMatchObject({
      source: OPERATOR_SOURCE,
      'detail-type': 'Silence Expired',
      detail: { silence: silenceId, reason: 'done', by: caller },
    });
    const ended = report(await e.host('alarm').invoke(asDelivered(event)));
    expect(ended.recorded).toBe(`silence ${silenceId} ended by ${caller}`);
    expect(await medic(['silence', 'list', '--table', table])).toBe('no active or upcoming silences\n');

    await ops.drain();
    // The held run did not start the rule's cooldown (its change never happened): the same rule's
    // next ALARM acts now that the silence is over.
    const sameRule = report(await e.host('alarm').invoke(againAt(sample('02-'), '2026-11-23T05:20:15.384+0000')));
    expect(sameRule.actions.map((a) => `${a.type}:${a.status}`)).toEqual(['scale:executed', 'notify:executed']);
    expect((await endpointNow(e.clients, 'fraud-prod')).variants.AllTraffic?.instances).toBe(3);
    expect((await ops.drain()).map((n) => n.subject)).toEqual(['[HIGH] fraud-prod: ALARM fraud-prod-cpu-high']);
  });

  it('a Silence Created from another account is refused, kept in the failure queue, and not applied', async () => {
    const e = emulator();
    const foreign = {
      version: '0',
      id: '5d0f6b1e-3c2a-4e8d-9f71-0a6b4c2d8e19',
      'detail-type': 'Silence Created',
      source: OPERATOR_SOURCE,
      account: '999988887777',
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: SAMPLE_REGION,
      resources: [],
      detail: {
        silence: 'sil-f0re1gn0',
        endpoint: 'fraud-prod',
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: new Date(Date.now() + 3600_000).toISOString(),
        quiet: false,
        by: 'arn:aws:sts::999988887777:assumed-role/oncall/mallory',
        reason: 'load test',
      },
    };
    await drainQueue(e.clients, e.deployed().failureQueueUrl);
    const outcome = report(await e.host('alarm').invoke(foreign));
    expect(outcome.errorKind).toBe('invalid-event');
    expect(outcome.error).toBe(
      `operator event refused: event from account 999988887777 is outside the allowed accounts (${SAMPLE_ACCOUNT})`,
    );
    const queued = await drainQueue(e.clients, e.deployed().failureQueueUrl);
    expect(queued).toHaveLength(1);
    expect(JSON.stringify(queued[0])).toContain('sil-f0re1gn0');
    expect(await medic(['silence', 'list', '--table', table])).toBe('no active or upcoming silences\n');
  });
});
