/**
 * Events rebuilt from history (cli/capture/rebuild.ts) normalise to the same signal as the
 * originals: every sample alarm event of events/ is turned into the DescribeAlarmHistory item
 * CloudWatch keeps for it (its alarm described as aws-state.json records it), every sample
 * processing job event into the DescribeProcessingJob answer SageMaker keeps, rebuilt, and both
 * go through the real normaliser. They may differ only where history holds nothing: the
 * EventBridge event id, the metric id CloudWatch gives a single-metric alarm in an event, and
 * the seconds between a job's LastModifiedTime and EventBridge's delivery.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rebuildAlarmEvent, rebuildMonitoringEvent } from '../../cli/capture/rebuild.js';
import { parseAlarmEvent } from '../../shared/signals/alarm.js';
import { parseEnvelope } from '../../shared/signals/envelope.js';
import { type Normalized, normalizeEvent } from '../../shared/signals/normalize.js';
import { parseAwsTime } from '../../shared/signals/timestamp.js';
import { AWS_CLI_HISTORY_ITEM, describedJobOf, historyItemOf } from '../support/alarm-history.js';
import { AWS_STATE, EVENTS_DIR, recordedReader, sampleEventFiles } from '../support/samples.js';

type Json = Record<string, unknown>;
const recorded = JSON.parse(readFileSync(AWS_STATE, 'utf8')) as {
  cloudwatch: { alarms: Json[] };
  sagemaker: { processingJobs: Record<string, Json> };
};
const samples = sampleEventFiles().map((file) => ({ file, event: JSON.parse(readFileSync(join(EVENTS_DIR, file), 'utf8')) as Json }));
const alarmSamples = samples.filter((s) => s.event['detail-type'] === 'CloudWatch Alarm State Change');
const jobSamples = samples.filter((s) => s.event['detail-type'] === 'SageMaker Processing Job State Change');

/** The signal without what history cannot hold. */
function comparable(n: Normalized, singleMetric: boolean): unknown {
  if (n.type !== 'signal') return n;
  const { eventId: _id, time: _time, ...signal } = n.signal as unknown as Json;
  if (singleMetric && Array.isArray(signal.metrics)) signal.metrics = (signal.metrics as Json[]).map(({ id: _m, ...m }) => m);
  return signal;
}

