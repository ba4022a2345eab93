/**
 * Lint: things a valid runbook can still get wrong. Pure, over the loaded Runbook; the
 * findings are warnings (`medic validate` exits 0 unless --strict).
 *
 * - shadowed-rule: a rule that can never match, because an earlier rule without
 *   `continue: true` matches every signal it would. Decided conservatively, key by key: the
 *   earlier rule must not test a key the later one does not, and where both test a key the
 *   earlier one must accept everything the later one does (equal values, a list that is a
 *   superset, `*`, an identical glob, or a glob that matches the later exact value). Keys that
 *   imply one another (`state` implies an alarm) are not reasoned about: a missed warning is
 *   better than a false one.
 * - scale-without-cooldown: a scale-out (`by`, `to`, `factor`) in a rule whose cooldown is 0,
 *   set on the rule or inherited from `defaults.cooldown`. `restore` rows are exempt: they only
 *   undo a recorded scale-out.
 * - dry-run-in-live: a rule in dry-run mode in a runbook whose default mode is live, or any
 *   dry-run rule when the file name says prod.
 * - unused-topic / unused-pipeline: an alias no action refers to (ladder steps included).
 * - ladder-outlives-dedupe: a ladder whose steps add up to more than defaults.dedupe; a
 *   redelivered ALARM event after the dedupe window would no longer be recognised.
 * - ladder-repeats-cooled-action: a ladder step repeats a changing action of the rule (scale
 *   again) sooner than the rule's cooldown. Steps are not held by the cooldown (they run while
 *   the same ALARM persists), so the step does what the cooldown would have refused; sometimes
 *   that is the point ("scale, then scale again"), so it is a warning.
 */
import { ACTIONS_THAT_CHANGE_ENDPOINTS } from '../actions/params.js';
import { formatDuration } from './duration.js';
import { compileGlob, isGlob } from './glob.js';
import { MATCH_KEYS, type MatchValue, type Rule, type Runbook, type ViolationsMatch } from './types.js';
import type { DataPath, PathTarget, SourcePosition } from './yaml-location.js';
import { formatDataPath } from './yaml-location.js';

export type LintCode =
  | 'shadowed-rule'
  | 'scale-without-cooldown'
  | 'dry-run-in-live'
  | 'unused-topic'
  | 'unused-pipeline'
  | 'ladder-outlives-dedupe'
  | 'ladder-repeats-cooled-action';

export interface LintFinding {
  code: LintCode;
  /** `rules[6]`, `topics.ops`, ... */
  path: string;
  line: number;
  col: number;
  message: string;
  /** The rule the finding is about, if any. */
  rule?: string;
}

/** Where things are in the file, and whether a key was written at all (from the YAML document). */
export interface LintSource {
  locate(path: DataPath, target?: PathTarget): SourcePosition;
  has(path: DataPath): boolean;
}

export function lintRunbook(runbook: Runbook, source?: LintSource): LintFinding[] {
  const at = (path: DataPath, fallbackLine: number, target?: PathTarget): SourcePosition =>
    source ? source.locate(path, target) : { line: fallbackLine, col: 1 };
  const findings: LintFinding[] = [
    ...shadowedRules(runbook, at),
    ...scalesWithoutCooldown(runbook, at, source),
    ...dryRunRows(runbook, at, source),
    ...unusedAliases(runbook, at),
    ...ladders(runbook, at),
  ];
  return findings.sort((a, b) => a.line - b.line || a.col - b.col || a.code.localeCompare(b.code));
}

type Locate = (path: DataPath, fallbackLine: number, target?: PathTarget) => SourcePosition;

function finding(code: LintCode, path: DataPath, position: SourcePosition, message: string, rule?: string): LintFinding {
  return { code, path: formatDataPath(path), ...position, message, ...(rule !== undefined ? { rule } : {}) };
}

// --- shadowed rules -------------------------------------------------------------------------

function shadowedRules(runbook: Runbook, at: Locate): LintFinding[] {
  const out: LintFinding[] = [];
  runbook.rules.forEach((later, j) => {
    for (let i = 0; i < j; i++) {
      const earlier = runbook.rules[i] as Rule;
      if (earlier.continue || !covers(earlier, later)) continue;
      out.push(
        finding(
          'shadowed-rule',
          ['rules', j],
          at(['rules', j], later.line),
          `rule ${later.id} can never match: rule ${earlier.id} (line ${earlier.line}) comes first, matches every signal it would, and has no \`continue: true\``,
          later.id,
        ),
      );
      return;
    }
  });
  return out;
}

