import { describe, expect, it } from 'vitest';
import { findUnknownTemplates, renderTemplate } from '../../shared/runbook/template.js';

describe('renderTemplate', () => {
  const vars = {
    endpoint: 'churn-prod',
    variant: 'AllTraffic',
    alarm: 'churn-latency',
    rule: 'latency-scale-out',
    monitoringType: 'DataQuality',
    schedule: 'churn-dq',
  };

  it('replaces all six names', () => {
    expect(renderTemplate('{{endpoint}}/{{variant}} {{alarm}} {{rule}} {{monitoringType}} {{schedule}}', vars)).toEqual({
      text: 'churn-prod/AllTraffic churn-latency latency-scale-out DataQuality churn-dq',
      missing: [],
    });
  });

  it('allows spaces inside the braces', () => {
    expect(renderTemplate('{{ endpoint }} is slow', vars).text).toBe('churn-prod is slow');
  });

  it('renders missing values as "unknown" and reports each once', () => {
    expect(renderTemplate('{{alarm}} on {{endpoint}} ({{alarm}}, {{schedule}})', { endpoint: 'e', schedule: '' })).toEqual({
      text: 'unknown on e (unknown, unknown)',
      missing: ['alarm', 'schedule'],
    });
  });

  it('does not render values again, so a value cannot inject a template', () => {
    expect(renderTemplate('{{endpoint}}', { endpoint: '{{rule}}', rule: 'r' }).text).toBe('{{rule}}');
  });

  it('leaves text without templates, and unknown names, as written', () => {
    expect(renderTemplate('plain {text} {{nope}} {{', vars)).toEqual({ text: 'plain {text} {{nope}} {{', missing: [] });
  });
});

describe('findUnknownTemplates', () => {
  it('lists each unknown name once, in order', () => {
    expect(findUnknownTemplates('{{endpiont}} {{endpoint}} {{constructor}} {{endpiont}}')).toEqual(['endpiont', 'constructor']);
  });
});
