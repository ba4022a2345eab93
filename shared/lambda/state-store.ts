/**
 * The state store of a Lambda container: DynamoDB when the stack names a table (MEDIC_TABLE),
 * otherwise (the local stage) a store in memory. Each is imported only when chosen, so the
 * deployed functions never load the memory store and the local stage never loads the SDK.
 */
import type { RuntimeConfig } from '../config.js';
import type { StateStore } from '../state/store.js';

type Env = Record<string, string | undefined>;

/** `history`: endpoint -> configs, oldest first, seeded into a memory store (the recorded rollback history). */
export async function openStateStore(
  config: Pick<RuntimeConfig, 'tableName'>,
  env: Env,
  history: Record<string, string[]> = {},
): Promise<StateStore> {
  if (config.tableName) {
    const { openDynamoStateStore } = await import('../state/open-dynamodb.js');
    return openDynamoStateStore(env, config.tableName);
  }
  const { MemoryStateStore } = await import('../state/memory.js');
  const memory: StateStore = new MemoryStateStore();
  for (const [endpoint, configs] of Object.entries(history)) {
    for (const c of configs) await memory.recordEndpointConfig(endpoint, c, 0);
  }
  return memory;
}
