/**
 * Loads a compiled runbook (json-format.ts): what the functions do on a cold start, with no YAML
 * parser and no schema. The file was validated when it was compiled; here it is only checked to
 * be what `medic compile` wrote (format, version, digest), its numbers decoded, and its
 * `${env:…}` references resolved with this process's environment, each resolved value checked
 * as the schema would check it (env-values.ts). Any problem refuses the whole runbook, like an
 * invalid YAML one, with every problem listed.
 */
import { InvalidRunbookError, type RunbookIssue } from '../errors.js';
import { type EnvRecord, substituteEnvInText } from './env.js';
import { checkEnvValue, ENV_VALUE_KINDS, isSurelyPlainText } from './env-values.js';
import {
  decodeJsonValue,
  digestOf,
  RUNBOOK_JSON_FORMAT,
  RUNBOOK_JSON_FORMAT_VERSION,
  type RunbookJson,
  type RunbookJsonEnvReference,
} from './json-format.js';
import type { Runbook } from './types.js';

const RECOMPILE = 'compile it again from its YAML (medic compile)';

/**
 * `text` as a compiled runbook; `file` names where it was read from (the bundled file, or
 * `parameter@version`). Messages about a reference name its place in the YAML source.
 */
export async function loadRunbookJson(text: string, file: string, env: EnvRecord): Promise<Runbook> {
  const refuse = (message: string): never => {
    throw new InvalidRunbookError(file, [{ line: 1, col: 1, path: '', message }]);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return refuse(`not a valid compiled runbook: the JSON does not parse (${(error as Error).message}); ${RECOMPILE}`);
  }
  const json = parsed as Partial<RunbookJson>;
  if (!isObject(json) || json.format !== RUNBOOK_JSON_FORMAT)
    return refuse(`not a compiled runbook: "format" is not "${RUNBOOK_JSON_FORMAT}"`);
  if (json.formatVersion !== RUNBOOK_JSON_FORMAT_VERSION) {
    return refuse(
      `compiled in format version ${JSON.stringify(json.formatVersion)}, and this model-medic reads version ${RUNBOOK_JSON_FORMAT_VERSION}: compile it with the medic of the version deployed`,
    );
  }
  if (!isObject(json.identity) || typeof json.identity.hash !== 'string' || typeof json.source !== 'string' || !Array.isArray(json.env)) {
    return refuse(`not a valid compiled runbook: identity, source or env is missing; ${RECOMPILE}`);
  }
  if (json.digest !== digestOf(json as RunbookJson)) {
    return refuse(
      'the compiled runbook was changed after it was compiled (its digest does not match): edit the YAML instead, and compile it again (medic compile)',
    );
  }

  let runbook: Record<string, unknown>;
  try {
    runbook = decodeJsonValue(json.runbook) as Record<string, unknown>;
  } catch (error) {
    return refuse(`not a valid compiled runbook: ${(error as Error).message}; ${RECOMPILE}`);
  }
  if (!isObject(runbook) || !Array.isArray(runbook.rules) || !isObject(runbook.defaults) || !isObject(runbook.topics)) {
    return refuse(`not a valid compiled runbook: it has no rules, defaults or topics; ${RECOMPILE}`);
  }

  const issues: RunbookIssue[] = [];
  for (const reference of json.env) issues.push(...(await resolveReference(runbook, reference, env)));
  if (issues.length > 0) {
    throw new InvalidRunbookError(
      `${json.source} (compiled, ${file})`,
      issues.sort((a, b) => a.line - b.line || a.col - b.col),
    );
  }
  return { ...(runbook as unknown as Omit<Runbook, 'file' | 'identity'>), file, identity: { hash: json.identity.hash } };
}

/** Fills one reference in place; its problems, positioned in the YAML source. */
async function resolveReference(
  runbook: Record<string, unknown>,
  reference: RunbookJsonEnvReference,
  env: EnvRecord,
): Promise<RunbookIssue[]> {
  const at = (message: string): RunbookIssue => ({ line: reference.line, col: reference.col, path: reference.field, message });
  const parent = containerOf(runbook, reference.path);
  const key = reference.path.at(-1);
  const template = parent && key !== undefined ? (parent as Record<string | number, unknown>)[key] : undefined;
  if (!parent || key === undefined || typeof template !== 'string' || !ENV_VALUE_KINDS.includes(reference.check)) {
    return [at(`not a valid compiled runbook: no reference at ${JSON.stringify(reference.path)}; ${RECOMPILE}`)];
  }
  const { text, problems } = substituteEnvInText(template, env);
  if (problems.length > 0) return problems.map(at);
  // Unquoted in YAML, a value may become a number or a boolean; only an unusual value needs the parser to say.
  let value: string | number | boolean = text;
  if (reference.plain && !isSurelyPlainText(text)) {
    const { retypePlainScalar } = await import('./env-document.js');
    value = retypePlainScalar(text);
  }
  const checked = checkEnvValue(reference.check, value);
  if (!checked.ok) return checked.problems.map(at);
  (parent as Record<string | number, unknown>)[key] = checked.value;
  return [];
}

/** The object or array that holds the last segment of `path`, if every segment before it exists. */
function containerOf(root: unknown, path: ReadonlyArray<string | number>): object | undefined {
  let current: unknown = root;
  for (const segment of path.slice(0, -1)) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current !== null && typeof current === 'object' ? current : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
