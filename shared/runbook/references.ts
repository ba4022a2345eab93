/**
 * Checks that span more than one place in the runbook: notify topics and retrain pipelines
 * must name a defined alias, rule ids must be unique, every scale-out must have a cap, and
 * templates must use known names.
 *
 * These run on the raw data, independently of the schema, so that a runbook with a typo in
 * one rule and an unknown topic in another reports both at once. Anything of the wrong type
 * is skipped here: the schema already reports it.
 */

import { isActionType } from '../actions/params.js';
import { isPlainMap, type RunbookProblem } from './problem.js';
import { describeUnknownTemplate, findUnknownTemplates } from './template.js';
import type { DataPath } from './yaml-location.js';

/** Alias names of topics and pipelines; also keeps `__proto__` and friends out. */
const ALIAS_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Scale modes that raise capacity and so need a cap; `restore` only puts back. */
const CAPPED_SCALE_KEYS = ['by', 'to', 'factor'] as const;

export function checkReferences(raw: unknown): RunbookProblem[] {
  if (!isPlainMap(raw)) return [];
  const problems: RunbookProblem[] = [];
  const topics = isPlainMap(raw.topics) ? Object.keys(raw.topics) : [];
  const pipelines = isPlainMap(raw.pipelines) ? Object.keys(raw.pipelines) : [];
  const defaultScale = isPlainMap(raw.defaults) && isPlainMap(raw.defaults.scale) ? raw.defaults.scale : {};

  for (const section of ['topics', 'pipelines'] as const) {
    const aliases = raw[section];
    if (!isPlainMap(aliases)) continue;
    for (const alias of Object.keys(aliases)) {
      if (ALIAS_NAME.test(alias)) continue;
      problems.push({
        path: [section, alias],
        target: 'key',
        message: 'alias names start with a letter or digit and use only letters, digits, ".", "_" and "-"',
      });
    }
  }
  if (isPlainMap(raw.pipelines)) {
    for (const [alias, pipeline] of Object.entries(raw.pipelines)) {
      checkTemplates(pipeline, ['pipelines', alias], problems);
    }
  }
  if (!Array.isArray(raw.rules)) return problems;

  const firstRuleWithId = new Map<string, number>();
  raw.rules.forEach((rule: unknown, ruleIndex) => {
    if (!isPlainMap(rule)) return;
    const rulePath = ['rules', ruleIndex];
    if (typeof rule.id === 'string') {
      const first = firstRuleWithId.get(rule.id);
      if (first === undefined) firstRuleWithId.set(rule.id, ruleIndex);
      else problems.push({ path: [...rulePath, 'id'], message: `duplicate rule id "${rule.id}" (first used by rules[${first}])` });
    }
    checkActionList(rule.actions, [...rulePath, 'actions'], { topics, pipelines, defaultScale }, problems);
    checkApproval(rule, rulePath, problems);
    if (rule.escalate === undefined || rule.escalate === null) return;
    checkEscalateAllowed(rule, [...rulePath, 'escalate'], problems);
    if (!Array.isArray(rule.escalate)) return;
    rule.escalate.forEach((step: unknown, stepIndex) => {
      if (isPlainMap(step)) {
        checkActionList(step.actions, [...rulePath, 'escalate', stepIndex, 'actions'], { topics, pipelines, defaultScale }, problems);
      }
    });
  });
  return problems;
}

interface Known {
  topics: string[];
  pipelines: string[];
  defaultScale: Record<string, unknown>;
}

/** A rule's `actions`, or a ladder step's: aliases, scale caps and templates of every entry. */
function checkActionList(actions: unknown, listPath: DataPath, known: Known, problems: RunbookProblem[]): void {
  if (!Array.isArray(actions)) return;
  actions.forEach((entry: unknown, actionIndex) => {
    if (!isPlainMap(entry) || Object.keys(entry).length !== 1) return;
    const [type, params] = Object.entries(entry)[0] as [string, unknown];
    const paramsPath = [...listPath, actionIndex, type];
    checkTemplates(params, paramsPath, problems);
    if (!isPlainMap(params)) return;
    if (type === 'notify' && typeof params.topic === 'string') {
      checkAlias('topic', params.topic, known.topics, [...paramsPath, 'topic'], problems);
    }
    if (type === 'retrain' && typeof params.pipeline === 'string') {
      checkAlias('pipeline', params.pipeline, known.pipelines, [...paramsPath, 'pipeline'], problems);
    }
    if (type === 'scale') checkScaleCap(params, known.defaultScale, paramsPath, problems);
  });
}

/**
 * An approval nobody hears of expires unseen, so every action list holding an action that waits
 * for approval must tell someone after it (the notify names the approval id and the command); and
 * an approval for an action the rule never runs is a typo.
 */
