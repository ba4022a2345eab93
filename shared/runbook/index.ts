/**
 * The runbook module's public surface: load (with line:col errors), compile once, decide and
 * explain per signal, and the small value helpers other modules share.
 */
export { loadRunbook, loadRunbookFile } from './load.js';
export { compileRunbook, type CompiledRunbook, type CompiledRule } from './compile.js';
export { decide, explain } from './match.js';
export { renderTemplate, TEMPLATE_NAMES, type RenderedTemplate, type TemplateName, type TemplateVars } from './template.js';
export { formatDuration, parseDuration, type DurationResult } from './duration.js';
export { compileGlob, type GlobMatcher } from './glob.js';
export { RUNBOOK_DEFAULTS } from './defaults.js';
export type { EnvRecord } from './env.js';
export type {
  Decision,
  MatchKey,
  Mode,
  PipelineRef,
  Rule,
  RuleExplanation,
  RuleMatch,
  Runbook,
  RunbookDefaults,
} from './types.js';
