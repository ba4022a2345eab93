/**
 * The operator event parser's checks on what a person typed (docs/operator-controls.md): times
 * that are real dates, a silence's length, one endpoint per circuit. An event the Lambda gets
 * with any of these wrong is invalid (it goes to the failure queue), whoever sent it.
 */
import { describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../shared/errors.js';
import { parseEnvelope } from '../../shared/signals/envelope.js';
import { ISO_FORMAT_ERROR, parseIsoWithZone } from '../../shared/signals/iso-time.js';
import { type OperatorDetailType, operatorEvent, parseOperatorEvent } from '../../shared/signals/operator.js';

const BY = 'arn:aws:sts::111122223333:assumed-role/oncall/alice';

function parse(type: OperatorDetailType, detail: Record<string, unknown>) {
  return parseOperatorEvent(parseEnvelope(operatorEvent(type, detail, { account: '111122223333', region: 'us-east-1' })));
}

function silence(startsAt: string, endsAt: string) {
  return parse('Silence Created', { silence: 'sil-1', endpoint: 'fraud-*', startsAt, endsAt, by: BY, reason: 'load test' });
}

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidEventError);
    return (error as Error).message;
  }
  throw new Error('expected an InvalidEventError');
}

describe('parseIsoWithZone', () => {
  it.each([
    ['2026-11-30T00:00Z', Date.UTC(2026, 10, 30)],
    ['2028-02-29T12:00:00Z', Date.UTC(2028, 1, 29, 12)],
    ['2026-11-23T18:00:00.250+01:00', Date.UTC(2026, 10, 23, 17, 0, 0, 250)],
    ['2026-11-23T18:00-0530', Date.UTC(2026, 10, 23, 23, 30)],
  ])('%s is a time', (text, ms) => {
    expect(parseIsoWithZone(text)).toEqual({ ok: true, ms });
  });

  it.each([
    // Date.parse reads each of these as another time instead of refusing it.
    ['2026-11-31T00:00Z', '2026-11-31 is not a date (November 2026 has 30 days)'],
    ['2026-02-29T00:00Z', '2026-02-29 is not a date (February 2026 has 28 days)'],
    ['2026-11-30T24:00Z', 'hour 24 is not a time of day (00 to 23; midnight is 00:00 of the next day)'],
    // And these it refuses, but the reason is worth saying.
    ['2026-13-01T00:00Z', '2026-13-01 is not a date (there is no month 13)'],
    ['2026-11-00T00:00Z', '2026-11-00 is not a date (November 2026 has 30 days)'],
    ['2026-11-30T23:60Z', '23:60 is not a time of day (minutes and seconds go to 59)'],
    ['2026-11-30T23:59:60Z', '23:59:60 is not a time of day (minutes and seconds go to 59)'],
    ['2026-11-30T23:00+24:00', 'the zone of "2026-11-30T23:00+24:00" is not an offset from UTC'],
    ['2026-11-30T23:00', ISO_FORMAT_ERROR],
    ['2026-11-30 23:00Z', ISO_FORMAT_ERROR],
  ])('%s is refused: %s', (text, error) => {
    expect(parseIsoWithZone(text)).toEqual({ ok: false, error });
  });
});

describe('Silence Created', () => {
  it('a time that is not a real date is an invalid event, not the next day', () => {
    expect(errorOf(() => silence('2026-11-30T00:00Z', '2026-11-31T00:00Z'))).toBe(
      'operator event Silence Created: detail.endsAt: 2026-11-31 is not a date (November 2026 has 30 days)',
    );
    expect(errorOf(() => silence('2026-11-30T24:00Z', '2026-12-02T00:00Z'))).toMatch(
      /^operator event Silence Created: detail\.startsAt: hour 24 is not a time of day/,
    );
  });

  it('lasts 1m to 30d', () => {
    expect(silence('2026-11-23T04:00:00Z', '2026-11-23T04:01:00Z')).toMatchObject({ spec: { endsAt: Date.UTC(2026, 10, 23, 4, 1) } });
    expect(silence('2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z')).toMatchObject({ type: 'Silence Created' });
    expect(errorOf(() => silence('2026-11-23T04:00:00Z', '2026-11-23T04:00:01.500Z'))).toBe(
      'operator event Silence Created: detail.endsAt: a silence lasts at least 1m; this one would last 1s500ms',
    );
    expect(errorOf(() => silence('2026-11-23T04:00:00Z', '2026-11-23T04:00:00Z'))).toBe(
      'operator event Silence Created: detail.endsAt: a silence lasts at least 1m; this one would last 0s',
    );
    expect(errorOf(() => silence('2026-11-01T00:00:00Z', '2026-12-01T00:00:01Z'))).toBe(
      'operator event Silence Created: detail.endsAt: a silence lasts at most 30d; this one would last 30d1s',
    );
    expect(errorOf(() => silence('2026-11-23T05:00:00Z', '2026-11-23T04:00:00Z'))).toBe(
      'operator event Silence Created: detail.endsAt: must be after startsAt',
    );
  });
});

describe('Circuit Closed', () => {
  it('names one endpoint: a glob is an invalid event', () => {
    expect(parse('Circuit Closed', { endpoint: 'fraud-prod', by: BY, reason: 'fixed' })).toEqual({
      type: 'Circuit Closed',
      endpoint: 'fraud-prod',
      by: BY,
      reason: 'fixed',
    });
    for (const endpoint of ['fraud-*', 'fraud-?rod', 'fraud-[ab]', 'fraud\\-prod']) {
      expect(errorOf(() => parse('Circuit Closed', { endpoint, by: BY, reason: 'fixed' }))).toBe(
        'operator event Circuit Closed: detail.endpoint: expected one endpoint name, not a pattern: a circuit is per endpoint, so close each one by its exact name (`medic status` shows the open ones)',
      );
    }
  });
});
