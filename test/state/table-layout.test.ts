/**
 * serverless.yml creates the table the store reads and writes: its StateTable must have the
 * keys, index and TTL attribute of table-layout.ts, or the store fails only once deployed.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { ATTR, compareKeyBytes, createTableInput, timeToLiveInput } from '../../shared/state/table-layout.js';

describe('state table layout', () => {
  // CloudFormation tags (!GetAtt, !Sub, ...) are unknown to a plain YAML parser: keep them as strings.
  const doc = parseDocument(readFileSync(new URL('../../serverless.yml', import.meta.url), 'utf8'), { logLevel: 'silent' });
  const table = (doc.toJS() as { resources: { Resources: { StateTable: { Properties: Record<string, unknown> } } } }).resources.Resources
    .StateTable.Properties;

  it('serverless.yml StateTable matches createTableInput (billing, attributes, keys, gsi1)', () => {
    const expected = createTableInput('ignored');
    expect(table.BillingMode).toBe(expected.BillingMode);
    expect(table.AttributeDefinitions).toEqual(expected.AttributeDefinitions);
    expect(table.KeySchema).toEqual(expected.KeySchema);
    expect(table.GlobalSecondaryIndexes).toEqual(expected.GlobalSecondaryIndexes);
  });

  it('serverless.yml enables TTL on the attribute the store writes (epoch seconds)', () => {
    expect(table.TimeToLiveSpecification).toEqual(timeToLiveInput('ignored').TimeToLiveSpecification);
    expect(ATTR.expiresAt).toBe('expiresAt');
  });

  it('compareKeyBytes orders strings by their UTF-8 bytes, as DynamoDB orders sort keys (surrogate pairs included)', () => {
    const sign = (n: number) => Math.sign(n);
    const bytes = (a: string, b: string) => sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
    // Code units would put U+FFFD (0xFFFD) after U+1F600 (0xD83D 0xDE00); UTF-8 puts it before.
    expect(compareKeyBytes('\uFFFD', '\u{1F600}')).toBeLessThan(0);
    expect(compareKeyBytes('a-c', 'ab')).toBeLessThan(0);
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        expect(sign(compareKeyBytes(a, b))).toBe(bytes(a, b));
        expect(sign(compareKeyBytes(a, a + b))).toBe(bytes(a, a + b));
      }),
      { numRuns: 2000 },
    );
  });
});
