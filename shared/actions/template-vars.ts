/** The values templates like {{endpoint}} stand for, for one signal and rule. */
import type { Rule } from '../runbook/types.js';
import type { Signal } from '../signals/types.js';

export function templateVars(signal: Signal, rule: Rule): Record<string, string | undefined> {
  return {
    endpoint: signal.endpoint,
    variant: signal.variant,
    alarm: signal.kind === 'alarm' ? signal.alarm : undefined,
    rule: rule.id,
    monitoringType: signal.kind === 'monitoring' ? signal.monitoringType : undefined,
    schedule: signal.kind === 'monitoring' ? signal.schedule : undefined,
  };
}
