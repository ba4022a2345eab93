/**
 * The runbook module's public surface for the engine and the functions: open a runbook (compiled
 * JSON, or YAML with the parser imported only then), compile it once for matching, decide and
 * explain per signal, and the small value helpers other modules share.
 *
 * The YAML loader (load.ts), `medic compile` (json-write.ts) and the linter (lint.ts) are not
 * re-exported here on purpose: this module is on every function's cold path (the engine imports
 * it), and a re-export would put the YAML parser and the zod schema there too. Import them from
 * their own files.
 */

export { type CompiledRule, type CompiledRunbook, compileRunbook } from './compile.js';
export { RUNBOOK_DEFAULTS } from './defaults.js';
export { type DurationResult, formatDuration, parseDuration } from './duration.js';
export type { EnvRecord } from './env.js';
export { compileGlob, type GlobMatcher } from './glob.js';
export { decide, explain } from './match.js';
export { type OpenedRunbook, openRunbook, openRunbookFile, type RunbookFormat } from './open.js';
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
