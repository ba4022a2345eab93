/**
 * Names and tokens derived from a sha256 digest must not change between versions: a deployed
 * ladder's timer is found again by its name, a redeploy's config copy by its suffix, a retrain
 * is deduplicated by its token. They are computed with the one-shot `crypto.hash`; the oracle
 * here is the Hash object they were computed with before, over arbitrary (Unicode) input.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copyConfigName } from '../../shared/actions/redeploy.js';
import { requestToken } from '../../shared/actions/retrain.js';
import { digestOf } from '../../shared/runbook/json-format.js';
import { loadRunbook } from '../../shared/runbook/load.js';
import { approvalId } from '../../shared/signals/approval-expiry.js';
import { checkTimerName } from '../../shared/signals/check.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('digest-derived names are those of earlier versions', () => {
  it('a known ladder check keeps its timer name', () => {
    const check = {
      ladder: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:churn-prod-model-latency@2026-11-23T04:12:00.000+0000',
      rule: 'latency-scale-out',
      step: 1,
      attempt: 2,
    };
    expect(checkTimerName(check)).toBe(`medic-check-${sha256(`${check.ladder}\u0000${check.rule}`).slice(0, 24)}-1-2`);
  });

  it('a runbook keeps its content hash (audit records and compiled runbooks name it)', () => {
    const text = 'version: 1\ntopics:\n  ops: arn:aws:sns:us-east-1:111122223333:ops\nrules: []\n';
    const loaded = loadRunbook(text, 'runbook.yml', {});
    expect(loaded.identity.hash).toBe(sha256(text).slice(0, 12));
    expect(loaded.identity.hash).toBe('fa3d8015457a');
  });

  it("a compiled runbook's digest is the sha256 of its body as before (older compiled runbooks still load)", () => {
    const body = {
      format: 'model-medic/runbook',
      formatVersion: 1,
      identity: { hash: 'fa3d8015457a' },
      source: 'runbook.yml',
      env: [],
      runbook: { rules: [] },
    };
    expect(digestOf(body as Parameters<typeof digestOf>[0])).toBe(sha256(JSON.stringify(body)));
  });

  it('timer names, retrain tokens, approval ids and config copy suffixes match the Hash object for any input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (key, rule) => {
        expect(checkTimerName({ ladder: key, rule, step: 0, attempt: 1 })).toBe(
          `medic-check-${sha256(`${key}\u0000${rule}`).slice(0, 24)}-0-1`,
        );
        expect(requestToken(key, rule)).toBe(sha256(`${key}\u0000${rule}`));
        expect(copyConfigName('churn-prod-config', key)).toBe(`churn-prod-config-medic-${sha256(key).slice(0, 8)}`);
        expect(approvalId(key, rule, 2)).toBe(`apr-${sha256(`${key}\u0000${rule}\u00002`).slice(0, 16)}`);
      }),
    );
  });
});
