/**
 * The operator bus as the packaged template defines it, on moto: `deployOntoWorld()` creates the
 * bus (with the template's policy) and the rule on it (the template's name and pattern); the
 * rule is routed to an SQS queue standing in for its target, the alarm function. Operator events
 * are put through the SDK's EventBridge client, via the stand-in, on the bus, as `medic silence`
 * and the other sending commands do.
 *
 * What moto does not emulate here:
 * - the bus policy is stored (DescribeEventBus returns it) but not enforced: moto checks no
 *   principal, so "only this account may put events" is checked on the template (test/stack/),
 *   not here;
 * - IAM conditions such as `events:source` in an operator's policy (moto does not evaluate IAM);
 * - the rule's retry policy and dead-letter queue (moto delivers once, or not at all), and
 *   Lambda targets (the functions run in hosts, not in moto's Lambda; hence the stand-in queue);
 * - the delivered event's `account`: moto's default input template leaves it out (EventBridge
 *   sets it to the bus owner's account), so the test adds it before parsing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeEventBusCommand, DescribeRuleCommand, EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { expect, it } from 'vitest';
import { parseEnvelope } from '../../shared/signals/envelope.js';
import { OPERATOR_DETAIL_TYPES, OPERATOR_SOURCE, parseOperatorEvent } from '../../shared/signals/operator.js';
import { SAMPLE_ACCOUNT, SAMPLE_REGION } from '../support/emulator/moto-server.js';
import { EMULATOR_STAGE, type PackagedFunction } from '../support/emulator/packaged.js';
import { describeEmulator, useEmulator } from '../support/emulator/use-emulator.js';
import { routeOperatorRule, TEST_CREDENTIALS } from '../support/emulator/world.js';
import { EVENTS_DIR } from '../support/samples.js';

const emulator = useEmulator();

const OPERATOR_DIR = join(EVENTS_DIR, 'operator');
const samples = readdirSync(OPERATOR_DIR)
  .filter((n) => n.endsWith('.json'))
  .sort()
  .map((name) => ({ name, event: JSON.parse(readFileSync(join(OPERATOR_DIR, name), 'utf8')) as Record<string, unknown> }));

/** The PutEvents entry a sending command makes of an operator event. */
const entryOf = (event: Record<string, unknown>, busName: string | undefined) => ({
  ...(busName ? { EventBusName: busName } : {}),
  Source: String(event.source),
  DetailType: String(event['detail-type']),
  Detail: JSON.stringify(event.detail),
  Time: new Date(String(event.time)),
  Resources: [] as string[],
});

/** An EventBridge client as the CLI builds one: through the stand-in, so every request is recorded. */
const eventBridge = () =>
  new EventBridgeClient({ region: SAMPLE_REGION, endpoint: emulator().standIn.url, credentials: TEST_CREDENTIALS, maxAttempts: 1 });

