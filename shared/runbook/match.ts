/**
 * Which rules apply to a signal, and why the others do not.
 *
 * Like Alertmanager's routes: rules are tried top to bottom, the first that matches wins, and
 * a matched rule with `continue: true` lets later rules match too. `decide` only looks at the
 * candidates the index gives; `explain` walks every rule so that it can say why each one did
 * not apply. Both are pure and synchronous.
 */
import type { Signal } from '../signals/types.js';
import { type CompiledRule, type CompiledRunbook, candidatePositions } from './compile.js';
import type { Decision, RuleExplanation } from './types.js';

/** True when every criterion of the rule holds for the signal (an empty match always holds). */
export function ruleMatches(compiled: CompiledRule, signal: Signal): boolean {
  for (const criterion of compiled.criteria) {
    if (!criterion.test(signal)) return false;
  }
  return true;
}

export function decide(compiled: CompiledRunbook, signal: Signal): Decision {
  const matches = [];
  for (const position of candidatePositions(compiled, signal)) {
    const candidate = compiled.rules[position];
    if (!candidate || !ruleMatches(candidate, signal)) continue;
    matches.push(candidate.rule);
    if (!candidate.rule.continue) break;
  }
  return { matches };
}

export function explain(compiled: CompiledRunbook, signal: Signal): RuleExplanation[] {
  // Set once a rule without `continue` matches: every later rule that holds is shadowed by it.
  let winner: string | undefined;
  return compiled.rules.map(({ rule, criteria }): RuleExplanation => {
    const failing = criteria.find((criterion) => !criterion.test(signal));
    if (failing) return { rule: rule.id, matched: false, reason: failing.describeFailure(signal) };
    if (winner !== undefined) return { rule: rule.id, matched: false, shadowed: `by ${winner}` };
    if (!rule.continue) winner = rule.id;
    return { rule: rule.id, matched: true };
  });
}
