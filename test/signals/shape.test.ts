/**
 * The hot-path parsers check shapes by hand (shared/signals/shape.ts): whatever a field holds,
 * an event is either normalized or refused with one InvalidEventError line naming the field,
 * never a TypeError from a guard that let a wrong shape through.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../shared/errors.js';
import { normalizeEvent } from '../../shared/signals/normalize.js';
import { checked, optionalArray, optionalRecord, ROOT, string, typeName } from '../../shared/signals/shape.js';
import { recordedReader, sample } from '../support/samples.js';

/** Every path to a value in `value` (objects and arrays), the root included. */
function paths(value: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
  const here = [path];
  if (value === null || typeof value !== 'object') return here;
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [...here, ...keys.flatMap((k) => paths((value as Record<string | number, unknown>)[k], [...path, k]))];
}

function withValueAt(event: unknown, path: Array<string | number>, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(event) as Record<string | number, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

describe('hand-checked event shapes', () => {
  const reader = recordedReader();

  it.each(['01-', '05-', '09-', '20-', '34-'])(
    'sample %s with any JSON value anywhere: normalized, or one InvalidEventError line',
    async (prefix) => {
      const event = sample(prefix);
      const all = paths(event);
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: all.length - 1 }),
          fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined)),
          async (at, value) => {
            const mutated = withValueAt(event, all[at] as Array<string | number>, value);
            try {
              await normalizeEvent(mutated, reader);
            } catch (error) {
              expect(error).toBeInstanceOf(InvalidEventError);
              expect((error as Error).message).not.toMatch(/\n/);
            }
          },
        ),
        { numRuns: 300 },
      );
    },
  );

  it('a dimension value that is not a string is refused at its path (an object once threw a TypeError: an internal error)', async () => {
    const event = withValueAt(
      sample('01-'),
      ['detail', 'configuration', 'metrics', 0, 'metricStat', 'metric', 'dimensions', 'EndpointName'],
      {
        toString: 1,
      },
    );
    await expect(normalizeEvent(event, reader)).rejects.toThrow(InvalidEventError);
    await expect(normalizeEvent(event, reader)).rejects.toThrow(
      /metrics\[0\]\.metricStat\.metric\.dimensions\.EndpointName: Invalid input: expected string, received object/,
    );
  });

  it('messages name the field and say what was found, in the wording the parsers always used', () => {
    const fail = (read: () => unknown) => {
      try {
        checked('alarm event: ', 'detail', read);
      } catch (error) {
        return (error as Error).message;
      }
      return undefined;
    };
    expect(fail(() => string(undefined, ROOT, 'alarmName', 'missing alarmName'))).toBe('alarm event: detail.alarmName: missing alarmName');
    // Present but of another type is not "missing": the message says what it is.
    expect(fail(() => string(123, ROOT, 'alarmName', 'missing alarmName'))).toBe(
      'alarm event: detail.alarmName: Invalid input: expected string, received number',
    );
    expect(fail(() => optionalArray('x', ['configuration'], 'metrics', (v) => v))).toBe(
      'alarm event: detail.configuration.metrics: Invalid input: expected array, received string',
    );
    expect(fail(() => optionalArray([{}, null], ROOT, 'metrics', (v, p) => string(v, p)))).toBe(
      'alarm event: detail.metrics[0]: Invalid input: expected string, received object',
    );
    expect(fail(() => optionalRecord([], ROOT, 'Environment', (v) => v))).toBe(
      'alarm event: detail.Environment: Invalid input: expected record, received array',
    );
    expect(fail(() => optionalRecord({ a: 'x', b: 2 }, ROOT, 'Environment', (v, p, k) => string(v, p, k)))).toBe(
      'alarm event: detail.Environment.b: Invalid input: expected string, received number',
    );
    expect([null, [], Number.NaN, 1, 'a', undefined, new Date(0)].map(typeName)).toEqual([
      'null',
      'array',
      'NaN',
      'number',
      'string',
      'undefined',
      'Date',
    ]);
  });
});
