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
      { 'detail-type': 'x', source: 'y', id: '1', account: 'a', time: 't', region: 'r', detail: '{"a":1}' },
      'detail: expected an object, got a string (double-encoded JSON?)',
    ],
    [
      { 'detail-type': 'x', source: 'y', id: '1', account: 'a', time: 't', region: 'r' },
      'detail: missing (an EventBridge event always has one)',
    ],
    [{ source: 'aws.cloudwatch', alarmArn: 'arn', alarmData: {} }, /alarm-action payload sent straight to Lambda/],
    [{ source: 'aws.cloudwatch', detail: {} }, /^not an EventBridge event: /],
  ])('%j -> %s', async (raw, message) => {
    await expect(normalizeEvent(raw, recordedReader())).rejects.toThrow(message);
  });
});
