import { describe, expect, it } from 'vitest';
import { normalizeEvent } from '../../shared/signals/normalize.js';
import type { AlarmSignal } from '../../shared/signals/types.js';
import { recordedReader, sample, withDetail } from '../support/samples.js';

async function alarmSignal(event: unknown): Promise<AlarmSignal> {
  const normalized = await normalizeEvent(event, recordedReader());
  if (normalized.type !== 'signal' || normalized.signal.kind !== 'alarm')
    throw new Error(`not an alarm signal: ${JSON.stringify(normalized)}`);
  return normalized.signal;
}

describe('alarm signals', () => {
  it('single-metric alarm: endpoint, variant, metric, value, threshold and breach from reasonData', async () => {
    const s = await alarmSignal(sample('01-'));
    expect(s).toMatchObject({
      kind: 'alarm',
      alarm: 'churn-prod-model-latency',
      state: 'ALARM',
      previousState: 'OK',
      composite: false,
      namespace: 'AWS/SageMaker',
      metric: 'ModelLatency',
      endpoint: 'churn-prod',
      variant: 'v2',
      threshold: 500000,
      breach: 'above',
    });
    expect(s.value).toBeCloseTo(812345.5);
    expect(s.key).toBe(`${s.alarmArn}|ALARM|${s.stateTimestamp}`);
    expect(s.notes).toBeUndefined();
  });

  it('the signal key identifies the occurrence, not the delivery: a new event id keeps the key', async () => {
    const event = sample('01-');
    const again = { ...structuredClone(event), id: 'another-delivery' };
    expect((await alarmSignal(again)).key).toBe((await alarmSignal(event)).key);
    expect((await alarmSignal(again)).eventId).toBe('another-delivery');
  });

  it('metric-math alarm: the primary metric is the first metricStat, endpoint from its dimensions', async () => {
    const s = await alarmSignal(sample('05-'));
    expect(s).toMatchObject({
      metric: 'Invocation5XXErrors',
      endpoint: 'fraud-prod',
      variant: 'AllTraffic',
      threshold: 5,
      breach: 'above',
    });
    expect(s.metrics.map((m) => m.id)).toEqual(['m1', 'm2', 'e1']);
    expect(s.metrics[2]).toMatchObject({ expression: '100*m1/m2', dimensions: {} });
  });

  it('anomaly alarm above the band: breach above, no threshold', async () => {
    const s = await alarmSignal(sample('07-'));
    expect(s.breach).toBe('above');
    expect(s.threshold).toBeUndefined();
    expect(s.metric).toBe('ModelLatency');
  });

  it('anomaly alarm below the band: breach below', async () => {
    const s = await alarmSignal(sample('08-'));
    expect(s).toMatchObject({ metric: 'Invocations', breach: 'below' });
  });

  it('a value inside the anomaly band gives no breach direction', async () => {
    const event = withDetail(sample('07-'), (d) => {
      const state = d.state as Record<string, unknown>;
      state.reasonData = JSON.stringify({ recentDatapoints: [300], recentUpperThresholds: [400], recentLowerThresholds: [200] });
    });
    expect((await alarmSignal(event)).breach).toBeUndefined();
  });

  it('composite alarm: endpoint and variant from the triggering child via DescribeAlarms', async () => {
    const s = await alarmSignal(sample('09-'));
    expect(s).toMatchObject({
      composite: true,
      alarm: 'fraud-prod-health',
      endpoint: 'fraud-prod',
      triggeringAlarms: ['fraud-prod-cpu-high'],
    });
    expect(s.metrics).toEqual([]);
  });

  it('composite alarm without triggeringAlarms: falls back to the children its rule names', async () => {
    const event = withDetail(sample('09-'), (d) => {
      (d.state as Record<string, unknown>).reasonData = undefined;
    });
    const s = await alarmSignal(event);
    expect(s.triggeringAlarms).toEqual(['fraud-prod-5xx-rate', 'fraud-prod-cpu-high']);
    expect(s.endpoint).toBe('fraud-prod');
  });

  it('composite alarm whose children are unknown: no endpoint, with a note saying so', async () => {
    const event = withDetail(sample('09-'), (d) => {
      (d.state as Record<string, unknown>).reasonData = JSON.stringify({
        triggeringAlarms: [{ arn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:nobody-knows', state: { value: 'ALARM' } }],
      });
    });
    const s = await alarmSignal(event);
    expect(s.endpoint).toBeUndefined();
    expect(s.notes?.join()).toMatch(/no endpoint found among child alarms nobody-knows/);
  });

  it('suppressed composite: actionsSuppressedBy is carried on the signal', async () => {
    const s = await alarmSignal(sample('10-'));
    expect(s.actionsSuppressedBy).toBe('WaitPeriod');
  });

  it('OK after ALARM keeps both timestamps for "in ALARM for 14 min"', async () => {
    const s = await alarmSignal(sample('11-'));
    expect(s).toMatchObject({ state: 'OK', previousState: 'ALARM' });
    expect(s.previousStateTimestamp).toBeDefined();
    expect(s.breach).toBeUndefined();
  });

  it('unparseable reasonData degrades: no value or breach, a note, no crash', async () => {
    const s = await alarmSignal(sample('13-'));
    expect(s.value).toBeUndefined();
    expect(s.breach).toBeUndefined();
    expect(s.notes).toEqual(['reasonData is not valid JSON: breach direction and value unknown']);
    expect(s.endpoint).toBe('fraud-prod');
  });

  it('absent reasonData degrades the same way', async () => {
    const s = await alarmSignal(sample('14-'));
    expect(s.notes).toEqual(['reasonData absent: breach direction and value unknown']);
    expect(s.metric).toBe('ModelLatency');
  });

  it('reasonData that is JSON but not an object degrades too', async () => {
    const event = withDetail(sample('01-'), (d) => {
      (d.state as Record<string, unknown>).reasonData = '[1,2,3]';
    });
    expect((await alarmSignal(event)).notes).toEqual(['reasonData is not a JSON object: breach direction and value unknown']);
  });

  it('Model Monitor metric alarms take the endpoint from the Endpoint dimension', async () => {
    const s = await alarmSignal(sample('18-'));
    expect(s).toMatchObject({ endpoint: 'churn-prod', namespace: 'aws/sagemaker/Endpoints/data-metrics' });
    expect(s.variant).toBeUndefined();
  });

  it('utilisation metrics summed over cores may exceed 100', async () => {
    const s = await alarmSignal(sample('17-'));
    expect(s).toMatchObject({ metric: 'GPUUtilization', endpoint: 'ranker-prod', variant: 'blue', breach: 'above' });
    expect(s.value).toBeGreaterThan(100);
  });

  it('a value below the threshold in ALARM is a breach below (LessThanThreshold alarms)', async () => {
    const event = withDetail(sample('01-'), (d) => {
      (d.state as Record<string, unknown>).reasonData = JSON.stringify({ threshold: 100, recentDatapoints: [50] });
    });
    expect((await alarmSignal(event)).breach).toBe('below');
  });

  it('an unknown state value is invalid input, naming the field and the value', async () => {
    const event = withDetail(sample('01-'), (d) => {
      (d.state as Record<string, unknown>).value = 'BROKEN';
    });
    await expect(normalizeEvent(event, recordedReader())).rejects.toThrow(
      'alarm event: detail.state.value: expected one of ALARM, OK, INSUFFICIENT_DATA, got "BROKEN"',
    );
  });

  it('a missing alarm name is invalid input', async () => {
    const event = withDetail(sample('01-'), (d) => {
      d.alarmName = undefined;
    });
    await expect(normalizeEvent(event, recordedReader())).rejects.toThrow('detail.alarmName: missing alarmName');
  });
});
