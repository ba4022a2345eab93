/**
 * Zod issues in the runbook's own words.
 *
 * Schemas carry their own messages ("expected a positive integer"); this file fills in what
 * zod would otherwise phrase generically: unknown keys name the keys that are allowed, a
 * missing key says it is required, and a wrong type says what was expected.
 */
import type { $ZodIssue, $ZodRawIssue } from 'zod/v4/core';
import type { RunbookProblem } from './problem.js';

/**
 * Per-parse error map: lists the allowed keys of the object that saw an unknown key. The
 * message is only the "(known: ...)" part; problemsFromZodIssues puts each key in front.
 */
export function describeRawIssue(issue: $ZodRawIssue): string | undefined {
  if (issue.code === 'unrecognized_keys') {
    const shape = (issue.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape;
    return shape ? `(known: ${Object.keys(shape).join(', ')})` : undefined;
  }
  return undefined;
}

/** Options for every safeParse of runbook data, so nested parses word issues the same way. */
export const RUNBOOK_PARSE_OPTIONS = { error: describeRawIssue, reportInput: true } as const;

const EXPECTED_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a map',
  array: 'a list',
  record: 'a map',
};

export function problemsFromZodIssues(issues: readonly $ZodIssue[]): RunbookProblem[] {
  const problems: RunbookProblem[] = [];
  for (const issue of issues) {
    const path = issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment));
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          problems.push({ path: [...path, key], message: `unknown key "${key}" ${issue.message}`.trimEnd(), target: 'key' });
        }
        break;
      case 'invalid_key':
        problems.push({ path, message: issue.issues[0]?.message ?? issue.message, target: 'key' });
        break;
      default: {
        let message = issue.message;
        if (issue.code === 'invalid_type' && message.startsWith('Invalid input')) {
          message = `expected ${EXPECTED_WORDS[issue.expected] ?? issue.expected}`;
        }
        // reportInput puts `input` on every issue; undefined there means the key was absent.
        const wrongValue = issue.code === 'invalid_type' || issue.code === 'invalid_value';
        if (wrongValue && 'input' in issue && issue.input === undefined) {
          message = `required, ${message}`;
        }
        const target = issue.code === 'custom' && issue.params?.target === 'key' ? 'key' : 'value';
        problems.push({ path, message, target });
      }
    }
  }
  return problems;
}
