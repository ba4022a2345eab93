/**
 * The DynamoDB state store over the table a deployment (MEDIC_TABLE) or an operator (--table)
 * names, with the client built by the SDK adapter. The Lambda container and `medic history`
 * both open it here: the CLI bundle must not import an SDK package on its own (a dynamic
 * import of a CommonJS package in a split ESM bundle has only a default export, which is how
 * `medic history` once failed with "DynamoDBClient is not a constructor").
 */
import { createDynamoDBClient } from '../aws/sdk.js';
import { DynamoStateStore } from './dynamodb.js';

type Env = Record<string, string | undefined>;

export async function openDynamoStateStore(env: Env, tableName: string): Promise<DynamoStateStore> {
  return new DynamoStateStore({ client: await createDynamoDBClient(env), tableName });
}
