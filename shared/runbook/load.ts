/**
 * Loads runbook.yml into a Runbook the engine can trust, or refuses it as a whole with every
 * problem listed at once, each at its line and column (docs/runbook.md#validation-errors).
 *
 * Order of work: YAML syntax (if the text is not YAML, nothing else is meaningful), then
 * `${env:…}` substitution, then the schema and the cross-reference checks side by side on the
 * same data, so one run reports everything. Nothing here evaluates runbook text: no custom
 * YAML tags, no templates rendered, no code.
 */
import { hash } from 'node:crypto';
import { LineCounter, parseDocument } from 'yaml';
import type { ActionType } from '../actions/params.js';
import { describeError, InvalidRunbookError, type RunbookIssue } from '../errors.js';
import { NO_DEFAULT_SCALE_MAX, RUNBOOK_DEFAULTS } from './defaults.js';
import type { EnvRecord } from './env.js';
import { type EnvReference, substituteEnvInDocument } from './env-document.js';
import { readRunbookFile } from './open.js';
import { isPlainMap, type RunbookProblem } from './problem.js';
import { checkReferences } from './references.js';
import { DEFAULT_APPROVAL_EXPIRES_MS, type RuleFile, type RunbookFile, runbookFileSchema } from './schema.js';
import type { PipelineRef, Rule, RuleMatch, Runbook } from './types.js';
import { formatDataPath, NodeLocator } from './yaml-location.js';
import { problemsFromZodIssues, RUNBOOK_PARSE_OPTIONS } from './zod-issues.js';

export function loadRunbook(text: string, file: string, env: EnvRecord): Runbook {
  return loadRunbookWithReferences(text, file, env).runbook;
}

/** An `${env:…}` reference as loaded: where it is in the data and in the file. */
export interface LocatedEnvReference extends EnvReference {
  line: number;
  col: number;
}

