/**
 * The compiled runbook: what `medic compile` writes and the functions load (docs/runbook.md#compiled-runbooks).
 * One JSON object, keys in this order:
 *
 *   format, formatVersion  what it is, so a YAML runbook and a compiled one are never confused;
 *   identity               { hash }: the sha256 of the YAML source (12 hex digits), the same
 *                          identity the YAML has when loaded as YAML;
 *   source                 the YAML file it was compiled from, for messages;
 *   env                    the `${env:…}` references, resolved again at every load;
 *   runbook                the validated Runbook (types.ts) without file and identity, as is:
 *                          fields added to Rule or Runbook later are carried without a change here;
 *   digest                 sha256 of everything above: a file changed after compiling is refused.
 *
 * JSON holds no Infinity, NaN or -0 (`defaults.scale.max` is Infinity when the runbook sets no
 * cap): such numbers are written {"$number": "Infinity"}, and a map whose only key starts with
 * "$" is wrapped as {"$object": {...}} so that it is never read as one of these.
 *
 * No zod and no YAML here: this is on the functions' cold path.
 */
import { hash } from 'node:crypto';
import type { EnvValueKind } from './env-values.js';

export const RUNBOOK_JSON_FORMAT = 'model-medic/compiled-runbook';
/** Raised when the encoding changes (not when Rule or Runbook gain a field: those are carried as they are). */
export const RUNBOOK_JSON_FORMAT_VERSION = 1;

/** One `${env:…}` reference kept for the load. */
export interface RunbookJsonEnvReference {
  /** Where its value is in `runbook` (which holds the reference as written there). */
  path: Array<string | number>;
  /** Where it is in the YAML source, and that place spelt as in validation messages (`topics.ops`). */
  line: number;
  col: number;
  field: string;
  /** Written unquoted: a value from the environment may become a number or a boolean, as in YAML. */
  plain: boolean;
  /** Which check the resolved value must pass (env-values.ts). */
  check: EnvValueKind;
}

export interface RunbookJsonBody {
  format: typeof RUNBOOK_JSON_FORMAT;
  formatVersion: number;
  identity: { hash: string };
  source: string;
  env: RunbookJsonEnvReference[];
  runbook: unknown;
}

export interface RunbookJson extends RunbookJsonBody {
  digest: string;
}

/** sha256 of the body as JSON: JSON.parse then JSON.stringify gives back the same text, so the load recomputes it. */
export function digestOf(body: RunbookJsonBody): string {
  const { format, formatVersion, identity, source, env, runbook } = body;
  return hash('sha256', JSON.stringify({ format, formatVersion, identity, source, env, runbook }), 'hex');
}

/** Whether `text` is meant to be a compiled runbook (valid or not), as opposed to YAML. */
export function looksLikeRunbookJson(text: string): boolean {
  return text.trimStart().startsWith('{') && text.includes(`"${RUNBOOK_JSON_FORMAT}"`);
}

const SPECIAL_NUMBERS: Record<string, number> = {
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
  NaN: Number.NaN,
  '-0': -0,
};

/** A plain data value made JSON-safe (see above). Anything that is not plain data is a bug of the caller: thrown with its path. */
export function encodeJsonValue(value: unknown, path = ''): unknown {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && !Object.is(value, -0)) return value;
    return { $number: Object.is(value, -0) ? '-0' : String(value) };
  }
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) {
    return value.map((item, index) => {
      if (item === undefined) throw new TypeError(`${path}[${index}] is undefined: a compiled runbook cannot hold it`);
      return encodeJsonValue(item, `${path}[${index}]`);
    });
  }
  if (typeof value === 'object' && isPlainObject(value)) {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .map(([key, item]) => [key, encodeJsonValue(item, `${path}.${key}`)] as const);
    const map = Object.fromEntries(entries);
    return entries.length === 1 && entries[0]?.[0].startsWith('$') ? { $object: map } : map;
  }
  const what = typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
  throw new TypeError(`${path || 'the runbook'} is a ${what}: a compiled runbook holds plain data only`);
}

/** The inverse of encodeJsonValue; a marker it never writes is an error (the file was not made by medic compile). */
export function decodeJsonValue(value: unknown, path = ''): unknown {
  if (Array.isArray(value)) return value.map((item, index) => decodeJsonValue(item, `${path}[${index}]`));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0]?.[0].startsWith('$')) {
    const [marker, inner] = entries[0];
    if (marker === '$number' && typeof inner === 'string' && Object.hasOwn(SPECIAL_NUMBERS, inner)) return SPECIAL_NUMBERS[inner];
    if (marker === '$object' && inner !== null && typeof inner === 'object' && !Array.isArray(inner)) return decodeEntries(inner, path);
    throw new TypeError(`${path || 'the runbook'}: unknown marker ${JSON.stringify(marker)}`);
  }
  return decodeEntries(value, path);
}

function decodeEntries(value: object, path: string): Record<string, unknown> {
  // fromEntries defines own properties: a "__proto__" key stays data, never a prototype.
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, decodeJsonValue(item, `${path}.${key}`)]));
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
