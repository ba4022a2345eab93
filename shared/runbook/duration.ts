/**
 * Durations as runbooks write them (`15m`, `90s`, `2h30m`, `1d`, `0s`) and back.
 *
 * The grammar is deliberately narrow: whole numbers, units from largest to smallest, each unit
 * at most once. `1.5h` or `30m2h` are refused rather than guessed at, because a cooldown that
 * silently means something else is worse than a load error.
 */

export type DurationResult = { ok: true; ms: number } | { ok: false; error: string };

/** Units from largest to smallest: parse requires this order, format produces it. */
const UNITS = [
  { name: 'd', ms: 86_400_000 },
  { name: 'h', ms: 3_600_000 },
  { name: 'm', ms: 60_000 },
  { name: 's', ms: 1_000 },
  { name: 'ms', ms: 1 },
] as const;

export const UNIT_NAMES = UNITS.map((u) => u.name).join(', ');

export const DURATION_EXAMPLES = '15m, 90s, 2h30m or 1d';

function isDigit(ch: string): boolean {
  return ch >= '0' && ch <= '9';
}

/** Any letter, so that `15M` is reported as an unknown unit rather than a missing one. */
function isLetter(ch: string): boolean {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

export function parseDuration(text: string): DurationResult {
  const fail = (why: string): DurationResult => ({
    ok: false,
    error: `expected a duration like ${DURATION_EXAMPLES}, got "${text}" (${why})`,
  });
  const input = text.trim();
  if (input === '') return fail('empty');

  let total = 0;
  let pos = 0;
  // Index into UNITS of the last unit read: the next one must be strictly smaller.
  let lastUnit = -1;
  while (pos < input.length) {
    const numberStart = pos;
    while (pos < input.length && isDigit(input.charAt(pos))) pos++;
    if (pos === numberStart) return fail(`expected a whole number at "${input.slice(pos)}"`);
    const digits = input.slice(numberStart, pos);

    const unitStart = pos;
    while (pos < input.length && isLetter(input.charAt(pos))) pos++;
    const unitName = input.slice(unitStart, pos);
    if (unitName === '') {
      return pos < input.length
        ? fail(`unexpected "${input.charAt(pos)}" after "${digits}"`)
        : fail(`"${digits}" has no unit; units are ${UNIT_NAMES}`);
    }
    const unitIndex = UNITS.findIndex((u) => u.name === unitName);
    if (unitIndex < 0) return fail(`unknown unit "${unitName}"; units are ${UNIT_NAMES}`);
    if (unitIndex <= lastUnit) return fail('units must go from largest to smallest, each at most once');
    lastUnit = unitIndex;

    total += Number(digits) * (UNITS[unitIndex]?.ms ?? 0);
    if (!Number.isSafeInteger(total)) return fail('too large');
  }
  return { ok: true, ms: total };
}

/** The canonical spelling of a whole number of milliseconds: 900000 -> "15m", 0 -> "0s". */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new RangeError(`formatDuration needs a whole number of milliseconds ≥ 0, got ${ms}`);
  }
  if (ms === 0) return '0s';
  let rest = ms;
  let text = '';
  for (const unit of UNITS) {
    const count = Math.floor(rest / unit.ms);
    if (count > 0) {
      text += `${count}${unit.name}`;
      rest -= count * unit.ms;
    }
  }
  return text;
}
