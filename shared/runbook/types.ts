/**
 * The runbook after loading and validation (docs/runbook.md): everything here can be trusted by the
 * engine; durations are in milliseconds, aliases are resolved, defaults are applied.
 */
import type { ActionType } from '../actions/params.js';
import type { ActionSpec } from '../actions/specs.js';

export type Mode = 'live' | 'dry-run';

/** A value in `match`: exact string or glob, boolean, or a list (any of). */
export type MatchValue = string | boolean | number | Array<string | number | boolean>;

export interface ViolationsMatch {
  check?: string[];
  feature?: string;
  atLeast: number;
}

/** Match keys: the signal fields (docs/runbook.md#the-signal) plus alarm, source, breach and violations. */
export interface RuleMatch {
  kind?: MatchValue;
  source?: MatchValue;
  alarm?: MatchValue;
  composite?: MatchValue;
  state?: MatchValue;
  previousState?: MatchValue;
  namespace?: MatchValue;
  metric?: MatchValue;
  breach?: MatchValue;
  endpoint?: MatchValue;
  variant?: MatchValue;
  status?: MatchValue;
  monitoringType?: MatchValue;
  schedule?: MatchValue;
  violations?: ViolationsMatch;
}

export const MATCH_KEYS = [
  'kind',
  'source',
  'alarm',
  'composite',
  'state',
  'previousState',
  'namespace',
  'metric',
  'breach',
  'endpoint',
  'variant',
  'status',
  'monitoringType',
  'schedule',
  'violations',
] as const;
export type MatchKey = (typeof MATCH_KEYS)[number];

/** One step of an escalation ladder: run `actions` if the alarm is still in ALARM `afterMs` after the previous step. */
export interface EscalationStep {
  afterMs: number;
  actions: ActionSpec[];
}

/** Actions of a rule that wait for a human (docs/operator-controls.md#approvals). */
export interface ApprovalPolicy {
  for: ActionType[];
  /** How long an approval may wait; then it is dropped with one notification. */
  expiresMs: number;
}

export interface Rule {
  id: string;
  description?: string;
  match: RuleMatch;
  actions: ActionSpec[];
  /** Steps tried in order while the same ALARM persists (docs/runbook.md#escalation-ladders); empty: none. */
  escalate: EscalationStep[];
  /** The rule's actions (and its ladder steps') of these types end as `awaiting-approval`. */
  approval?: ApprovalPolicy;
  cooldownMs: number;
  mode: Mode;
  continue: boolean;
  /** 1-based position of the rule in the file, for messages. */
  line: number;
  /** 0-based order in the file: first match wins. */
  index: number;
}

export type PipelineRef =
  | { type: 'sagemaker'; name: string; parameters: Record<string, string> }
  | { type: 'codepipeline'; name: string; variables: Record<string, string> };

export interface RunbookDefaults {
  mode: Mode;
  cooldownMs: number;
  /** Hard cap (and floor) for every scale action. */
  scale: { max: number; min: number };
  /** At most this many executed remediations per endpoint per rolling hour; then the circuit opens. */
  maxRemediationsPerHour: number;
  /** How long a per-endpoint lock lease lasts if its holder dies. */
  lockLeaseMs: number;
  /** How long a signal key is remembered for dedupe. */
  dedupeMs: number;
}

/** Which runbook made a decision: named by the audit record and the Lambda's decision log line. */
export interface RunbookIdentity {
  /** sha256 of the runbook's source text, its first 12 hex digits. */
  hash: string;
  /** When it came from an SSM parameter: the parameter's name and version. */
  parameter?: string;
  version?: number;
}

export interface Runbook {
  version: 1;
  /** Where it was loaded from, for messages. */
  file: string;
  identity: RunbookIdentity;
  defaults: RunbookDefaults;
  topics: Record<string, string>;
  pipelines: Record<string, PipelineRef>;
  rules: Rule[];
}

/** The rules that apply to one signal, in runbook order (first match wins unless `continue`). */
export interface Decision {
  matches: Rule[];
}

/** Why one rule did or did not apply to a signal: what `medic explain` shows for every rule. */
export interface RuleExplanation {
  rule: string;
  /** The rule applies: its criteria hold and no earlier rule without `continue` matched first. */
  matched: boolean;
  /** When the criteria do not hold: the first that fails, with the actual value. */
  reason?: string;
  /** When the criteria hold but an earlier rule without `continue` won: `by <rule id>`. */
  shadowed?: string;
}
