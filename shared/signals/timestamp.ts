/** Times as AWS writes them, as epoch ms. */

/**
 * CloudWatch writes alarm state timestamps as `2026-11-23T04:12:00.000+0000`, which Date.parse
 * does not read (it wants `+00:00`); SDK outputs are Date objects; recorded state holds ISO strings.
 * NaN when it is none of these.
 */
export function parseAwsTime(value: string | Date | undefined): number {
  if (value === undefined) return Number.NaN;
  if (value instanceof Date) return value.getTime();
  return Date.parse(value.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
}
