/**
 * shift-traffic: move traffic away from the failing variant with DesiredWeight. `previous`
 * means the endpoint's other variant; with no variant on the signal, traffic moves away from
 * the variant that takes the most now. Refused when the target has no instances (requests
 * would fail) or when "previous" could mean more than one variant.
 */
import type { ProductionVariantSummary } from '@aws-sdk/client-sagemaker';
import type { ActionDefinition } from './action.js';
import { skip } from './action.js';
import { busiestVariant, inServiceEndpoint, instanceCount, notActionable, variantsOf, weightOf } from './endpoint-facts.js';
import type { ShiftTrafficParams } from './params.js';

export const shiftTrafficAction: ActionDefinition<ShiftTrafficParams> = {
  mutatesEndpoint: true,
  runsInDryRun: false,
  async plan(params, ctx) {
    const lookup = await inServiceEndpoint(ctx);
    if ('skip' in lookup) return notActionable(lookup);
    const { endpoint, name } = lookup;
    const variants = variantsOf(endpoint);
    if (variants.length < 2) {
      return skip(`endpoint ${name} has a single variant (${variants[0]?.VariantName ?? 'none'}): there is nowhere to shift traffic`);
    }

    // The variant the signal is about; with none named, the one taking the most traffic now.
    const from = ctx.signal.variant ? variants.find((v) => v.VariantName === ctx.signal.variant) : busiestVariant(variants);
    if (ctx.signal.variant && !from) return skip(`endpoint ${name} has no variant ${ctx.signal.variant}`);

    let to: ProductionVariantSummary | undefined;
    if (params.to === 'previous') {
      if (!from) return skip(`endpoint ${name}: no variant takes more traffic than the others, so "away from" is ambiguous`);
      const others = variants.filter((v) => v !== from);
      if (others.length !== 1) {
        return skip(
          `"previous" is ambiguous on ${name}: besides ${from.VariantName} there are ${others.map((v) => v.VariantName).join(', ')}; name the variant in the runbook`,
        );
      }
      to = others[0];
    } else {
      to = variants.find((v) => v.VariantName === params.to);
      if (!to) return skip(`endpoint ${name} has no variant ${params.to} (it has ${variants.map((v) => v.VariantName).join(', ')})`);
      if (to === from && ctx.signal.variant) return skip(`the signal is about ${params.to} itself: shifting traffic to it would not help`);
    }
    if (!to?.VariantName) return skip(`endpoint ${name} has a variant without a name`);
    // A serverless variant has no instances but scales from zero on its own.
    if (instanceCount(to) === 0 && !to.CurrentServerlessConfig) {
      return skip(`variant ${to.VariantName} of ${name} has no instances: shifting traffic to it would fail requests`);
    }

    const share = params.weight / 100;
    const total = variants.reduce((sum, v) => sum + weightOf(v), 0);
    const currentShare = total > 0 ? weightOf(to) / total : 0;
    if (currentShare >= share) {
      return skip(`${to.VariantName} already takes ${pct(currentShare)} of ${name}'s traffic (wanted ${params.weight}%)`);
    }

    // Weights are relative: the target gets `share`, the others split the rest in proportion.
    const rest = variants.filter((v) => v !== to);
    const restTotal = rest.reduce((sum, v) => sum + weightOf(v), 0);
    const desired = variants.map((v) => ({
      VariantName: v.VariantName,
      DesiredWeight: v === to ? share : round((1 - share) * (restTotal > 0 ? weightOf(v) / restTotal : 1 / rest.length)),
    }));
    return {
      status: 'planned',
      reason: `shift ${params.weight}% of ${name}'s traffic ${from && from !== to ? `from ${from.VariantName} ` : ''}to ${to.VariantName} (now ${pct(currentShare)})`,
      calls: [
        {
          service: 'sagemaker',
          operation: 'UpdateEndpointWeightsAndCapacities',
          input: { EndpointName: name, DesiredWeightsAndCapacities: desired },
        },
      ],
    };
  },
};

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function pct(share: number): string {
  return `${Math.round(share * 100)}%`;
}
