/**
 * `${env:…}` substitution over a parsed YAML runbook (env.ts does the text): every string scalar
 * is substituted in place before validation, so that a value from the environment is checked like
 * one written inline.
 */
import { type Document, isMap, isScalar, isSeq, parse as parseYaml } from 'yaml';
import { type EnvRecord, hasEnvReference, substituteEnvInText } from './env.js';
import type { DataPath } from './yaml-location.js';

/** A scalar that held references, as written and as substituted: what `medic compile` keeps for the load. */
export interface EnvReference {
  path: DataPath;
  /** The scalar as written, references and all. */
  template: string;
  /** Written unquoted, so a value from the environment may become a number or boolean. */
  plain: boolean;
  /** What it became with the environment given. */
  value: string | number | boolean;
}

export interface EnvIssue {
  path: DataPath;
  message: string;
}

/**
 * Substitutes in every string scalar of the document, in place. An unquoted value that
 * becomes a number or boolean (`max: ${env:SCALE_MAX, 8}`) takes that type, as if it had
 * been written inline; quoted values stay strings. `found`, when given, collects every scalar
 * that held a reference.
 */
export function substituteEnvInDocument(doc: Document, env: EnvRecord, found?: EnvReference[]): EnvIssue[] {
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
    } else if (isScalar(node) && typeof node.value === 'string' && hasEnvReference(node.value)) {
      const template = node.value;
      const plain = node.type === 'PLAIN';
      const { text, problems } = substituteEnvInText(template, env);
      for (const message of problems) issues.push({ path, message });
      const value = plain ? retypePlainScalar(text) : text;
      node.value = value;
      found?.push({ path, template, plain, value });
    }
  };
  visit(doc.contents, []);
  return issues;
}

/** What YAML makes of `text` written unquoted, as far as a runbook cares: a number, a boolean, or the text. */
export function retypePlainScalar(text: string): string | number | boolean {
  try {
    const value: unknown = parseYaml(text, { schema: 'core', logLevel: 'silent' });
    return typeof value === 'number' || typeof value === 'boolean' ? value : text;
  } catch {
    return text;
  }
}
