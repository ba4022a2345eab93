/**
 * The event's audit record. Written with the event's last round of state writes when it has one
 * (it costs no round trip of its own), and written again, as the same item (same time, same
 * event), if the event fails after that: the record ends up saying what happened. The audit
 * trail never turns a handled event into a failed one.
 */
import type { Clock } from './clock.js';
import type { EventReport } from './report.js';
import type { RunbookIdentity } from './runbook/types.js';
import type { AuditRecord, StateStore } from './state/store.js';

/** Audit records are kept this long. */
const AUDIT_TTL_MS = 90 * 24 * 3600_000;

/** The fields of an audit record that say what it is about: a signal, or an endpoint state change. */
export type AuditSubject = Pick<AuditRecord, 'key' | 'endpoint' | 'endpointState'>;

export interface AuditTrail {
  /** Writes the record as the report stands now; never throws. */
  write(): Promise<void>;
  /** True once a record was written and the report has not failed since. */
  current(): boolean;
}

/** `runbook`: the one that decided, when one did (the endpoint-state function loads none). */
export function auditTrail(
  report: EventReport,
  subject: () => AuditSubject | undefined,
  deps: { store: StateStore; clock: Clock; runbook?: RunbookIdentity },
): AuditTrail {
  let at: number | undefined;
  let written = false;
  return {
    async write() {
      const about = subject();
      if (!about) return;
      at ??= deps.clock.now();
      try {
        // Assigned rather than spread: one copy of the report per event, in a storm's hot path.
        const record: AuditRecord = Object.assign({ ...report, at }, about);
        if (deps.runbook) record.runbook = deps.runbook;
        await deps.store.putAudit(record, AUDIT_TTL_MS);
        written = true;
      } catch {
        // The audit trail must never turn a handled event into a failed one; the log line remains.
      }
    },
    current: () => written && report.error === null,
  };
}
