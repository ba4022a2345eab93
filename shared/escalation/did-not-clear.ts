/** The one message an exhausted ladder sends: the automation tried every step and the alarm is still in ALARM. */
import { noticeTopicArn } from '../actions/notice-topic.js';
import { durationBetween } from '../actions/notify-message.js';
import type { ActionReport } from '../report.js';
import type { Rule, Runbook } from '../runbook/types.js';
import { snsSubject } from '../sns-subject.js';
import type { LadderState } from '../state/store.js';

export function didNotClear(ladder: LadderState, rule: Rule, runbook: Runbook, nowIso: string): ActionReport {
  const topicArn = noticeTopicArn(rule, runbook);
  const endpoint = ladder.endpoint ?? 'unknown endpoint';
  if (!topicArn) {
    return {
      type: 'notify',
      rule: rule.id,
      status: 'skipped',
      reason: 'ladder exhausted but the runbook defines no topic to tell',
      calls: [],
    };
  }
  const lasted = durationBetween(ladder.since, nowIso);
  const steps = rule.escalate.map((step, i) => `  ${i + 1}. ${step.actions.map((a) => a.type).join(', ')}`);
  const message = [
    `Remediation did not clear ${ladder.alarm}: it is still in ALARM${lasted ? ` after ${lasted}` : ''}.`,
    '',
    `Endpoint: ${endpoint}`,
    `Runbook rule: ${rule.id}${rule.description ? ` (${rule.description})` : ''}`,
    `In ALARM since: ${ladder.since}`,
    `model-medic ran the rule's actions (${rule.actions.map((a) => a.type).join(', ')}), then every escalation step:`,
    ...steps,
    '',
    'Nothing more will be tried automatically for this alarm until it leaves ALARM. A human is needed:',
    `look at the endpoint, its alarms and the audit trail (medic history --endpoint ${endpoint}).`,
  ].join('\n');
  return {
    type: 'notify',
    rule: rule.id,
    status: 'planned',
    reason: `ladder exhausted: tell a human that remediation did not clear ${ladder.alarm}`,
    calls: [
      {
        service: 'sns',
        operation: 'Publish',
        input: {
          TopicArn: topicArn,
          Subject: snsSubject(`[CRITICAL] ${endpoint}: remediation did not clear ${ladder.alarm}`, { flag: 'human needed' }),
          Message: message,
          MessageAttributes: {
            severity: { DataType: 'String', StringValue: 'critical' },
            rule: { DataType: 'String', StringValue: rule.id },
            kind: { DataType: 'String', StringValue: 'ladder-exhausted' },
            endpoint: { DataType: 'String', StringValue: endpoint },
          },
        },
      },
    ],
  };
}
