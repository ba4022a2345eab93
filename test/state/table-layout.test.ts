/**
 * serverless.yml creates the table the store reads and writes: its StateTable must have the
 * keys, index and TTL attribute of table-layout.ts, or the store fails only once deployed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { ATTR, createTableInput, timeToLiveInput } from '../../shared/state/table-layout.js';

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
});
