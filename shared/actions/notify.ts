/**
 * notify: SNS Publish with a readable subject and body, and MessageAttributes (severity,
 * endpoint, rule, kind) so subscribers can filter. Reports the outcome of the actions
 * listed before it in the rule. Sent in dry-run too: "would have done ...".
 */

import { renderTemplate } from '../runbook/template.js';
import type { ActionDefinition } from './action.js';
import { skip } from './action.js';
import { buildMessage, buildSubject } from './notify-message.js';
import type { NotifyParams } from './params.js';
import { templateVars } from './template-vars.js';

export const notifyAction: ActionDefinition<NotifyParams> = {
  mutatesEndpoint: false,
  runsInDryRun: true,
  async plan(params, ctx) {
    const topicArn = ctx.runbook.topics[params.topic];
    if (!topicArn) return skip(`unknown topic alias ${params.topic}`); // validated at load; defensive
    const subjectTemplate = params.subject ? renderTemplate(params.subject, templateVars(ctx.signal, ctx.rule)).text : undefined;
    const failed = ctx.earlier.some((a) => a.status === 'failed');
    const flag = failed ? 'ACTION FAILED' : ctx.escalation ? `escalation ${ctx.escalation.step}/${ctx.escalation.of}` : undefined;
    const subject = buildSubject(ctx.signal, params.severity, subjectTemplate, flag);
    const message = buildMessage({
      signal: ctx.signal,
      rule: ctx.rule,
      earlier: ctx.earlier,
      dryRun: ctx.mode === 'dry-run',
      ...(ctx.notes ? { notes: ctx.notes } : {}),
    });
    const attributes: Record<string, { DataType: 'String'; StringValue: string }> = {
      severity: { DataType: 'String', StringValue: params.severity },
      rule: { DataType: 'String', StringValue: ctx.rule.id },
      kind: { DataType: 'String', StringValue: ctx.signal.kind },
    };
    // SNS rejects empty attribute values: leave endpoint out when unknown.
    if (ctx.signal.endpoint) attributes.endpoint = { DataType: 'String', StringValue: ctx.signal.endpoint };
    // Lets a subscription filter on `{"outcome": ["failed"]}` to page only when automation failed.
    if (failed) attributes.outcome = { DataType: 'String', StringValue: 'failed' };
    return {
      status: 'planned',
      reason: `publish "${subject}" to ${params.topic}`,
      calls: [
        {
          service: 'sns',
          operation: 'Publish',
          input: { TopicArn: topicArn, Subject: subject, Message: message, MessageAttributes: attributes },
        },
      ],
    };
  },
};
