/**
 * What a SageMaker endpoint state change records, and the endpoint-state function's whole work:
 * the endpoint's status (a busy endpoint holds changes to it back), and an InService endpoint's
 * config as live (the rollback history), then the audit record. No runbook decides anything here,
 * so none is loaded: the function's cold start is the envelope, this and the state store.
 */
import { BUSY_ENDPOINT_STATUSES } from './actions/endpoint-facts.js';
import type { Clock } from './clock.js';
import { describeError, InvalidEventError, kindOf } from './errors.js';
import type { EventReport } from './report.js';
import type { RunbookIdentity } from './runbook/types.js';
import { ENDPOINT_DETAIL_TYPE, ENDPOINT_SOURCE, parseEndpointStateEvent } from './signals/endpoint-state.js';
import { parseEnvelope } from './signals/envelope.js';
import type { EndpointStateChange } from './signals/types.js';
import type { AuditRecord, StateStore } from './state/store.js';

/** An endpoint's last status is kept past the hour after which a busy mark is forgotten anyway. */
export const ENDPOINT_STATUS_TTL_MS = 2 * 3600_000;

/** Audit records are kept this long. */
export const AUDIT_TTL_MS = 90 * 24 * 3600_000;

export interface EndpointStateDeps {
  store: StateStore;
  clock: Clock;
  /** Told of every bug (a throw that is not a MedicError) with the error itself, for its stack. */
  onInternalError?: (error: unknown, during: string) => void;
}

/**
 * The endpoint-state function's event: an endpoint state change, recorded and audited. Any other
 * event is refused (invalid-event, so the failure queue keeps it): only a misdirected rule or a
 * hand-made invocation brings one here, and acting on it would need the runbook this function
 * does not load.
 */
export async function handleEndpointStateEvent(raw: unknown, label: string, deps: EndpointStateDeps): Promise<EventReport> {
  const report: EventReport = { event: label, signal: null, rule: null, actions: [], ignored: null, error: null };
  let change: EndpointStateChange | undefined;
  try {
    const envelope = parseEnvelope(raw);
    if (envelope.source !== ENDPOINT_SOURCE || envelope['detail-type'] !== ENDPOINT_DETAIL_TYPE) {
      throw new InvalidEventError(
        `the endpoint-state function takes "${ENDPOINT_DETAIL_TYPE}" events from ${ENDPOINT_SOURCE} only, got "${envelope['detail-type']}" from ${envelope.source}: check which EventBridge rule sends it here`,
      );
    }
    change = parseEndpointStateEvent(envelope);
    await recordEndpointState(change, report, deps);
  } catch (error) {
    report.error = describeError(error);
    report.errorKind = kindOf(error);
    if (report.errorKind === 'internal') deps.onInternalError?.(error, `event ${label}`);
  }
  if (change) await writeAudit(report, endpointStateSubject(change), deps);
  return report;
}

/**
 * Every state change marks the endpoint busy or free (busy endpoints); an InService endpoint's
 * config is also live, remembered for rollback.
 */
export async function recordEndpointState(
  change: EndpointStateChange,
  report: EventReport,
  deps: Pick<EndpointStateDeps, 'store' | 'clock'>,
): Promise<void> {
  const eventAt = Date.parse(change.time);
  const at = Number.isFinite(eventAt) ? eventAt : deps.clock.now();
  await deps.store.recordEndpointStatus(change.endpoint, { status: change.status, at }, ENDPOINT_STATUS_TTL_MS);
  const busy = BUSY_ENDPOINT_STATUSES.has(change.status);
  if (change.status === 'InService' && change.endpointConfig) {
    await deps.store.recordEndpointConfig(change.endpoint, change.endpointConfig, deps.clock.now());
    report.recorded = `${change.endpoint}: ${change.endpointConfig} is live`;
  } else if (busy) {
    report.recorded = `${change.endpoint} is ${change.status}: changes to it wait until it is InService`;
  } else {
    report.recorded = `${change.endpoint} is ${change.status}`;
  }
}

/** The fields of an audit record that say what it is about: a signal, or an endpoint state change. */
export type AuditSubject = Pick<AuditRecord, 'key' | 'endpoint' | 'endpointState'>;

export function endpointStateSubject(change: EndpointStateChange): AuditSubject {
  const endpointState = { status: change.status, ...(change.endpointConfig ? { endpointConfig: change.endpointConfig } : {}) };
  return { endpoint: change.endpoint, endpointState };
}

/** The audit record of one event; `runbook` is the one that decided, when one did. */
export async function writeAudit(
  report: EventReport,
  subject: AuditSubject,
  deps: Pick<EndpointStateDeps, 'store' | 'clock'> & { runbook?: RunbookIdentity },
): Promise<void> {
  try {
    const record: AuditRecord = { ...report, at: deps.clock.now(), ...subject, ...(deps.runbook ? { runbook: deps.runbook } : {}) };
    await deps.store.putAudit(record, AUDIT_TTL_MS);
  } catch {
    // The audit trail must never turn a handled event into a failed one; the log line remains.
  }
}
