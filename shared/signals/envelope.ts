/**
 * The EventBridge envelope every input must have. Anything else (a raw alarm-action payload,
 * an array, a string) is bad input with one clear line, never a stack trace.
 */
import { InvalidEventError } from '../errors.js';
import { parseIsoWithZone } from './iso-time.js';
import { checked, optionalArray, optionalString, ROOT, ShapeError, string } from './shape.js';

export interface Envelope {
  version?: string;
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
  /** Other fields EventBridge may add are kept as they came. */
  [field: string]: unknown;
}

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
  const envelope = checked('not an EventBridge event: ', '', () => {
    const version = optionalString(record.version, ROOT, 'version');
    const fields = {
      id: string(record.id, ROOT, 'id', 'missing event id'),
      'detail-type': string(record['detail-type'], ROOT, 'detail-type', 'missing detail-type'),
      source: string(record.source, ROOT, 'source', 'missing source'),
      account: string(record.account, ROOT, 'account', 'missing account'),
      time: eventTime(record.time),
      region: string(record.region, ROOT, 'region', 'missing region'),
      resources: optionalArray(record.resources, ROOT, 'resources', (v, path) => string(v, path)) ?? [],
    };
    return { ...record, ...(version === undefined ? {} : { version }), ...fields };
  });
  const { detail } = record;
  if (detail === undefined) throw new InvalidEventError('detail: missing (an EventBridge event always has one)');
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) {
    const what = typeof detail === 'string' ? 'a string (double-encoded JSON?)' : Array.isArray(detail) ? 'an array' : String(detail);
    throw new InvalidEventError(`detail: expected an object, got ${what}`);
  }
  return { ...envelope, detail: detail as Record<string, unknown> };
}

/**
 * The event's `time`, a real time with its zone: backtest orders events by it and a silence's
 * window is judged by it, so one that does not parse would be left out of both without a word.
 */
function eventTime(value: unknown): string {
  const time = string(value, ROOT, 'time', 'missing time');
  const parsed = parseIsoWithZone(time);
  if (!parsed.ok) throw new ShapeError(['time'], `${parsed.error}, got ${JSON.stringify(time)}`);
  return time;
}
