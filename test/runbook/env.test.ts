// biome-ignore-all lint/suspicious/noTemplateCurlyInString: runbook text spells ${env:NAME} literally
import { describe, expect, it } from 'vitest';
import { substituteEnvInText } from '../../shared/runbook/env.js';
import { loadRunbook } from '../../shared/runbook/load.js';
import { issuesOf } from './fixtures.js';

describe('substituteEnvInText', () => {
  it('replaces a set variable', () => {
    expect(substituteEnvInText('${env:TOPIC}', { TOPIC: 'arn:x' })).toEqual({ text: 'arn:x', problems: [] });
  });

  it('uses the default, which may contain colons, when the variable is unset or empty', () => {
    const text = '${env:OPS_TOPIC_ARN, arn:aws:sns:us-east-1:111122223333:model-medic-ops}';
    const expected = { text: 'arn:aws:sns:us-east-1:111122223333:model-medic-ops', problems: [] };
    expect(substituteEnvInText(text, {})).toEqual(expected);
    expect(substituteEnvInText(text, { OPS_TOPIC_ARN: '' })).toEqual(expected);
    expect(substituteEnvInText(text, { OPS_TOPIC_ARN: 'arn:set' })).toEqual({ text: 'arn:set', problems: [] });
  });

  it('keeps text around references and handles several in one value', () => {
    expect(substituteEnvInText('${env:A}-${env:B, b}-x', { A: 'a' })).toEqual({ text: 'a-b-x', problems: [] });
  });

  it('takes an empty default as the empty string', () => {
    expect(substituteEnvInText('x${env:A,}y', {})).toEqual({ text: 'xy', problems: [] });
  });

  it('inserts values literally, never re-substituting them', () => {
    expect(substituteEnvInText('${env:A}', { A: '${env:B}' })).toEqual({ text: '${env:B}', problems: [] });
  });

  it('leaves other ${...} text alone', () => {
    expect(substituteEnvInText('${HOME} $env {{endpoint}}', {})).toEqual({ text: '${HOME} $env {{endpoint}}', problems: [] });
  });

  it('reports an unset variable without a default', () => {
    expect(substituteEnvInText('${env:OPS_TOPIC_ARN}', {})).toEqual({
      text: '',
      problems: ['environment variable OPS_TOPIC_ARN is not set and has no default'],
    });
  });

  it('reports malformed and unclosed references', () => {
    expect(substituteEnvInText('${env:}', {}).problems).toEqual([
      'malformed environment reference "${env:}": expected ${env:NAME} or ${env:NAME, default}',
    ]);
    expect(substituteEnvInText('${env:bad-name}', {}).problems).toEqual([
      'malformed environment reference "${env:bad-name}": expected ${env:NAME} or ${env:NAME, default}',
    ]);
    expect(substituteEnvInText('x ${env:OPS', {}).problems).toEqual([
      'unclosed environment reference "${env:OPS": expected ${env:NAME} or ${env:NAME, default}',
    ]);
  });
});

describe('environment substitution in a runbook', () => {
  // Block style throughout: in a flow map `{ ... }` a reference must be quoted, and quoted
  // values stay strings.
  const runbook = (topicLine: string, maxValue = '8') =>
    [
      'version: 1',
      'defaults:',
      '  scale:',
      `    max: ${maxValue}`,
      'topics:',
      topicLine,
      'rules:',
      '  - id: r',
      '    match: { kind: alarm }',
      '    actions:',
      '      - notify: { topic: ops, subject: "${env:SUBJECT, {{endpoint}} is slow}" }',
    ].join('\n');

  it('fills values from the given environment before validating them', () => {
    const loaded = loadRunbook(runbook('  ops: ${env:OPS_TOPIC_ARN}'), 'runbook.yml', {
      OPS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:ops',
    });
    expect(loaded.topics).toEqual({ ops: 'arn:aws:sns:eu-west-1:123456789012:ops' });
    expect(loaded.rules[0]?.actions[0]).toEqual({
      type: 'notify',
      params: { topic: 'ops', severity: 'medium', subject: '{{endpoint}} is slow' },
    });
  });

  it('reports an unset variable at its scalar, once, not also as a bad ARN', () => {
    expect(issuesOf(runbook('  ops: ${env:OPS_TOPIC_ARN}'))).toEqual([
      'runbook.yml:6:8 topics.ops: environment variable OPS_TOPIC_ARN is not set and has no default',
    ]);
  });

  it('validates the substituted value', () => {
    expect(issuesOf(runbook('  ops: ${env:OPS_TOPIC_ARN}'), { OPS_TOPIC_ARN: 'ops-topic' })).toEqual([
      'runbook.yml:6:8 topics.ops: expected an SNS topic ARN like arn:aws:sns:REGION:ACCOUNT:NAME, got "ops-topic"',
    ]);
  });

  it('gives an unquoted value the type it would have had if written inline', () => {
    const text = runbook('  ops: arn:aws:sns:us-east-1:111122223333:ops', '${env:SCALE_MAX, 4}');
    expect(loadRunbook(text, 'runbook.yml', {}).defaults.scale.max).toBe(4);
    expect(loadRunbook(text, 'runbook.yml', { SCALE_MAX: '12' }).defaults.scale.max).toBe(12);
  });

  it('keeps a quoted value a string', () => {
    const text = runbook('  ops: arn:aws:sns:us-east-1:111122223333:ops', '"${env:SCALE_MAX, 4}"');
    expect(issuesOf(text)).toEqual(['runbook.yml:4:10 defaults.scale.max: expected a positive integer']);
  });

  it('does not substitute in keys', () => {
    const text = ['version: 1', 'topics:', '  ${env:ALIAS}: arn:aws:sns:us-east-1:111122223333:ops', 'rules: []'].join('\n');
    expect(issuesOf(text, { ALIAS: 'ops' })).toEqual([
      'runbook.yml:3:3 topics["${env:ALIAS}"]: alias names start with a letter or digit and use only letters, digits, ".", "_" and "-"',
    ]);
  });
});
