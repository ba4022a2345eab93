/**
 * `medic compile`: a YAML runbook, validated exactly as `medic validate` does (with this
 * process's environment for its `${env:…}` references), written as a compiled runbook
 * (json-format.ts) that the functions load without the YAML parser and the schema.
 *
 * A reference stays a reference: the compiled runbook holds it as written, and the load resolves
 * it with the function's environment (the ops topic ARN is only known once deployed). That is
 * possible where the validated value is the text itself and its check can be repeated without
 * the schema (env-values.ts): topic ARNs, pipeline names, parameters and variables, rule
 * descriptions, notify subjects and match globs. Anywhere else (a duration, a number, an alias,
 * an enumerated value) the load would have to validate again, so compiling refuses the reference
 * rather than fix its value silently.
 */
import { InvalidRunbookError, type RunbookIssue } from '../errors.js';
import type { EnvRecord } from './env.js';
import type { EnvValueKind } from './env-values.js';
import {
  digestOf,
  encodeJsonValue,
  RUNBOOK_JSON_FORMAT,
  RUNBOOK_JSON_FORMAT_VERSION,
  type RunbookJson,
  type RunbookJsonBody,
  type RunbookJsonEnvReference,
} from './json-format.js';
import { type LocatedEnvReference, loadRunbookWithReferences } from './load.js';
import type { Runbook } from './types.js';
import { type DataPath, formatDataPath } from './yaml-location.js';

/** Match keys that take globs on free text: a reference there is checked as a glob at load. */
const GLOB_MATCH_KEYS = new Set(['source', 'alarm', 'namespace', 'metric', 'endpoint', 'variant', 'schedule']);

export const KEPT_REFERENCE_PLACES =
  'topic ARNs, pipeline names, parameters and variables, rule descriptions, notify subjects and match globs';

export interface CompiledRunbookJson {
  /** The file's text: one line of JSON and a newline. */
  text: string;
  /** The runbook as loaded from the YAML with this environment. */
  runbook: Runbook;
  json: RunbookJson;
}

/** `text` (YAML, from `file`) compiled; throws InvalidRunbookError with every problem, as loading it would. */
export function compileRunbookJson(text: string, file: string, env: EnvRecord): CompiledRunbookJson {
  const { runbook, references } = loadRunbookWithReferences(text, file, env);
  const { identity, file: _file, ...policy } = runbook;
  const kept = structuredClone(policy) as Record<string, unknown>;
  const env_: RunbookJsonEnvReference[] = [];
  const issues: RunbookIssue[] = [];
  for (const reference of references) {
    const place = placeOf(reference.path);
    const expected = place?.check === 'parameter' ? String(reference.value) : reference.value;
    if (!place || valueAt(kept, place.path) !== expected) {
      issues.push(unkeptReference(reference));
      continue;
    }
    setAt(kept, place.path, reference.template);
    env_.push({
      path: place.path,
      line: reference.line,
      col: reference.col,
      field: formatDataPath(reference.path),
      plain: reference.plain,
      check: place.check,
    });
  }
  if (issues.length > 0) throw new InvalidRunbookError(file, issues);

  const body: RunbookJsonBody = {
    format: RUNBOOK_JSON_FORMAT,
    formatVersion: RUNBOOK_JSON_FORMAT_VERSION,
    identity: { hash: identity.hash },
    source: file,
    env: env_,
    runbook: encodeJsonValue(kept),
  };
  const json: RunbookJson = { ...body, digest: digestOf(body) };
  return { text: `${JSON.stringify(json)}\n`, runbook, json };
}

function unkeptReference(reference: LocatedEnvReference): RunbookIssue {
  return {
    line: reference.line,
    col: reference.col,
    path: formatDataPath(reference.path),
    message: `\${env:…} here would be fixed at compile time (to ${JSON.stringify(reference.value)}): a compiled runbook resolves references at load only in ${KEPT_REFERENCE_PLACES}; write the value itself`,
  };
}

/** Where a reference at `path` in the YAML is in the Runbook, and its check; undefined where it cannot be kept. */
function placeOf(path: DataPath): { path: Array<string | number>; check: EnvValueKind } | undefined {
  const same = (check: EnvValueKind) => ({ path: [...path], check });
  const [section, ...rest] = path;
  if (section === 'topics' && rest.length === 1) return same('topic-arn');
  if (section === 'pipelines' && rest.length === 2 && rest[1] === 'name') return same('name');
  if (section === 'pipelines' && rest.length === 3 && (rest[1] === 'parameters' || rest[1] === 'variables')) return same('parameter');
  if (section !== 'rules' || typeof rest[0] !== 'number') return undefined;
  const inRule = rest.slice(1);
  if (inRule.length === 1 && inRule[0] === 'description') return same('text');
  if (inRule[0] === 'match') {
    const [, key, ...below] = inRule;
    const oneValue = below.length === 0 || (below.length === 1 && typeof below[0] === 'number');
    if (typeof key === 'string' && GLOB_MATCH_KEYS.has(key) && oneValue) return same('glob');
    if (key === 'violations' && below.length === 1 && below[0] === 'feature') return same('glob');
    return undefined;
  }
  // A notify subject, in a rule's actions or a ladder step's: `{ notify: {...} }` is `{ type, params }` once loaded.
  const actions = inRule[0] === 'escalate' && typeof inRule[1] === 'number' ? inRule.slice(2) : inRule;
  const [list, index, type, param] = actions;
  if (actions.length === 4 && list === 'actions' && typeof index === 'number' && type === 'notify' && param === 'subject') {
    return { path: [...path.slice(0, -2), 'params', 'subject'], check: 'subject' };
  }
  return undefined;
}

function valueAt(root: unknown, path: ReadonlyArray<string | number>): unknown {
  let current: unknown = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

function setAt(root: Record<string, unknown>, path: ReadonlyArray<string | number>, value: unknown): void {
  let current: unknown = root;
  for (const segment of path.slice(0, -1)) current = (current as Record<string | number, unknown>)[segment];
  (current as Record<string | number, unknown>)[path.at(-1) as string | number] = value;
}
