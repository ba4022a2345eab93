/**
 * Offline, an alarm's "current" state at a ladder check is the last state the run has seen for it
 * in its own events (docs/runbook.md#escalation-ladders), else the recorded one. This overlays the
 * recorded DescribeAlarms answers with what the events said, as the CLI feeds it reports.
 */
import type { EventReport } from '../report.js';
import { parseAwsTime } from '../signals/timestamp.js';
import type { AwsReader, CompositeAlarm, MetricAlarm } from './ports.js';

interface Seen {
  arn: string;
  state: string;
  at: number;
}

export class SeenAlarmStates {
  private readonly seen = new Map<string, Seen>();

  /** Learns from an event's report: an alarm event says the alarm's state from then on. */
  observe(report: EventReport): void {
    const signal = report.signal;
    if (signal?.kind !== 'alarm' || signal.source !== 'aws.cloudwatch') return;
    const at = parseAwsTime(signal.stateTimestamp);
    const known = this.seen.get(signal.alarm);
    if (known && Number.isFinite(at) && known.at > at) return; // an older event, late
    // ALARM -> ALARM moves StateUpdatedTimestamp, not the transition: the state began when it began.
    if (known && known.state === 'ALARM' && signal.state === 'ALARM' && signal.previousState === 'ALARM') return;
    this.seen.set(signal.alarm, { arn: signal.alarmArn, state: signal.state, at });
  }

  reader(base: AwsReader): AwsReader {
    return {
      describeEndpoint: (name) => base.describeEndpoint(name),
      describeEndpointConfig: (name) => base.describeEndpointConfig(name),
      describeScalableTargets: (ids) => base.describeScalableTargets(ids),
      describeProcessingJob: (name) => base.describeProcessingJob(name),
      getJsonObject: (uri) => base.getJsonObject(uri),
      listSageMakerPipelineExecutions: (name) => base.listSageMakerPipelineExecutions(name),
      listCodePipelineExecutions: (name) => base.listCodePipelineExecutions(name),
      describeAlarms: async (names) => {
        const recorded = await base.describeAlarms(names);
        return names.flatMap((name): Array<MetricAlarm | CompositeAlarm> => {
          const found = recorded.find((a) => a.AlarmName === name);
          const seen = this.seen.get(name);
          if (!seen) return found ? [found] : [];
          const when = Number.isFinite(seen.at) ? new Date(seen.at) : undefined;
          return [
            {
              ...(found ?? { AlarmName: name, AlarmArn: seen.arn }),
              StateValue: seen.state as MetricAlarm['StateValue'],
              ...(when ? { StateUpdatedTimestamp: when, StateTransitionedTimestamp: when } : {}),
            },
          ];
        });
      },
    };
  }
}
