/**
 * What one Lambda container of the engine (the alarm and monitoring functions) builds once and
 * reuses across invocations: AWS adapters, the state store, the runbook source and the ladder
 * timers. Built on the first event, not at import, so a cold start pays only for what the event
 * needs; the local stage's recorded state and memory store are imported only there.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AwsReader, AwsWriter } from '../aws/ports.js';
import { refusingWriter } from '../aws/refusing-writer.js';
import type { RuntimeConfig } from '../config.js';
import type { CompiledRunbook } from '../runbook/index.js';
import type { StateStore } from '../state/store.js';
import { createSchedulerTimers } from '../timers/eventbridge-scheduler.js';
import { timerLogFields } from '../timers/timer-event.js';
import type { Timers } from '../timers/timers.js';
import { RunbookSource, type RunbookSourceLog } from './runbook-source.js';
import { openStateStore } from './state-store.js';

/** The local stage: reads from the recorded state (and its rollback history), never writes. */
async function recordedState(file: string): Promise<{ reader: AwsReader; history: Record<string, string[]> }> {
  const { RecordedAwsReader } = await import('../aws/recorded.js');
  const recorded = RecordedAwsReader.fromFile(file);
  return { reader: recorded, history: recorded.endpointConfigHistory };
}

export interface Container {
  reader: AwsReader;
  writer: AwsWriter;
  store: StateStore;
  runbook(now: number): Promise<CompiledRunbook>;
  /** Where ladder checks are scheduled: EventBridge Scheduler, or nowhere (logged) without it. */
  timers: Timers;
  /** The signal of the invocation in progress: its AWS calls are aborted when it fires. */
  setDeadline(signal: AbortSignal | undefined): void;
}

export interface ContainerOptions {
  /** Logs of the runbook source (refused or unreadable runbook parameter) and of unscheduled checks. */
  log?: RunbookSourceLog;
}

export async function createContainer(
  config: RuntimeConfig,
  env: Record<string, string | undefined>,
  options: ContainerOptions = {},
): Promise<Container> {
  const root = bundleRoot(env, config.runbookFile);
  // One invocation at a time per container: the adapters read the current one's deadline.
  let deadline: AbortSignal | undefined;
  let reader: AwsReader;
  let writer: AwsWriter = refusingWriter;
  let liveWriter = false;
  let history: Record<string, string[]> = {};
  if (config.awsStateFile) {
    ({ reader, history } = await recordedState(resolve(root, config.awsStateFile)));
  } else {
    const { createAwsSend, createSdkAdapters } = await import('../aws/sdk.js');
    const sdk = createSdkAdapters(env, createAwsSend(env, { abortSignal: () => deadline }));
    reader = sdk.reader;
    if (config.allowWrites) {
      writer = sdk.writer;
      liveWriter = true;
    }
  }

  // Without a table (the local stage) the memory store starts with the recorded rollback history.
  const store = await openStateStore(config, env, history);

  const source = new RunbookSource({
    file: resolve(root, config.runbookFile),
    fileLabel: config.runbookFile,
    ...(config.runbookParameter ? { parameter: config.runbookParameter } : {}),
    ttlMs: config.runbookTtlMs,
    env,
    ...(config.opsTopicArn ? { opsTopicArn: config.opsTopicArn } : {}),
    writer,
    store,
    owner: `container-${randomUUID()}`,
    ...(options.log ? { log: options.log } : {}),
  });
  return {
    reader,
    writer,
    store,
    runbook: (now) => source.current(now),
    timers: containerTimers(config, liveWriter ? writer : undefined, options.log),
    setDeadline: (signal) => {
      deadline = signal;
    },
  };
}

/**
 * EventBridge Scheduler over the container's writer when the stack configured it and this
 * container writes to AWS; otherwise timers that schedule nothing and say so once per check: the
 * ladder stops at its first step (the local stage, `writes: off`, a stack without the scheduler).
 */
export function containerTimers(config: RuntimeConfig, liveWriter: AwsWriter | undefined, log?: RunbookSourceLog): Timers {
  const { scheduleGroup, schedulerRoleArn, checkFunctionArn } = config;
  if (liveWriter && scheduleGroup && schedulerRoleArn && checkFunctionArn) {
    return createSchedulerTimers(
      {
        groupName: scheduleGroup,
        roleArn: schedulerRoleArn,
        targetArn: checkFunctionArn,
        ...(config.failureQueueArn ? { deadLetterArn: config.failureQueueArn } : {}),
      },
      liveWriter,
    );
  }
  const missing = [
    ['MEDIC_SCHEDULE_GROUP', scheduleGroup],
    ['MEDIC_SCHEDULER_ROLE_ARN', schedulerRoleArn],
    ['MEDIC_CHECK_FUNCTION_ARN', checkFunctionArn],
  ]
    .filter(([, value]) => !value)
    .map(([name]) => name);
  const why = !liveWriter
    ? 'this container does not write to AWS (MEDIC_WRITES=off or recorded AWS state)'
    : `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set`;
  return {
    async schedule(timer) {
      log?.warn(
        'check' in timer
          ? 'ladder check not scheduled: no scheduler is configured, so this ladder will not advance'
          : 'approval expiry not scheduled: no scheduler is configured, so this approval waits until it is decided',
        { reason: why, ...timerLogFields(timer) },
      );
    },
    async cancel() {
      // Nothing was scheduled.
    },
  };
}

/**
 * The directory bundled files (runbook, recorded state) are resolved against: LAMBDA_TASK_ROOT
 * in Lambda. `osls invoke local` sets LAMBDA_TASK_ROOT=/var/task but runs in the bundle's
 * directory, so when the runbook is not under LAMBDA_TASK_ROOT the working directory is used.
 */
export function bundleRoot(env: Record<string, string | undefined>, probe: string, cwd: string = process.cwd()): string {
  const taskRoot = env.LAMBDA_TASK_ROOT;
  if (taskRoot && (existsSync(resolve(taskRoot, probe)) || !existsSync(resolve(cwd, probe)))) return taskRoot;
  return cwd;
}
