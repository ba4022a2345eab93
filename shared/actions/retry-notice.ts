/**
 * The follow-up after a retry succeeds. A rule whose action failed transiently has already told
 * its topic "[ACTION FAILED]"; the retry of the event runs only what did not finish and does not
 * repeat that notify, so without this the only word anyone got says "failed". When every action
 * of the rule is now done, each topic that was told of the failure gets one short notice that the
 * automation recovered (at most once: the engine records it like any action).
 */
import type { AwsCall } from '../aws/ports.js';
import type { ActionReport } from '../report.js';
import type { Rule } from '../runbook/types.js';
import type { Signal } from '../signals/types.js';
import { snsSubject } from '../sns-subject.js';
import { headline } from './notify-message.js';

/** The action id of the follow-up in the signal's completion records. */
export const retryNoticeId = (rule: Rule) => `${rule.id}#retry-succeeded`;

/**
 * The notice to send, or undefined: `done` holds the records of earlier attempts, `now` this
 * attempt's reports of the rule's actions in order.
 */
export function retrySucceededNotice(
  rule: Rule,
  signal: Signal,
  done: Map<string, ActionReport>,
  now: ActionReport[],
): ActionReport | undefined {
  if (done.has(retryNoticeId(rule))) return undefined;
  const toldFailed = rule.actions
    .map((_, i) => done.get(`${rule.id}#${i}`))
    .filter((a): a is ActionReport => a?.type === 'notify' && a.status === 'executed')
    .filter(
      (a) =>
        (a.calls[0]?.input.MessageAttributes as Record<string, { StringValue?: string }> | undefined)?.outcome?.StringValue === 'failed',
    );
  if (toldFailed.length === 0) return undefined;
  if (now.length < rule.actions.length || now.some((a) => a.status !== 'executed' && a.status !== 'skipped')) return undefined;
  const recovered = now.filter((a) => a.type !== 'notify');
  const what = recovered.map((a) => a.type).join(', ') || 'the automation';
  const endpoint = signal.endpoint ? `${signal.endpoint}: ` : '';
  const subject = snsSubject(`${endpoint}${what} succeeded on retry (${headline(signal)})`, { flag: 'RECOVERED' });
  const message = [
    `The automatic ${what} that failed earlier for ${headline(signal)}${signal.endpoint ? ` on ${signal.endpoint}` : ''} succeeded when the event was retried.`,
    '',
    'Done now:',
    ...recovered.map((a) => `  - ${a.type}: ${a.reason.replace(/^already done in an earlier attempt: /, '')}`),
    '',
    `Runbook rule: ${rule.id}. Earlier notice: "${String(toldFailed[0]?.calls[0]?.input.Subject ?? '')}".`,
  ].join('\n');
  const calls: AwsCall[] = [...new Set(toldFailed.map((a) => String(a.calls[0]?.input.TopicArn)))].map((TopicArn) => ({
    service: 'sns',
    operation: 'Publish',
    input: {
      TopicArn,
      Subject: subject,
      Message: message,
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: 'info' },
        rule: { DataType: 'String', StringValue: rule.id },
        kind: { DataType: 'String', StringValue: signal.kind },
        outcome: { DataType: 'String', StringValue: 'recovered' },
        ...(signal.endpoint ? { endpoint: { DataType: 'String', StringValue: signal.endpoint } } : {}),
      },
    },
  }));
  return {
    type: 'notify',
    rule: rule.id,
    status: 'planned',
    reason: `tell ${calls.length === 1 ? 'the topic' : 'the topics'} that was told of the failure: ${what} succeeded on retry`,
    calls,
  };
}