describeEmulator('the operator bus, deployed from the packaged template', () => {
  it('the deploy created the bus, with the template policy, and the rule on it with the template pattern', async () => {
    const e = emulator();
    const { deployed } = await e.deployOntoWorld({ endpoints: ['churn-prod'] });
    expect(deployed.operatorBus.name).toBe(`model-medic-${EMULATOR_STAGE}-operator`);
    expect(deployed.operatorRule).toEqual({
      name: `model-medic-${EMULATOR_STAGE}-operator-events`,
      eventPattern: { source: [OPERATOR_SOURCE], 'detail-type': [...OPERATOR_DETAIL_TYPES] },
      targetLogicalId: 'AlarmLambdaFunction',
    });

    const bus = await e.clients.eventbridge.send(new DescribeEventBusCommand({ Name: deployed.operatorBus.name }));
    expect(bus.Arn).toBe(deployed.operatorBus.arn);
    expect(JSON.parse(String(bus.Policy))).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ThisAccountPutsOperatorEvents',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${SAMPLE_ACCOUNT}:root` },
          Action: 'events:PutEvents',
          Resource: deployed.operatorBus.arn,
          Condition: { StringEquals: { 'aws:PrincipalAccount': SAMPLE_ACCOUNT } },
        },
      ],
    });
    const rule = await e.clients.eventbridge.send(
      new DescribeRuleCommand({ Name: deployed.operatorRule.name, EventBusName: deployed.operatorBus.name }),
    );
    expect(rule.State).toBe('ENABLED');
    expect(rule.EventBusName).toBe(deployed.operatorBus.name);
    expect(JSON.parse(String(rule.EventPattern))).toEqual(deployed.operatorRule.eventPattern);
    // The alarm function is told which bus it is (informative).
    expect(deployed.environmentOf(e.stack.functions.alarm as PackagedFunction).MEDIC_OPERATOR_BUS).toBe(deployed.operatorBus.name);
  });

  it('each sample operator event put on the bus reaches the alarm function stand-in, whole and parseable', async () => {
    const e = emulator();
    const { deployed } = await e.deployOntoWorld({ endpoints: ['churn-prod'] });
    const alarm = await routeOperatorRule(e.clients, deployed);
    const client = eventBridge();
    try {
      for (const { name, event } of samples) {
        const out = await client.send(new PutEventsCommand({ Entries: [entryOf(event, deployed.operatorBus.name)] }));
        expect(out.FailedEntryCount ?? 0, name).toBe(0);
        expect(out.Entries?.[0]?.EventId, name).toEqual(expect.any(String));
      }
    } finally {
      client.destroy();
    }
    expect(e.standIn.requests.filter((r) => r.service === 'eventbridge').map((r) => r.operation)).toEqual(samples.map(() => 'PutEvents'));

    const received = await alarm.drain();
    expect(received.map((r) => r['detail-type'])).toEqual(samples.map(({ event }) => event['detail-type']));
    expect(new Set(received.map((r) => r['detail-type']))).toEqual(new Set(OPERATOR_DETAIL_TYPES));
    for (const [i, got] of received.entries()) {
      const { name, event } = samples[i] as (typeof samples)[number];
      expect(got, name).toMatchObject({
        version: '0',
        source: OPERATOR_SOURCE,
        region: SAMPLE_REGION,
        time: event.time,
        detail: event.detail,
      });
      expect(got.id, name).toEqual(expect.any(String));
      // moto leaves `account` out of what it delivers (its default input template has none); EventBridge sets it.
      const delivered = { account: SAMPLE_ACCOUNT, ...got };
      // What the alarm function will parse, as it would parse the sample itself.
      expect(parseOperatorEvent(parseEnvelope(delivered)), name).toEqual(parseOperatorEvent(parseEnvelope(event)));
    }
  });

  it('nothing else reaches it: an unknown operator detail-type, another source on the bus, an operator event on the default bus', async () => {
    const e = emulator();
    const { deployed } = await e.deployOntoWorld({ endpoints: ['churn-prod'] });
    const alarm = await routeOperatorRule(e.clients, deployed);
    const silence = (samples[0] as (typeof samples)[number]).event;
    const client = eventBridge();
    try {
      const out = await client.send(
        new PutEventsCommand({
          Entries: [
            { ...entryOf(silence, deployed.operatorBus.name), DetailType: 'Silence Updated' },
            { ...entryOf(silence, deployed.operatorBus.name), DetailType: 'silence created' },
            { ...entryOf(silence, deployed.operatorBus.name), Source: 'acme.operator' },
            { ...entryOf(silence, deployed.operatorBus.name), Source: 'aws.cloudwatch', DetailType: 'CloudWatch Alarm State Change' },
            entryOf(silence, undefined), // the default bus: the operator rule is not there
          ],
        }),
      );
      expect(out.FailedEntryCount ?? 0).toBe(0);
      expect(await alarm.drain()).toEqual([]);

      // The same route delivers a genuine one right after: the empty queue above is the pattern's doing.
      await client.send(new PutEventsCommand({ Entries: [entryOf(silence, deployed.operatorBus.name)] }));
      expect((await alarm.drain()).map((r) => r['detail-type'])).toEqual(['Silence Created']);
    } finally {
      client.destroy();
    }
  });
});
