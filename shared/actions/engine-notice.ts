/**
 * The notices the engine sends itself, not a rule's notify: "human needed" when a circuit opens,
 * "remediation did not clear" when a ladder is exhausted. One critical SNS Publish each, to the
 * topic of the rule's first notify (its own ladder steps included), else the topic aliased `ops`,
 * else the first topic of the runbook; skipped with a reason when the runbook has no topic.
 */
import type { ActionReport } from '../report.js';
import type { Rule, Runbook } from '../runbook/types.js';
import { snsSubject } from '../sns-subject.js';

export function noticeTopicArn(rule: Rule, runbook: Runbook): string | undefined {
  const notify = [...rule.actions, ...rule.escalate.flatMap((step) => step.actions)].find((a) => a.type === 'notify');
  const alias = notify?.type === 'notify' ? notify.params.topic : undefined;
  return (alias && runbook.topics[alias]) || runbook.topics.ops || Object.values(runbook.topics)[0];
}

export interface EngineNotice {
  rule: Rule;
  runbook: Runbook;
  endpoint: string;
  /** The subject before the `[human needed]` flag, e.g. `[CRITICAL] fraud-prod: ...`. */
  subject: string;
  message: string;
  /** The `kind` message attribute, for subscription filters: circuit-open, ladder-exhausted. */
  kind: string;
  /** What the report says it does, and why it is skipped without a topic. */
  reason: string;
  skippedReason: string;
}

export function engineNotice(notice: EngineNotice): ActionReport {
  const { rule, endpoint } = notice;
  const topicArn = noticeTopicArn(rule, notice.runbook);
  if (!topicArn) return { type: 'notify', rule: rule.id, status: 'skipped', reason: notice.skippedReason, calls: [] };
  return {
    type: 'notify',
    rule: rule.id,
    status: 'planned',
    reason: notice.reason,
    calls: [
      {
        service: 'sns',
        operation: 'Publish',
        input: {
          TopicArn: topicArn,
          Subject: snsSubject(notice.subject, { flag: 'human needed' }),
          Message: notice.message,
          MessageAttributes: {
            severity: { DataType: 'String', StringValue: 'critical' },
            rule: { DataType: 'String', StringValue: rule.id },
            kind: { DataType: 'String', StringValue: notice.kind },
            endpoint: { DataType: 'String', StringValue: endpoint },
          },
        },
      },
    ],
  };
}
