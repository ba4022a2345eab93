/**
 * Malformed events go to the failure queue at once (SQS SendMessage with the event and the
 * reason), are not retried, and the invocation ends normally. The SQS client is the real SDK
 * client with aws-sdk-client-mock answering; the handler is the one every entry point uses.
 */
import 'aws-sdk-client-mock-vitest/extend';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFailureQueue, type MalformedEvent, malformedEventMessage } from '../../shared/lambda/failure-queue.js';
import { EVENTS_DIR, INVALID_DIR } from '../support/samples.js';

const ENV = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIAFAKE', AWS_SECRET_ACCESS_KEY: 'fake', MEDIC_AWS_MAX_ATTEMPTS: '1' };
const QUEUE = 'https://sqs.us-east-1.amazonaws.com/111122223333/model-medic-test-failures';
const NOW = Date.parse('2026-11-23T12:00:00Z');

const sqs = mockClient(SQSClient);
beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'msg-1' });
});
afterEach(() => sqs.reset());

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

const malformed = (
  event: unknown,
  reason = 'processing job event: detail.ProcessingJobStatus: missing ProcessingJobStatus',
): MalformedEvent => ({
  entry: 'monitoring',
  label: 'e5e3c2ab-c9a3-45f8-b3a2-0663b8d03539',
  reason,
  event,
  requestId: 'req-1',
  functionArn: 'arn:aws:lambda:us-east-1:111122223333:function:model-medic-test-monitoring',
});

describe('malformedEventMessage', () => {
  it('carries the event as requestPayload (like a Lambda on-failure record) and the reason as body and attributes', () => {
    const event = readJson(join(INVALID_DIR, 'missing-job-status.json'));
    const input = malformedEventMessage(QUEUE, malformed(event), NOW);
    expect(input.QueueUrl).toBe(QUEUE);
    const body = JSON.parse(input.MessageBody ?? '');
    expect(body).toEqual({
      version: '1.0',
      timestamp: '2026-11-23T12:00:00.000Z',
      source: 'model-medic',
      condition: 'InvalidEvent',
      requestContext: {
        requestId: 'req-1',
        functionArn: 'arn:aws:lambda:us-east-1:111122223333:function:model-medic-test-monitoring',
        entry: 'monitoring',
        approximateInvokeCount: 1,
      },
      requestPayload: event,
      responsePayload: { errorType: 'invalid-event', errorMessage: malformed(event).reason },
    });
    expect(input.MessageAttributes).toEqual({
      errorKind: { DataType: 'String', StringValue: 'invalid-event' },
      reason: { DataType: 'String', StringValue: malformed(event).reason },
      entry: { DataType: 'String', StringValue: 'monitoring' },
      eventId: { DataType: 'String', StringValue: 'e5e3c2ab-c9a3-45f8-b3a2-0663b8d03539' },
    });
  });

  it('clips an event too large for one SQS message instead of failing', () => {
    const huge = { detail: { blob: 'x'.repeat(300_000) } };
    const input = malformedEventMessage(QUEUE, malformed(huge), NOW);
    expect(Buffer.byteLength(input.MessageBody ?? '')).toBeLessThan(256 * 1024);
    expect(JSON.parse(input.MessageBody ?? '').requestPayload).toMatchObject({ truncated: true, originalLength: expect.any(Number) });
  });
});

describe('createFailureQueue', () => {
  it('sends one SendMessage to the configured queue', async () => {
    const queue = createFailureQueue(QUEUE, ENV);
    expect(await queue.sendMalformed(malformed({ bad: true }), NOW)).toBe('sent');
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 1);
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toEqual(malformedEventMessage(QUEUE, malformed({ bad: true }), NOW));
  });

  it('without a queue URL (local stage) sends nothing', async () => {
    expect(await createFailureQueue(undefined, ENV).sendMalformed(malformed({ bad: true }), NOW)).toBe('none');
    expect(sqs).not.toHaveReceivedAnyCommand();
  });

  it('an SQS failure is a MedicError naming the call', async () => {
    sqs.on(SendMessageCommand).rejects(Object.assign(new Error('Access to the resource is denied.'), { name: 'AccessDenied' }));
    await expect(createFailureQueue(QUEUE, ENV).sendMalformed(malformed({ bad: true }), NOW)).rejects.toMatchObject({
      kind: 'aws-denied',
      message: expect.stringContaining(`sqs:SendMessage on ${QUEUE} failed: AccessDenied`),
    });
  });
});

describe('the Lambda handler', () => {
  type Handler = (event: unknown, context: Context) => Promise<{ errorKind?: string; rule: string | null; error: string | null }>;
  let handler: Handler;
  const context = {
    awsRequestId: 'req-1',
    functionName: 'model-medic-test-monitoring',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:model-medic-test-monitoring',
    memoryLimitInMB: '512',
    getRemainingTimeInMillis: () => 60_000,
  } as unknown as Context;

  beforeAll(async () => {
    // The local stage's wiring (recorded AWS state, memory state, dry-run) plus a failure queue.
    const env = {
      ...ENV,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      MEDIC_FAILURE_QUEUE_URL: QUEUE,
      MEDIC_AWS_STATE: 'events/aws-state.json',
      MEDIC_RUNBOOK_FILE: 'test/fixtures/runbook.yml', // the test copy of runbook.yml
      MEDIC_WRITES: 'off',
      MEDIC_TABLE: '',
      MEDIC_ALLOWED_ACCOUNTS: '111122223333',
      MEDIC_ALLOWED_REGIONS: 'us-east-1',
    };
    for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
    handler = (await import('../../functions/monitoring.js')).handler as unknown as Handler;
  });
  afterAll(() => {
    vi.unstubAllEnvs();
  });

  it('sends a malformed event to the failure queue once, and returns normally (no Lambda retry)', async () => {
    const event = readJson(join(INVALID_DIR, 'missing-job-status.json'));
    const report = await handler(event, context);
    expect(report.errorKind).toBe('invalid-event');
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 1);
    const input = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input;
    expect(input?.QueueUrl).toBe(QUEUE);
    expect(JSON.parse(input?.MessageBody ?? '')).toMatchObject({
      requestPayload: event,
      requestContext: { entry: 'monitoring', requestId: 'req-1' },
      responsePayload: { errorType: 'invalid-event', errorMessage: report.error },
    });
    expect(input?.MessageAttributes?.reason?.StringValue).toBe(report.error);
  });

  it('a well-formed event never touches the failure queue', async () => {
    const report = await handler(readJson(join(EVENTS_DIR, '20-monitor-data-drift-churn-prod.json')), context);
    expect(report.errorKind).toBeUndefined();
    expect(report.rule).toBe('churn-drift-retrain');
    expect(sqs).not.toHaveReceivedAnyCommand();
  });

  it('when SQS refuses, the invocation fails so Lambda retries and its on-failure destination keeps the event', async () => {
    sqs
      .on(SendMessageCommand)
      .rejects(Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }));
    await expect(handler(readJson(join(INVALID_DIR, 'no-detail.json')), context)).rejects.toThrow(/sqs:SendMessage/);
  });
});
