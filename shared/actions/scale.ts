/**
 * scale: raise a variant's capacity, never above the cap.
 *
 * With an Application Auto Scaling target, a DesiredInstanceCount set directly would be
 * undone by the scaling policy at its next evaluation, so we raise MinCapacity instead
 * (RegisterScalableTarget updates only the parameters given, and moves the current capacity
 * into the new range at once). MaxCapacity is sent only when the new minimum exceeds it.
 * Without a target, UpdateEndpointWeightsAndCapacities sets DesiredInstanceCount.
 *
 * `restore: true` puts back what the last scale-out of that variant changed, unless someone
 * set a third value since (then the human's change wins and restore is skipped with the
 * reason). A value still at "before" is restored anyway: the call is then a no-op, and replay
 * and backtest, whose recorded AWS state never changes, plan the same call as a live run.
 */
import type { ProductionVariantSummary } from '@aws-sdk/client-sagemaker';
import type { ScalableTarget } from '../aws/ports.js';
import type { ScaleChange, StateStore } from '../state/store.js';
import type { ActionDefinition, ActionPlan, PlanContext } from './action.js';
import { skip } from './action.js';
import { busiestVariant, inServiceEndpoint, instanceCount, notActionable, variantsOf } from './endpoint-facts.js';
import type { ScaleParams } from './params.js';

export const SCALABLE_DIMENSION = 'sagemaker:variant:DesiredInstanceCount';

export function variantResourceId(endpoint: string, variant: string): string {
  return `endpoint/${endpoint}/variant/${variant}`;
}

interface Where {
  endpoint: string;
  variant: string;
  label: string;
}

export const scaleAction: ActionDefinition<ScaleParams> = {
  mutatesEndpoint: true,
  runsInDryRun: false,
  async plan(params, ctx) {
    const lookup = await inServiceEndpoint(ctx);
    if ('skip' in lookup) return notActionable(lookup);
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
    const where: Where = { endpoint: name, variant: variant.VariantName, label: `${name}/${variant.VariantName}` };
    if (variant.CurrentServerlessConfig) {
      return skip(`${where.label} is a serverless variant: it has no instances to add (raise MaxConcurrency in its config instead)`);
    }
    const [target] = await ctx.reader.describeScalableTargets([variantResourceId(name, where.variant)]);

    if ('restore' in params) return planRestore(ctx, where, variant, target);

    const cap = Math.min(params.max ?? ctx.runbook.defaults.scale.max, ctx.runbook.defaults.scale.max);
    const floor = Math.max(params.min ?? ctx.runbook.defaults.scale.min, 0);
    const current = target ? Math.max(instanceCount(variant), target.MinCapacity ?? 0) : instanceCount(variant);
    const wanted = 'by' in params ? current + params.by : 'to' in params ? params.to : Math.ceil(current * params.factor);
    const desired = Math.min(Math.max(wanted, floor), cap);

    if (current >= cap) return skip(`${where.label} is already at ${current} instances, the cap is ${cap}`);
    if (desired <= current)
      return skip(`${where.label} has ${current} instances; the target ${desired} is not higher (scale only adds capacity)`);
    const capped = wanted > cap ? ` (capped at ${cap})` : '';

    return target
      ? planViaAutoScaling(ctx, target, where, current, desired, capped)
      : planViaInstanceCount(ctx, where, current, desired, capped);
  },
};

function planViaAutoScaling(
  ctx: PlanContext,
  target: ScalableTarget,
  where: Where,
  current: number,
  desired: number,
  capped: string,
): ActionPlan {
  const before = { min: target.MinCapacity ?? 0, max: target.MaxCapacity ?? desired };
  const after = { min: desired, max: Math.max(before.max, desired) };
  const input: Record<string, unknown> = {
    ServiceNamespace: 'sagemaker',
    ResourceId: target.ResourceId ?? variantResourceId(where.endpoint, where.variant),
    ScalableDimension: SCALABLE_DIMENSION,
    MinCapacity: after.min,
  };
  if (after.max !== before.max) input.MaxCapacity = after.max;
  const raisedMax = after.max !== before.max ? ` and MaxCapacity from ${before.max} to ${after.max}` : '';
  return {
    status: 'planned',
    reason: `raise MinCapacity of ${where.label} from ${before.min} to ${desired}${raisedMax}${capped} (${current} instance${current === 1 ? '' : 's'} now; auto scaling target)`,
    calls: [{ service: 'application-auto-scaling', operation: 'RegisterScalableTarget', input }],
    remember: (store, now) =>
      store.putScaleChange(where.endpoint, where.variant, { via: 'auto-scaling', before, after, rule: ctx.rule.id, at: now }),
  };
}