function checkApproval(rule: Record<string, unknown>, rulePath: DataPath, problems: RunbookProblem[]): void {
  if (!isPlainMap(rule.approval) || !Array.isArray(rule.approval.for)) return;
  // Only what the schema accepts: it reports notify and unknown types itself.
  const approved = new Set(rule.approval.for.filter((t): t is string => typeof t === 'string' && t !== 'notify' && isActionType(t)));
  const lists: Array<{ actions: unknown; path: DataPath }> = [{ actions: rule.actions, path: [...rulePath, 'actions'] }];
  if (Array.isArray(rule.escalate)) {
    rule.escalate.forEach((step: unknown, s) => {
      if (isPlainMap(step)) lists.push({ actions: step.actions, path: [...rulePath, 'escalate', s, 'actions'] });
    });
  }
  const used = new Set<string>();
  for (const list of lists) {
    if (!Array.isArray(list.actions)) continue;
    const types = list.actions.map((entry: unknown) => (isPlainMap(entry) ? Object.keys(entry)[0] : undefined));
    types.forEach((type, index) => {
      if (type === undefined || !approved.has(type)) return;
      used.add(type);
      if (types.slice(index + 1).includes('notify')) return;
      problems.push({
        path: [...list.path, index],
        message: `${type} waits for approval but no notify follows it in this list: nobody would learn the approval id, and it would expire unseen; add a notify after it`,
      });
    });
  }
  rule.approval.for.forEach((type: unknown, i) => {
    if (typeof type !== 'string' || !approved.has(type) || used.has(type)) return;
    problems.push({
      path: [...rulePath, 'approval', 'for', i],
      message: `approval for ${type}, but this rule never runs ${type} (neither in actions nor in escalate)`,
    });
  });
}

/**
 * A ladder is checked against the alarm that started it ("is it still in ALARM?"), so only a rule
 * that can only match an alarm entering ALARM may have one.
 */
function checkEscalateAllowed(rule: Record<string, unknown>, path: DataPath, problems: RunbookProblem[]): void {
  const match = isPlainMap(rule.match) ? rule.match : {};
  const only = (value: unknown, wanted: string) => value === wanted || (Array.isArray(value) && value.length === 1 && value[0] === wanted);
  if (only(match.kind, 'alarm') && only(match.state, 'ALARM')) return;
  problems.push({
    path,
    target: 'key',
    message: 'escalate needs a rule whose match says `kind: alarm` and `state: ALARM`: a ladder runs while that alarm stays in ALARM',
  });
}

function checkAlias(what: 'topic' | 'pipeline', alias: string, known: string[], path: DataPath, problems: RunbookProblem[]): void {
  if (known.includes(alias)) return;
  const list = known.length > 0 ? `known: ${known.join(', ')}` : `no ${what}s are defined`;
  problems.push({ path, message: `unknown ${what} "${alias}" (${list})` });
}

function checkScaleCap(
  params: Record<string, unknown>,
  defaults: Record<string, unknown>,
  path: DataPath,
  problems: RunbookProblem[],
): void {
  if (!CAPPED_SCALE_KEYS.some((key) => key in params)) return;
  const ownMax = params.max;
  const defaultMax = defaults.max;
  // A present-but-invalid max is the schema's to report; only a cap that is nowhere is ours.
  if (ownMax === undefined && (defaultMax === undefined || defaultMax === null)) {
    problems.push({ path, message: 'missing cap: give this scale action a max, or set defaults.scale.max' });
    return;
  }
  // defaults.scale.max is a hard cap over every action's own max (docs/runbook.md): the lower wins.
  const caps: Array<[number, string]> = [];
  if (typeof ownMax === 'number') caps.push([ownMax, 'its max']);
  if (typeof defaultMax === 'number') caps.push([defaultMax, 'defaults.scale.max']);
  const lowest = caps.sort((a, b) => a[0] - b[0])[0];
  if (lowest === undefined) return;
  const [cap, capFrom] = lowest;
  if (typeof params.to === 'number' && params.to > cap) {
    problems.push({ path: [...path, 'to'], message: `scales to ${params.to}, above the cap of ${cap} (${capFrom})` });
  }
  const floor = typeof params.min === 'number' ? params.min : undefined;
  if (floor !== undefined && floor > cap) {
    problems.push({ path: [...path, 'min'], message: `min ${floor} is above the cap of ${cap} (${capFrom})` });
  }
}

/** Every string inside a parameter value, at any depth. */
function checkTemplates(value: unknown, path: DataPath, problems: RunbookProblem[]): void {
  if (typeof value === 'string') {
    for (const name of findUnknownTemplates(value)) problems.push({ path, message: describeUnknownTemplate(name) });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => {
      checkTemplates(item, [...path, index], problems);
    });
  } else if (isPlainMap(value)) {
    for (const [key, item] of Object.entries(value)) checkTemplates(item, [...path, key], problems);
  }
}
