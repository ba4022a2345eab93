/** Times as AWS writes them, as epoch ms. */
import { daysInMonth } from './iso-time.js';

/**
 * CloudWatch writes alarm state timestamps as `2026-11-23T04:12:00.000+0000`, which Date.parse
 * does not read (it wants `+00:00`); SDK outputs are Date objects; recorded state holds ISO strings.
 * NaN when it is none of these.
 */
export function parseAwsTime(value: string | Date | undefined): number {
  if (value === undefined) return Number.NaN;
  if (value instanceof Date) return value.getTime();
  const fast = exactTime(value);
  return fast !== undefined ? fast : Date.parse(value.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
}

/**
 * The two forms every event carries, read digit by digit: CloudWatch's `…T04:12:00.000+0000`
 * and `toISOString()`'s `…T04:12:00.000Z`. Several per event in a storm; Date.parse after a regex
 * replace cost a few per cent of it. Only a time that is valid as written is read here: anything
 * else (another form, day 31 of a 30-day month, hour 24) goes to Date.parse as before, so the
 * result is always Date.parse's (test/signals/timestamp.test.ts).
 */
function exactTime(s: string): number | undefined {
  const zoned = s.length === 28;
  if (!(zoned || (s.length === 24 && s.charCodeAt(23) === 90))) return undefined; // 'Z'
  if (s[4] !== '-' || s[7] !== '-' || s[10] !== 'T' || s[13] !== ':' || s[16] !== ':' || s[19] !== '.') return undefined;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  const ms = digits(s, 20, 3);
  if (year < 1000 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59) return undefined;
  if (second < 0 || second > 59 || ms < 0) return undefined;
  if (day > daysInMonth(year, month)) return undefined;
  let offset = 0;
  if (zoned) {
    const sign = s[23] === '+' ? 1 : s[23] === '-' ? -1 : 0;
    const hours = digits(s, 24, 2);
    const minutes = digits(s, 26, 2);
    if (sign === 0 || hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return undefined;
    offset = sign * (hours * 60 + minutes) * 60_000;
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset;
}

/** The number written by `length` decimal digits at `start`; -1 if any is not a digit. */
function digits(s: string, start: number, length: number): number {
  let n = 0;
  for (let i = start; i < start + length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}
