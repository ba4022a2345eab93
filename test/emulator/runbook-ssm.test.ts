/**
 * The runbook from SSM (MEDIC_RUNBOOK_PARAMETER, set by the emulator stage with a 1 s TTL) in a
 * packaged function: a valid new version is in force after the TTL; an invalid one is refused
 * with one notification (across invocations and containers) and the last good one stays in
 * force. Which runbook decided is seen in the subject its rule publishes.
 */
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { beforeAll, expect, it } from 'vitest';
import { EMULATOR_RUNBOOK_PARAMETER } from '../support/emulator/packaged.js';
import { describeEmulator, useEmulator } from '../support/emulator/use-emulator.js';
import type { Subscriber } from '../support/emulator/world.js';
import { sample, withDetail } from '../support/samples.js';

const emulator = useEmulator();
let ops: Subscriber;
const TTL_MS = 1_000;

function runbook(version: string): string {
  return [
    'version: 1',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a runbook's own ${env:...} reference
    'topics: { ops: "${env:OPS_TOPIC_ARN}" }',
    'rules:',
    `  - id: page-${version}`,
    '    match: { kind: alarm, state: ALARM }',
    `    actions: [{ notify: { topic: ops, subject: "runbook ${version}: {{alarm}}" } }]`,
    '    cooldown: 0s',
    '',
  ].join('\n');
}
const INVALID = 'version: 1\nrules:\n  - id: broken\n    match: { kind: alarm }\n    actions:\n      - scael: { by: 1 }\n';

let occurrences = 0;
/** A new occurrence of the latency alarm each time: never a duplicate. */
function freshAlarm(): Record<string, unknown> {
  occurrences += 1;
  const iso = `2026-11-23T11:00:${String(occurrences).padStart(2, '0')}.000+0000`;
  return withDetail({ ...sample('01-'), id: `5550a000-0000-4000-8000-0000000000${String(occurrences).padStart(2, '0')}` }, (d) => {
    (d.state as Record<string, unknown>).timestamp = iso;
  });
}

async function put(value: string): Promise<void> {
  await emulator().clients.ssm.send(
    new PutParameterCommand({ Name: EMULATOR_RUNBOOK_PARAMETER, Type: 'String', Value: value, Overwrite: true }),
  );
}
const afterTtl = () => new Promise((r) => setTimeout(r, TTL_MS + 200));

describeEmulator('the runbook from SSM in the packaged alarm function', () => {
  beforeAll(async () => {
    ({ ops } = await emulator().deployOntoWorld({ endpoints: ['churn-prod'] }));
  });

  it('a new valid version is in force after the TTL; an invalid one is refused once and the last good one stays', async () => {
    const alarm = emulator().host('alarm');
    await put(runbook('v1'));
    expect((await alarm.invoke(freshAlarm())).ok).toBe(true);
    expect((await ops.drain()).map((n) => n.subject)).toEqual(['runbook v1: churn-prod-model-latency']);

    await put(runbook('v2'));
    await afterTtl();
    expect((await alarm.invoke(freshAlarm())).ok).toBe(true);
    expect((await ops.drain()).map((n) => n.subject)).toEqual(['runbook v2: churn-prod-model-latency']);

    await put(INVALID);
    await afterTtl();
    expect((await alarm.invoke(freshAlarm())).ok).toBe(true);
    const refused = await ops.drain();
    expect(refused.map((n) => n.subject).sort()).toEqual([
      `[model-medic] runbook ${EMULATOR_RUNBOOK_PARAMETER} [version 3 refused]`,
      'runbook v2: churn-prod-model-latency',
    ]);
    expect(refused.find((n) => n.subject?.includes('refused'))?.message).toContain('Still in force');

    // Later refreshes, and another container, say nothing more: still v2.
    await afterTtl();
    expect((await alarm.invoke(freshAlarm())).ok).toBe(true);
    const other = emulator().host('alarm');
    await Promise.all([alarm.invoke(freshAlarm()), other.invoke(freshAlarm())]);
    expect((await ops.drain()).map((n) => n.subject)).toEqual(Array(3).fill('runbook v2: churn-prod-model-latency'));
  });
});
