/**
 * The runbook module's public surface: load (with line:col errors), compile once, decide and
 * explain per signal, and the small value helpers other modules share.
 */

export { type CompiledRule, type CompiledRunbook, compileRunbook } from './compile.js';
export { RUNBOOK_DEFAULTS } from './defaults.js';
export { type DurationResult, formatDuration, parseDuration } from './duration.js';
export type { EnvRecord } from './env.js';
export { compileGlob, type GlobMatcher } from './glob.js';
export { formatLintFinding, type LintCode, type LintFinding, type LintSource, lintRunbook } from './lint.js';
export { loadRunbook, loadRunbookFile } from './load.js';
export { decide, explain } from './match.js';
export { type RenderedTemplate, renderTemplate, TEMPLATE_NAMES, type TemplateName, type TemplateVars } from './template.js';
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
  RunbookIdentity,
} from './types.js';
