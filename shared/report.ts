/**
 * What the engine says about each event (`replay --json` in docs/cli.md): the same object is printed by
 * `medic replay --json`, logged by the Lambda handlers and stored as the audit record.
 */
import type { ActionType } from './actions/params.js';
import type { AwsCall } from './aws/ports.js';
import { type ErrorKind, isBadInputKind, isTransientKind } from './errors.js';
import type { Signal } from './signals/types.js';

/**
 * `awaiting-approval`: the rule asks a human first (`approval:`); the action names its approval id
 * and carries `suppressedBy: awaiting-approval`, so every count of held actions includes it.
 */
export type ActionStatus = 'planned' | 'executed' | 'failed' | 'suppressed' | 'skipped' | 'awaiting-approval';

/** Why a guard held an action back; backtest counts these separately. */
export type SuppressionCause =
  | 'dedupe'
  | 'cooldown'
  | 'lock'
  | 'limit'
  | 'circuit'
  | 'suppressed-alarm'
  | 'endpoint-busy'
  | 'silenced'
  | 'awaiting-approval';

/** A timer the engine asked for (`scheduled` in replay --json): a ladder check, or an approval's expiry. */
export type ScheduledCheckReport =
  | {
      /** When it is due, ISO 8601. */
      at: string;
      ladder: string;
      step: number;
      attempt: number;
      rule: string;
    }
  | { at: string; approval: string; rule: string };

/**
 * What happened to an approval in this event: `asked` when an action started waiting, then how it
 * was decided; `held` when a granted action met a guard (it stays pending: approve again later).
 */
export type ApprovalEventKind = 'asked' | 'granted' | 'held' | 'rejected' | 'expired';

export interface ApprovalReport {
  approval: string;
  rule: string;
  /** The action that waits (its type). */
  action: ActionType;
  endpoint?: string;
  event: ApprovalEventKind;
  /** ISO 8601: when it stops being grantable. */
  expiresAt: string;
  /** Who decided (granted, rejected); `model-medic` for an expiry. */
  by?: string;
  reason: string;
}

/**
 * What happened to an escalation ladder in this event: `started` after the rule's actions, `step`
 * when a check ran a step, `held` when a step waits for a busy endpoint, and how it ended.
 */
export type LadderEventKind = 'started' | 'step' | 'held' | 'gave-up' | 'resolved' | 'exhausted' | 'cancelled' | 'stale';

export interface LadderReport {
  ladder: string;
  rule: string;
  alarm: string;
  event: LadderEventKind;
  /** The step concerned (1-based), when there is one. */
  step?: number;
  reason: string;
}

export interface ActionReport {
  type: ActionType;
  /** The rule this action belongs to (several rules may act when `continue: true`). */
  rule: string;
  status: ActionStatus;
  reason: string;
  calls: AwsCall[];
  suppressedBy?: SuppressionCause;
  /** The silence that held it (suppressedBy silenced), or the approval it waits for. */
  silence?: string;
  approval?: string;
  error?: { kind: ErrorKind; message: string };
}

export interface EventReport {
  /** The file path (CLI) or the EventBridge event id (Lambda). */
  event: string;
  signal: Signal | null;
  /** The first matched rule; `rules` lists all of them when `continue` let several act. */
  rule: string | null;
  rules?: string[];
  actions: ActionReport[];
  ignored: string | null;
  error: string | null;
  /** The kind of error, when there is one: invalid-event is bad input, aws-* are AWS failures. */
  errorKind?: ErrorKind;
  /** What the event changed in the state store (endpoint config history, endpoint status). */
  recorded?: string;
  /** Ladder checks scheduled by this event. */
  scheduled?: ScheduledCheckReport[];
  /** Ladders this event started, advanced or ended. */
  ladders?: LadderReport[];
  /** Approvals this event asked for or decided. */
  approvals?: ApprovalReport[];
  /** An operator event: what it was, who sent it and why (the audit trail's `by` and `reason`). */
  operator?: { type: string; by: string; reason?: string; endpoint?: string };
}

/** An action failed for a reason that passes (throttling, a timeout, a busy lock): the event is worth retrying. */
export function failedTransiently(actions: readonly ActionReport[]): boolean {
  return actions.some((a) => a.status === 'failed' && a.error !== undefined && isTransientKind(a.error.kind));
}

/** 0 all handled, 1 an action failed (or an AWS failure), 2 bad input (the event, the runbook or the recorded state). */
export function exitCodeFor(report: EventReport): 0 | 1 | 2 {
  if (isBadInputKind(report.errorKind)) return 2;
  if (report.error) return 1;
  return report.actions.some((a) => a.status === 'failed') ? 1 : 0;
}
