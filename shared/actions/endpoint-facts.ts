/**
 * Reads every endpoint action needs first: the endpoint must exist and be InService, since
 * SageMaker rejects changes to an endpoint that is Creating or Updating. An endpoint that is not
 * InService is busy at plan time: the action is held (cause endpoint-busy), and a ladder step is
 * tried again at its next check.
 */

import type { ProductionVariantSummary } from '@aws-sdk/client-sagemaker';
import type { DescribeEndpointOutput } from '../aws/ports.js';
import type { ActionPlan, PlanContext } from './action.js';
import { hold, skip } from './action.js';

/** Statuses of an endpoint that is changing: actions wait for it (docs/runbook.md#busy-endpoints). */
export const BUSY_ENDPOINT_STATUSES: ReadonlySet<string> = new Set(['Creating', 'Updating', 'SystemUpdating', 'RollingBack', 'Deleting']);

export type EndpointLookup = { endpoint: DescribeEndpointOutput; name: string } | { skip: string; busy?: true };

/** The plan for a lookup that found no endpoint to act on: held when busy, skipped otherwise. */
export function notActionable(lookup: { skip: string; busy?: true }): ActionPlan {
  return lookup.busy ? hold('endpoint-busy', lookup.skip) : skip(lookup.skip);
}

export async function inServiceEndpoint(ctx: PlanContext): Promise<EndpointLookup> {
  const name = ctx.signal.endpoint;
  if (!name) return { skip: 'the signal names no endpoint (no EndpointName dimension or job environment)' };
  const endpoint = await ctx.reader.describeEndpoint(name);
  if (!endpoint) return { skip: `endpoint ${name} does not exist` };
  if (endpoint.EndpointStatus !== 'InService') {
    // Held, not skipped (SPEC §6): a ladder step tries again at its next check.
    return {
      skip: `endpoint ${name} is ${endpoint.EndpointStatus ?? 'in an unknown state'}: changes wait until it is InService`,
      busy: true,
    };
  }
  return { endpoint, name };
}

export function variantsOf(endpoint: DescribeEndpointOutput): ProductionVariantSummary[] {
  return endpoint.ProductionVariants ?? [];
}

export function instanceCount(variant: ProductionVariantSummary): number {
  return variant.CurrentInstanceCount ?? variant.DesiredInstanceCount ?? 0;
}

export function weightOf(variant: ProductionVariantSummary): number {
  return variant.CurrentWeight ?? variant.DesiredWeight ?? 0;
}

/** The variant taking the most traffic, or undefined when two share the top weight. */
export function busiestVariant(variants: ProductionVariantSummary[]): ProductionVariantSummary | undefined {
  const sorted = [...variants].sort((a, b) => weightOf(b) - weightOf(a));
  const [first, second] = sorted;
  if (!first) return undefined;
  if (second && weightOf(second) === weightOf(first)) return undefined;
  return first;
}
