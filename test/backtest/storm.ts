/**
 * A generated "storm": a folder of EventBridge events over the sample world (events/README.md)
 * that exercises everything a backtest counts: flapping latency alarms (scale out, restore,
 * cooldowns, the per-endpoint limit and the circuit breaker), 5XX alarms on both variants of
 * churn-prod (shift and shift-back), hourly Model Monitor results with their reports,
 * duplicate deliveries, endpoint state changes, unsupported events and a few malformed files.
 *
 * Deterministic for a seed. File names are hashes, so only the event time gives the order.
 * test/backtest/scale.test.ts writes 100,000 of them (MEDIC_BACKTEST_SCALE=1).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { alarmEvent, endpointStateEvent, monitoringEvent } from '../../cli/generate/events.js';
import { AWS_STATE } from '../support/samples.js';

export interface StormOptions {
  dir: string;
  count: number;
  seed?: number;
  /** Epoch ms of the first event (default 2026-11-23T00:00:00Z). */
  start?: number;
  /** Average gap between events (default 6 s: 100,000 events ≈ a week). */
  gapMs?: number;
}

export interface StormInfo {
  events: number;
  awsState: string;
  rejected: number;
}

/** mulberry32: small, fast, deterministic. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** churn-prod is left to its 5XX alarms: its own scale-outs would open its circuit and stop the shifts. */
const LATENCY = [
  { endpoint: 'fraud-prod', variant: 'AllTraffic' },
  { endpoint: 'ranker-prod', variant: 'blue' },
  { endpoint: 'recsys-prod', variant: 'AllTraffic' },
  { endpoint: 'search-staging', variant: 'AllTraffic' },
];
const SCHEDULES = [
  { endpoint: 'churn-prod', type: 'DataQuality' as const },
  { endpoint: 'fraud-prod', type: 'DataQuality' as const },
  { endpoint: 'fraud-prod', type: 'ModelQuality' as const },
];

