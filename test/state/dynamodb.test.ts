/**
 * DynamoStateStore beyond the shared contract: what only DynamoDB has (TTL in seconds, item
 * size limits, pages, ReturnValuesOnConditionCheckFailure) and how its failures surface.
 * dynalite for real round trips; aws-sdk-client-mock for the answers dynalite cannot give
 * (throttling, the old item on a failed condition).
 */
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  QueryCommand,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { MedicError } from '../../shared/errors.js';
import type { ActionReport } from '../../shared/report.js';
import { DynamoStateStore, fitAuditJson } from '../../shared/state/dynamodb.js';
import type { AuditRecord } from '../../shared/state/store.js';
import { AUDIT_ITEM_MAX_BYTES, keys } from '../../shared/state/table-layout.js';
import { type LocalDynamo, startDynalite } from '../support/dynalite.js';

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0) + 250; // not on a whole second: TTL must round up
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const TABLE = 'medic-state-test';

const notify = (message: string): ActionReport => ({
  type: 'notify',
  rule: 'page-oncall',
  status: 'executed',
  reason: 'published',
  calls: [{ service: 'sns', operation: 'Publish', input: { TopicArn: 'arn:aws:sns:us-east-1:111122223333:ops', Message: message } }],
});
const auditWith = (event: string, at: number, actions: ActionReport[]): AuditRecord => ({
  event,
  at,
  endpoint: 'fraud-prod',
  signal: null,
  rule: 'page-oncall',
  actions,
  ignored: null,
  error: null,
});

describe('DynamoStateStore on dynalite', () => {
  let dynamo: LocalDynamo;
  let store: DynamoStateStore;
  let table: string;
  beforeAll(async () => {
    dynamo = await startDynalite();
    console.info(`dynalite listening in ${dynamo.startMs.toFixed(1)} ms`);
  });
  afterAll(async () => {
    await dynamo?.stop();
  });
  beforeEach(async () => {
    table = await dynamo.createTable();
    store = new DynamoStateStore({ client: dynamo.client, tableName: table });
  });
  const raw = async (key: { pk: string; sk: string }) =>
    (await dynamo.client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: key.pk }, sk: { S: key.sk } } }))).Item;

  it('writes the TTL attribute in epoch seconds, rounded up, and the exact expiry in ms beside it', async () => {
    await store.claimSignal('k', 'a', T0, MINUTE, HOUR);
    await store.acquireLock('fraud-prod', 'a', T0, MINUTE);
    const claim = await raw(keys.signal('k'));
    expect(claim?.expiresAt).toEqual({ N: String(Math.ceil((T0 + HOUR) / 1000)) });
    expect(claim?.expiresAtMs).toEqual({ N: String(T0 + HOUR) });
    expect((await raw(keys.lock('fraud-prod')))?.expiresAt).toEqual({ N: String(Math.ceil((T0 + MINUTE) / 1000)) });
  });

  it('an audit record too big for one item is stored with its SNS message cut, not refused', async () => {
    const record = auditWith('huge', T0, [notify('x'.repeat(600 * 1024))]);
    await store.putAudit(record, HOUR);
    const [found] = await store.queryAudit({ endpoint: 'fraud-prod', since: T0 });
    const message = String(found?.actions[0]?.calls[0]?.input.Message);
    expect(message.length).toBeLessThan(AUDIT_ITEM_MAX_BYTES);
    expect(message).toMatch(/characters cut to fit the audit record\]$/);
    expect(found?.actions[0]?.status).toBe('executed');
  });

  it('reads every page: four 300 KB audit records are more than one 1 MB Query page', async () => {
    for (let i = 0; i < 4; i++) await store.putAudit(auditWith(`e${i}`, T0 + i, [notify('y'.repeat(300 * 1024))]), HOUR);
    const send = vi.spyOn(dynamo.client, 'send');
    expect((await store.queryAudit({ endpoint: 'fraud-prod', since: T0 })).map((r) => r.event)).toEqual(['e3', 'e2', 'e1', 'e0']);
    expect(send.mock.calls.length).toBeGreaterThan(1);
    send.mockRestore();
    expect((await store.queryAudit({ since: T0, limit: 3 })).map((r) => r.event)).toEqual(['e3', 'e2', 'e1']);
  });
});

