/**
 * The notices the engine sends itself, not a rule's notify: "human needed" when a circuit opens,
 * "remediation did not clear" when a ladder is exhausted, what became of an approval. One SNS
 * Publish each (critical unless said otherwise), to the
 * topic of the rule's first notify (its own ladder steps included), else the topic aliased `ops`,
 * else the first topic of the runbook; skipped with a reason when the runbook has no topic.
 */
import type { ActionReport } from '../report.js';
import type { Rule, Runbook } from '../runbook/types.js';
import { snsSubject } from '../sns-subject.js';

export function noticeTopicArn(rule: Pick<Rule, 'actions' | 'escalate'>, runbook: Runbook): string | undefined {
  const notify = [...rule.actions, ...rule.escalate.flatMap((step) => step.actions)].find((a) => a.type === 'notify');
  const alias = notify?.type === 'notify' ? notify.params.topic : undefined;
  return (alias && runbook.topics[alias]) || runbook.topics.ops || Object.values(runbook.topics)[0];
}

export interface EngineNotice {
  /** The rule it is about (a rule no longer in the runbook: its id, with no actions). */
  rule: Pick<Rule, 'id' | 'actions' | 'escalate'>;
  runbook: Runbook;
  endpoint: string;
  /** The subject before the `[human needed]` flag, e.g. `[CRITICAL] fraud-prod: ...`. */
  subject: string;
  message: string;
  /** The `kind` message attribute, for subscription filters: circuit-open, ladder-exhausted, approval-*. */
  kind: string;
  /** Default `critical`. */
  severity?: string;
  /** Appended to the subject, surviving truncation; default `human needed`, null for none. */
  flag?: string | null;
  /** What the report says it does, and why it is skipped without a topic. */
  reason: string;
  skippedReason: string;
}

export function engineNotice(notice: EngineNotice): ActionReport {
  const { rule, endpoint } = notice;
  const topicArn = noticeTopicArn(rule, notice.runbook);
  const flag = notice.flag === undefined ? 'human needed' : notice.flag;
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
          Subject: snsSubject(notice.subject, flag === null ? {} : { flag }),
          Message: notice.message,
          MessageAttributes: {
            severity: { DataType: 'String', StringValue: notice.severity ?? 'critical' },
            rule: { DataType: 'String', StringValue: rule.id },
            kind: { DataType: 'String', StringValue: notice.kind },
            endpoint: { DataType: 'String', StringValue: endpoint },
          },
        },
      },
    ],
  };
}
