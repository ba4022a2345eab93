/**
 * Busy endpoints (docs/runbook.md#busy-endpoints): a pure decision over the last state change an
 * endpoint reported. SageMaker refuses changes while an endpoint is Updating (and in the other
 * transitional statuses), and a change stacked on another hides which one helped; so actions
 * that change a busy endpoint wait. A busy mark that hears no news for an hour is forgotten:
 * the InService event may have been lost, and DescribeEndpoint at plan time still checks.
 */
import { BUSY_ENDPOINT_STATUSES } from '../actions/endpoint-facts.js';
import type { EndpointStatusRecord } from '../state/store.js';

export const BUSY_FORGOTTEN_AFTER_MS = 3600_000;

export function isBusy(status: EndpointStatusRecord | undefined, now: number): boolean {
  return status !== undefined && BUSY_ENDPOINT_STATUSES.has(status.status) && now < status.at + BUSY_FORGOTTEN_AFTER_MS;
}

export function busyReason(endpoint: string, status: EndpointStatusRecord): string {
  return `endpoint ${endpoint} is ${status.status} since ${new Date(status.at).toISOString()} (endpoint state change): changes wait until it is InService`;
}