describe('fitAuditJson', () => {
  it('keeps a report that fits as it is', () => {
    const record = auditWith('small', T0, [notify('hello')]);
    expect(JSON.parse(fitAuditJson(record, AUDIT_ITEM_MAX_BYTES))).toEqual(record);
  });

  it('drops the requests, keeping each outcome, when cutting messages is not enough', () => {
    const big: ActionReport = {
      ...notify('m'),
      calls: [{ service: 'sagemaker', operation: 'UpdateEndpoint', input: { blob: 'z'.repeat(5000) } }],
    };
    const json = fitAuditJson(auditWith('many', T0, [big, big]), 4000);
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(4000);
    expect(JSON.parse(json).actions.map((a: ActionReport) => [a.status, a.calls])).toEqual([
      ['executed', []],
      ['executed', []],
    ]);
  });
});

describe('DynamoStateStore against DynamoDB answers dynalite cannot give (aws-sdk-client-mock)', () => {
  // Mock this one instance, not the class: dynalite's client in the other suites stays real.
  const client = new DynamoDBClient({ region: 'us-east-1' });
  const ddb = mockClient(client);
  const store = new DynamoStateStore({ client, tableName: TABLE });
  beforeEach(() => ddb.reset());
  afterAll(() => ddb.restore());

  const expectTransient = async (promise: Promise<unknown>, operation: string) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MedicError);
    expect(error).toMatchObject({ kind: 'aws-throttled', transient: true });
    expect((error as Error).message).toContain(`dynamodb:${operation} on table ${TABLE}`);
    return error as MedicError;
  };

  it('ProvisionedThroughputExceededException on a lock write is a transient error naming the table, not a lost race', async () => {
    ddb.on(PutItemCommand).rejects(new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} }));
    const error = await expectTransient(store.acquireLock('fraud-prod', 'a', T0, MINUTE), 'PutItem');
    expect(error.message).toContain('ENDPOINT#fraud-prod');
    expect(error.message).toContain('ProvisionedThroughputExceededException: Rate exceeded');
  });

  it('ThrottlingException on a count or a read is a transient error too', async () => {
    ddb.on(QueryCommand).rejects(new ThrottlingException({ message: 'Throughput exceeds the current capacity', $metadata: {} }));
    ddb.on(GetItemCommand).rejects(new ThrottlingException({ message: 'slow down', $metadata: {} }));
    await expectTransient(store.countRemediations('fraud-prod', T0), 'Query');
    await expectTransient(store.getCircuit('fraud-prod', T0), 'GetItem');
  });

  it('a throttled claim is an error, never mistaken for a duplicate', async () => {
    ddb.on(PutItemCommand).rejects(new ThrottlingException({ message: 'slow down', $metadata: {} }));
    await expectTransient(store.claimSignal('k', 'a', T0, MINUTE, HOUR), 'PutItem');
  });

  it('a lost claim answers from the item DynamoDB returns with the failure (ALL_OLD), without reading it again', async () => {
    const held = {
      pk: { S: 'SIGNAL#k' },
      sk: { S: 'CLAIM' },
      status: { S: 'in-progress' },
      owner: { S: 'b' },
      leaseUntil: { N: String(T0 + MINUTE) },
      expiresAtMs: { N: String(T0 + HOUR) },
    };
    ddb
      .on(PutItemCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, Item: held }));
    expect(await store.claimSignal('k', 'a', T0, MINUTE, HOUR)).toEqual({ status: 'in-progress', owner: 'b' });
    expect(ddb.commandCalls(PutItemCommand)[0]?.args[0].input).toMatchObject({ ReturnValuesOnConditionCheckFailure: 'ALL_OLD' });
    expect(ddb.commandCalls(GetItemCommand)).toHaveLength(0);
  });

  it('countRemediations adds up Count over every page', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Count: 3, LastEvaluatedKey: { pk: { S: 'REMEDIATIONS#fraud-prod' }, sk: { S: 'x' } } })
      .resolvesOnce({ Count: 2 });
    expect(await store.countRemediations('fraud-prod', T0)).toBe(5);
    expect(ddb.commandCalls(QueryCommand).map((c) => c.args[0].input.Select)).toEqual(['COUNT', 'COUNT']);
  });
});
