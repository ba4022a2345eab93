/**
 * Silences (docs/operator-controls.md): a pure decision, as Alertmanager's are, over the silences,
 * the signal, the rule and the time. A silence holds an action when its time range contains the
 * signal's time (the clock: the event time in backtest) and every matcher it has matches: the
 * endpoint glob, and the rule glob and kind when it has them.
 */
import { compileGlob } from '../runbook/glob.js';
import type { Signal } from '../signals/types.js';
import type { Silence } from '../state/store.js';

const globs = new Map<string, (value: string) => boolean>();
/** A silence's endpoint or rule pattern against a name, as the engine reads it (also for status and explain). */
export function silenceGlobMatches(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  let glob = globs.get(pattern);
  if (!glob) {
    try {
      glob = compileGlob(pattern);
    } catch {
      // A pattern that is not a glob (validated when sent, but the table is not the CLI) is a literal.
      glob = (v: string) => v === pattern;
    }
    globs.set(pattern, glob);
  }
  return glob(value);
}

/** The first silence (by start, then id) that holds this rule's actions on this signal now. */
export function silencing(silences: readonly Silence[], signal: Signal, rule: string, now: number): Silence | undefined {
  return silences.find(
    (s) =>
      s.startsAt <= now &&
      now < s.endsAt &&
      (s.endedAt === undefined || now < s.endedAt) &&
      silenceGlobMatches(s.endpoint, signal.endpoint) &&
      (s.rule === undefined || silenceGlobMatches(s.rule, rule)) &&
      (s.kind === undefined || s.kind === signal.kind),
  );
}

export function silenceReason(s: Silence): string {
  return `silenced by ${s.silence} until ${new Date(s.endedAt ?? s.endsAt).toISOString()} (${s.by}: ${s.reason})`;
}
