/**
 * A problem found in a runbook, located by data path. The loader turns each one into a
 * RunbookIssue with a line and column; everything that finds problems (schema, environment
 * substitution, cross-references) speaks this one shape.
 */
import type { DataPath, PathTarget } from './yaml-location.js';

export interface RunbookProblem {
  path: DataPath;
  message: string;
  /** Point at the key of the last path segment rather than its value (unknown keys). */
  target?: PathTarget;
}

export function isPlainMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
