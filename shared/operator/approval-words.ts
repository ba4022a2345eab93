/** How messages and reports say what became of an approval: one wording everywhere. */
import type { Approval } from '../state/store.js';

function iso(ms: number | undefined): string {
  return ms === undefined ? 'an unknown time' : new Date(ms).toISOString();
}

/** "was granted by X at T", "was rejected by X at T (why)", "expired at T", "is pending until T". */
export function describeDecided(approval: Approval): string {
  const why = approval.reason ? ` (${approval.reason})` : '';
  switch (approval.status) {
    case 'granted':
      return `was granted by ${approval.decidedBy ?? 'someone'} at ${iso(approval.decidedAt)}`;
    case 'rejected':
      return `was rejected by ${approval.decidedBy ?? 'someone'} at ${iso(approval.decidedAt)}${why}`;
    case 'expired':
      return `expired at ${iso(approval.expiresAt)} without a decision`;
    case 'pending':
      return `is pending until ${iso(approval.expiresAt)}`;
  }
}

/** "rollback of rule error-rate-ladder on fraud-prod". */
export function describeWaiting(approval: Pick<Approval, 'action' | 'rule' | 'endpoint'>): string {
  return `${approval.action.type} of rule ${approval.rule}${approval.endpoint ? ` on ${approval.endpoint}` : ''}`;
}
