/**
 * parseAwsTime reads the two forms events carry digit by digit; whatever the text, its answer
 * must be Date.parse's after the `+0000` -> `+00:00` rewrite, as before the fast path.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAwsTime } from '../../shared/signals/timestamp.js';

const asBefore = (text: string) => Date.parse(text.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
const pad = (n: number, width: number) => String(n).padStart(width, '0');

describe('parseAwsTime', () => {
  it('reads the forms events carry', () => {
    expect(parseAwsTime('2026-11-23T04:12:00.000+0000')).toBe(Date.UTC(2026, 10, 23, 4, 12));
    expect(parseAwsTime('2026-11-23T05:12:00.250+0100')).toBe(Date.UTC(2026, 10, 23, 4, 12, 0, 250));
    expect(parseAwsTime('2026-11-22T23:42:00.000-0430')).toBe(Date.UTC(2026, 10, 23, 4, 12));
    expect(parseAwsTime('2026-11-23T04:12:00.000Z')).toBe(Date.UTC(2026, 10, 23, 4, 12));
    expect(parseAwsTime('2026-11-23T04:12:00Z')).toBe(Date.UTC(2026, 10, 23, 4, 12));
    expect(parseAwsTime(new Date(5))).toBe(5);
    expect(parseAwsTime(undefined)).toBeNaN();
    expect(parseAwsTime('yesterday')).toBeNaN();
  });

  it('what Date.parse rolls over or refuses, it still does (day 31 of November, hour 24, a bad zone)', () => {
    for (const text of [
      '2026-11-31T04:12:00.000+0000',
      '2026-02-29T00:00:00.000Z',
      '2028-02-29T00:00:00.000Z',
      '2026-11-23T24:00:00.000+0000',
      '2026-11-23T04:60:00.000Z',
      '2026-11-23T04:12:00.000+2400',
      '2026-11-23T04:12:00.000*0000',
      '0099-11-23T04:12:00.000Z',
      '2026-1a-23T04:12:00.000Z',
    ]) {
      expect(Object.is(parseAwsTime(text), asBefore(text)), text).toBe(true);
    }
  });

  it('any time in either form, valid or not, and any text: the same as Date.parse', () => {
    const field = (max: number, width: number) => fc.integer({ min: 0, max }).map((n) => pad(n, width));
    const time = fc
      .tuple(
        field(9999, 4),
        field(13, 2),
        field(32, 2),
        field(25, 2),
        field(61, 2),
        field(61, 2),
        field(999, 3),
        fc.constantFrom('Z', '+', '-', '*'),
        field(25, 2),
        field(61, 2),
      )
      .map(([y, mo, d, h, mi, s, ms, zone, oh, om]) => `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}${zone === 'Z' ? 'Z' : `${zone}${oh}${om}`}`);
    fc.assert(
      fc.property(fc.oneof(time, fc.string({ maxLength: 30 })), (text) => {
        expect(Object.is(parseAwsTime(text), asBefore(text)), text).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });
});
