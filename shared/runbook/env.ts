/**
 * `${env:NAME}` and `${env:NAME, default}` in runbook values, substituted at load time, before
 * validation, so that a topic ARN from the environment is checked like one written inline.
 *
 * Only string values are touched (never keys), and a reference is replaced by text, never
 * evaluated. A variable that is unset or empty takes the default, as `${NAME:-default}` does
 * in a shell: an empty ARN is never what the operator meant.
 */
import { type Document, isMap, isScalar, isSeq, parse as parseYaml } from 'yaml';
import type { DataPath } from './yaml-location.js';

export type EnvRecord = Record<string, string | undefined>;

export interface SubstitutedText {
  text: string;
  /** One message per reference that could not be filled in. */
  problems: string[];
}

const OPEN = '${env:';
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function substituteEnvInText(text: string, env: EnvRecord): SubstitutedText {
  if (!text.includes(OPEN)) return { text, problems: [] };
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

export interface EnvIssue {
  path: DataPath;
  message: string;
}

/**
 * Substitutes in every string scalar of the document, in place. An unquoted value that
 * becomes a number or boolean (`max: ${env:SCALE_MAX, 8}`) takes that type, as if it had
 * been written inline; quoted values stay strings.
 */
export function substituteEnvInDocument(doc: Document, env: EnvRecord): EnvIssue[] {
  const issues: EnvIssue[] = [];
  const visit = (node: unknown, path: Array<string | number>): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        visit(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        visit(item, [...path, index]);
      });
    } else if (isScalar(node) && typeof node.value === 'string' && node.value.includes(OPEN)) {
      const { text, problems } = substituteEnvInText(node.value, env);
      for (const message of problems) issues.push({ path, message });
      node.value = node.type === 'PLAIN' ? retypePlainScalar(text) : text;
    }
  };
  visit(doc.contents, []);
  return issues;
}

function retypePlainScalar(text: string): string | number | boolean {
  try {
    const value: unknown = parseYaml(text, { schema: 'core', logLevel: 'silent' });
    return typeof value === 'number' || typeof value === 'boolean' ? value : text;
  } catch {
    return text;
  }
}
