/**
 * Duplicates and races through the packaged functions, each delivery in an execution
 * environment of its own (as Lambda scales out), with EventBridge's asynchronous retries:
 * asserted on what the emulated account looks like afterwards.
 */
import { beforeAll, beforeEach, expect, it } from 'vitest';
import type { AsyncInvokeOutcome } from '../support/emulator/lambda-host.js';
import { describeEmulator, useEmulator } from '../support/emulator/use-emulator.js';
import { drainQueue, endpointNow, pipelineExecutionsNow, type Subscriber, scalableTargetNow } from '../support/emulator/world.js';
import { sample, withDetail } from '../support/samples.js';

const emulator = useEmulator();
let ops: Subscriber;

/** The executed actions of one type in the handled attempts' reports. */
function executed(outcomes: AsyncInvokeOutcome[], type: string): number {
  return outcomes
    .flatMap((o) => o.attempts)
    .filter((a) => a.ok)
    .flatMap((a) => (a as { result: { actions: Array<{ type: string; status: string }> } }).result.actions ?? [])
    .filter((a) => a.type === type && a.status === 'executed').length;
}

describeEmulator('duplicates and races on the packaged functions', () => {
  beforeAll(async () => {
    ({ ops } = await emulator().deployOntoWorld());
  });
  beforeEach(async () => {
    await ops.drain();
  });

  it('the same alarm delivered 20 times at once acts once: MinCapacity 2 -> 3, one notification, nothing in the failure queue', async () => {
    const e = emulator();
    const host = e.host('alarm');
    const event = sample('01-');
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => host.invokeAsync(event)));
    expect(outcomes.map((o) => o.outcome)).toEqual(Array(20).fill('succeeded'));
    expect(host.coldStarts).toBeGreaterThan(1);
    expect(await scalableTargetNow(e.clients, 'churn-prod', 'v2')).toEqual({ min: 3, max: 6 });
    expect(executed(outcomes, 'scale')).toBe(1);
    expect((await ops.drain()).map((n) => n.subject)).toEqual(['[HIGH] churn-prod: ALARM churn-prod-model-latency']);
    expect(await drainQueue(e.clients, e.deployed().failureQueueUrl)).toEqual([]);
  });

  it('a monitoring result and its duplicate at once start exactly one pipeline execution', async () => {
    const e = emulator();
    const host = e.host('monitoring');
    const outcomes = await Promise.all([sample('20-'), sample('32-'), sample('20-')].map((event) => host.invokeAsync(event)));
    expect(outcomes.map((o) => o.outcome)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(await pipelineExecutionsNow(e.clients, 'churn-retrain')).toHaveLength(1);
    expect(executed(outcomes, 'retrain')).toBe(1);
  });

  it('three scale-out signals of one rule on one endpoint at once: one scale-out (its cooldown is read under the lock), capacity = start + the scale-outs reported', async () => {
    const e = emulator();
    const host = e.host('alarm');
    const start = (await endpointNow(e.clients, 'fraud-prod')).variants.AllTraffic?.instances ?? 0;
    const cpu = sample('02-');
    const occurrence = (iso: string, metric: string) =>
      withDetail({ ...cpu, id: `c0ffee00-0000-4000-8000-${iso.replace(/\D/g, '').slice(-12)}` }, (d) => {
        (d.state as Record<string, unknown>).timestamp = iso;
        d.alarmName = `fraud-prod-${metric.toLowerCase()}-high`;
        const metrics = (d.configuration as { metrics: Array<{ metricStat: { metric: Record<string, unknown> } }> }).metrics;
        (metrics[0] as { metricStat: { metric: Record<string, unknown> } }).metricStat.metric.name = metric;
      });
    const signals = [
      occurrence('2026-11-23T10:00:00.000+0000', 'CPUUtilization'),
      occurrence('2026-11-23T10:00:01.000+0000', 'MemoryUtilization'),
      occurrence('2026-11-23T10:00:02.000+0000', 'GPUUtilization'),
    ];
    const outcomes = await Promise.all(signals.map((s) => host.invokeAsync(s)));
    expect(outcomes.map((o) => o.outcome)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    const scaled = executed(outcomes, 'scale');
    // All three match latency-scale-out (10 min cooldown): before the cooldown was read under
    // the lock, this raised fraud-prod 2 -> 5 within a second.
    expect(scaled).toBe(1);
    const now = (await endpointNow(e.clients, 'fraud-prod')).variants.AllTraffic?.instances;
    expect(now).toBe(start + scaled);
    expect(now).toBeLessThanOrEqual(6);
  });
});
