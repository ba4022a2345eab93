/**
 * The EventBridge envelope every input must have. Anything else (a raw alarm-action payload,
 * an array, a string) is bad input with one clear line, never a stack trace.
 */
import * as z from 'zod';
import { InvalidEventError } from '../errors.js';
import { firstIssueLine } from './zod-message.js';

const envelopeSchema = z.looseObject({
  version: z.string().optional(),
  id: z.string({ error: 'missing event id' }),
  'detail-type': z.string({ error: 'missing detail-type' }),
  source: z.string({ error: 'missing source' }),
  account: z.string({ error: 'missing account' }),
  time: z.string({ error: 'missing time' }),
  region: z.string({ error: 'missing region' }),
  resources: z.array(z.string()).optional().default([]),
  detail: z.unknown().optional(),
});

export type Envelope = z.output<typeof envelopeSchema> & { detail: Record<string, unknown> };

export function parseEnvelope(raw: unknown): Envelope {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    const what = Array.isArray(raw) ? 'an array' : raw === null ? 'null' : `a ${typeof raw}`;
    throw new InvalidEventError(`not an EventBridge event: expected a JSON object, got ${what}`);
  }
  const record = raw as Record<string, unknown>;
  if ('alarmData' in record && !('detail-type' in record)) {
    throw new InvalidEventError(
      'this is a CloudWatch alarm-action payload sent straight to Lambda, not an EventBridge event: ' +
        'remove the Lambda from the alarm actions and let the EventBridge rule deliver alarm state changes',
    );
  }
  const parsed = envelopeSchema.safeParse(raw);
  if (!parsed.success) throw new InvalidEventError(`not an EventBridge event: ${firstIssueLine(parsed.error)}`);
  const { detail } = parsed.data;
  if (detail === undefined) throw new InvalidEventError('detail: missing (an EventBridge event always has one)');
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) {
    const what = typeof detail === 'string' ? 'a string (double-encoded JSON?)' : Array.isArray(detail) ? 'an array' : String(detail);
    throw new InvalidEventError(`detail: expected an object, got ${what}`);
  }
  return parsed.data as Envelope;
}
