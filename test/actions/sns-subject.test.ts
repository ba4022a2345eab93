/**
 * Every SNS Subject model-medic sends is one SNS accepts: fewer than 100 characters, printable
 * ASCII, one line. Property-tested over any text, from every producer: notify's default and a
 * runbook's own subject, the "human needed" page and a refused runbook's notice.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildSubject } from '../../shared/actions/notify-message.js';
import { humanNeeded } from '../../shared/guards.js';
import type { Rule, Runbook } from '../../shared/runbook/types.js';
import type { AlarmSignal } from '../../shared/signals/types.js';
import { MAX_SNS_SUBJECT, snsSubject } from '../../shared/sns-subject.js';

const acceptedBySns = (subject: string) => {
  expect(subject.length).toBeGreaterThan(0);
  expect(subject.length).toBeLessThanOrEqual(MAX_SNS_SUBJECT);
  expect(subject).toMatch(/^[\x20-\x7E]+$/);
  expect(subject).toBe(subject.trim());
};

const anyText = fc.oneof(
  fc.string({ maxLength: 400 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
);

function alarm(name: string, endpoint: string): AlarmSignal {
  return {
    kind: 'alarm',
    key: 'k',
    source: 'aws.cloudwatch',
    eventId: 'e',
    time: '2026-11-23T00:00:00Z',
    account: '111122223333',
    region: 'us-east-1',
    alarm: name,
    alarmArn: `arn:aws:cloudwatch:us-east-1:111122223333:alarm:${name}`,
    composite: false,
    state: 'ALARM',
    stateTimestamp: '2026-11-23T00:00:00Z',
    metrics: [],
    endpoint,
  } as AlarmSignal;
}

describe('snsSubject', () => {
  it('any text, with or without a flag, becomes a subject SNS accepts', () => {
    fc.assert(
      fc.property(anyText, fc.option(anyText, { nil: undefined }), (text, flag) => {
        acceptedBySns(snsSubject(text, flag === undefined ? {} : { flag }));
      }),
    );
  });

  it('keeps the flag at the end, however long the text', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 120, maxLength: 400 }), (text) => {
        expect(snsSubject(`x${text}`, { flag: 'ACTION FAILED' })).toMatch(/ \[ACTION FAILED\]$/);
      }),
    );
  });

  it('line breaks and Unicode are made plain, not dropped', () => {
    expect(snsSubject('churn-prod:\r\n latency — high ✓')).toBe('churn-prod: latency ? high ?');
    expect(snsSubject('   ', { fallback: 'ALARM x' })).toBe('ALARM x');
  });

  it('every producer: notify (default and custom), with long names, Unicode and line breaks', () => {
    fc.assert(
      fc.property(anyText, anyText, fc.option(anyText, { nil: undefined }), (name, endpoint, custom) => {
        acceptedBySns(buildSubject(alarm(name || 'a', endpoint), 'high', custom, 'ACTION FAILED'));
        acceptedBySns(snsSubject(`[CRITICAL] ${endpoint}: automatic remediation paused`, { flag: 'human needed' }));
        acceptedBySns(snsSubject(`[model-medic] runbook /${name}`, { flag: 'version 12 refused' }));
      }),
    );
  });

  it('the "human needed" page of an opened circuit, for any endpoint name (SageMaker allows 63 characters)', () => {
    const runbook = { topics: { ops: 'arn:aws:sns:us-east-1:111122223333:ops' } } as unknown as Runbook;
    const rule = { id: 'scale-out', actions: [{ type: 'notify', params: { topic: 'ops' } }], escalate: [] } as unknown as Rule;
    fc.assert(
      fc.property(fc.oneof(fc.string({ minLength: 1, maxLength: 63 }), fc.constant('x'.repeat(63))), (endpoint) => {
        const page = humanNeeded(rule, alarm('a', endpoint), runbook, '3 automatic changes reached the limit of 3');
        const subject = String(page.calls[0]?.input.Subject);
        acceptedBySns(subject);
        expect(subject).toMatch(/\[human needed\]$/);
      }),
    );
  });
});
