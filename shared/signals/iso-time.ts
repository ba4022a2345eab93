/**
 * The absolute times an operator writes (`silence add --until/--starts`, a Silence Created's
 * `startsAt`/`endsAt`): ISO 8601 with the zone, every field checked. Date.parse alone is not
 * enough: V8 reads `2026-11-31T00:00Z` as December 1st and `T24:00` as the next midnight, so a
 * typo would silently move a silence by a day instead of being refused. The CLI and the event
 * parser share this check, so what the CLI sends is exactly what the Lambda accepts.
 */

export type IsoTimeResult = { ok: true; ms: number } | { ok: false; error: string };

/** Date, time to the minute at least, optional seconds and fraction, and a zone (`Z`, `+01:00`, `+0100`). */
const ISO_WITH_ZONE = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:\.\d+)?)?(?:Z|[+-](\d\d):?(\d\d))$/;

export const ISO_FORMAT_ERROR = 'expected an ISO 8601 time with its zone, e.g. 2026-11-23T04:00:00Z';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** Days in `month` (1-12) of `year`, Gregorian; no Date built (parseAwsTime reads several per event). */
export function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 31);
}

/** A time with its zone, as epoch ms; an impossible date or time of day is an error, never rolled over. */
export function parseIsoWithZone(text: string): IsoTimeResult {
  const fields = ISO_WITH_ZONE.exec(text);
  if (!fields) return { ok: false, error: ISO_FORMAT_ERROR };
  const field = (i: number) => Number(fields[i] ?? 0);
  const [year, month, day, hour, minute, second] = [field(1), field(2), field(3), field(4), field(5), field(6)];
  const date = text.slice(0, 10);
  if (month < 1 || month > 12) return { ok: false, error: `${date} is not a date (there is no month ${fields[2]})` };
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) {
    return { ok: false, error: `${date} is not a date (${MONTHS[month - 1]} ${year} has ${days} days)` };
  }
  if (hour > 23) return { ok: false, error: `hour ${fields[4]} is not a time of day (00 to 23; midnight is 00:00 of the next day)` };
  if (minute > 59 || second > 59) {
    const time = `${fields[4]}:${fields[5]}${fields[6] === undefined ? '' : `:${fields[6]}`}`;
    return { ok: false, error: `${time} is not a time of day (minutes and seconds go to 59)` };
  }
  if (field(7) > 23 || field(8) > 59) return { ok: false, error: `the zone of "${text}" is not an offset from UTC` };
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? { ok: true, ms } : { ok: false, error: ISO_FORMAT_ERROR };
}