/** The runbook, and every value that held `${env:…}` references, located: what `medic compile` needs to keep them. */
export function loadRunbookWithReferences(
  text: string,
  file: string,
  env: EnvRecord,
): { runbook: Runbook; references: LocatedEnvReference[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  // Warnings too: they are unresolved tags (`!something`) and the like, which have no place
  // in a runbook and would otherwise be read silently as plain strings.
  const yamlProblems = [...doc.errors, ...doc.warnings];
  if (yamlProblems.length > 0) {
    throw new InvalidRunbookError(
      file,
      yamlProblems
        .map((problem) => ({ ...lineCounter.linePos(problem.pos[0]), path: '', message: problem.message }))
        .sort((a, b) => a.line - b.line || a.col - b.col),
    );
  }
  const locator = new NodeLocator(doc, lineCounter);

  const references: EnvReference[] = [];
  const envProblems: RunbookProblem[] = substituteEnvInDocument(doc, env, references);
  let raw: unknown;
  try {
    raw = doc.toJS();
  } catch (error) {
    // e.g. an alias expanded too many times: refuse rather than build a huge value.
    throw new InvalidRunbookError(file, [{ line: 1, col: 1, path: '', message: describeError(error) }]);
  }

  const parsed = runbookFileSchema.safeParse(raw, RUNBOOK_PARSE_OPTIONS);
  // A value whose environment variable is missing is reported once, for the variable.
  const pathsWithEnvProblems = new Set(envProblems.map((p) => formatDataPath(p.path)));
  const laterProblems = [...(parsed.success ? [] : problemsFromZodIssues(parsed.error.issues)), ...checkReferences(raw)].filter(
    (p) => !pathsWithEnvProblems.has(formatDataPath(p.path)),
  );

  const issues = toIssues([...envProblems, ...laterProblems], locator);
  if (issues.length > 0 || !parsed.success) throw new InvalidRunbookError(file, issues);
  return {
    runbook: { ...buildRunbook(file, parsed.data, raw, locator), identity: { hash: contentHash(text) } },
    references: references.map((reference) => ({ ...reference, ...locator.locate(reference.path) })),
  };
}

/** Names a runbook's version in audit records and logs: the first 12 hex digits of its sha256. */
function contentHash(text: string): string {
  return hash('sha256', text, 'hex').slice(0, 12);
}

/**
 * Reads and loads a runbook file; an unreadable file is an invalid runbook, at 1:1.
 * `file` is how messages name it (e.g. the path as the user typed it), by default the path.
 */
export function loadRunbookFile(filePath: string, env: EnvRecord = process.env, file: string = filePath): Runbook {
  return loadRunbook(readRunbookFile(filePath, file), file, env);
}

/** Positioned, in file order, each distinct problem once. */
function toIssues(problems: RunbookProblem[], locator: NodeLocator): RunbookIssue[] {
  const seen = new Set<string>();
  const issues: RunbookIssue[] = [];
  for (const problem of problems) {
    const issue = { ...locator.locate(problem.path, problem.target), path: formatDataPath(problem.path), message: problem.message };
    const identity = `${issue.line}:${issue.col} ${issue.path} ${issue.message}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    issues.push(issue);
  }
  return issues.sort((a, b) => a.line - b.line || a.col - b.col);
}

function buildRunbook(file: string, data: RunbookFile, raw: unknown, locator: NodeLocator): Omit<Runbook, 'identity'> {
  const defaults = {
    mode: data.defaults?.mode ?? RUNBOOK_DEFAULTS.mode,
    cooldownMs: data.defaults?.cooldown ?? RUNBOOK_DEFAULTS.cooldownMs,
    scale: {
      max: data.defaults?.scale?.max ?? NO_DEFAULT_SCALE_MAX,
      min: data.defaults?.scale?.min ?? RUNBOOK_DEFAULTS.scaleMin,
    },
    maxRemediationsPerHour: data.defaults?.maxRemediationsPerHour ?? RUNBOOK_DEFAULTS.maxRemediationsPerHour,
    lockLeaseMs: data.defaults?.lockLease ?? RUNBOOK_DEFAULTS.lockLeaseMs,
    dedupeMs: data.defaults?.dedupe ?? RUNBOOK_DEFAULTS.dedupeMs,
  };
  const rawRules = isPlainMap(raw) && Array.isArray(raw.rules) ? raw.rules : [];
  const rules = data.rules.map(
    (rule, index): Rule => ({
      id: rule.id,
      ...(rule.description !== undefined ? { description: rule.description } : {}),
      match: matchInFileOrder(rule.match, rawRules[index]),
      actions: rule.actions,
      escalate: (rule.escalate ?? []).map((step) => ({ afterMs: step.after, actions: step.actions })),
      ...(rule.approval
        ? { approval: { for: rule.approval.for as ActionType[], expiresMs: rule.approval.expires ?? DEFAULT_APPROVAL_EXPIRES_MS } }
        : {}),
      cooldownMs: rule.cooldown ?? defaults.cooldownMs,
      mode: rule.mode ?? defaults.mode,
      continue: rule.continue ?? false,
      line: locator.locate(['rules', index]).line,
      index,
    }),
  );
  const pipelines: Record<string, PipelineRef> = {};
  for (const [alias, pipeline] of Object.entries(data.pipelines ?? {})) {
    pipelines[alias] =
      pipeline.type === 'sagemaker'
        ? { type: 'sagemaker', name: pipeline.name, parameters: pipeline.parameters ?? {} }
        : { type: 'codepipeline', name: pipeline.name, variables: pipeline.variables ?? {} };
  }
  return { version: 1, file, defaults, topics: { ...(data.topics ?? {}) }, pipelines, rules };
}

/** Match keys in the order the author wrote them: `explain` reports the first that fails. */
function matchInFileOrder(parsed: RuleFile['match'], rawRule: unknown): RuleMatch {
  const rawMatch = isPlainMap(rawRule) && isPlainMap(rawRule.match) ? rawRule.match : {};
  const ordered: Record<string, unknown> = {};
  for (const key of Object.keys(rawMatch)) {
    const value = (parsed as Record<string, unknown>)[key];
    if (value !== undefined) ordered[key] = value;
  }
  return ordered as RuleMatch;
}
