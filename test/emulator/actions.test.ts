/**
 * Every action type, through the packaged functions, changes what it should in the emulated
 * account: asserted on moto's state afterwards (describe calls, a subscriber's queue), not on
 * the requests. Rollback and CodePipeline retrain go through the stand-in for the two APIs
 * moto lacks.
 */
import { beforeAll, beforeEach, expect, it } from 'vitest';
import { sample } from '../support/samples.js';
import { describeEmulator, useEmulator } from '../support/emulator/use-emulator.js';
import { endpointNow, scalableTargetNow, seedWorld, subscribeQueue } from '../support/emulator/world.js';

const emulator = useEmulator();
let ops: Awaited<ReturnType<typeof subscribeQueue>>;

describeEmulator('actions through the packaged alarm function', () => {
  beforeAll(async () => {
    const e = emulator();
    await e.deployStack();
    await seedWorld(e.clients, e.standIn);
    ops = await subscribeQueue(e.clients, 'model-medic-emulator-ops');
  });
  beforeEach(async () => {
    await ops.drain();
  });

  it('scale: raises the auto scaling target MinCapacity by one and notifies ops with subject and attributes', async () => {
    const e = emulator();
    expect(await scalableTargetNow(e.clients, 'churn-prod', 'v2')).toEqual({ min: 2, max: 6 });
    const result = await e.host('alarm').invoke(sample('01-'));
    expect(result.ok).toBe(true);
    expect(await scalableTargetNow(e.clients, 'churn-prod', 'v2')).toEqual({ min: 3, max: 6 });
    // The variant's own count is the scaling policy's business: untouched.
    expect((await endpointNow(e.clients, 'churn-prod')).variants.v2).toEqual({ instances: 2, weight: 0.9 });
    const received = await ops.drain();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      subject: '[HIGH] churn-prod: ALARM churn-prod-model-latency',
      attributes: { severity: 'high', endpoint: 'churn-prod', rule: 'latency-scale-out', kind: 'alarm' },
    });
    expect(received[0]?.message).toContain('raise MinCapacity of churn-prod/v2 from 2 to 3');
  });
});