function planViaInstanceCount(ctx: PlanContext, where: Where, current: number, desired: number, capped: string): ActionPlan {
  return {
    status: 'planned',
    reason: `scale ${where.label} from ${current} to ${desired} instances${capped}`,
    calls: [
      {
        service: 'sagemaker',
        operation: 'UpdateEndpointWeightsAndCapacities',
        input: {
          EndpointName: where.endpoint,
          DesiredWeightsAndCapacities: [{ VariantName: where.variant, DesiredInstanceCount: desired }],
        },
      },
    ],
    remember: (store, now) =>
      store.putScaleChange(where.endpoint, where.variant, {
        via: 'instance-count',
        before: { count: current },
        after: { count: desired },
        rule: ctx.rule.id,
        at: now,
      }),
  };
}

async function planRestore(
  ctx: PlanContext,
  where: Where,
  variant: ProductionVariantSummary,
  target: ScalableTarget | undefined,
): Promise<ActionPlan> {
  const change = await ctx.store.getScaleChange(where.endpoint, where.variant);
  if (!change) return skip(`nothing to restore: no scale-out of ${where.label} is recorded`);
  const forget = (store: StateStore) => store.deleteScaleChange(where.endpoint, where.variant);
  const by = `raised by rule ${change.rule} at ${new Date(change.at).toISOString()}`;
  return change.via === 'auto-scaling'
    ? restoreAutoScaling(change, where, target, by, forget)
    : restoreInstanceCount(change, where, variant, by, forget);
}

function restoreAutoScaling(
  change: ScaleChange,
  where: Where,
  target: ScalableTarget | undefined,
  by: string,
  forget: (store: StateStore) => Promise<void>,
): ActionPlan {
  if (!target) return skip(`${where.label} no longer has an auto scaling target: nothing to restore (MinCapacity was ${by})`);
  if (!isOneOf(target.MinCapacity, change.before.min, change.after.min)) {
    return skip(
      `MinCapacity of ${where.label} is ${target.MinCapacity ?? 'unset'}, not the ${change.after.min} model-medic set (${by}): someone changed it since, so it is left alone`,
    );
  }
  const input: Record<string, unknown> = {
    ServiceNamespace: 'sagemaker',
    ResourceId: target.ResourceId ?? variantResourceId(where.endpoint, where.variant),
    ScalableDimension: SCALABLE_DIMENSION,
    MinCapacity: change.before.min ?? 0,
  };
  // Put MaxCapacity back only if the scale-out raised it and nobody changed it since.
  const restoreMax =
    change.before.max !== undefined &&
    change.after.max !== change.before.max &&
    isOneOf(target.MaxCapacity, change.before.max, change.after.max);
  if (restoreMax) input.MaxCapacity = change.before.max;
  return {
    status: 'planned',
    reason: `restore MinCapacity of ${where.label} to ${change.before.min}${restoreMax ? ` and MaxCapacity to ${change.before.max}` : ''} (${change.after.min} was ${by})`,
    calls: [{ service: 'application-auto-scaling', operation: 'RegisterScalableTarget', input }],
    remember: forget,
  };
}

function restoreInstanceCount(
  change: ScaleChange,
  where: Where,
  variant: ProductionVariantSummary,
  by: string,
  forget: (store: StateStore) => Promise<void>,
): ActionPlan {
  const now = instanceCount(variant);
  if (!isOneOf(now, change.before.count, change.after.count)) {
    return skip(
      `${where.label} has ${now} instances, not the ${change.after.count} model-medic set (${by}): someone changed it since, so it is left alone`,
    );
  }
  return {
    status: 'planned',
    reason: `restore ${where.label} to ${change.before.count} instances (${change.after.count} was ${by})`,
    calls: [
      {
        service: 'sagemaker',
        operation: 'UpdateEndpointWeightsAndCapacities',
        input: {
          EndpointName: where.endpoint,
          DesiredWeightsAndCapacities: [{ VariantName: where.variant, DesiredInstanceCount: change.before.count }],
        },
      },
    ],
    remember: forget,
  };
}

function isOneOf(value: number | undefined, ...allowed: Array<number | undefined>): boolean {
  return value !== undefined && allowed.includes(value);
}
