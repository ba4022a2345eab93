/**
 * What every action type provides: how its parameters resolve, against current AWS state,
 * into the exact AwsCalls to send (or a reason to skip), and what to remember once they
 * succeed. Execution itself is generic (see execute.ts): the calls are sent in order.
 */
import type { AwsCall, AwsReader } from '../aws/ports.js';
import type { ActionReport, SuppressionCause } from '../report.js';
import type { Mode, Rule, Runbook } from '../runbook/types.js';
import type { Signal } from '../signals/types.js';
import type { StateStore } from '../state/store.js';

export interface PlanContext {
  signal: Signal;
  rule: Rule;
  runbook: Runbook;
  reader: AwsReader;
  store: StateStore;
  now: number;
  /** The rule's effective mode. */
  mode: Mode;
  /** True when the calls will really be sent (live mode, writes allowed). */
  willExecute: boolean;
  /** Outcomes of the earlier actions of this rule, for notify. */
  earlier: readonly ActionReport[];
  /** Lines notify adds to its message (which ladder step this is, how the last ladder ended). */
  notes?: readonly string[];
  /** Set when these are a ladder step's actions: which step, of how many (notify flags its subject). */
  escalation?: { step: number; of: number };
}

export interface ActionPlan {
  /** `held`: not now, for a reason that passes (a busy endpoint); reported as suppressed. */
  status: 'planned' | 'skipped' | 'held';
  /** Why it is held, when it is. */
  heldBy?: SuppressionCause;
  /** What will be done, or why nothing will: read by an on-call engineer. */
  reason: string;
  calls: AwsCall[];
  /** Runs after every call succeeded (e.g. remember a scale-out for restore). */
  remember?: (store: StateStore, now: number) => Promise<void>;
}

export interface ActionDefinition<P> {
  /** Changes the endpoint (counts toward limits, takes the lock); notify does not. */
  mutatesEndpoint: boolean;
  /** Sent even in dry-run mode (notify: "would have done ..."). */
  runsInDryRun: boolean;
  plan(params: P, ctx: PlanContext): Promise<ActionPlan>;
}

export function skip(reason: string): ActionPlan {
  return { status: 'skipped', reason, calls: [] };
}

export function hold(cause: SuppressionCause, reason: string): ActionPlan {
  return { status: 'held', heldBy: cause, reason, calls: [] };
}
