/**
 * What one Lambda container builds once and reuses across invocations: AWS adapters, the
 * state store, the runbook source and the failure queue. Built on the first event, not at
 * import, so a cold start pays only for what the event needs.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AwsReader, AwsWriter } from '../aws/ports.js';
import { RecordedAwsReader, refusingWriter } from '../aws/recorded.js';
import type { RuntimeConfig } from '../config.js';
import type { CompiledRunbook } from '../runbook/index.js';
import { MemoryStateStore } from '../state/memory.js';
import type { StateStore } from '../state/store.js';
import { createFailureQueue, type FailureQueue } from './failure-queue.js';
import { RunbookSource, type RunbookSourceLog } from './runbook-source.js';

export interface Container {
  reader: AwsReader;
  writer: AwsWriter;
  store: StateStore;
  runbook(now: number): Promise<CompiledRunbook>;
  /** Where malformed events go (a no-op without MEDIC_FAILURE_QUEUE_URL). */
  failures: FailureQueue;
  /** The signal of the invocation in progress: its AWS calls are aborted when it fires. */
  setDeadline(signal: AbortSignal | undefined): void;
}

export interface ContainerOptions {
  /** Logs of the runbook source (refused or unreadable runbook parameter). */
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
  let history: Record<string, string[]> = {};
  if (config.awsStateFile) {
    const recorded = RecordedAwsReader.fromFile(resolve(root, config.awsStateFile));
    reader = recorded;
    history = recorded.endpointConfigHistory;
  } else {
    const { createAwsSend, createSdkAdapters } = await import('../aws/sdk.js');
    const sdk = createSdkAdapters(env, createAwsSend(env, { abortSignal: () => deadline }));
    reader = sdk.reader;
    if (config.allowWrites) writer = sdk.writer;
  }

  let store: StateStore;
  if (config.tableName) {
    const { openDynamoStateStore } = await import('../state/open-dynamodb.js');
    store = await openDynamoStateStore(env, config.tableName);
  } else {
    const memory: StateStore = new MemoryStateStore();
    for (const [endpoint, configs] of Object.entries(history)) {
      for (const c of configs) await memory.recordEndpointConfig(endpoint, c, 0);
    }
    store = memory;
  }

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
    failures: createFailureQueue(config.failureQueueUrl, env),
    setDeadline: (signal) => {
      deadline = signal;
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
