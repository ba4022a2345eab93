/**
 * What one Lambda container builds once and reuses across invocations: AWS adapters, the
 * state store and the runbook. Built on the first event, not at import, so a cold start
 * pays only for what the event needs.
 */
import { resolve } from 'node:path';
import type { AwsReader, AwsWriter } from '../aws/ports.js';
import { RecordedAwsReader, refusingWriter } from '../aws/recorded.js';
import type { RuntimeConfig } from '../config.js';
import { type CompiledRunbook, compileRunbook, loadRunbookFile } from '../runbook/index.js';
import { MemoryStateStore } from '../state/memory.js';
import type { StateStore } from '../state/store.js';

export interface Container {
  reader: AwsReader;
  writer: AwsWriter;
  store: StateStore;
  runbook(now: number): Promise<CompiledRunbook>;
}

export async function createContainer(config: RuntimeConfig, env: Record<string, string | undefined>): Promise<Container> {
  const root = env.LAMBDA_TASK_ROOT ?? process.cwd();
  let reader: AwsReader;
  let writer: AwsWriter = refusingWriter;
  let history: Record<string, string[]> = {};
  if (config.awsStateFile) {
    const recorded = RecordedAwsReader.fromFile(resolve(root, config.awsStateFile));
    reader = recorded;
    history = recorded.endpointConfigHistory;
  } else {
    const { createSdkAdapters } = await import('../aws/sdk.js');
    const sdk = createSdkAdapters(env);
    reader = sdk.reader;
    if (config.allowWrites) writer = sdk.writer;
  }

  let store: StateStore;
  if (config.tableName) {
    const [{ DynamoDBClient }, { DynamoStateStore }, { clientConfig }] = await Promise.all([
      import('@aws-sdk/client-dynamodb'),
      import('../state/dynamodb.js'),
      import('../aws/sdk.js'),
    ]);
    store = new DynamoStateStore({ client: new DynamoDBClient(clientConfig(env)), tableName: config.tableName });
  } else {
    const memory = new MemoryStateStore();
    for (const [endpoint, configs] of Object.entries(history)) {
      for (const c of configs) await memory.recordEndpointConfig(endpoint, c, 0);
    }
    store = memory;
  }

  const runbookFile = resolve(root, config.runbookFile);
  let cached: { runbook: CompiledRunbook; loadedAt: number } | undefined;
  return {
    reader,
    writer,
    store,
    async runbook(now) {
      if (!cached || now - cached.loadedAt > config.runbookTtlMs) {
        cached = { runbook: compileRunbook(loadRunbookFile(runbookFile, env, config.runbookFile)), loadedAt: now };
      }
      return cached.runbook;
    },
  };
}
