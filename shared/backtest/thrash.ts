/**
 * Thrash: a change and its opposite on one endpoint within a short window (default one hour).
 * - scale: a scale-out (`by`, `to`, `factor`) and a `restore` of the same endpoint;
 * - shift: traffic shifted to one variant, then to another one (shift and shift-back).
 * Only actions that would have run count (executed, or planned in a backtest). Each reversal is
 * one finding: out, in, out within the hour are two.
 */
import type { ActionReport, EventReport } from '../report.js';
import type { Runbook } from '../runbook/types.js';

const HOUR_MS = 3600_000;
const DEFAULT_LISTED = 100;

export interface ThrashStep {
  event: string;
  time: string;
  rule: string;
  /** `scale out`, `scale restore`, or `shift to <variant>`. */
  change: string;
  reason: string;
}

export interface ThrashFinding {
  endpoint: string;
  kind: 'scale' | 'shift';
  first: ThrashStep;
  second: ThrashStep;
  minutesApart: number;
}

type ScaleDirection = 'out' | 'restore';

interface Move {
  at: number;
  step: ThrashStep;
}

export class ThrashDetector {
  /** Per rule: the direction of each of its scale actions, in order. */
  private readonly scaleDirections = new Map<string, ScaleDirection[]>();
  private readonly lastScale = new Map<string, Partial<Record<ScaleDirection, Move>>>();
  private readonly lastShift = new Map<string, Move & { to: string }>();
  private readonly findings: ThrashFinding[] = [];
  private count = 0;

  constructor(
    runbook: Runbook,
    private readonly windowMs = HOUR_MS,
    private readonly maxListed = DEFAULT_LISTED,
  ) {
    for (const rule of runbook.rules) {
      const directions = rule.actions
        .filter((a) => a.type === 'scale')
        .map((a): ScaleDirection => ('restore' in (a.params as object) ? 'restore' : 'out'));
      this.scaleDirections.set(rule.id, directions);
    }
  }

  add(report: EventReport, endpoint: string, at: number): void {
    const scaleSeen = new Map<string, number>();
    for (const action of report.actions) {
      if (action.type === 'scale') {
        const nth = scaleSeen.get(action.rule) ?? 0;
        scaleSeen.set(action.rule, nth + 1);
        if (!wouldRun(action)) continue;
        const direction = this.scaleDirections.get(action.rule)?.[nth] ?? 'out';
        this.onScale(endpoint, direction, { at, step: stepOf(report, action, at, `scale ${direction}`) });
      } else if (action.type === 'shift-traffic' && wouldRun(action)) {
        const to = shiftTarget(action);
        if (to) this.onShift(endpoint, to, { at, step: stepOf(report, action, at, `shift to ${to}`) });
      }
    }
  }

  listed(): ThrashFinding[] {
    return [...this.findings];
  }

  total(): number {
    return this.count;
  }

  private onScale(endpoint: string, direction: ScaleDirection, move: Move): void {
    const last = this.lastScale.get(endpoint) ?? {};
    const opposite = last[direction === 'out' ? 'restore' : 'out'];
    if (opposite && move.at - opposite.at <= this.windowMs) {
      // The reversal is the newest move after the opposite one: one finding per reversal.
      const sameSince = last[direction];
      if (!sameSince || sameSince.at <= opposite.at) this.report(endpoint, 'scale', opposite, move);
    }
    last[direction] = move;
    this.lastScale.set(endpoint, last);
  }

  private onShift(endpoint: string, to: string, move: Move): void {
    const last = this.lastShift.get(endpoint);
    if (last && last.to !== to && move.at - last.at <= this.windowMs) this.report(endpoint, 'shift', last, move);
    this.lastShift.set(endpoint, { ...move, to });
  }

  private report(endpoint: string, kind: ThrashFinding['kind'], first: Move, then: Move): void {
    this.count += 1;
    if (this.findings.length >= this.maxListed) return;
    this.findings.push({ endpoint, kind, first: first.step, second: then.step, minutesApart: Math.round((then.at - first.at) / 60_000) });
  }
}

function wouldRun(action: ActionReport): boolean {
  return action.status === 'executed' || action.status === 'planned';
}

function stepOf(report: EventReport, action: ActionReport, at: number, change: string): ThrashStep {
  return { event: report.event, time: new Date(at).toISOString(), rule: action.rule, change, reason: action.reason };
}

/** The variant an UpdateEndpointWeightsAndCapacities call gives the largest weight. */
function shiftTarget(action: ActionReport): string | undefined {
  let best: { name: string; weight: number } | undefined;
  for (const call of action.calls) {
    const desired = call.input.DesiredWeightsAndCapacities;
    if (!Array.isArray(desired)) continue;
    for (const entry of desired as Array<{ VariantName?: unknown; DesiredWeight?: unknown }>) {
      if (typeof entry.VariantName !== 'string' || typeof entry.DesiredWeight !== 'number') continue;
      if (!best || entry.DesiredWeight > best.weight) best = { name: entry.VariantName, weight: entry.DesiredWeight };
    }
  }
  return best?.name;
}
