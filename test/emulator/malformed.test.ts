/**
 * Malformed and foreign input sent to the packaged function: each file of events/invalid/ is
 * refused with the same diagnosis the CLI gives, lands in the failure queue exactly once (the
 * function sends it there and ends normally: a retry could never succeed), and nothing is
 * written to SageMaker or Application Auto Scaling.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { runBuiltCliAsync } from '../support/built-cli.js';
import { describeEmulator, useEmulator } from '../support/emulator/use-emulator.js';
import { drainQueue, seedWorld } from '../support/emulator/world.js';
import { INVALID_DIR, sample } from '../support/samples.js';

const emulator = useEmulator();
const FILES = readdirSync(INVALID_DIR)
  .filter((n) => n.endsWith('.json'))
  .sort();

/** What a sender would deliver: the JSON value, or (for a file that is not JSON at all) its text as a string. */
function payloadOf(file: string): unknown {
  const text = readFileSync(join(INVALID_DIR, file), 'utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

describeEmulator('malformed and foreign events on the packaged functions', () => {
  beforeAll(async () => {
    const e = emulator();
    await e.deployStack();
    await seedWorld(e.clients, e.standIn, { endpoints: ['churn-prod', 'fraud-prod'] });
  });

  it.each(FILES)('%s: refused with its diagnosis, in the failure queue once, nothing written', async (file) => {
    const e = emulator();
    e.standIn.requests.length = 0;
    const event = payloadOf(file);
    for (const name of ['alarm', 'monitoring']) {
      const outcome = await e.host(name).invokeAsync(event);
      expect(outcome.outcome).toBe('succeeded'); // refused at once, not retried
      expect(outcome.attempts).toHaveLength(1);
      const report = (outcome.attempts[0] as { result: { error: string | null; errorKind?: string } }).result;
      expect(report.errorKind).toBe('invalid-event');

      if (typeof event !== 'string') {
        const cli = await runBuiltCliAsync(['replay', join('events/invalid', file), '--json']);
        expect(report.error).toBe(JSON.parse(cli.stdout.trim()).error);
      } else {
        expect(report.error).toBe('not an EventBridge event: expected a JSON object, got a string');
      }

      const queued = (await drainQueue(e.clients, e.deployed().failureQueueUrl)).map((b) => JSON.parse(b));
      expect(queued).toHaveLength(1);
      expect(queued[0]).toMatchObject({
        condition: 'InvalidEvent',
        requestContext: { entry: name, functionArn: expect.stringContaining(`model-medic-emulator-${name}`) },
        requestPayload: event,
        responsePayload: { errorType: 'invalid-event', errorMessage: report.error },
      });
    }
    const writes = e.standIn.requests.filter(
      (r) => (r.service === 'sagemaker' || r.service === 'application-auto-scaling') && !/^(Describe|List)/.test(r.operation),
    );
    expect(writes).toEqual([]);
  });

  it('every line the functions log is JSON, also for an event ignored before any metric is recorded', async () => {
    const e = emulator();
    const alarm = e.host('alarm');
    // Another account's event: ignored before the engine, so no decision metric is recorded.
    expect((await alarm.invoke({ ...sample('01-'), account: '999999999999' })).ok).toBe(true);
    expect((await alarm.invoke(payloadOf('array.json'))).ok).toBe(true);
    expect(alarm.logs.length).toBeGreaterThan(0);
    expect(alarm.plainLogs).toEqual([]);
  });
});
