// The application-auto-scaling client, loaded on first use (see ../client-loader.ts).
import { type ClientLoader, senderFor } from '../client-loader.js';

export const applicationAutoScaling: ClientLoader = {
  service: 'application-auto-scaling',
  async load(config) {
    const m = await import('../clients/application-auto-scaling.js');
    return senderFor(
      new m.ApplicationAutoScalingClient(config),
      { DescribeScalableTargets: m.DescribeScalableTargetsCommand, RegisterScalableTarget: m.RegisterScalableTargetCommand },
      'application-auto-scaling',
    );
  },
};
