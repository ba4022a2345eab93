/**
 * The failure queue (MEDIC_FAILURE_QUEUE_URL) for events that can never succeed: a malformed
 * event is sent there at once, with the reason, instead of being retried by Lambda (retrying
 * cannot fix it). The same queue receives EventBridge dead letters and Lambda on-failure
 * records, so the body mirrors a Lambda destination record: `requestPayload` is the event in
 * every case, and one redrive command serves all three (docs/deploy.md).
 *
 * Without a queue URL (the local stage) the event is only logged by the caller.
 */
import type { SendMessageCommandInput } from '@aws-sdk/client-sqs';
import { toMedicError } from '../aws/errors.js';

type Env = Record<string, string | undefined>;

/** An event the function will not retry, and why: malformed, or it met a bug of ours. */
export interface MalformedEvent {
  /** invalid-event (default): it can never succeed; internal: a bug, the event kept for a redrive once fixed. */
  kind?: 'invalid-event' | 'internal';
  /** The Lambda entry that received it (alarm, monitoring, endpoint-state). */
  entry: string;
  /** The EventBridge event id, or the request id when there is none. */
  label: string;
  reason: string;
  event: unknown;
  requestId?: string;
  functionArn?: string;
}

export interface FailureQueue {
  /** 'sent' when the queue has it, 'none' when no queue is configured. Throws when SQS refuses. */
  sendMalformed(malformed: MalformedEvent, now?: number): Promise<'sent' | 'none'>;
}

export type SqsSend = (input: SendMessageCommandInput) => Promise<unknown>;

/** SQS refuses bodies over 256 KiB; leave room for the wrapper. */
const MAX_PAYLOAD_CHARS = 200_000;
const MAX_ATTRIBUTE_CHARS = 1_024;

/** The SendMessage request for a malformed event (pure: tests assert on it). */
export function malformedEventMessage(queueUrl: string, malformed: MalformedEvent, now: number): SendMessageCommandInput {
  const body = {
    version: '1.0',
    timestamp: new Date(now).toISOString(),
    source: 'model-medic',
    condition: malformed.kind === 'internal' ? 'InternalError' : 'InvalidEvent',
    requestContext: {
      requestId: malformed.requestId ?? null,
      functionArn: malformed.functionArn ?? null,
      entry: malformed.entry,
      approximateInvokeCount: 1,
    },
    requestPayload: boundedPayload(malformed.event),
    responsePayload: { errorType: malformed.kind ?? 'invalid-event', errorMessage: malformed.reason },
  };
  const text = (value: string) => ({ DataType: 'String', StringValue: clip(value || '(none)', MAX_ATTRIBUTE_CHARS) });
  return {
    QueueUrl: queueUrl,
    MessageBody: JSON.stringify(body),
    MessageAttributes: {
      errorKind: text(malformed.kind ?? 'invalid-event'),
      reason: text(malformed.reason),
      entry: text(malformed.entry),
      eventId: text(malformed.label),
    },
  };
}

/** The event itself unless it is too large for one message; then a clipped copy of its JSON. */
function boundedPayload(event: unknown): unknown {
  let json: string | undefined;
  try {
    json = JSON.stringify(event);
  } catch {
    return { unserializable: String(event) };
  }
  if (json === undefined) return null;
  if (json.length <= MAX_PAYLOAD_CHARS) return event;
  return { truncated: true, originalLength: json.length, json: json.slice(0, MAX_PAYLOAD_CHARS) };
}

function clip(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

/**
 * The failure queue of this container. `send` defaults to an SQS client created on first use
 * (@aws-sdk/client-sqs is imported only when a malformed event actually arrives). The SDK's own
 * retries apply to the SendMessage call; the event itself is not retried.
 */
export function createFailureQueue(queueUrl: string | undefined, env: Env, send?: SqsSend): FailureQueue {
  let sender: Promise<SqsSend> | undefined;
  const load = async (): Promise<SqsSend> => {
    if (send) return send;
    const { createAwsSend } = await import('../aws/sdk.js');
    const sendAws = createAwsSend(env);
    return (input) => sendAws('sqs', 'SendMessage', { ...input });
  };
  return {
    async sendMalformed(malformed, now = Date.now()) {
      if (!queueUrl) return 'none';
      sender ??= load().catch((error) => {
        sender = undefined;
        throw error;
      });
      try {
        await (await sender)(malformedEventMessage(queueUrl, malformed, now));
      } catch (error) {
        throw toMedicError(error, 'sqs', 'SendMessage', queueUrl);
      }
      return 'sent';
    },
  };
}
