/**
 * Shell-style globs for match values (`*-prod`, `churn-?`, `fraud-[ab]*`).
 *
 * `*` any run of characters (also none), `?` exactly one character, `[abc]` / `[a-z]` /
 * `[!abc]` one character from (or not from) a class, `\x` a literal x. A `]` outside a class
 * is an ordinary character. The whole value must match.
 *
 * Patterns are parsed into tokens and matched by hand: no RegExp is ever built from runbook
 * text, so a pattern cannot be slow by construction (matching is O(pattern × value) at worst)
 * or mean something the reader did not expect. Common shapes take fast paths: a plain string
 * is an equality test, and `prefix*`, `*suffix`, `a*b*c` use startsWith/endsWith/indexOf.
 */

export type GlobMatcher = (value: string) => boolean;

export class GlobSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GlobSyntaxError';
  }
}

type Token =
  | { kind: 'literal'; char: string }
  | { kind: 'any-char' }
  | { kind: 'any-run' }
  | { kind: 'class'; ranges: Array<[number, number]>; negated: boolean };

/** Characters that make a string a pattern rather than a plain value. */
const META = new Set(['*', '?', '[', '\\']);

/** True when the string has glob syntax; a plain string is compared for equality. */
export function isGlob(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    if (META.has(pattern.charAt(i))) return true;
  }
  return false;
}

type ParseResult = { ok: true; tokens: Token[] } | { ok: false; error: string };

function parseGlob(pattern: string): ParseResult {
  // Code points, so that `?` consumes one character even outside the BMP.
  const chars = Array.from(pattern);
  const tokens: Token[] = [];
  let i = 0;
  while (i < chars.length) {
    const ch = chars[i] as string;
    if (ch === '\\') {
      const next = chars[i + 1];
      if (next === undefined) return { ok: false, error: `invalid glob "${pattern}": ends with a lone \\` };
      tokens.push({ kind: 'literal', char: next });
      i += 2;
    } else if (ch === '*') {
      // `**` means the same as `*`; collapsing keeps backtracking cheap.
      if (tokens[tokens.length - 1]?.kind !== 'any-run') tokens.push({ kind: 'any-run' });
      i += 1;
    } else if (ch === '?') {
      tokens.push({ kind: 'any-char' });
      i += 1;
    } else if (ch === '[') {
      const parsed = parseClass(chars, i, pattern);
      if (!parsed.ok) return parsed;
      tokens.push(parsed.token);
      i = parsed.next;
    } else {
      tokens.push({ kind: 'literal', char: ch });
      i += 1;
    }
  }
  return { ok: true, tokens };
}

function parseClass(
  chars: string[],
  open: number,
  pattern: string,
): { ok: true; token: Token; next: number } | { ok: false; error: string } {
  let i = open + 1;
  let negated = false;
  if (chars[i] === '!' || chars[i] === '^') {
    negated = true;
    i += 1;
  }
  const ranges: Array<[number, number]> = [];
  // A `]` right after `[` or `[!` is a member, as in fnmatch: `[]a]` matches `]` or `a`.
  let first = true;
  for (;;) {
    let ch = chars[i];
    if (ch === undefined) {
      return { ok: false, error: `invalid glob "${pattern}": [ at character ${open + 1} is never closed` };
    }
    if (ch === ']' && !first) return { ok: true, token: { kind: 'class', ranges, negated }, next: i + 1 };
    first = false;
    if (ch === '\\') {
      i += 1;
      ch = chars[i];
      if (ch === undefined) return { ok: false, error: `invalid glob "${pattern}": ends with a lone \\` };
    }
    const low = ch.codePointAt(0) as number;
    // `a-z` is a range; a `-` just before `]` is a literal dash.
    if (chars[i + 1] === '-' && chars[i + 2] !== undefined && chars[i + 2] !== ']') {
      let highChar = chars[i + 2] as string;
      let step = 3;
      if (highChar === '\\') {
        const escaped = chars[i + 3];
        if (escaped === undefined) return { ok: false, error: `invalid glob "${pattern}": ends with a lone \\` };
        highChar = escaped;
        step = 4;
      }
      const high = highChar.codePointAt(0) as number;
      if (high < low) {
        return { ok: false, error: `invalid glob "${pattern}": range ${ch}-${highChar} is backwards` };
      }
      ranges.push([low, high]);
      i += step;
    } else {
      ranges.push([low, low]);
      i += 1;
    }
  }
}

