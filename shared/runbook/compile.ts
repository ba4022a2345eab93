/**
 * The runbook compiled once per load for matching: every match value pre-compiled, and an
 * index so that finding the rules that could match a signal does not scan them all.
 *
 * Each rule is filed under ONE key: its most selective key with only exact values (an
 * `alarm` name narrows more than a `kind`), once per value. A rule with no such key (only
 * globs, booleans or violations, or an empty match) is a candidate for every signal. For a
 * signal, the candidates are the rules filed under its own values plus those always-candidate
 * rules, merged back into runbook order, so first-match-wins is unchanged (the idea of
 * aws/event-ruler: the cost follows the signal, not the size of the runbook).
 */
import type { Signal } from '../signals/types.js';
import { compileCriterion, type Criterion } from './criteria.js';
import type { MatchKey, MatchValue, Rule, Runbook, ViolationsMatch } from './types.js';

/** Keys a rule may be filed under, most selective first. */
export const INDEX_KEYS = ['alarm', 'endpoint', 'metric', 'schedule', 'monitoringType', 'status', 'state', 'kind'] as const;
type IndexKey = (typeof INDEX_KEYS)[number];

export interface CompiledRule {
  rule: Rule;
  /** In the order the runbook wrote them; all must hold. */
  criteria: readonly Criterion[];
}

export interface RuleIndex {
  /** Per index key with at least one rule filed under it: value -> rule positions, ascending. */
  keyed: ReadonlyArray<{ key: IndexKey; positionsByValue: ReadonlyMap<string, readonly number[]> }>;
  /** Positions of rules that are candidates for every signal, ascending. */
  always: readonly number[];
}

export interface CompiledRunbook {
  runbook: Runbook;
  /** Same order as runbook.rules: the position is the rule's index. */
  rules: readonly CompiledRule[];
  index: RuleIndex;
}

export function compileRunbook(runbook: Runbook): CompiledRunbook {
  const rules = runbook.rules.map(compileRule);
  const byKey = new Map<IndexKey, Map<string, number[]>>();
  const always: number[] = [];
  rules.forEach((compiled, position) => {
    const filing = chooseIndexKey(compiled.criteria);
    if (!filing) {
      always.push(position);
      return;
    }
    let positionsByValue = byKey.get(filing.key);
    if (!positionsByValue) byKey.set(filing.key, (positionsByValue = new Map()));
    // A list like [ModelLatency, ModelLatency] must not file the rule twice.
    for (const value of new Set(filing.values)) {
      const positions = positionsByValue.get(value);
      if (positions) positions.push(position);
      else positionsByValue.set(value, [position]);
    }
  });
  const keyed = INDEX_KEYS.flatMap((key) => {
    const positionsByValue = byKey.get(key);
    return positionsByValue ? [{ key, positionsByValue }] : [];
  });
  return { runbook, rules, index: { keyed, always } };
}

function compileRule(rule: Rule): CompiledRule {
  const criteria = Object.entries(rule.match)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => compileCriterion(key as MatchKey, value as MatchValue | ViolationsMatch));
  return { rule, criteria };
}

function chooseIndexKey(criteria: readonly Criterion[]): { key: IndexKey; values: readonly string[] } | undefined {
  for (const key of INDEX_KEYS) {
    const criterion = criteria.find((c) => c.key === key);
    if (criterion?.exactValues && criterion.exactValues.length > 0) return { key, values: criterion.exactValues };
  }
  return undefined;
}

/** Positions of the rules that could match the signal, in runbook order. */
export function candidatePositions(compiled: CompiledRunbook, signal: Signal): readonly number[] {
  const { keyed, always } = compiled.index;
  const fields = signal as unknown as Record<string, unknown>;
  let result: readonly number[] = always;
  for (const { key, positionsByValue } of keyed) {
    const value = fields[key];
    if (typeof value !== 'string') continue;
    const positions = positionsByValue.get(value);
    if (positions) result = mergeAscending(result, positions);
  }
  return result;
}

/** Union of two ascending lists; a rule is filed under one key, so they never share a position. */
function mergeAscending(a: readonly number[], b: readonly number[]): readonly number[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const merged: number[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x < y) {
      merged[k++] = x;
      i++;
    } else {
      merged[k++] = y;
      j++;
    }
  }
  while (i < a.length) merged[k++] = a[i++] as number;
  while (j < b.length) merged[k++] = b[j++] as number;
  return merged;
}
