/**
 * The one place an SNS Subject is made. SNS refuses a Subject that is 100 characters or longer,
 * that holds anything but printable ASCII, or that has a line break, and a refused Publish is a
 * notification lost; so every producer (notify, "human needed", runbook refusals) goes through
 * here. Runbook authors' subjects included: templates can make them long after validation.
 */

/** SNS: "must be less than 100 characters long". */
export const MAX_SNS_SUBJECT = 99;

/**
 * `text` made safe for SNS: whitespace runs (line breaks, tabs) become one space, any other
 * non-printable or non-ASCII character becomes "?", and a subject too long is cut with "...".
 * `flag` (e.g. "ACTION FAILED") is appended as " [flag]" and survives the cut: it is what a
 * pager preview must show. An empty result falls back to `fallback`.
 */
export function snsSubject(text: string, options: { flag?: string; fallback?: string } = {}): string {
  const clean = (s: string) =>
    s
      .replace(/\s+/g, ' ')
      .replace(/[^\x20-\x7E]/g, '?')
      .trim();
  const suffix = options.flag ? ` [${clean(options.flag).slice(0, 30)}]` : '';
  const body = clean(text) || clean(options.fallback ?? '') || 'model-medic';
  const room = MAX_SNS_SUBJECT - suffix.length;
  return (body.length <= room ? body : `${body.slice(0, room - 3).trimEnd()}...`) + suffix;
}