export function writeStorm(options: StormOptions): StormInfo {
  const rand = random(options.seed ?? 42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const start = options.start ?? Date.parse('2026-11-23T00:00:00Z');
  const gap = options.gapMs ?? 6_000;
  mkdirSync(options.dir, { recursive: true });

  const reports: Record<string, unknown> = {};
  /** Per alarm: its state, so OK follows ALARM as CloudWatch would send it. */
  const alarmState = new Map<string, 'OK' | 'ALARM'>();
  let written = 0;
  let rejected = 0;
  let at = start;
  let lastHour = -1;
  const write = (event: unknown, salt: string) => {
    const text = typeof event === 'string' ? event : JSON.stringify(event);
    const name = `storm-${createHash('sha1').update(`${salt}|${written}|${text}`).digest('hex').slice(0, 12)}.json`;
    writeFileSync(join(options.dir, name), text);
    written += 1;
  };

  while (written < options.count) {
    at += Math.max(1_000, Math.round(gap * (0.2 + rand() * 1.6)));
    // Hourly Model Monitor results, as schedules run them.
    const hour = Math.floor(at / 3_600_000);
    if (hour !== lastHour) {
      lastHour = hour;
      for (const s of SCHEDULES) {
        if (written >= options.count) break;
        const r = rand();
        const violations = r < 0.5 ? 0 : 1 + Math.floor(rand() * 4);
        const status = r < 0.03 ? 'Failed' : violations > 0 ? 'CompletedWithViolations' : 'Completed';
        const sample = monitoringEvent({
          endpoint: s.endpoint,
          type: s.type,
          status,
          violations: status === 'Failed' ? 0 : violations,
          time: hour * 3_600_000 + 15 * 60_000,
        });
        if (sample.report) reports[sample.reportUri] = sample.report;
        write(sample.event, 'monitor');
        // SageMaker sometimes sends a state change twice.
        if (rand() < 0.25 && written < options.count) write({ ...sample.event, id: `dup-${written}` }, 'dup');
      }
      continue;
    }
    const r = rand();
    if (r < 0.62) {
      // Latency alarms flap: each alarm alternates ALARM / OK.
      const target = pick(LATENCY);
      const metric = rand() < 0.8 ? 'ModelLatency' : 'CPUUtilization';
      const alarm = `${target.endpoint}-${metric === 'ModelLatency' ? 'model-latency' : 'cpu'}`;
      const state = alarmState.get(alarm) === 'ALARM' ? 'OK' : 'ALARM';
      alarmState.set(alarm, state);
      const event = alarmEvent({ ...target, metric, alarm, state, time: at });
      write(event, 'alarm');
      // EventBridge delivers at least once: now and then the same event twice.
      if (rand() < 0.03 && written < options.count) write(event, 'redelivery');
    } else if (r < 0.72) {
      // 5XX on one variant of churn-prod, then on the other: shift and shift back.
      const variant = rand() < 0.5 ? 'v2' : 'v1';
      const alarm = `churn-prod-${variant}-5xx`;
      const state = alarmState.get(alarm) === 'ALARM' ? 'OK' : 'ALARM';
      alarmState.set(alarm, state);
      write(alarmEvent({ endpoint: 'churn-prod', variant, metric: 'Invocation5XXErrors', alarm, state, time: at }), 'alarm');
    } else if (r < 0.8) {
      const state = rand() < 0.5 ? 'ALARM' : 'OK';
      write(
        alarmEvent({ endpoint: pick(['churn-prod', 'fraud-prod']), variant: 'AllTraffic', metric: 'Invocation4XXErrors', state, time: at }),
        'alarm',
      );
    } else if (r < 0.86) {
      write(
        alarmEvent({ endpoint: 'churn-prod', variant: 'v2', metric: 'Invocations', state: 'ALARM', value: 10, threshold: 1000, time: at }),
        'alarm',
      );
    } else if (r < 0.9) {
      write(
        endpointStateEvent({
          endpoint: pick(['fraud-prod', 'churn-prod']),
          status: rand() < 0.5 ? 'IN_SERVICE' : 'UPDATING',
          config: pick(['fraud-prod-config-2026-11-20', 'churn-prod-config-v2']),
          time: at,
        }),
        'endpoint',
      );
    } else if (r < 0.97) {
      // Not ours: an EC2 state change.
      write(
        {
          version: '0',
          id: `ec2-${written}`,
          'detail-type': 'EC2 Instance State-change Notification',
          source: 'aws.ec2',
          account: '111122223333',
          time: new Date(at).toISOString().replace('.000Z', 'Z'),
          region: 'us-east-1',
          resources: [],
          detail: { 'instance-id': `i-${written.toString(16).padStart(17, '0')}`, state: 'running' },
        },
        'other',
      );
    } else if (r < 0.975) {
      // Malformed: truncated JSON, or an envelope without detail.
      rejected += 1;
      write(
        rand() < 0.5
          ? '{"version":"0","id":"broken"'
          : {
              version: '0',
              id: `nodetail-${written}`,
              'detail-type': 'CloudWatch Alarm State Change',
              source: 'aws.cloudwatch',
              account: '111122223333',
              time: new Date(at).toISOString(),
              region: 'us-east-1',
            },
        'bad',
      );
    } else {
      // A composite on fraud-prod, with its child in reasonData.
      const event = alarmEvent({
        endpoint: 'fraud-prod',
        metric: 'CPUUtilization',
        alarm: 'fraud-prod-health',
        state: 'ALARM',
        previousState: 'OK',
        time: at,
      });
      const detail = event.detail as { configuration: Record<string, unknown>; state: Record<string, unknown> };
      detail.configuration = { alarmRule: 'ALARM("fraud-prod-5xx-rate") OR ALARM("fraud-prod-cpu-high")' };
      detail.state.reasonData = JSON.stringify({
        triggeringAlarms: [{ arn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:fraud-prod-cpu-high', state: { value: 'ALARM' } }],
      });
      write(event, 'composite');
    }
  }

  const awsState = join(options.dir, 'aws-state.json');
  writeFileSync(awsState, JSON.stringify(stormState(reports)));
  return { events: written, awsState, rejected };
}

/** The sample recorded state with its S3 reports inlined, plus the storm's reports. */
function stormState(reports: Record<string, unknown>): unknown {
  const base = JSON.parse(readFileSync(AWS_STATE, 'utf8')) as { s3?: Record<string, unknown> };
  const s3: Record<string, unknown> = {};
  for (const [uri, entry] of Object.entries(base.s3 ?? {})) {
    s3[uri] = typeof entry === 'string' ? JSON.parse(readFileSync(resolve(dirname(AWS_STATE), entry), 'utf8')) : entry;
  }
  return { ...base, s3: { ...s3, ...reports } };
}
