/** The condition of a conditional ladder write, as the memory store checks it (DynamoDB checks the same attributes). */
import type { LadderExpectation, LadderState } from './store.js';

/** `step.attempt` of the check a ladder waits for: a DynamoDB attribute, so a write can be conditional on it. */
export function nextCheckOf(ladder: Pick<LadderState, 'next'>): string | undefined {
  return ladder.next ? `${ladder.next.step}.${ladder.next.attempt}` : undefined;
}

export function ladderIsAsExpected(stored: LadderState, expected: LadderExpectation): boolean {
  if (stored.key !== expected.key || stored.status !== 'open') return false;
  return expected.next === undefined || nextCheckOf(stored) === `${expected.next.step}.${expected.next.attempt}`;
}