/** True when every signal that matches `later` also matches `earlier`. */
export function covers(earlier: Rule, later: Rule): boolean {
  for (const key of MATCH_KEYS) {
    const wanted = earlier.match[key];
    if (wanted === undefined) continue;
    const given = later.match[key];
    if (given === undefined) return false;
    if (key === 'violations') {
      if (!violationsCover(wanted as ViolationsMatch, given as ViolationsMatch)) return false;
    } else if (!valuesCover(wanted as MatchValue, given as MatchValue)) {
      return false;
    }
  }
  return true;
}

/** Mirrors criteria.ts: all strings -> exact values and globs; otherwise plain equality. */
function valuesCover(wanted: MatchValue, given: MatchValue): boolean {
  const a = Array.isArray(wanted) ? wanted : [wanted];
  const b = Array.isArray(given) ? given : [given];
  const aText = a.every((v) => typeof v === 'string');
  const bText = b.every((v) => typeof v === 'string');
  if (!aText) {
    // Equality on a's side: b must test equality too, on a subset of a's values.
    return !bText && b.every((v) => a.some((w) => w === v));
  }
  const aStrings = a as string[];
  const matchesAll = aStrings.some((w) => isGlob(w) && /^\*+$/.test(w));
  return b.every((v) => {
    if (typeof v !== 'string') return false;
    if (matchesAll) return true;
    if (bText && isGlob(v)) return aStrings.includes(v);
    return aStrings.some((w) => (isGlob(w) ? safeGlob(w, v) : w === v));
  });
}

function safeGlob(pattern: string, value: string): boolean {
  try {
    return compileGlob(pattern)(value);
  } catch {
    return false;
  }
}

function violationsCover(wanted: ViolationsMatch, given: ViolationsMatch): boolean {
  if (wanted.check && wanted.check.length > 0) {
    if (!given.check || given.check.length === 0) return false;
    if (!given.check.every((c) => wanted.check?.includes(c))) return false;
  }
  if (wanted.feature !== undefined && !/^\*+$/.test(wanted.feature)) {
    if (given.feature === undefined) return false;
    const same = given.feature === wanted.feature;
    if (!same && (isGlob(given.feature) || !safeGlob(wanted.feature, given.feature))) return false;
  }
  return given.atLeast >= wanted.atLeast;
}

// --- scale without cooldown -----------------------------------------------------------------

function scalesWithoutCooldown(runbook: Runbook, at: Locate, source?: LintSource): LintFinding[] {
  const out: LintFinding[] = [];
  runbook.rules.forEach((rule, i) => {
    if (rule.cooldownMs > 0) return;
    const index = rule.actions.findIndex((a) => a.type === 'scale' && !('restore' in (a.params as object)));
    if (index < 0) return;
    const explicit = source ? source.has(['rules', i, 'cooldown']) : undefined;
    const why =
      explicit === true
        ? 'its cooldown is 0s'
        : explicit === false
          ? 'it sets no cooldown and defaults.cooldown is 0s'
          : 'its cooldown is 0s';
    const path: DataPath = explicit ? ['rules', i, 'cooldown'] : ['rules', i, 'actions', index];
    out.push(
      finding(
        'scale-without-cooldown',
        path,
        at(path, rule.line),
        `rule ${rule.id} scales out but ${why}: every repeat of the signal adds capacity again, up to the cap; give it a cooldown such as 10m`,
        rule.id,
      ),
    );
  });
  return out;
}

// --- dry-run rows ---------------------------------------------------------------------------

