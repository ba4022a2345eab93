/**
 * redeploy: new instances with the same models ("restart the endpoint"). CreateEndpointConfig
 * as a copy of the live config, then UpdateEndpoint to that copy with a blue/green
 * DeploymentConfig (deployment-config.ts): SageMaker brings up a new fleet, moves the traffic
 * and removes the old fleet after `wait`.
 *
 * The copy's name is `<live config>-medic-<first 8 hex of sha256(signal key)>`: a retry of the
 * same signal finds the copy it created and reuses it instead of creating another one, and
 * finds the endpoint already on it once the update was accepted. A live config that is itself
 * such a copy loses its suffix first, so names do not grow with every redeploy; the base is cut
 * so the name stays within SageMaker's 63 characters.
 *
 * RetainAllVariantProperties is true: the current weights and instance counts are kept (a
 * restart must not undo a scale-out or a traffic shift made since the config was created).
 */
import { hash } from 'node:crypto';
import type { DescribeEndpointConfigOutput } from '../aws/ports.js';
import type { ActionDefinition } from './action.js';
import { skip } from './action.js';
import { deploymentConfig, describeDeployment } from './deployment-config.js';
import { inServiceEndpoint, notActionable } from './endpoint-facts.js';
import type { RedeployParams } from './params.js';

/** SageMaker's limit on EndpointConfigName (pattern ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}). */
export const MAX_ENDPOINT_CONFIG_NAME = 63;

const MEDIC_SUFFIX = /-medic-[0-9a-f]{8}$/;

/**
 * What CreateEndpointConfig takes of a DescribeEndpointConfig answer: everything that defines
 * the endpoint. EndpointConfigArn and CreationTime are read-only; tags are not copied (they
 * are not part of DescribeEndpointConfig, and the copy is model-medic's, not the deployer's).
 */
const COPIED_FIELDS = [
  'ProductionVariants',
  'DataCaptureConfig',
  'KmsKeyId',
  'AsyncInferenceConfig',
  'ExplainerConfig',
  'ShadowProductionVariants',
  'ExecutionRoleArn',
  'VpcConfig',
  'EnableNetworkIsolation',
  'MetricsConfig',
] as const satisfies ReadonlyArray<keyof DescribeEndpointConfigOutput>;

/**
 * Whether two configs run the same models: equal, or one is a redeploy copy of the other (its
 * base may have been shortened to fit the name). Rollback looks past these: going "back" from a
 * redeployed copy to the config it copied would change nothing but the instances.
 */
export function sameDeployment(a: string, b: string): boolean {
  if (a === b) return true;
  const baseA = a.replace(MEDIC_SUFFIX, '');
  const baseB = b.replace(MEDIC_SUFFIX, '');
  if (baseA === baseB) return true;
  return (MEDIC_SUFFIX.test(a) && baseB.startsWith(baseA)) || (MEDIC_SUFFIX.test(b) && baseA.startsWith(baseB));
}

/** The name of this signal's copy of `liveConfig`. */
export function copyConfigName(liveConfig: string, signalKey: string): string {
  const suffix = `-medic-${hash('sha256', signalKey, 'hex').slice(0, 8)}`;
  const base = liveConfig
    .replace(MEDIC_SUFFIX, '')
    .slice(0, MAX_ENDPOINT_CONFIG_NAME - suffix.length)
    .replace(/-+$/, '');
  return `${base}${suffix}`;
}

/** The CreateEndpointConfig request that copies `live` under `name`. */
export function copyConfigRequest(live: DescribeEndpointConfigOutput, name: string): Record<string, unknown> {
  const input: Record<string, unknown> = { EndpointConfigName: name };
  for (const field of COPIED_FIELDS) {
    const value = live[field];
    if (value !== undefined && value !== null) input[field] = value;
  }
  return input;
}

export const redeployAction: ActionDefinition<RedeployParams> = {
  mutatesEndpoint: true,
  runsInDryRun: false,
  async plan(params, ctx) {
    const lookup = await inServiceEndpoint(ctx);
    if ('skip' in lookup) return notActionable(lookup);
    const { endpoint, name } = lookup;
    const live = endpoint.EndpointConfigName;
    if (!live) return skip(`DescribeEndpoint of ${name} names no EndpointConfig: nothing to copy`);
    const copy = copyConfigName(live, ctx.signal.key);
    if (live === copy) {
      return skip(`${name} already runs on ${copy}, the copy made for this signal: it was redeployed for it already`);
    }
    const how = describeDeployment(params);
    const update = {
      service: 'sagemaker' as const,
      operation: 'UpdateEndpoint',
      input: { EndpointName: name, EndpointConfigName: copy, RetainAllVariantProperties: true, DeploymentConfig: deploymentConfig(params) },
    };
    // A retry after the copy was created: use it as it is.
    if (await ctx.reader.describeEndpointConfig(copy)) {
      return {
        status: 'planned',
        reason: `redeploy ${name} on ${copy}, the copy of ${live} an earlier attempt for this signal created (${how})`,
        calls: [update],
      };
    }
    const config = await ctx.reader.describeEndpointConfig(live);
    if (!config) return skip(`the live EndpointConfig ${live} of ${name} does not exist (deleted while in use?): nothing to copy`);
    return {
      status: 'planned',
      reason: `redeploy ${name} on a copy of its live config ${live} as ${copy} (${how})`,
      calls: [{ service: 'sagemaker', operation: 'CreateEndpointConfig', input: copyConfigRequest(config, copy) }, update],
    };
  },
};
