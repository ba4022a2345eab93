/**
 * Where the engine's own notices go ("human needed" when a circuit opens, "did not clear" when a
 * ladder is exhausted): the topic of the rule's first notify (its own steps included), else the
 * topic aliased `ops`, else the first topic of the runbook.
 */
import type { Rule, Runbook } from '../runbook/types.js';

export function noticeTopicArn(rule: Rule, runbook: Runbook): string | undefined {
  const notify = [...rule.actions, ...rule.escalate.flatMap((step) => step.actions)].find((a) => a.type === 'notify');
  const alias = notify?.type === 'notify' ? notify.params.topic : undefined;
  return (alias && runbook.topics[alias]) || runbook.topics.ops || Object.values(runbook.topics)[0];
}
