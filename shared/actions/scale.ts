/**
 * scale: raise a variant's capacity, never above the cap. With an Application Auto Scaling
 * target, raising DesiredInstanceCount directly would be undone by the scaling policy, so we
 * raise MinCapacity instead; without one, UpdateEndpointWeightsAndCapacities sets the count.
 * `restore: true` puts back what the last scale-out on that variant changed.
 */
import type { ScalableTarget } from '../aws/ports.js';
import type { ActionDefinition, ActionPlan, PlanContext } from './action.js';
import { skip } from './action.js';
import { busiestVariant, inServiceEndpoint, instanceCount, variantsOf } from './endpoint-facts.js';
import type { ScaleParams } from './params.js';

export const SCALABLE_DIMENSION = 'sagemaker:variant:DesiredInstanceCount';

export function variantResourceId(endpoint: string, variant: string): string {
  return `endpoint/${endpoint}/variant/${variant}`;
}

export const scaleAction: ActionDefinition<ScaleParams> = {
  mutatesEndpoint: true,
  runsInDryRun: false,
  async plan(params, ctx) {
    const lookup = await inServiceEndpoint(ctx);
    if ('skip' in lookup) return skip(lookup.skip);
    const { endpoint, name } = lookup;
    const variants = variantsOf(endpoint);

    const variant = ctx.signal.variant
      ? variants.find((v) => v.VariantName === ctx.signal.variant)
      : variants.length === 1
        ? variants[0]
        : busiestVariant(variants);
    if (!variant?.VariantName) {
      return skip(
        ctx.signal.variant
          ? `endpoint ${name} has no variant ${ctx.signal.variant}`
          : `endpoint ${name} has several variants with equal traffic: the signal names none to scale`,
      );
    }
    const variantName = variant.VariantName;
    const resourceId = variantResourceId(name, variantName);
    const [target] = await ctx.reader.describeScalableTargets([resourceId]);

    if ('restore' in params) return planRestore(ctx, name, variantName, resourceId);

    const cap = Math.min(params.max ?? ctx.runbook.defaults.scale.max, ctx.runbook.defaults.scale.max);
    const floor = Math.max(params.min ?? ctx.runbook.defaults.scale.min, 0);
    const current = target ? Math.max(instanceCount(variant), target.MinCapacity ?? 0) : instanceCount(variant);
    const wanted = 'by' in params ? current + params.by : 'to' in params ? params.to : Math.ceil(current * params.factor);
    const desired = Math.max(Math.min(wanted, cap), floor);
    const where = `${name}/${variantName}`;

    if (current >= cap) return skip(`${where} is already at ${current} instances, the cap is ${cap}`);
    if (desired <= current) return skip(`${where} has ${current} instances; the target ${desired} is not higher (scale only adds capacity)`);
    const capped = wanted > cap ? ` (capped at ${cap})` : '';

    return target
      ? planViaAutoScaling(ctx, target, name, variantName, current, desired, capped)
      : planViaInstanceCount(ctx, name, variantName, current, desired, capped);
  },
};

function planViaAutoScaling(
  ctx: PlanContext,
  target: ScalableTarget,
  endpoint: string,
  variant: string,
  current: number,
  desired: number,
  capped: string,
): ActionPlan {
  const before = { min: target.MinCapacity ?? 0, max: target.MaxCapacity ?? desired };
  const after = { min: desired, max: Math.max(before.max, desired) };
  return {
    status: 'planned',
    reason: `raise MinCapacity of ${endpoint}/${variant} from ${before.min} to ${desired}${capped} (${current} instances now; auto scaling target)`,
    calls: [
      {
        service: 'application-auto-scaling',
        operation: 'RegisterScalableTarget',
        input: {
          ServiceNamespace: 'sagemaker',
          ResourceId: target.ResourceId ?? variantResourceId(endpoint, variant),
          ScalableDimension: SCALABLE_DIMENSION,
          MinCapacity: after.min,
          MaxCapacity: after.max,
        },
      },
    ],
    remember: (store, now) =>
      store.putScaleChange(endpoint, variant, { via: 'auto-scaling', before, after, rule: ctx.rule.id, at: now }),
  };
}

function planViaInstanceCount(
  ctx: PlanContext,
  endpoint: string,
  variant: string,
  current: number,
  desired: number,
  capped: string,
): ActionPlan {
  return {
    status: 'planned',
    reason: `scale ${endpoint}/${variant} from ${current} to ${desired} instances${capped}`,
    calls: [
      {
        service: 'sagemaker',
        operation: 'UpdateEndpointWeightsAndCapacities',
        input: { EndpointName: endpoint, DesiredWeightsAndCapacities: [{ VariantName: variant, DesiredInstanceCount: desired }] },
      },
    ],
    remember: (store, now) =>
      store.putScaleChange(endpoint, variant, {
        via: 'instance-count',
        before: { count: current },
        after: { count: desired },
        rule: ctx.rule.id,
        at: now,
      }),
  };
}

async function planRestore(ctx: PlanContext, endpoint: string, variant: string, resourceId: string): Promise<ActionPlan> {
  const change = await ctx.store.getScaleChange(endpoint, variant);
  if (!change) return skip(`nothing to restore: no scale-out of ${endpoint}/${variant} is recorded`);
  const forget = (store: Parameters<NonNullable<ActionPlan['remember']>>[0]) => store.deleteScaleChange(endpoint, variant);
  if (change.via === 'auto-scaling') {
    return {
      status: 'planned',
      reason: `restore MinCapacity of ${endpoint}/${variant} to ${change.before.min} (raised to ${change.after.min} by ${change.rule})`,
      calls: [
        {
          service: 'application-auto-scaling',
          operation: 'RegisterScalableTarget',
          input: {
            ServiceNamespace: 'sagemaker',
            ResourceId: resourceId,
            ScalableDimension: SCALABLE_DIMENSION,
            MinCapacity: change.before.min,
            MaxCapacity: change.before.max,
          },
        },
      ],
      remember: forget,
    };
  }
  return {
    status: 'planned',
    reason: `restore ${endpoint}/${variant} to ${change.before.count} instances (raised to ${change.after.count} by ${change.rule})`,
    calls: [
      {
        service: 'sagemaker',
        operation: 'UpdateEndpointWeightsAndCapacities',
        input: {
          EndpointName: endpoint,
          DesiredWeightsAndCapacities: [{ VariantName: variant, DesiredInstanceCount: change.before.count }],
        },
      },
    ],
    remember: forget,
  };
}