function dryRunRows(runbook: Runbook, at: Locate, source?: LintSource): LintFinding[] {
  const file = baseName(runbook.file);
  const prodFile = /prod/i.test(file);
  if (runbook.defaults.mode !== 'live' && !prodFile) return [];
  const out: LintFinding[] = [];
  const inherited: Rule[] = [];
  runbook.rules.forEach((rule, i) => {
    if (rule.mode !== 'dry-run') return;
    const explicit = source ? source.has(['rules', i, 'mode']) : runbook.defaults.mode === 'live';
    if (!explicit) {
      inherited.push(rule);
      return;
    }
    const why = runbook.defaults.mode === 'live' ? 'the runbook default is live' : `${file} looks like a prod runbook`;
    out.push(
      finding(
        'dry-run-in-live',
        ['rules', i, 'mode'],
        at(['rules', i, 'mode'], rule.line),
        `rule ${rule.id} is in dry-run mode but ${why}: it plans and notifies, changes nothing; remove \`mode: dry-run\` once it is trusted`,
        rule.id,
      ),
    );
  });
  if (inherited.length > 0) {
    const names = inherited.map((r) => r.id);
    const listed = names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
    out.push(
      finding(
        'dry-run-in-live',
        ['defaults', 'mode'],
        at(['defaults', 'mode'], 1),
        `${file} looks like a prod runbook but its default mode is dry-run: ${inherited.length === 1 ? `1 rule (${listed}) plans and notifies, changes` : `${inherited.length} rules (${listed}) plan and notify, change`} nothing`,
      ),
    );
  }
  return out;
}

function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}

// --- unused topics and pipelines ------------------------------------------------------------

function unusedAliases(runbook: Runbook, at: Locate): LintFinding[] {
  const topics = new Set<string>();
  const pipelines = new Set<string>();
  for (const rule of runbook.rules) {
    for (const action of [...rule.actions, ...rule.escalate.flatMap((step) => step.actions)]) {
      if (action.type === 'notify') topics.add(action.params.topic);
      if (action.type === 'retrain') pipelines.add(action.params.pipeline);
    }
  }
  const out: LintFinding[] = [];
  Object.keys(runbook.topics).forEach((alias, i) => {
    if (topics.has(alias)) return;
    const path: DataPath = ['topics', alias];
    const circuit = i === 0 ? ' (it still receives "human needed" alerts when a rule without a notify opens the circuit)' : '';
    out.push(finding('unused-topic', path, at(path, 1, 'key'), `topic ${alias} is never used by a notify action${circuit}`));
  });
  for (const alias of Object.keys(runbook.pipelines)) {
    if (pipelines.has(alias)) continue;
    const path: DataPath = ['pipelines', alias];
    out.push(finding('unused-pipeline', path, at(path, 1, 'key'), `pipeline ${alias} is never used by a retrain action`));
  }
  return out;
}

// --- escalation ladders --------------------------------------------------------------------

function ladders(runbook: Runbook, at: Locate): LintFinding[] {
  const out: LintFinding[] = [];
  runbook.rules.forEach((rule, i) => {
    if (rule.escalate.length === 0) return;
    const total = rule.escalate.reduce((sum, step) => sum + step.afterMs, 0);
    if (total > runbook.defaults.dedupeMs) {
      const path: DataPath = ['rules', i, 'escalate'];
      out.push(
        finding(
          'ladder-outlives-dedupe',
          path,
          at(path, rule.line, 'key'),
          `rule ${rule.id}'s ladder lasts ${formatDuration(total)}, longer than defaults.dedupe (${formatDuration(runbook.defaults.dedupeMs)}): an ALARM event redelivered after that would start a second ladder; raise defaults.dedupe or shorten the steps`,
          rule.id,
        ),
      );
    }
    const changing = new Set(rule.actions.filter((a) => ACTIONS_THAT_CHANGE_ENDPOINTS.includes(a.type)).map((a) => a.type));
    let elapsed = 0;
    rule.escalate.forEach((step, s) => {
      elapsed += step.afterMs;
      if (elapsed >= rule.cooldownMs) return;
      const index = step.actions.findIndex((a) => changing.has(a.type));
      const repeated = step.actions[index];
      if (!repeated) return;
      const path: DataPath = ['rules', i, 'escalate', s, 'actions', index];
      out.push(
        finding(
          'ladder-repeats-cooled-action',
          path,
          at(path, rule.line),
          `rule ${rule.id} escalate[${s}] runs ${repeated.type} again ${formatDuration(elapsed)} after the rule's actions, within its ${formatDuration(rule.cooldownMs)} cooldown: ladder steps are not held by the cooldown, so this repeats what the cooldown would refuse; if that is intended, ignore this warning`,
          rule.id,
        ),
      );
    });
  });
  return out;
}

/** `file:line:col warning path: message [code]`, the way validate prints a finding. */
export function formatLintFinding(file: string, f: LintFinding): string {
  return `${file}:${f.line}:${f.col} warning ${f.path}: ${f.message} [${f.code}]`;
}