/** The problem with a pattern, for the runbook loader; undefined when it is valid. */
export function findGlobError(pattern: string): string | undefined {
  const parsed = parseGlob(pattern);
  return parsed.ok ? undefined : parsed.error;
}

/**
 * The literal text a valid pattern must start and end with (`churn-*` -> prefix `churn-`,
 * `*-prod` -> suffix `-prod`), so an index can narrow down which globs could match a value.
 * Both are empty for a pattern that starts and ends with a wildcard, or is invalid.
 */
export function literalAffixes(pattern: string): { prefix: string; suffix: string } {
  const parsed = parseGlob(pattern);
  if (!parsed.ok) return { prefix: '', suffix: '' };
  const tokens = parsed.tokens;
  let prefix = '';
  let literalsInFront = 0;
  for (const token of tokens) {
    if (token.kind !== 'literal') break;
    prefix += token.char;
    literalsInFront += 1;
  }
  if (literalsInFront === tokens.length) return { prefix, suffix: prefix };
  let suffix = '';
  for (let i = tokens.length - 1; i >= 0; i--) {
    const token = tokens[i] as Token;
    if (token.kind !== 'literal') break;
    suffix = token.char + suffix;
  }
  return { prefix, suffix };
}

/** Compiles a pattern once; throws GlobSyntaxError if it is invalid (the loader checks first). */
export function compileGlob(pattern: string): GlobMatcher {
  if (!isGlob(pattern)) return (value) => value === pattern;
  const parsed = parseGlob(pattern);
  if (!parsed.ok) throw new GlobSyntaxError(parsed.error);
  const tokens = parsed.tokens;

  if (tokens.every((t) => t.kind === 'literal')) {
    // Only escapes: still a plain string once they are removed.
    const literal = tokens.map((t) => (t.kind === 'literal' ? t.char : '')).join('');
    return (value) => value === literal;
  }
  if (tokens.every((t) => t.kind === 'literal' || t.kind === 'any-run')) {
    return compileStarOnly(tokens);
  }
  return (value) => matchTokens(tokens, Array.from(value));
}

/** `a*b*c`: the literal runs between stars, found left to right (leftmost is always safe). */
function compileStarOnly(tokens: Token[]): GlobMatcher {
  const runs: string[] = [''];
  for (const token of tokens) {
    if (token.kind === 'any-run') runs.push('');
    else if (token.kind === 'literal') runs[runs.length - 1] += token.char;
  }
  const prefix = runs[0] as string;
  const suffix = runs[runs.length - 1] as string;
  const middle = runs.slice(1, -1).filter((run) => run !== '');
  const minLength = runs.reduce((sum, run) => sum + run.length, 0);
  return (value) => {
    if (value.length < minLength || !value.startsWith(prefix) || !value.endsWith(suffix)) return false;
    let from = prefix.length;
    const until = value.length - suffix.length;
    for (const run of middle) {
      const at = value.indexOf(run, from);
      if (at < 0 || at + run.length > until) return false;
      from = at + run.length;
    }
    return true;
  };
}

function matchesOne(token: Token, char: string): boolean {
  switch (token.kind) {
    case 'literal':
      return token.char === char;
    case 'any-char':
      return true;
    case 'class': {
      const code = char.codePointAt(0) as number;
      let inClass = false;
      for (const [low, high] of token.ranges) {
        if (code >= low && code <= high) {
          inClass = true;
          break;
        }
      }
      return inClass !== token.negated;
    }
    case 'any-run':
      return false;
  }
}

/**
 * Classic wildcard matching with single-star backtracking: on a mismatch, let the most
 * recent `*` swallow one more character and retry. Linear in practice, O(n·m) at worst.
 */
function matchTokens(tokens: Token[], chars: string[]): boolean {
  let t = 0;
  let c = 0;
  let starToken = -1;
  let starChar = 0;
  while (c < chars.length) {
    const token = tokens[t];
    if (token !== undefined && token.kind === 'any-run') {
      starToken = t;
      starChar = c;
      t += 1;
    } else if (token !== undefined && matchesOne(token, chars[c] as string)) {
      t += 1;
      c += 1;
    } else if (starToken >= 0) {
      t = starToken + 1;
      starChar += 1;
      c = starChar;
    } else {
      return false;
    }
  }
  while (tokens[t]?.kind === 'any-run') t += 1;
  return t === tokens.length;
}
