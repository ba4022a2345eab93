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

  it('an endpoint state change leaves a record of the endpoint, its status and config, recorded or not', async () => {
    const { deps, store } = await testEngine(RUNBOOK_TEXT, { allowWrites: false });
    await handleEvent(sample('34-'), 'fraud-in-service', deps);
    await handleEvent(sample('35-'), 'churn-updating', deps);
    const byEvent = new Map((await store.queryAudit({ since: 0 })).map((r) => [r.event, r]));
    expect(byEvent.get('fraud-in-service')).toMatchObject({
      endpoint: 'fraud-prod',
      endpointState: { status: 'InService', endpointConfig: 'fraud-prod-config-2026-11-20' },
      recorded: 'fraud-prod: fraud-prod-config-2026-11-20 is live',
    });
    expect(byEvent.get('churn-updating')).toMatchObject({
      endpoint: 'churn-prod',
      endpointState: { status: 'Updating', endpointConfig: 'churn-prod-config-v2' },
      recorded: 'churn-prod is Updating: changes to it wait until it is InService',
    });
  });
});
