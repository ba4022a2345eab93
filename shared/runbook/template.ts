/**
 * `{{endpoint}}`-style placeholders in action and pipeline parameters (docs/runbook.md#templates).
 *
 * Templates are plain substitution from a fixed list of names: there are no expressions,
 * filters or lookups, so nothing in a runbook can run code. Unknown names are refused when
 * the runbook loads; at render time a value the signal does not carry becomes "unknown" and
 * is reported, so a notification still goes out and says what it could not fill in.
 */

export const TEMPLATE_NAMES = ['endpoint', 'variant', 'alarm', 'rule', 'monitoringType', 'schedule'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];
export type TemplateVars = Partial<Record<TemplateName, string | undefined>>;

/** What an unfilled placeholder renders as. */
export const MISSING_TEMPLATE_VALUE = 'unknown';

/** `{{ name }}`: a fixed pattern, never built from runbook text. */
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

const KNOWN = new Set<string>(TEMPLATE_NAMES);

export function isTemplateName(name: string): name is TemplateName {
  return KNOWN.has(name);
}

/** Names used in a string that are not template names, in order of appearance, once each. */
export function findUnknownTemplates(text: string): string[] {
  const unknown: string[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? '';
    if (!isTemplateName(name) && !unknown.includes(name)) unknown.push(name);
  }
  return unknown;
}

export function describeUnknownTemplate(name: string): string {
  return `unknown template {{${name}}} (known: ${TEMPLATE_NAMES.map((n) => `{{${n}}}`).join(', ')})`;
}

export interface RenderedTemplate {
  text: string;
  /** Template names that had no value and rendered as "unknown", once each. */
  missing: TemplateName[];
}

export function renderTemplate(text: string, vars: TemplateVars): RenderedTemplate {
  const missing: TemplateName[] = [];
  const rendered = text.replace(PLACEHOLDER, (placeholder: string, name: string) => {
    // Unknown names cannot survive loading; leave them as written rather than guess.
    if (!isTemplateName(name)) return placeholder;
    const value = vars[name];
    if (value === undefined || value === '') {
      if (!missing.includes(name)) missing.push(name);
      return MISSING_TEMPLATE_VALUE;
    }
    return value;
  });
  return { text: rendered, missing };
}