describe('an alarm event rebuilt from its DescribeAlarmHistory item normalises as the original', () => {
  it.each(alarmSamples.map((s) => [s.file, s.event] as const))('%s', async (_file, original) => {
    const detail = original.detail as Json;
    const alarm = recorded.cloudwatch.alarms.find((a) => a.AlarmName === detail.alarmName);
    expect(alarm, `aws-state.json describes ${detail.alarmName}`).toBeDefined();
    const previousAt = (detail.previousState as Json | undefined)?.timestamp as string | undefined;
    const rebuilt = rebuildAlarmEvent(historyItemOf(original), alarm as Json, previousAt);
    if (!rebuilt.ok) throw new Error(rebuilt.reason);
    const event = rebuilt.event.event;
    expect(event.time).toBe(original.time);
    expect(event.resources).toEqual(original.resources);
    const singleMetric = !(alarm as Json).Metrics && !(alarm as Json).AlarmRule;
    const reader = recordedReader();
    expect(comparable(await normalizeEvent(event, reader), singleMetric)).toEqual(
      comparable(await normalizeEvent(original, reader), singleMetric),
    );
  });

  it('without the previous item, previousState has no timestamp: left out, not invented', () => {
    const original = alarmSamples[0]?.event as Json;
    const alarm = recorded.cloudwatch.alarms.find((a) => a.AlarmName === (original.detail as Json).alarmName) as Json;
    const rebuilt = rebuildAlarmEvent(historyItemOf(original), alarm);
    if (!rebuilt.ok) throw new Error(rebuilt.reason);
    const signal = parseAlarmEvent(parseEnvelope(rebuilt.event.event));
    expect(signal.previousState).toBe('OK');
    expect(signal.previousStateTimestamp).toBeUndefined();
  });

  it("the AWS CLI's own describe-alarm-history item: states, reason and reason data as CloudWatch recorded them", () => {
    const alarm = {
      AlarmName: 'myalarm',
      AlarmArn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:myalarm',
      MetricName: 'CPUUtilization',
      Namespace: 'AWS/EC2',
    };
    const rebuilt = rebuildAlarmEvent(AWS_CLI_HISTORY_ITEM, alarm);
    if (!rebuilt.ok) throw new Error(rebuilt.reason);
    expect(rebuilt.event.file).toBe('20140409T185906.442Z-alarm-myalarm-OK.json');
    const { detail, ...envelope } = rebuilt.event.event;
    expect(envelope).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      'detail-type': 'CloudWatch Alarm State Change',
      source: 'aws.cloudwatch',
      account: '111122223333',
      time: '2014-04-09T18:59:06Z',
      region: 'us-east-1',
      resources: ['arn:aws:cloudwatch:us-east-1:111122223333:alarm:myalarm'],
    });
    expect(detail).toEqual({
      alarmName: 'myalarm',
      state: {
        value: 'OK',
        reason: 'Threshold Crossed: 2 datapoints were not greater than the threshold (70.0). The most recent datapoints: [38.958, 40.292].',
        reasonData:
          '{"version":"1.0","queryDate":"2014-04-09T18:59:06.419+0000","startDate":"2014-04-09T18:44:00.000+0000","statistic":"Average","period":300,"recentDatapoints":[38.958,40.292],"threshold":70}',
        timestamp: '2014-04-09T18:59:06.442+0000',
      },
      // SetAlarmState gave the old state no reason data: none is made up.
      previousState: { value: 'ALARM', reason: 'testing purposes' },
      configuration: { metrics: [{ metricStat: { metric: { namespace: 'AWS/EC2', name: 'CPUUtilization' } }, returnData: true }] },
    });
  });

  it('HistoryData cut short (CloudWatch keeps 4,095 characters): the states from HistorySummary, no reason, and a note', () => {
    const alarm = recorded.cloudwatch.alarms[0] as Json;
    const item = { ...AWS_CLI_HISTORY_ITEM, AlarmName: alarm.AlarmName, HistoryData: AWS_CLI_HISTORY_ITEM.HistoryData.slice(0, 200) };
    const rebuilt = rebuildAlarmEvent(item, alarm);
    if (!rebuilt.ok) throw new Error(rebuilt.reason);
    expect(rebuilt.notes).toEqual([expect.stringMatching(/HistoryData is not JSON .*: rebuilt without reason and reason data$/)]);
    expect((rebuilt.event.event.detail as Json).state).toEqual({ value: 'OK', timestamp: '2014-04-09T18:59:06.442+0000' });
    expect(rebuildAlarmEvent({ ...item, HistorySummary: 'something else' }, alarm)).toEqual({
      ok: false,
      reason: `${alarm.AlarmName} at 2014-04-09T18:59:06.442Z: HistoryData is not JSON and HistorySummary names no states`,
    });
  });

  it('any HistoryData states and times: an event the normaliser reads, keyed by the transition, named in time order', () => {
    const state = fc.constantFrom('OK', 'ALARM', 'INSUFFICIENT_DATA');
    const reasonData = fc.option(
      fc.record({
        threshold: fc.double({ noNaN: true, noDefaultInfinity: true }),
        recentDatapoints: fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 5 }),
      }),
      { nil: undefined },
    );
    const time = fc.integer({ min: Date.parse('2000-01-01'), max: Date.parse('2099-12-31') });
    const alarm = recorded.cloudwatch.alarms.find((a) => a.AlarmName === 'churn-prod-model-latency') as Json;
    fc.assert(
      fc.property(state, state, fc.string(), reasonData, time, time, (from, to, reason, data, at1, at2) => {
        const item = (at: number) => ({
          AlarmName: alarm.AlarmName,
          Timestamp: new Date(at).toISOString(),
          HistoryItemType: 'StateUpdate',
          HistoryData: JSON.stringify({
            version: '1.0',
            oldState: { stateValue: from },
            newState: { stateValue: to, stateReason: reason, stateReasonData: data },
          }),
        });
        const [a, b] = [rebuildAlarmEvent(item(at1), alarm), rebuildAlarmEvent(item(at2), alarm)];
        if (!a.ok || !b.ok) return false;
        const signal = parseAlarmEvent(parseEnvelope(a.event.event));
        expect(signal.state).toBe(to);
        expect(signal.previousState).toBe(from);
        expect(signal.endpoint).toBe('churn-prod');
        expect(parseAwsTime(signal.stateTimestamp)).toBe(at1);
        if (at1 !== at2) expect(signal.key).not.toBe(parseAlarmEvent(parseEnvelope(b.event.event)).key);
        // File names sort as the times do.
        expect(Math.sign(a.event.file.localeCompare(b.event.file, 'en'))).toBe(Math.sign(at1 - at2));
        return true;
      }),
    );
  });
});

describe('a processing job event rebuilt from DescribeProcessingJob normalises as the original', () => {
  const terminal = jobSamples.filter((s) =>
    ['Completed', 'Failed', 'Stopped'].includes(String((s.event.detail as Json).ProcessingJobStatus)),
  );

  it.each(terminal.map((s) => [s.file, s.event] as const))('%s', async (_file, original) => {
    const detail = original.detail as Json;
    // What SageMaker keeps of the job: the recorded DescribeProcessingJob when the sample's world has it (a
    // trimmed event's job is described there in full), else the event's own detail.
    const kept = recorded.sagemaker.processingJobs[String(detail.ProcessingJobName)] ?? describedJobOf(detail);
    const rebuilt = rebuildMonitoringEvent(kept);
    if (!rebuilt.ok) throw new Error(rebuilt.reason);
    const reader = recordedReader();
    const [fromHistory, fromEvent] = [await normalizeEvent(rebuilt.event.event, reader), await normalizeEvent(original, reader)];
    expect(comparable(fromHistory, false)).toEqual(comparable(fromEvent, false));
    // LastModifiedTime: seconds before EventBridge delivered it.
    const delay = Date.parse(String(original.time)) - Date.parse(String(rebuilt.event.event.time));
    expect(delay).toBeGreaterThanOrEqual(0);
    expect(delay).toBeLessThan(60_000);
  });

  it('a job that is not terminal is not an event', () => {
    const progress = jobSamples.find((s) => (s.event.detail as Json).ProcessingJobStatus === 'InProgress')?.event.detail as Json;
    expect(rebuildMonitoringEvent(describedJobOf(progress))).toEqual({
      ok: false,
      reason: `processing job ${progress.ProcessingJobName} is InProgress: not terminal`,
    });
  });
});
