/**
 * Every EventBridge rule pattern in the packaged template, checked by moto's EventBridge
 * against every sample event (the operator events of events/operator/ too, and the malformed
 * ones that are still JSON objects), and the
 * project's own matcher (test/support/eventbridge-pattern.ts, which the stack tests use) must
 * agree with it on each pair.
 *
 * moto 5.2 answers TestEventPattern with an empty body (the operation is a stub), so the check
 * goes through the routing moto does implement: each rule is put on moto's default bus with an
 * SQS queue as its target, every event is put with PutEvents, and what each queue received is
 * what that rule matched. (The operator rule lives on the operator bus once deployed; here only its
 * pattern is checked, like the others', on the default bus. test/emulator/operator-bus.test.ts
 * routes it on its own bus.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { expect, it } from 'vitest';
import { motoJson } from '../support/emulator/moto-json.js';
import { describeEmulator, useEmulator } from '../support/emulator/use-emulator.js';
import { drainQueue } from '../support/emulator/world.js';
import { matchesPattern } from '../support/eventbridge-pattern.js';
import { EVENTS_DIR, INVALID_DIR, sampleEventFiles } from '../support/samples.js';

const emulator = useEmulator();

function events(): Array<[string, Record<string, unknown>]> {
  const valid = sampleEventFiles().map(
    (n) => [n, JSON.parse(readFileSync(join(EVENTS_DIR, n), 'utf8'))] as [string, Record<string, unknown>],
  );
  const invalid = readdirSync(INVALID_DIR)
    .filter((n) => n.endsWith('.json'))
    .flatMap((n) => {
      try {
        const value = JSON.parse(readFileSync(join(INVALID_DIR, n), 'utf8'));
        return value && typeof value === 'object' && !Array.isArray(value)
          ? [[`invalid/${n}`, value] as [string, Record<string, unknown>]]
          : [];
      } catch {
        return [];
      }
    });
  const operatorDir = join(EVENTS_DIR, 'operator');
  const operator = readdirSync(operatorDir)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => [`operator/${n}`, JSON.parse(readFileSync(join(operatorDir, n), 'utf8'))] as [string, Record<string, unknown>]);
  return [...valid, ...operator, ...invalid];
}

describeEmulator('EventBridge rule patterns of the packaged template', () => {
  it('moto routes exactly the events our matcher selects, for every rule and sample, and each rule selects its events', async () => {
    const e = emulator();
    const template = JSON.parse(readFileSync(e.stack.templateFile, 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: { Name: string; EventPattern: unknown } }>;
    };
    const rules = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Events::Rule');
    expect(rules.map((r) => r.Properties.Name).sort()).toEqual([
      'model-medic-emulator-alarm-state',
      'model-medic-emulator-endpoint-state',
      'model-medic-emulator-operator-events',
      'model-medic-emulator-processing-job-terminal',
    ]);
    const call = (op: string, input: Record<string, unknown>) => motoJson(e.motoUrl, `AWSEvents.${op}`, input, { signingName: 'events' });
    const queues = new Map<string, string>();
    for (const rule of rules) {
      const { QueueUrl } = await e.clients.sqs.send(new CreateQueueCommand({ QueueName: `${rule.Properties.Name}-target` }));
      const attrs = await e.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
      await call('PutRule', { Name: rule.Properties.Name, EventPattern: JSON.stringify(rule.Properties.EventPattern), State: 'ENABLED' });
      await call('PutTargets', { Rule: rule.Properties.Name, Targets: [{ Id: 'queue', Arn: attrs.Attributes?.QueueArn }] });
      queues.set(rule.Properties.Name, String(QueueUrl));
    }
    const all = events().filter(([, event]) => typeof event.source === 'string' && typeof event['detail-type'] === 'string');
    for (const [name, event] of all) {
      const detail = event.detail && typeof event.detail === 'object' ? event.detail : {};
      const out = await call('PutEvents', {
        Entries: [
          {
            Source: event.source,
            DetailType: event['detail-type'],
            Detail: JSON.stringify({ ...detail, __sample: name }),
            Resources: Array.isArray(event.resources) ? event.resources : [],
          },
        ],
      });
      expect(out.FailedEntryCount ?? 0).toBe(0);
    }

    const selected: Record<string, string[]> = {};
    for (const rule of rules) {
      const name = rule.Properties.Name;
      const delivered = (await drainQueue(e.clients, String(queues.get(name)))).map((b) => String(JSON.parse(b).detail.__sample));
      const ours = all
        .filter(([, event]) =>
          matchesPattern(rule.Properties.EventPattern, {
            id: 'x',
            account: '111122223333',
            region: 'us-east-1',
            time: '2026-11-23T00:00:00Z',
            resources: [],
            ...event,
            detail: event.detail && typeof event.detail === 'object' ? event.detail : {},
          }),
        )
        .map(([n]) => n);
      expect({ rule: name, matched: [...delivered].sort() }).toEqual({ rule: name, matched: [...ours].sort() });
      selected[name] = ours;
    }
    expect(selected['model-medic-emulator-alarm-state']).toEqual(
      events()
        .filter(([, e]) => e.source === 'aws.cloudwatch' && e['detail-type'] === 'CloudWatch Alarm State Change')
        .map(([n]) => n),
    );
    expect(selected['model-medic-emulator-endpoint-state']).toEqual([
      '34-endpoint-state-fraud-prod-inservice.json',
      '35-endpoint-state-churn-prod-updating.json',
    ]);
    expect(selected['model-medic-emulator-processing-job-terminal']).not.toContain('31-processing-in-progress.json');
    expect(selected['model-medic-emulator-processing-job-terminal']).toContain('20-monitor-data-drift-churn-prod.json');
    expect(selected['model-medic-emulator-operator-events']).toEqual([
      'operator/01-silence-created-churn-prod.json',
      'operator/02-silence-expired-churn-prod.json',
      'operator/03-approval-granted-fraud-prod.json',
      'operator/04-approval-rejected-fraud-prod.json',
      'operator/05-circuit-closed-ranker-prod.json',
    ]);
  });
});
