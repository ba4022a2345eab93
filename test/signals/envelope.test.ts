import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../shared/errors.js';
import { normalizeEvent } from '../../shared/signals/normalize.js';
import { INVALID_DIR, recordedReader, sample } from '../support/samples.js';

describe('event envelope', () => {
  it('endpoint state change: status in the API spelling, config recorded', async () => {
    const n = await normalizeEvent(sample('34-'), recordedReader());
    expect(n).toMatchObject({
      type: 'endpoint-state',
      change: { endpoint: 'fraud-prod', status: 'InService', endpointConfig: 'fraud-prod-config-2026-11-20' },
    });
    const updating = await normalizeEvent(sample('35-'), recordedReader());
    expect(updating).toMatchObject({ type: 'endpoint-state', change: { endpoint: 'churn-prod', status: 'Updating' } });
  });

  it('a well-formed event of another type is ignored, not an error', async () => {
    const n = await normalizeEvent(sample('36-'), recordedReader());
    expect(n.type).toBe('ignored');
    if (n.type === 'ignored') expect(n.reason).toMatch(/^unsupported event type ".+" from aws\.ec2$/);
  });

  const parseable = readdirSync(INVALID_DIR)
    .filter((n) => {
      try {
        JSON.parse(readFileSync(join(INVALID_DIR, n), 'utf8'));
        return true;
      } catch {
        return false;
      }
    })
    .sort();

  it.each(parseable)('events/invalid/%s is rejected as invalid input with one line', async (name) => {
    const raw = JSON.parse(readFileSync(join(INVALID_DIR, name), 'utf8'));
    const error = await normalizeEvent(raw, recordedReader()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as Error).message).not.toMatch(/\n/);
  });

  it.each([
    [[], 'not an EventBridge event: expected a JSON object, got an array'],
    ['text', 'not an EventBridge event: expected a JSON object, got a string'],
    [null, 'not an EventBridge event: expected a JSON object, got null'],
    [
      { 'detail-type': 'x', source: 'y', id: '1', account: 'a', time: '2026-11-23T04:12:00Z', region: 'r', detail: '{"a":1}' },
      'detail: expected an object, got a string (double-encoded JSON?)',
    ],
    [
      { 'detail-type': 'x', source: 'y', id: '1', account: 'a', time: '2026-11-23T04:12:00Z', region: 'r' },
      'detail: missing (an EventBridge event always has one)',
    ],
    [{ source: 'aws.cloudwatch', alarmArn: 'arn', alarmData: {} }, /alarm-action payload sent straight to Lambda/],
    [{ source: 'aws.cloudwatch', detail: {} }, /^not an EventBridge event: /],
  ])('%j -> %s', async (raw, message) => {
    await expect(normalizeEvent(raw, recordedReader())).rejects.toThrow(message);
  });

  const withTime = (time: unknown) => ({ ...(sample('01-') as Record<string, unknown>), time });

  it.each([
    ['not-a-time', 'expected an ISO 8601 time with its zone, e.g. 2026-11-23T04:00:00Z, got "not-a-time"'],
    ['', 'expected an ISO 8601 time with its zone, e.g. 2026-11-23T04:00:00Z, got ""'],
    ['2026-11-23T04:12:00', 'expected an ISO 8601 time with its zone, e.g. 2026-11-23T04:00:00Z, got "2026-11-23T04:12:00"'],
    ['2026-11-31T04:12:00Z', '2026-11-31 is not a date (November 2026 has 30 days), got "2026-11-31T04:12:00Z"'],
    ['1795000000000', 'expected an ISO 8601 time with its zone, e.g. 2026-11-23T04:00:00Z, got "1795000000000"'],
  ])('an event time that is not a time (%j) is invalid input, named: not left out of a backtest window', async (time, message) => {
    await expect(normalizeEvent(withTime(time), recordedReader())).rejects.toThrow(
      new InvalidEventError(`not an EventBridge event: time: ${message}`),
    );
  });

  it('a time that is not a string says what it got; an absent one is missing', async () => {
    await expect(normalizeEvent(withTime(1795000000000), recordedReader())).rejects.toThrow(
      new InvalidEventError('not an EventBridge event: time: Invalid input: expected string, received number'),
    );
    await expect(normalizeEvent(withTime(undefined), recordedReader())).rejects.toThrow(
      new InvalidEventError('not an EventBridge event: time: missing time'),
    );
  });

  it('an alarm name of another type is named as such, not as missing', async () => {
    const event = sample('01-') as { detail: Record<string, unknown> };
    await expect(normalizeEvent({ ...event, detail: { ...event.detail, alarmName: 123 } }, recordedReader())).rejects.toThrow(
      new InvalidEventError('alarm event: detail.alarmName: Invalid input: expected string, received number'),
    );
  });

  it.each(['2026-11-23T04:12:00Z', '2026-11-23T04:12:00.512Z', '2026-11-23T04:12:40.512+0000', '2026-11-23T05:12:00+01:00'])(
    'real event times parse: %s',
    async (time) => {
      const n = await normalizeEvent(withTime(time), recordedReader());
      expect(n).toMatchObject({ type: 'signal', signal: { time } });
    },
  );
});
