/**
 * A runbook from its text, whichever form it is in: a compiled runbook (JSON, json-read.ts: no
 * YAML parser, no schema) or YAML (load.ts, imported only then, so that a process that only ever
 * reads compiled runbooks, a function on its cold start, never loads either).
 */
import { readFileSync } from 'node:fs';
import { describeError, InvalidRunbookError } from '../errors.js';
import type { EnvRecord } from './env.js';
import { looksLikeRunbookJson } from './json-format.js';
import { loadRunbookJson } from './json-read.js';
import type { Runbook } from './types.js';

export type RunbookFormat = 'compiled' | 'yaml';

export interface OpenedRunbook {
  runbook: Runbook;
  format: RunbookFormat;
}

/** `text` loaded and validated; `file` names it in messages. Throws InvalidRunbookError. */
export async function openRunbook(text: string, file: string, env: EnvRecord): Promise<OpenedRunbook> {
  if (looksLikeRunbookJson(text)) return { runbook: await loadRunbookJson(text, file, env), format: 'compiled' };
  const { loadRunbook } = await import('./load.js');
  return { runbook: loadRunbook(text, file, env), format: 'yaml' };
}

/** A runbook file, either form; `file` is how messages name it (by default the path). */
export async function openRunbookFile(filePath: string, env: EnvRecord, file: string = filePath): Promise<OpenedRunbook> {
  return openRunbook(readRunbookFile(filePath, file), file, env);
}

/** The file's text; an unreadable file is an invalid runbook, at 1:1. */
export function readRunbookFile(filePath: string, file: string = filePath): string {
  try {
    return readFileSync(filePath, 'utf8');
  } catch (error) {
    throw new InvalidRunbookError(file, [{ line: 1, col: 1, path: '', message: `cannot read the runbook: ${describeReadError(error)}` }]);
  }
}

function describeReadError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return describeError(error);
}
