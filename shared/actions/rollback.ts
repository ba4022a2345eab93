/**
 * rollback: UpdateEndpoint back to the EndpointConfig that was live before the current one,
 * from the history recorded off endpoint state-change events.
 *
 * RetainAllVariantProperties is false on purpose: a rollback restores the last known-good
 * configuration as it was (variant names, weights, instance counts). Retaining the current
 * properties would carry weights and counts of the bad deployment over (including a traffic
 * shift or scale-out made while it was failing), and would fail outright when the old
 * config's variants are named differently. The cost: capacity added since that config was
 * live is dropped; an auto scaling target on the variant raises it again within its range.
 * SageMaker refuses the update (ValidationException, reported as a failed action) when it
 * would change the instance type of a variant that has an auto scaling target.
 *
 * With `wait` or `rollbackAlarms` the update carries the blue/green DeploymentConfig of
 * deployment-config.ts (the old fleet kept for `wait`, default 5m); without them the request is
 * the plain UpdateEndpoint it always was. SageMaker runs such a deployment only when the older
 * config has the same variant names as the live one.
 */
import type { ActionDefinition } from './action.js';
import { skip } from './action.js';
import { deploymentConfig, describeDeployment, hasDeploymentOptions } from './deployment-config.js';
import { inServiceEndpoint, notActionable } from './endpoint-facts.js';
import type { RollbackParams } from './params.js';
import { sameDeployment } from './redeploy.js';

export const rollbackAction: ActionDefinition<RollbackParams> = {
  mutatesEndpoint: true,
  runsInDryRun: false,
  async plan(params, ctx) {
    const lookup = await inServiceEndpoint(ctx);
    if ('skip' in lookup) return notActionable(lookup);
    const { endpoint, name } = lookup;
    const current = endpoint.EndpointConfigName;
    const history = await ctx.store.getEndpointConfigHistory(name);
    if (history.length === 0) return skip(`no EndpointConfig history is recorded for ${name}: nothing to roll back to`);
    const at = current ? history.lastIndexOf(current) : -1;
    if (at === -1) {
      return skip(
        `the live config ${current ?? '(unknown)'} of ${name} is not in the recorded history (${history.join(', ')}): cannot tell which config came before it`,
      );
    }
    // The last config before the live one that runs other models: not a redeploy copy of it.
    const previous = history
      .slice(0, at)
      .reverse()
      .find((c) => !sameDeployment(c, current as string));
    if (!previous) return skip(`no EndpointConfig was live on ${name} before ${current}: nothing to roll back to`);
    const input: Record<string, unknown> = { EndpointName: name, EndpointConfigName: previous, RetainAllVariantProperties: false };
    const deployment = hasDeploymentOptions(params);
    if (deployment) input.DeploymentConfig = deploymentConfig(params);
    return {
      status: 'planned',
      reason: `roll ${name} back from ${current} to ${previous} (its variants, weights and instance counts as configured there${deployment ? `; ${describeDeployment(params)}` : ''})`,
      calls: [{ service: 'sagemaker', operation: 'UpdateEndpoint', input }],
    };
  },
};
