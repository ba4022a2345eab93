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

function wrongType(path: Path, expected: string, value: unknown): never {
  throw new ShapeError(path, `Invalid input: expected ${expected}, received ${typeName(value)}`);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function object(value: unknown, path: Path): Record<string, unknown> {
  return isRecord(value) ? value : wrongType(path, 'object', value);
}

export function optionalObject(value: unknown, path: Path): Record<string, unknown> | undefined {
  return value === undefined ? undefined : object(value, path);
}

/** A string; `message` replaces the default wording (e.g. `missing alarmName`) for any other value. */
export function string(value: unknown, path: Path, message?: string): string {
  if (typeof value === 'string') return value;
  if (message !== undefined) throw new ShapeError(path, message);
  return wrongType(path, 'string', value);
}

export function optionalString(value: unknown, path: Path): string | undefined {
  return value === undefined ? undefined : string(value, path);
}

export function optionalNumber(value: unknown, path: Path): number | undefined {
  if (value === undefined || (typeof value === 'number' && Number.isFinite(value))) return value;
  return wrongType(path, 'number', value);
}

export function optionalBoolean(value: unknown, path: Path): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  return wrongType(path, 'boolean', value);
}

/** An array whose items `item` reads (each with its index in the path). */
export function optionalArray<T>(value: unknown, path: Path, item: (value: unknown, path: Path) => T): T[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return wrongType(path, 'array', value);
  // A loop, not map(): map skips the holes of a sparse array, which must fail like undefined.
  const out: T[] = [];
  for (let i = 0; i < value.length; i++) out.push(item(value[i], [...path, i]));
  return out;
}

/** A plain object used as a map; `item` reads each value. */
export function optionalRecord<T>(value: unknown, path: Path, item: (value: unknown, path: Path) => T): Record<string, T> | undefined {
  if (value === undefined) return undefined;
  const proto = isRecord(value) ? Object.getPrototypeOf(value) : undefined;
  if (!isRecord(value) || (proto !== Object.prototype && proto !== null)) return wrongType(path, 'record', value);
  const out: Record<string, T> = {};
  for (const [key, v] of Object.entries(value)) out[key] = item(v, [...path, key]);
  return out;
}

/** One of `allowed`; `message` says what else was found. */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[], path: Path, message: (value: unknown) => string): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new ShapeError(path, message(value));
}
