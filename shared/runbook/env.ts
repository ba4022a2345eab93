/**
 * `${env:NAME}` and `${env:NAME, default}` in runbook values, substituted at load time, before
 * validation, so that a topic ARN from the environment is checked like one written inline.
 *
 * Only string values are touched (never keys), and a reference is replaced by text, never
 * evaluated. A variable that is unset or empty takes the default, as `${NAME:-default}` does
 * in a shell: an empty ARN is never what the operator meant.
 *
 * This file is the text substitution only, with no YAML: a compiled runbook (json-read.ts) fills
 * its references at load with it. The YAML document walk is env-document.ts.
 */
export type EnvRecord = Record<string, string | undefined>;

export interface SubstitutedText {
  text: string;
  /** One message per reference that could not be filled in. */
  problems: string[];
}

const OPEN = '${env:';

/** Whether a value holds a reference at all (the common case, no: nothing else to do). */
export function hasEnvReference(text: string): boolean {
  return text.includes(OPEN);
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function substituteEnvInText(text: string, env: EnvRecord): SubstitutedText {
  if (!hasEnvReference(text)) return { text, problems: [] };
  const problems: string[] = [];
  let out = '';
  let pos = 0;
  for (;;) {
    const start = text.indexOf(OPEN, pos);
    if (start < 0) break;
    out += text.slice(pos, start);
    const end = findClosingBrace(text, start + OPEN.length);
    if (end < 0) {
      problems.push(`unclosed environment reference "${text.slice(start)}": expected \${env:NAME} or \${env:NAME, default}`);
      out += text.slice(start);
      pos = text.length;
      break;
    }
    const reference = text.slice(start, end + 1);
    const body = text.slice(start + OPEN.length, end);
    const comma = body.indexOf(',');
    const name = (comma < 0 ? body : body.slice(0, comma)).trim();
    const fallback = comma < 0 ? undefined : body.slice(comma + 1).trim();
    if (!VARIABLE_NAME.test(name)) {
      problems.push(`malformed environment reference "${reference}": expected \${env:NAME} or \${env:NAME, default}`);
      out += reference;
    } else {
      const value = env[name];
      if (value !== undefined && value !== '') out += value;
      else if (fallback !== undefined) out += fallback;
      else problems.push(`environment variable ${name} is not set and has no default`);
    }
    pos = end + 1;
  }
  out += text.slice(pos);
  return { text: out, problems };
}

/**
 * The `}` that closes a reference, skipping balanced braces inside it so that a default may
 * itself hold a template: `${env:SUBJECT, {{endpoint}} is slow}`.
 */
function findClosingBrace(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const ch = text.charAt(i);
    if (ch === '{') depth += 1;
    else if (ch === '}') {
      if (depth === 0) return i;
      depth -= 1;
    }
  }
  return -1;
}
