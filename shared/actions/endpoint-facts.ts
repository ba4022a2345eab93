/**
 * Reads every endpoint action needs first: the endpoint must exist and be InService, since
 * SageMaker rejects changes to an endpoint that is Creating or Updating.
 */

import type { ProductionVariantSummary } from '@aws-sdk/client-sagemaker';
import type { DescribeEndpointOutput } from '../aws/ports.js';
import type { PlanContext } from './action.js';

export type EndpointLookup = { endpoint: DescribeEndpointOutput; name: string } | { skip: string };

export async function inServiceEndpoint(ctx: PlanContext): Promise<EndpointLookup> {
  const name = ctx.signal.endpoint;
  if (!name) return { skip: 'the signal names no endpoint (no EndpointName dimension or job environment)' };
  const endpoint = await ctx.reader.describeEndpoint(name);
  if (!endpoint) return { skip: `endpoint ${name} does not exist` };
  if (endpoint.EndpointStatus !== 'InService') {
    return { skip: `endpoint ${name} is ${endpoint.EndpointStatus ?? 'in an unknown state'}: changes wait until it is InService` };
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
