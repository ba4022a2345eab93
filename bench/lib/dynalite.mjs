// dynalite (DynamoDB in Node, in memory) for the benchmarks, with the state table defined
// as serverless.yml defines it (keys and indexes read from the StateTable resource).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './common.mjs';

const require = createRequire(import.meta.url);

/** The StateTable's key schema, as deployed; a pk/sk table if serverless.yml does not say. */
export function stateTableDefinition() {
  let properties;
  const file = join(ROOT, 'serverless.yml');
  if (existsSync(file)) {
    const doc = parse(readFileSync(file, 'utf8'), { logLevel: 'silent' });
    properties = doc?.resources?.Resources?.StateTable?.Properties;
  }
  const definition = {
    AttributeDefinitions: properties?.AttributeDefinitions ?? [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
    KeySchema: properties?.KeySchema ?? [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  };
  if (properties?.GlobalSecondaryIndexes) {
    definition.GlobalSecondaryIndexes = properties.GlobalSecondaryIndexes.map((index) => ({
      IndexName: index.IndexName,
      KeySchema: index.KeySchema,
      Projection: index.Projection ?? { ProjectionType: 'ALL' },
    }));
  }
  return definition;
}

/** Starts dynalite on a free local port; tables are created ACTIVE at once. */
export async function startDynalite() {
  const dynalite = require('dynalite');
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise((ready, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', ready);
  });
  const { port } = server.address();
  const endpoint = `http://127.0.0.1:${port}`;
  const { DynamoDBClient, CreateTableCommand } = await import('@aws-sdk/client-dynamodb');
  const admin = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  return {
    port,
    endpoint,
    async createTable(name) {
      await admin.send(new CreateTableCommand({ TableName: name, ...stateTableDefinition() }));
    },
    client() {
      return new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
    },
    async close() {
      admin.destroy();
      await new Promise((done) => server.close(() => done()));
    },
  };
}
