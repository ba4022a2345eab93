/**
 * Plain shape checks for the events on the hot path (envelope, alarm, processing job, endpoint
 * state): every cold start parses one event, and a schema library costs more to load than the
 * event costs to check. The parsers read the fields they use in the order the event documents
 * them and stop at the first wrong one, so the message names one field; wording follows zod's
 * (`Invalid input: expected string, received number`), which these messages used before.
 */
import { InvalidEventError } from '../errors.js';

type Path = ReadonlyArray<string | number>;

/** A field of the wrong shape; `checked` turns it into an InvalidEventError naming the field. */
export class ShapeError extends Error {
  constructor(
    readonly path: Path,
    message: string,
  ) {
    super(message);
    this.name = 'ShapeError';
  }
}

/**
 * Runs `read` and turns a ShapeError into InvalidEventError(`<prefix><root>.<path>: <message>`),
 * e.g. `alarm event: detail.state.value: expected one of ...`.
 */
export function checked<T>(prefix: string, root: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    const path = [root, ...error.path.map((p) => (typeof p === 'number' ? `[${p}]` : p))].filter(Boolean).join('.').replace(/\.\[/g, '[');
    throw new InvalidEventError(`${prefix}${path ? `${path}: ` : ''}${error.message}`);
  }
}

/** What a value is, as the messages say it: string, number, NaN, null, array, object, undefined, ... */
export function typeName(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : Number.isFinite(value) ? 'number' : String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null && typeof proto?.constructor === 'function') return proto.constructor.name;
  }
  return typeof value;
}

/**
 * Every check takes its parent's path and its own key apart, and joins them only to report a
 * wrong field: a storm parses thousands of events a second, and a path array per field read
 * was most of what parsing allocated.
 */
type Key = string | number | undefined;
const at = (path: Path, key: Key): Path => (key === undefined ? path : [...path, key]);

function wrongType(path: Path, key: Key, expected: string, value: unknown): never {
  throw new ShapeError(at(path, key), `Invalid input: expected ${expected}, received ${typeName(value)}`);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function object(value: unknown, path: Path, key?: Key): Record<string, unknown> {
  return isRecord(value) ? value : wrongType(path, key, 'object', value);
}

export function optionalObject(value: unknown, path: Path, key?: Key): Record<string, unknown> | undefined {
  return value === undefined ? undefined : object(value, path, key);
}

/**
 * A string; `message` replaces the default wording when the field is absent (e.g. `missing
 * alarmName`). A value of another type is named as such: `alarmName: 123` is not missing.
 */
export function string(value: unknown, path: Path, key?: Key, message?: string): string {
  if (typeof value === 'string') return value;
  if (message !== undefined && value === undefined) throw new ShapeError(at(path, key), message);
  return wrongType(path, key, 'string', value);
}

export function optionalString(value: unknown, path: Path, key?: Key): string | undefined {
  return value === undefined ? undefined : string(value, path, key);
}

export function optionalNumber(value: unknown, path: Path, key?: Key): number | undefined {
  if (value === undefined || (typeof value === 'number' && Number.isFinite(value))) return value;
  return wrongType(path, key, 'number', value);
}

export function optionalBoolean(value: unknown, path: Path, key?: Key): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  return wrongType(path, key, 'boolean', value);
}

/** An array whose items `item` reads (each with its index in the path). */
export function optionalArray<T>(value: unknown, path: Path, key: Key, item: (value: unknown, path: Path) => T): T[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return wrongType(path, key, 'array', value);
  const here = at(path, key);
  // A loop, not map(): map skips the holes of a sparse array, which must fail like undefined.
  const out: T[] = [];
  for (let i = 0; i < value.length; i++) out.push(item(value[i], [...here, i]));
  return out;
}

/** A plain object used as a map; `item` reads each value. */
export function optionalRecord<T>(
  value: unknown,
  path: Path,
  key: Key,
  item: (value: unknown, path: Path, key: string) => T,
): Record<string, T> | undefined {
  if (value === undefined) return undefined;
  const proto = isRecord(value) ? Object.getPrototypeOf(value) : undefined;
  if (!isRecord(value) || (proto !== Object.prototype && proto !== null)) return wrongType(path, key, 'record', value);
  const here = at(path, key);
  const out: Record<string, T> = {};
  for (const [name, v] of Object.entries(value)) out[name] = item(v, here, name);
  return out;
}

/** One of `allowed`; `message` says what else was found. */
export function oneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  path: Path,
  key: Key,
  message: (value: unknown) => string,
): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new ShapeError(at(path, key), message(value));
}

/** The path of the fields of the object being read, its keys given apart. */
export const ROOT: Path = [];
