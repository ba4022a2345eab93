/**
 * How the command line writes operator things: times in whole seconds and a silence's matchers.
 * One place, so `silence add`, `silence list` and `status` describe a silence in the same words.
 */
import type { SilenceSpec } from '../shared/signals/operator.js';

/** ISO 8601 in UTC, without milliseconds when there are none (operator times are whole seconds). */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

/** `endpoint fraud-*, rule latency-*, kind alarm`: the matchers a silence has. */
export function silenceMatchers(s: Pick<SilenceSpec, 'endpoint' | 'rule' | 'kind'>): string {
  return [
    `endpoint ${s.endpoint}`,
    ...(s.rule !== undefined ? [`rule ${s.rule}`] : []),
    ...(s.kind !== undefined ? [`kind ${s.kind}`] : []),
  ].join(', ');
}
