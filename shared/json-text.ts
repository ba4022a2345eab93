/**
 * JSON text from a file an operator wrote or saved (an event, the recorded AWS state, a recorded
 * S3 report), parsed the one way every reader of such files uses: a UTF-8 byte order mark (what
 * some Windows editors put first) is not part of the JSON, and a syntax error says where it is as
 * LINE:COL, which an editor can jump to, instead of JSON.parse's character position, or nothing.
 */

export type JsonTextResult = { ok: true; value: unknown } | { ok: false; error: string };

const BOM = '\uFEFF';

/** The value, or `LINE:COL: not valid JSON: <what>` (no position only when JSON.parse gives none). */
export function parseJsonText(text: string): JsonTextResult {
  const json = text.startsWith(BOM) ? text.slice(BOM.length) : text;
  try {
    return { ok: true, value: JSON.parse(json) };
  } catch (error) {
    return { ok: false, error: describeSyntaxError(json, (error as Error).message) };
  }
}

function describeSyntaxError(text: string, message: string): string {
  // "Expected ',' or '}' after property value in JSON at position 28" (Node 22 adds "(line 1 column 29)").
  const at = /^(.*?)(?: in JSON)? at position (\d+)(?: \(line \d+ column \d+\))?$/.exec(message);
  if (at) return `${lineAndColumn(text, Number(at[2]))}: not valid JSON: ${at[1]}`;
  // A truncated file (a copy cut short, an upload that stopped): the end is where it broke off.
  if (message === 'Unexpected end of JSON input') return `${lineAndColumn(text, text.length)}: not valid JSON: ${message}`;
  return `not valid JSON: ${message}`;
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  return `${line}:${position - before.lastIndexOf('\n')}`;
}

/**
 * "FILE: message", or "FILE:LINE:COL: message" when the message starts with the position in
 * the file (a JSON syntax error), so editors and terminals can jump to it.
 */
export function inFile(label: string, message: string): string {
  return /^\d+:\d+: /.test(message) ? `${label}:${message}` : `${label}: ${message}`;
}
