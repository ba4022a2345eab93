/** The one message an exhausted ladder sends: the automation tried every step and the alarm is still in ALARM. */
import { engineNotice } from '../actions/engine-notice.js';
import { durationBetween } from '../actions/notify-message.js';
import type { ActionReport } from '../report.js';
import type { Rule, Runbook } from '../runbook/types.js';
import type { LadderState } from '../state/store.js';

export function didNotClear(ladder: LadderState, rule: Rule, runbook: Runbook, nowIso: string): ActionReport {
  const endpoint = ladder.endpoint ?? 'unknown endpoint';
  const lasted = durationBetween(ladder.since, nowIso);
  const given = new Set(ladder.gaveUp ?? []);
  const steps = rule.escalate.map(
    (step, i) =>
      `  ${i + 1}. ${step.actions.map((a) => a.type).join(', ')}${given.has(i + 1) ? ' -- NOT RUN: the endpoint stayed busy, given up' : ''}`,
  );
  const message = [
    `Remediation did not clear ${ladder.alarm}: it is still in ALARM${lasted ? ` after ${lasted}` : ''}.`,
    '',
    `Endpoint: ${endpoint}`,
    `Runbook rule: ${rule.id}${rule.description ? ` (${rule.description})` : ''}`,
    `In ALARM since: ${ladder.since}`,
    `model-medic ran the rule's actions (${rule.actions.map((a) => a.type).join(', ')}), then the escalation steps:`,
    ...steps,
    '',
    'Nothing more will be tried automatically for this alarm until it leaves ALARM. A human is needed:',
    `look at the endpoint, its alarms and the audit trail (medic history --endpoint ${endpoint}).`,
  ].join('\n');
  return engineNotice({
    rule,
    runbook,
    endpoint,
    subject: `[CRITICAL] ${endpoint}: remediation did not clear ${ladder.alarm}`,
    message,
    kind: 'ladder-exhausted',
    reason: `ladder exhausted: tell a human that remediation did not clear ${ladder.alarm}`,
    skippedReason: 'ladder exhausted but the runbook defines no topic to tell',
  });
}
