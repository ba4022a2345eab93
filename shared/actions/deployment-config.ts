/**
 * The DeploymentConfig of an UpdateEndpoint that rollback and redeploy send when the runbook
 * asks for one (redeploy always does): a blue/green deployment that moves all traffic at once
 * to the new fleet, keeps the old fleet for `wait` (the baking period: TerminationWaitInSeconds),
 * and, with `rollbackAlarms`, lets SageMaker roll the deployment back by itself when one of
 * those alarms goes off before the old fleet is gone.
 *
 * API shapes (SageMaker API reference, BlueGreenUpdatePolicy, TrafficRoutingConfig,
 * AutoRollbackConfig): TrafficRoutingConfiguration and its Type and WaitIntervalInSeconds are
 * required (0 to 3600; with ALL_AT_ONCE there is no step to wait between, so 0);
 * TerminationWaitInSeconds is 0 to 3600; Alarms takes 1 to 10 { AlarmName }. SageMaker requires
 * the new config to have the same variant names as the live one for a blue/green deployment.
 */
import { formatDuration } from '../runbook/duration.js';
import type { DeploymentOptions } from './params.js';

/** How long the old fleet is kept when the runbook does not say. */
export const DEFAULT_DEPLOYMENT_WAIT_MS = 300_000;

/** True when a rollback row set any deployment option (and so sends a DeploymentConfig). */
export function hasDeploymentOptions(options: DeploymentOptions): boolean {
  return options.wait !== undefined || options.rollbackAlarms !== undefined;
}

export function deploymentConfig(options: DeploymentOptions): Record<string, unknown> {
  const config: Record<string, unknown> = {
    BlueGreenUpdatePolicy: {
      TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 0 },
      TerminationWaitInSeconds: Math.round((options.wait ?? DEFAULT_DEPLOYMENT_WAIT_MS) / 1000),
    },
  };
  if (options.rollbackAlarms) {
    config.AutoRollbackConfiguration = { Alarms: options.rollbackAlarms.map((AlarmName) => ({ AlarmName })) };
  }
  return config;
}

/** `blue/green, all at once, old fleet kept 5m, rolled back by SageMaker if fraud-prod-5xx goes off`. */
export function describeDeployment(options: DeploymentOptions): string {
  const wait = options.wait ?? DEFAULT_DEPLOYMENT_WAIT_MS;
  const parts = ['blue/green', 'all at once', wait === 0 ? 'old fleet removed at once' : `old fleet kept ${formatDuration(wait)}`];
  const alarms = options.rollbackAlarms;
  if (alarms) {
    const names = alarms.length === 1 ? alarms[0] : `${alarms.slice(0, -1).join(', ')} or ${alarms[alarms.length - 1]}`;
    parts.push(`rolled back by SageMaker if ${names} goes off meanwhile`);
  }
  return parts.join(', ');
}
