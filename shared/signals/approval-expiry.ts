/**
 * Approvals (docs/operator-controls.md#approvals): the id a waiting action gets, and the
 * `Approval Expiry` event its timer delivers when nobody decided in time. Like a ladder's
 * `Remediation Check`, the event is a full EventBridge envelope from the engine's own source, so it
 * goes through the same entry and the same checks as every other event; its id is the timer's
 * name, so a duplicate delivery is one expiry.
 */
import { hash } from 'node:crypto';
import { InvalidEventError } from '../errors.js';
import { CHECK_SOURCE } from './check.js';
import type { Envelope } from './envelope.js';

export const APPROVAL_EXPIRY_DETAIL_TYPE = 'Approval Expiry';

/** What an expiry timer names: the approval, and enough to say what is dropped without reading it. */
export interface ApprovalExpiry {
  approval: string;
  rule: string;
  endpoint?: string;
  /** Epoch ms: when the approval stops being grantable. */
  expiresAt: number;
}

/**
 * `apr-` and 16 hex digits of the place the action waits in: the completion records it belongs to
 * (a signal's, or a ladder step's), the rule and the action's index. Deterministic, so a retried
 * event finds the approval it already asked for instead of asking twice; short enough to type.
 */
export function approvalId(recordsKey: string, rule: string, index: number): string {
  const digest = hash('sha256', `${recordsKey}\u0000${rule}\u0000${index}`, 'hex');
  return `apr-${digest.slice(0, 16)}`;
}

/** Where an approval's own actions and notices keep their completion records, and its claim. */
export function approvalKey(id: string): string {
  return `approval#${id}`;
}

/** The expiry timer's name (EventBridge Scheduler: 64 characters of [0-9A-Za-z_.-]). */
export function expiryTimerName(approval: string): string {
  return `medic-expiry-${approval}`;
}

/** The event the expiry timer delivers, in the account and region of the signal that asked. */
export function approvalExpiryEvent(expiry: ApprovalExpiry, place: { account: string; region: string }): Record<string, unknown> {
  return {
    version: '0',
    id: expiryTimerName(expiry.approval),
    'detail-type': APPROVAL_EXPIRY_DETAIL_TYPE,
    source: CHECK_SOURCE,
    account: place.account,
    time: new Date(expiry.expiresAt).toISOString(),
    region: place.region,
    resources: [],
    detail: {
      approval: expiry.approval,
      rule: expiry.rule,
      ...(expiry.endpoint ? { endpoint: expiry.endpoint } : {}),
      expiresAt: new Date(expiry.expiresAt).toISOString(),
    },
  };
}

/** `apr-` and 16 hex digits (approvalId). */
export const APPROVAL_ID = /^apr-[0-9a-f]{16}$/;

export function parseApprovalExpiryEvent(envelope: Envelope): ApprovalExpiry {
  const detail = envelope.detail as Record<string, unknown>;
  const fail = (what: string) => new InvalidEventError(`approval expiry: detail.${what}`);
  if (typeof detail.approval !== 'string' || !APPROVAL_ID.test(detail.approval)) {
    throw fail('approval: expected an approval id like apr-0123456789abcdef');
  }
  if (typeof detail.rule !== 'string' || detail.rule.length === 0) throw fail('rule: missing rule');
  if (detail.endpoint !== undefined && typeof detail.endpoint !== 'string') throw fail('endpoint: expected a string');
  const expiresAt = typeof detail.expiresAt === 'string' ? Date.parse(detail.expiresAt) : Number.NaN;
  if (!Number.isFinite(expiresAt)) throw fail('expiresAt: expected an ISO 8601 time, e.g. 2026-11-23T05:00:00.000Z');
  return {
    approval: detail.approval,
    rule: detail.rule,
    ...(typeof detail.endpoint === 'string' ? { endpoint: detail.endpoint } : {}),
    expiresAt,
  };
}
