/**
 * The checks a value from the environment must pass where a compiled runbook may hold a
 * `${env:…}` reference. `medic compile` validates the whole runbook with the environment it
 * runs in; the function resolves the references again at load with its own environment (the ops
 * topic ARN is only known once deployed), and each resolved value must then pass the same check
 * the schema applies to that field, here without zod, so a compiled runbook is accepted or
 * refused exactly as its YAML would be.
 *
 * The schema (schema.ts) uses the same pattern for topic ARNs: one definition of what is valid.
 */
import { MAX_SNS_SUBJECT } from '../sns-subject.js';
import { findGlobError } from './glob.js';
import { describeUnknownTemplate, findUnknownTemplates } from './template.js';

/** arn:PARTITION:sns:REGION:ACCOUNT:NAME, e.g. arn:aws:sns:us-east-1:111122223333:ops. */
export const SNS_TOPIC_ARN = /^arn:aws(?:-[a-z]+)*:sns:[a-z]{2}(?:-[a-z]+)+-\d+:\d{12}:[A-Za-z0-9_-]{1,256}(?:\.fifo)?$/;

export function describeBadTopicArn(arn: string): string {
  return `expected an SNS topic ARN like arn:aws:sns:REGION:ACCOUNT:NAME, got "${arn}"`;
}

/**
 * What a field holding a reference is, for its check:
 * - `topic-arn`: a `topics` value;
 * - `name`: a pipeline's name (non-empty text, known templates: every string of a pipeline is checked for them);
 * - `text`: a rule's description (any text);
 * - `subject`: a notify subject (1 to 99 characters, known templates);
 * - `parameter`: a pipeline parameter or variable (text, or a number or boolean taken as text; known templates);
 * - `glob`: a match value on a free-text signal field.
 */
export type EnvValueKind = 'topic-arn' | 'name' | 'text' | 'subject' | 'parameter' | 'glob';
export const ENV_VALUE_KINDS: readonly EnvValueKind[] = ['topic-arn', 'name', 'text', 'subject', 'parameter', 'glob'];

export type EnvValueCheck = { ok: true; value: string } | { ok: false; problems: string[] };

/** `value` (already substituted, and retyped if the reference was unquoted) as the field takes it, or why not. */
export function checkEnvValue(kind: EnvValueKind, value: string | number | boolean): EnvValueCheck {
  if (kind === 'parameter') {
    // As the schema's union of string, number and boolean: `.inf` and `.nan` are numbers zod refuses.
    if (typeof value === 'number' && !Number.isFinite(value)) return { ok: false, problems: ['expected a string'] };
    const text = String(value);
    return result(text, templateProblems(text));
  }
  if (typeof value !== 'string') return { ok: false, problems: [kind === 'topic-arn' ? 'expected an SNS topic ARN' : 'expected a string'] };
  switch (kind) {
    case 'topic-arn':
      return result(value, SNS_TOPIC_ARN.test(value) ? [] : [describeBadTopicArn(value)]);
    case 'name':
      return result(value, value === '' ? ['expected a non-empty pipeline name'] : templateProblems(value));
    case 'text':
      return result(value, []);
    case 'subject': {
      const problems = templateProblems(value);
      if (value === '') problems.unshift('expected a non-empty subject');
      if (value.length > MAX_SNS_SUBJECT) problems.unshift(`at most ${MAX_SNS_SUBJECT} characters`);
      return result(value, problems);
    }
    case 'glob': {
      const error = findGlobError(value);
      return result(value, error ? [error] : []);
    }
  }
}

function templateProblems(text: string): string[] {
  return findUnknownTemplates(text).map(describeUnknownTemplate);
}

function result(value: string, problems: string[]): EnvValueCheck {
  return problems.length === 0 ? { ok: true, value } : { ok: false, problems };
}

/**
 * Whether YAML reads `text`, written unquoted, as exactly that string: then an unquoted
 * reference needs no YAML parser to know its type. Conservative: anything that might be a
 * number, a boolean, null, a comment, a flow or block indicator, or folded across lines is
 * "not sure", and the caller asks the parser (env-document.ts, loaded only then).
 */
export function isSurelyPlainText(text: string): boolean {
  if (text === '' || text !== text.trim()) return false;
  // Control characters, line breaks and tabs: folding and escapes are the parser's business.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
  if (/[\u0000-\u001f\u007f]/.test(text)) return false;
  // Indicators that start something else than a plain scalar, and the starts of numbers, .inf/.nan and ~.
  if (/^[-?:,[\]{}#&*!|>'"%@`0-9+.~]/.test(text)) return false;
  if (text.includes(': ') || text.includes(' #') || text.endsWith(':')) return false;
  return !/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE|[Nn]ull|NULL)$/.test(text);
}
