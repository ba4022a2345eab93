/**
 * The runbook compiled once per load for matching: every match value pre-compiled, and an
 * index so that finding the rules that could match a signal does not scan them all.
 *
 * Each rule is filed under ONE key, the most selective it has, once per value it accepts:
 *   1. an exact value (or list of them) on alarm, endpoint, metric or schedule;
 *   2. on the same keys, globs with a literal prefix or suffix (`churn-*`, `*-prod`), filed by
 *      that literal, possibly mixed with exact values;
 *   3. an exact value on monitoringType, status, state or kind;
 *   4. otherwise (only bare globs, booleans, violations, or an empty match) it is a candidate
 *      for every signal.
 * For a signal, the candidates are the rules filed under its own values (and under every
 * prefix and suffix of them that some rule uses) plus the always-candidates, merged back into
 * runbook order, so first-match-wins is unchanged. The cost follows the signal, not the size
 * of the runbook (the idea of aws/event-ruler). A candidate is still checked in full.
 */
import type { Signal } from '../signals/types.js';
import { type Criterion, compileCriterion } from './criteria.js';
import { isGlob, literalAffixes } from './glob.js';
import type { MatchKey, MatchValue, Rule, Runbook, ViolationsMatch } from './types.js';

/** Keys whose values narrow a signal down well: filed by exact value, then by glob affix. */
const SELECTIVE_KEYS = ['alarm', 'endpoint', 'metric', 'schedule'] as const;
/** Keys with a handful of values: filed by exact value only, as a last resort. */
const BROAD_KEYS = ['monitoringType', 'status', 'state', 'kind'] as const;
/** Every key a rule may be filed under, most selective first. */
export const INDEX_KEYS = [...SELECTIVE_KEYS, ...BROAD_KEYS] as const;
type IndexKey = (typeof INDEX_KEYS)[number];

export interface CompiledRule {
  rule: Rule;
  /** In the order the runbook wrote them; all must hold. */
  criteria: readonly Criterion[];
}

/** The rules filed under one key. Positions are indexes into CompiledRunbook.rules, ascending. */
export interface KeyIndex {
  key: IndexKey;
  exact: ReadonlyMap<string, readonly number[]>;
  prefixes: ReadonlyMap<string, readonly number[]>;
  suffixes: ReadonlyMap<string, readonly number[]>;
  /** The distinct lengths of the prefixes and suffixes above, to look up only those. */
  prefixLengths: readonly number[];
  suffixLengths: readonly number[];
}

export interface RuleIndex {
  /** One entry per key that has at least one rule filed under it. */
  keyed: readonly KeyIndex[];
  /** Rules that are candidates for every signal. */
  always: readonly number[];
}

export interface CompiledRunbook {
  runbook: Runbook;
  /** Same order as runbook.rules: the position is the rule's index. */
  rules: readonly CompiledRule[];
  index: RuleIndex;
}

/** Where one value of a rule is filed. */
type Filing = { map: 'exact' | 'prefixes' | 'suffixes'; text: string };

export function compileRunbook(runbook: Runbook): CompiledRunbook {
  const rules = runbook.rules.map(compileRule);
  const builders = new Map<IndexKey, KeyIndexBuilder>();
  const always: number[] = [];
  rules.forEach((compiled, position) => {
    const choice = chooseFiling(compiled.criteria);
    if (!choice) {
      always.push(position);
      return;
    }
    let builder = builders.get(choice.key);
    if (!builder) {
      builder = new KeyIndexBuilder(choice.key);
      builders.set(choice.key, builder);
    }
    for (const filing of choice.filings) builder.add(filing, position);
  });
  const keyed = INDEX_KEYS.flatMap((key) => {
    const builder = builders.get(key);
    return builder ? [builder.build()] : [];
  });
  return { runbook, rules, index: { keyed, always } };
}

function compileRule(rule: Rule): CompiledRule {
  const criteria = Object.entries(rule.match)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => compileCriterion(key as MatchKey, value as MatchValue | ViolationsMatch));
  return { rule, criteria };
}

