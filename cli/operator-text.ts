/**
 * How the command line writes operator things: times in whole seconds, a silence's matchers, and
 * (for `medic explain`) what a silence would hold. One place, so `silence add`, `silence list`,
 * `status` and `explain` describe the same silence in the same words.
 */
import { ACTION_TYPES } from '../shared/actions/params.js';
import { silenceGlobMatches } from '../shared/guards/silence.js';
import { formatDuration } from '../shared/runbook/duration.js';
import type { Runbook } from '../shared/runbook/types.js';
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

/**
 * What a Silence Created would hold, one line per matcher, as `medic explain` prints a signal's
 * fields: the window, the endpoint glob, the rule glob with the runbook's rules it matches (a glob
 * that matches none is most likely a typo: the silence would hold nothing), the kind, and whether
 * it is quiet. Mirrors shared/guards.ts: a silence holds the actions that change an endpoint, and
 * a quiet one every action, notify included.
 */
export function explainSilence(spec: SilenceSpec, runbook: Runbook): Array<[label: string, text: string]> {
  const rules = runbook.rules.filter((r) => spec.rule === undefined || silenceGlobMatches(spec.rule, r.id)).map((r) => r.id);
  const ruleText =
    spec.rule === undefined
      ? 'any rule'
      : rules.length === 0
        ? `${spec.rule} (matches no rule in this runbook: the silence would hold nothing)`
        : `${spec.rule} (matches ${rules.join(', ')} in this runbook)`;
  const held = ACTION_TYPES.filter((type) => type !== 'notify');
  return [
    [
      'silence',
      `${spec.silence} from ${isoTime(spec.startsAt)} until ${isoTime(spec.endsAt)} (${formatDuration(spec.endsAt - spec.startsAt)})`,
    ],
    ['endpoint', spec.endpoint],
    ['rule', ruleText],
    ['kind', spec.kind === undefined ? 'alarm and monitoring signals' : `${spec.kind} signals only`],
    [
      'quiet',
      spec.quiet
        ? 'yes: every action of the matching rules is held, notify included'
        : `no: ${list(held)} are held; notify still runs and reports them as "held back (silenced)"`,
    ],
  ];
}

/** `a, b and c` */
function list(words: readonly string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}
