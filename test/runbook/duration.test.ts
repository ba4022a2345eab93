import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../shared/runbook/duration.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('parseDuration', () => {
  it.each([
    ['15m', 15 * MINUTE],
    ['90s', 90 * SECOND],
    ['1h', HOUR],
    ['2h30m', 2 * HOUR + 30 * MINUTE],
    ['1d', DAY],
    ['0s', 0],
    ['1d2h3m4s5ms', DAY + 2 * HOUR + 3 * MINUTE + 4 * SECOND + 5],
    [' 5m ', 5 * MINUTE],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, ms });
  });

  it.each([
    ['', 'expected a duration like 15m, 90s, 2h30m or 1d, got "" (empty)'],
    ['15', 'expected a duration like 15m, 90s, 2h30m or 1d, got "15" ("15" has no unit; units are d, h, m, s, ms)'],
    ['15 m', 'expected a duration like 15m, 90s, 2h30m or 1d, got "15 m" (unexpected " " after "15")'],
    ['15M', 'expected a duration like 15m, 90s, 2h30m or 1d, got "15M" (unknown unit "M"; units are d, h, m, s, ms)'],
    ['2w', 'expected a duration like 15m, 90s, 2h30m or 1d, got "2w" (unknown unit "w"; units are d, h, m, s, ms)'],
    ['1.5h', 'expected a duration like 15m, 90s, 2h30m or 1d, got "1.5h" (unexpected "." after "1")'],
    ['30m2h', 'expected a duration like 15m, 90s, 2h30m or 1d, got "30m2h" (units must go from largest to smallest, each at most once)'],
    ['1m1m', 'expected a duration like 15m, 90s, 2h30m or 1d, got "1m1m" (units must go from largest to smallest, each at most once)'],
    ['-5m', 'expected a duration like 15m, 90s, 2h30m or 1d, got "-5m" (expected a whole number at "-5m")'],
    ['m', 'expected a duration like 15m, 90s, 2h30m or 1d, got "m" (expected a whole number at "m")'],
    ['99999999999999999d', 'expected a duration like 15m, 90s, 2h30m or 1d, got "99999999999999999d" (too large)'],
  ])('refuses %j', (text, error) => {
    expect(parseDuration(text)).toEqual({ ok: false, error });
  });
});

describe('formatDuration', () => {
  it.each([
    [15 * MINUTE, '15m'],
    [90 * SECOND, '1m30s'],
    [2 * HOUR + 30 * MINUTE, '2h30m'],
    [DAY, '1d'],
    [0, '0s'],
    [1500, '1s500ms'],
  ])('writes %d ms as %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('refuses values that are not a whole number of milliseconds', () => {
    expect(() => formatDuration(-1)).toThrow(RangeError);
    expect(() => formatDuration(1.5)).toThrow(RangeError);
    expect(() => formatDuration(Number.NaN)).toThrow(RangeError);
  });
});

describe('parse and format agree', () => {
  const anyMs = fc.integer({ min: 0, max: 400 * DAY });

  it('parseDuration(formatDuration(ms)) is ms', () => {
    fc.assert(
      fc.property(anyMs, (ms) => {
        expect(parseDuration(formatDuration(ms))).toEqual({ ok: true, ms });
      }),
    );
  });

  // Any well-formed spelling, canonical or not (`90s`, `0h15m`), reads as the sum of its parts
  // and formats to a canonical spelling that reads back the same.
  const spelled = fc
    .record({
      d: fc.option(fc.nat(30)),
      h: fc.option(fc.nat(100)),
      m: fc.option(fc.nat(1000)),
      s: fc.option(fc.nat(10_000)),
      ms: fc.option(fc.nat(5000)),
    })
    .filter((parts) => Object.values(parts).some((v) => v !== null));

  it('formatDuration(parseDuration(text)) is canonical and reads back the same', () => {
    fc.assert(
      fc.property(spelled, (parts) => {
        const text = (['d', 'h', 'm', 's', 'ms'] as const).map((unit) => (parts[unit] === null ? '' : `${parts[unit]}${unit}`)).join('');
        const expected = (parts.d ?? 0) * DAY + (parts.h ?? 0) * HOUR + (parts.m ?? 0) * MINUTE + (parts.s ?? 0) * SECOND + (parts.ms ?? 0);
        const parsed = parseDuration(text);
        expect(parsed).toEqual({ ok: true, ms: expected });
        const canonical = formatDuration(expected);
        expect(parseDuration(canonical)).toEqual({ ok: true, ms: expected });
        expect(formatDuration((parseDuration(canonical) as { ms: number }).ms)).toBe(canonical);
      }),
    );
  });
});
