/**
 * What a SageMaker endpoint state change records, and the endpoint-state function's whole work:
 * the endpoint's status (a busy endpoint holds changes to it back), and an InService endpoint's
 * config as live (the rollback history), then the audit record. No runbook decides anything here,
 * so none is loaded: the function's cold start is the envelope, this and the state store.
 */
import { BUSY_ENDPOINT_STATUSES } from './actions/endpoint-facts.js';
import { type AuditSubject, type AuditTrail, auditTrail } from './audit-trail.js';
import type { Clock } from './clock.js';
import { describeError, InvalidEventError, kindOf } from './errors.js';
import type { EventReport } from './report.js';
import { ENDPOINT_DETAIL_TYPE, ENDPOINT_SOURCE, parseEndpointStateEvent } from './signals/endpoint-state.js';
import { parseEnvelope } from './signals/envelope.js';
import type { EndpointStateChange } from './signals/types.js';
import { settle } from './state/settle.js';
import type { StateStore } from './state/store.js';

/** An endpoint's last status is kept past the hour after which a busy mark is forgotten anyway. */
export const ENDPOINT_STATUS_TTL_MS = 2 * 3600_000;

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
  const audit = auditTrail(report, () => change && endpointStateSubject(change), deps);
  try {
    const envelope = parseEnvelope(raw);
    if (envelope.source !== ENDPOINT_SOURCE || envelope['detail-type'] !== ENDPOINT_DETAIL_TYPE) {
      throw new InvalidEventError(
        `the endpoint-state function takes "${ENDPOINT_DETAIL_TYPE}" events from ${ENDPOINT_SOURCE} only, got "${envelope['detail-type']}" from ${envelope.source}: check which EventBridge rule sends it here`,
      );
    }
    change = parseEndpointStateEvent(envelope);
    await recordEndpointState(change, report, deps, audit);
  } catch (error) {
    report.error = describeError(error);
    report.errorKind = kindOf(error);
    if (report.errorKind === 'internal') deps.onInternalError?.(error, `event ${label}`);
  }
  // Written with the records, unless there were none or they failed (then it says so).
  if (!audit.current()) await audit.write();
  return report;
}

/**
 * Every state change marks the endpoint busy or free (busy endpoints); an InService endpoint's
 * config is also live, remembered for rollback. The two records and the audit are independent:
 * one round trip. The engine (replay, backtest) records them the same way.
 */
export async function recordEndpointState(
  change: EndpointStateChange,
  report: EventReport,
  deps: Pick<EndpointStateDeps, 'store' | 'clock'>,
  audit: AuditTrail,
): Promise<void> {
  const eventAt = Date.parse(change.time);
  const at = Number.isFinite(eventAt) ? eventAt : deps.clock.now();
  const live = change.status === 'InService' ? change.endpointConfig : undefined;
  if (live) report.recorded = `${change.endpoint}: ${live} is live`;
  else if (BUSY_ENDPOINT_STATUSES.has(change.status)) {
    report.recorded = `${change.endpoint} is ${change.status}: changes to it wait until it is InService`;
  } else report.recorded = `${change.endpoint} is ${change.status}`;
  try {
    await settle([
      () => deps.store.recordEndpointStatus(change.endpoint, { status: change.status, at }, ENDPOINT_STATUS_TTL_MS),
      live ? () => deps.store.recordEndpointConfig(change.endpoint, live, deps.clock.now()) : undefined,
      () => audit.write(),
    ]);
  } catch (error) {
    // Not recorded after all: the audit is written again with the error instead.
    delete report.recorded;
    throw error;
  }
}

export function endpointStateSubject(change: EndpointStateChange): AuditSubject {
  const endpointState = { status: change.status, ...(change.endpointConfig ? { endpointConfig: change.endpointConfig } : {}) };
  return { endpoint: change.endpoint, endpointState };
}