function chooseFiling(criteria: readonly Criterion[]): { key: IndexKey; filings: Filing[] } | undefined {
  const valuesOf = (key: IndexKey) => criteria.find((c) => c.key === key)?.textValues;
  for (const key of SELECTIVE_KEYS) {
    const values = valuesOf(key);
    if (values && values.length > 0 && values.every((v) => !isGlob(v))) {
      return { key, filings: values.map((text) => ({ map: 'exact', text })) };
    }
  }
  for (const key of SELECTIVE_KEYS) {
    const values = valuesOf(key);
    const filings = values && values.length > 0 ? values.map(filingByAffix) : [];
    if (filings.length > 0 && filings.every((f) => f !== undefined)) return { key, filings: filings as Filing[] };
  }
  for (const key of BROAD_KEYS) {
    const values = valuesOf(key);
    if (values && values.length > 0 && values.every((v) => !isGlob(v))) {
      return { key, filings: values.map((text) => ({ map: 'exact', text })) };
    }
  }
  return undefined;
}

/** An exact value files as itself; a glob by its longer literal end; a glob with none cannot. */
function filingByAffix(value: string): Filing | undefined {
  if (!isGlob(value)) return { map: 'exact', text: value };
  const { prefix, suffix } = literalAffixes(value);
  if (prefix === '' && suffix === '') return undefined;
  return prefix.length >= suffix.length ? { map: 'prefixes', text: prefix } : { map: 'suffixes', text: suffix };
}

class KeyIndexBuilder {
  private readonly maps = {
    exact: new Map<string, number[]>(),
    prefixes: new Map<string, number[]>(),
    suffixes: new Map<string, number[]>(),
  };

  constructor(private readonly key: IndexKey) {}

  add(filing: Filing, position: number): void {
    const map = this.maps[filing.map];
    const positions = map.get(filing.text);
    // Rules are added in order, so the list stays ascending; a rule listing the same value
    // twice (or two globs with one prefix) is filed once.
    if (!positions) map.set(filing.text, [position]);
    else if (positions[positions.length - 1] !== position) positions.push(position);
  }

  build(): KeyIndex {
    const lengths = (map: Map<string, number[]>) => [...new Set([...map.keys()].map((k) => k.length))].sort((a, b) => a - b);
    return {
      key: this.key,
      exact: this.maps.exact,
      prefixes: this.maps.prefixes,
      suffixes: this.maps.suffixes,
      prefixLengths: lengths(this.maps.prefixes),
      suffixLengths: lengths(this.maps.suffixes),
    };
  }
}

/** Positions of the rules that could match the signal, in runbook order, each once. */
export function candidatePositions(compiled: CompiledRunbook, signal: Signal): readonly number[] {
  const { keyed, always } = compiled.index;
  const fields = signal as unknown as Readonly<Record<string, unknown>>;
  let result: readonly number[] = always;
  const include = (positions: readonly number[] | undefined): void => {
    if (positions) result = mergeAscending(result, positions);
  };
  for (const index of keyed) {
    const value = fields[index.key];
    if (typeof value !== 'string') continue;
    include(index.exact.get(value));
    for (const length of index.prefixLengths) {
      if (length > value.length) break;
      include(index.prefixes.get(value.slice(0, length)));
    }
    for (const length of index.suffixLengths) {
      if (length > value.length) break;
      include(index.suffixes.get(value.slice(value.length - length)));
    }
  }
  return result;
}

/** Union of two ascending lists without duplicates (a rule may be reached by two of its values). */
function mergeAscending(a: readonly number[], b: readonly number[]): readonly number[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const merged: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x <= y) {
      merged.push(x);
      i += 1;
      if (x === y) j += 1;
    } else {
      merged.push(y);
      j += 1;
    }
  }
  while (i < a.length) merged.push(a[i++] as number);
  while (j < b.length) merged.push(b[j++] as number);
  return merged;
}
