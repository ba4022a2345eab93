/**
 * At a ladder check: is the alarm still in the ALARM state that started the ladder? Pure, over the
 * DescribeAlarms answer (live in Lambda, the recorded or last-seen state offline).
 */
import type { CompositeAlarm, MetricAlarm } from '../aws/ports.js';
import type { RemediationCheck } from '../signals/check.js';
import { parseAwsTime } from '../signals/timestamp.js';
import type { AlarmSignal } from '../signals/types.js';

export type AlarmVerdict = { still: true } | { still: false; ending: 'resolved' | 'cancelled'; reason: string };

/** Clock skew between the event's state timestamp and DescribeAlarms' (they are one transition). */
const SAME_TRANSITION_MS = 1_000;

export function alarmVerdict(alarm: MetricAlarm | CompositeAlarm | undefined, name: string, since: string): AlarmVerdict {
  if (!alarm) return { still: false, ending: 'cancelled', reason: `alarm ${name} no longer exists` };
  if (alarm.StateValue !== 'ALARM') {
    return { still: false, ending: 'resolved', reason: `alarm ${name} is ${alarm.StateValue ?? 'in an unknown state'} now` };
  }
  // StateTransitionedTimestamp moves only when the state value changes; StateUpdatedTimestamp also
  // moves when the reason is rewritten, so it is only the fallback.
  const transitioned = parseAwsTime(
    (alarm as MetricAlarm).StateTransitionedTimestamp ?? (alarm.StateUpdatedTimestamp as Date | string | undefined),
  );
  const began = parseAwsTime(since);
  if (Number.isFinite(transitioned) && Number.isFinite(began) && transitioned > began + SAME_TRANSITION_MS) {
    return {
      still: false,
      ending: 'resolved',
      reason: `alarm ${name} left ALARM and entered it again at ${new Date(transitioned).toISOString()}: that transition has a ladder of its own`,
    };
  }
  return { still: true };
}

/**
 * The signal a step acts on when the ladder record is gone (expired, or a check replayed on its
 * own): rebuilt from the check and the alarm's description. What that does not say (the breach,
 * the value) is left out.
 */
export function signalFromCheck(check: RemediationCheck, alarm: MetricAlarm | CompositeAlarm, name: string): AlarmSignal {
  const metricAlarm = alarm as MetricAlarm;
  const [, , , region = '', account = ''] = check.alarmArn.split(':');
  const variant = metricAlarm.Dimensions?.find((d) => d.Name === 'VariantName')?.Value;
  return {
    kind: 'alarm',
    key: '',
    source: 'model-medic',
    eventId: '',
    time: check.since,
    account,
    region,
    ...(check.endpoint ? { endpoint: check.endpoint } : {}),
    ...(variant ? { variant } : {}),
    alarm: name,
    alarmArn: check.alarmArn,
    composite: 'AlarmRule' in alarm && alarm.AlarmRule !== undefined,
    state: 'ALARM',
    stateTimestamp: check.since,
    ...(alarm.StateReason ? { reason: alarm.StateReason } : {}),
    metrics: [],
    ...(metricAlarm.Namespace ? { namespace: metricAlarm.Namespace } : {}),
    ...(metricAlarm.MetricName ? { metric: metricAlarm.MetricName } : {}),
    notes: ['rebuilt from the alarm description at a ladder check: the original event was not kept'],
  };
}
