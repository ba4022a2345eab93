/**
 * An in-process DynamoDB (dynalite, LevelDB in memory) on 127.0.0.1 and a random port, for
 * integration tests of DynamoStateStore. One server per test file (beforeAll/afterAll); a
 * fresh table per test keeps tests independent without restarting the server.
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTableInput } from '../../shared/state/table-layout.js';

// dynalite ships no type declarations; this is the part we use.
type Dynalite = (options: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;
const dynalite = createRequire(import.meta.url)('dynalite') as Dynalite;

export interface LocalDynamo {
  client: DynamoDBClient;
  endpoint: string;
  /** Milliseconds from start to listening (the cost of one server per test file). */
  startMs: number;
  /** Creates a table with the state store's layout and returns its name. */
  createTable(name?: string): Promise<string>;
  stop(): Promise<void>;
}

let tables = 0;

export async function startDynalite(): Promise<LocalDynamo> {
  const started = performance.now();
  // No CREATING/DELETING delay: a table is ACTIVE as soon as CreateTable returns.
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const startMs = performance.now() - started;
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    // Tests assert on the first answer; the SDK's retries would only hide slowness.
    maxAttempts: 1,
  });
  return {
    client,
    endpoint,
    startMs,
    async createTable(name = `state-${process.pid}-${++tables}`) {
      await client.send(new CreateTableCommand(createTableInput(name)));
      return name;
    },
    async stop() {
      client.destroy();
      // The SDK's keep-alive sockets would hold close() open until they time out.
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
