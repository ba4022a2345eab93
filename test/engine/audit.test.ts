/** What the engine writes to the audit trail, on the in-memory store (the DynamoDB one: test/cli/history.test.ts). */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { handleEvent } from '../../shared/engine.js';
import { testEngine } from '../support/engine.js';
import { RUNBOOK, sample } from '../support/samples.js';

const RUNBOOK_TEXT = readFileSync(RUNBOOK, 'utf8');

describe('audit records', () => {
  it('name the runbook that decided by the hash of its text', async () => {
    const { deps, store } = await testEngine(RUNBOOK_TEXT, { allowWrites: false });
    await handleEvent(sample('01-'), 'latency', deps);
    const [record] = await store.queryAudit({ since: 0 });
    expect(record?.runbook).toEqual({ hash: createHash('sha256').update(RUNBOOK_TEXT).digest('hex').slice(0, 12) });
  });
});
