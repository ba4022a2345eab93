/**
 * What AWS keeps of a sample event, in the shapes its APIs answer with: the DescribeAlarmHistory
 * StateUpdate item of an alarm state change (HistoryData as in the CloudWatch API reference and
 * the AWS CLI's describe-alarm-history example: a JSON string whose oldState/newState hold
 * stateValue, stateReason and stateReasonData as an object), and the DescribeProcessingJob
 * answer of a processing job event (its detail, times as Dates). Tests rebuild events from these
 * and compare them with the samples they were made from.
 */
import { parseAwsTime } from '../../shared/signals/timestamp.js';

type Json = Record<string, unknown>;

/** A real item of `aws cloudwatch describe-alarm-history --history-item-type StateUpdate` (aws-cli's own example). */
export const AWS_CLI_HISTORY_ITEM = {
  Timestamp: '2014-04-09T18:59:06.442Z',
  HistoryItemType: 'StateUpdate',
  AlarmName: 'myalarm',
  HistoryData:
    '{"version":"1.0","oldState":{"stateValue":"ALARM","stateReason":"testing purposes"},"newState":{"stateValue":"OK","stateReason":"Threshold Crossed: 2 datapoints were not greater than the threshold (70.0). The most recent datapoints: [38.958, 40.292].","stateReasonData":{"version":"1.0","queryDate":"2014-04-09T18:59:06.419+0000","startDate":"2014-04-09T18:44:00.000+0000","statistic":"Average","period":300,"recentDatapoints":[38.958,40.292],"threshold":70.0}}}',
  HistorySummary: 'Alarm updated from ALARM to OK',
};

/** HistoryData holds reasonData as an object; a sample's unparseable reasonData stays the string it is. */
function historyState(state: Json | undefined): Json | undefined {
  if (!state) return undefined;
  const out: Json = { stateValue: state.value };
  if (state.reason !== undefined) out.stateReason = state.reason;
  if (typeof state.reasonData === 'string') {
    try {
      out.stateReasonData = JSON.parse(state.reasonData);
    } catch {
      out.stateReasonData = state.reasonData;
    }
  }
  for (const key of ['actionsSuppressedBy', 'actionsSuppressedReason']) if (state[key] !== undefined) out[key] = state[key];
  return out;
}

/** The StateUpdate item CloudWatch keeps for an alarm event, Timestamp a Date as the SDK returns it. */
export function historyItemOf(event: Json): Json {
  const detail = event.detail as Json;
  const state = detail.state as Json;
  const previous = detail.previousState as Json | undefined;
  const composite = (detail.configuration as Json | undefined)?.alarmRule !== undefined;
  const data: Json = { version: '1.0' };
  if (previous) data.oldState = historyState(previous);
  data.newState = historyState(state);
  return {
    AlarmName: detail.alarmName,
    AlarmType: composite ? 'CompositeAlarm' : 'MetricAlarm',
    Timestamp: new Date(parseAwsTime(String(state.timestamp))),
    HistoryItemType: 'StateUpdate',
    HistorySummary: `Alarm updated from ${previous?.value ?? 'INSUFFICIENT_DATA'} to ${state.value}`,
    HistoryData: JSON.stringify(data),
  };
}

const JOB_TIMES = ['CreationTime', 'LastModifiedTime', 'ProcessingStartTime', 'ProcessingEndTime'];

/** DescribeProcessingJob's answer for a processing job event's detail: epoch-ms times become Dates. */
export function describedJobOf(detail: Json): Json {
  const job: Json = { ...detail };
  for (const key of JOB_TIMES) if (typeof job[key] === 'number') job[key] = new Date(job[key] as number);
  return job;
}
