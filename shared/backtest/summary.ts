/**
 * Backtest aggregation (pure): folds the engine's per-event reports into one summary per rule
 * and per endpoint, without keeping the reports themselves, so a backtest of 100,000 events
 * holds counters, not reports.
 *
 * Counting units:
 * - `matched` counts EVENTS in which the rule matched (whether or not its actions ran);
 * - `executed`, `suppressed`, `skipped`, `failed` count ACTIONS of that rule. In a backtest
 *   nothing is written, so an action the engine `planned` counts as executed: it is what
 *   production would have done.
 *
 * The shape is the `backtest --json` summary of docs/cli.md#backtest---json: its first keys
 * (events ... rejected) are the original contract, extended, never changed.
 */
import type { ActionType } from '../actions/params.js';
import { isBadInputKind } from '../errors.js';
import type { ActionReport, ApprovalEventKind, EventReport, SuppressionCause } from '../report.js';
import type { Runbook } from '../runbook/types.js';
import { ThrashDetector, type ThrashFinding } from './thrash.js';

export type { ThrashFinding } from './thrash.js';

/** How many distinct skip / ignore reasons are counted per bucket before the rest is lumped. */
const MAX_DISTINCT_REASONS = 200;
/** How many of them a summary lists, most frequent first. */
const TOP_REASONS = 5;
/** How many rejected files a summary names (all are counted). */
const MAX_REJECTED_LISTED = 20;
/** Approvals listed with their story (every one is counted). */
const MAX_APPROVALS_LISTED = 20;
export const OTHER_REASONS = '(other reasons)';

export type SuppressionCounts = Partial<Record<SuppressionCause, number>>;

export interface ReasonCount {
  reason: string;
  count: number;
}

export interface RuleSummary {
  /** Events in which this rule matched. */
  matched: number;
  /** Actions executed (planned, in a backtest). */
  executed: number;
  suppressed: number;
  skipped: number;
  failed: number;
  /** `suppressed` split by the guard that held the action back. */
  suppressedBy: SuppressionCounts;
  /** Escalation steps of this rule's ladders that ran (their actions are counted above too). */
  escalated: number;
  /** The most frequent skip reasons, most frequent first. */
  skippedReasons: ReasonCount[];
}

/** Escalation ladders over the whole run (docs/runbook.md#escalation-ladders). */
export interface LadderSummary {
  started: number;
  /** Ended because the alarm left ALARM (an OK event, or its state at a check). */
  resolved: number;
  /** Every step ran and the alarm was still in ALARM: one "did not clear" message each. */
  exhausted: number;
  /** Steps that ran. */
  steps: number;
  /** Steps given up: the endpoint stayed busy through every attempt. */
  gaveUp: number;
  /** Checks run on the virtual clock (a held step's retries included). */
  checks: number;
  /** Ended because the runbook no longer had the rule or step, or the alarm was gone. */
  cancelled: number;
  /** Still open when the backtest ended (none, unless the run was cut short). */
  open: number;
}

export interface EndpointActionSummary {
  executed: number;
  suppressed: number;
  skipped: number;
  failed: number;
  suppressedBy: SuppressionCounts;
}

export interface RejectedEvent {
  event: string;
  error: string;
}

export interface BacktestSummary {
  /** Event files read (every one, including rejected ones). */
  events: number;
  rules: Record<string, RuleSummary>;
  /** Per endpoint (the signal's; `(unknown)` when it has none), per action type. */
  endpoints: Record<string, Partial<Record<ActionType, EndpointActionSummary>>>;
  /** Back-and-forth changes on one endpoint within the window (at most `thrashListed` listed). */
  thrash: ThrashFinding[];
  /** Rule ids that matched no event, in runbook order. */
  neverMatched: string[];
  /** Events on which nothing was done: no rule matched, not a monitoring result, unsupported, ... */
  ignored: number;
  /** Bad input: malformed events, or events whose recorded state entry is broken; they make the exit code 2. */
  rejected: number;
  // --- Extensions of the original summary ----------------------------------------------------
  /** Endpoint state changes recorded as the live config (rollback history). */
  recorded: number;
  /** Events the engine could not finish for another reason than bad input, e.g. a failed AWS read. */
  errors: number;
  /** Events in which at least one rule matched. */
  matchedEvents: number;
  /** Event time of the first and last event run, ISO 8601. */
  from: string | null;
  to: string | null;
  /** Every thrash finding is counted; `thrash` lists the first ones. */
  thrashTotal: number;
  ignoredReasons: ReasonCount[];
  rejectedEvents: RejectedEvent[];
  /** Nothing is written in a backtest: `executed` counts the actions that would have been. */
  executedMeans: 'planned';
  ladders: LadderSummary;
  /** Operator events applied (silences created or ended, circuits closed, approvals decided). */
  operator: number;
  /** Approvals asked for, and how they ended (docs/operator-controls.md#approvals). */
  approvals: ApprovalSummary;
}

/** One approval's story in a backtest: asked, then held, granted, rejected or expired, with when. */
export interface ApprovalStory {
  approval: string;
  rule: string;
  action: ActionType;
  endpoint?: string;
  /** e.g. `2026-11-23T04:10:41.000Z held: granted by ..., but held (silenced): ...`. */
  events: string[];
}

export interface ApprovalSummary {
  /** The first approvals asked, each with what became of it (all are counted below). */
  listed: ApprovalStory[];
  asked: number;
  granted: number;
  rejected: number;
  expired: number;
  /** Granted while a guard held the action: it stayed pending. */
  held: number;
  /** Neither granted, rejected nor expired when the backtest ended. */
  pending: number;
}

/** Counts reasons, up to a fixed number of distinct ones (reasons can embed ids). */
class ReasonCounter {
  private readonly counts = new Map<string, number>();

  add(reason: string): void {
    const known = this.counts.get(reason);
    if (known !== undefined) this.counts.set(reason, known + 1);
    else if (this.counts.size < MAX_DISTINCT_REASONS) this.counts.set(reason, 1);
    else this.counts.set(OTHER_REASONS, (this.counts.get(OTHER_REASONS) ?? 0) + 1);
  }

  top(n = TOP_REASONS): ReasonCount[] {
    return [...this.counts]
      .map(([reason, count]) => ({ reason, count }))
      .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
      .slice(0, n);
  }
}

interface RuleTally {
  summary: Omit<RuleSummary, 'skippedReasons'>;
  skipped: ReasonCounter;
}

function emptyCounts(): EndpointActionSummary {
  return { executed: 0, suppressed: 0, skipped: 0, failed: 0, suppressedBy: {} };
}

/** planned = executed in a backtest (nothing is written); the other statuses as they are. */
/** A backtest plans instead of executing; an action awaiting approval is held (suppressedBy awaiting-approval). */
function bucketOf(action: ActionReport): 'executed' | 'suppressed' | 'skipped' | 'failed' {
  if (action.status === 'planned') return 'executed';
  if (action.status === 'awaiting-approval') return 'suppressed';
  return action.status;
}

export interface BacktestAggregatorOptions {
  /** Two opposite changes on one endpoint closer than this are thrash (default 1 hour). */
  thrashWindowMs?: number;
  /** How many thrash findings the summary lists (all are counted). */
  thrashListed?: number;
}

export class BacktestAggregator {
  private events = 0;
  private ignored = 0;
  private rejected = 0;
  private recorded = 0;
  private errors = 0;
  private matchedEvents = 0;
  private operator = 0;
  private first: number | undefined;
  private last: number | undefined;
  private readonly rules = new Map<string, RuleTally>();
  private readonly endpoints = new Map<string, Map<ActionType, EndpointActionSummary>>();
  private readonly ignoredReasons = new ReasonCounter();
  private readonly rejectedEvents: RejectedEvent[] = [];
  private readonly thrash: ThrashDetector;
  private readonly approvals = new Map<string, ApprovalEventKind>();
  private readonly approvalStories = new Map<string, ApprovalStory>();
  private approvalsHeld = 0;
  private readonly ladders: LadderSummary = {
    started: 0,
    resolved: 0,
    exhausted: 0,
    steps: 0,
    gaveUp: 0,
    checks: 0,
    cancelled: 0,
    open: 0,
  };

  constructor(
    private readonly runbook: Runbook,
    options: BacktestAggregatorOptions = {},
  ) {
    for (const rule of runbook.rules) this.rules.set(rule.id, newTally());
    this.thrash = new ThrashDetector(runbook, options.thrashWindowMs, options.thrashListed);
  }

  /**
   * One event's report; `at` is the event time (epoch ms) when known. A ladder check
   * (`check: true`) or another timer (`timer: true`, an approval's expiry) is not an event file:
   * it counts its actions and ladders, not as an event.
   */
  add(report: EventReport, at?: number, options: { check?: boolean; timer?: boolean } = {}): void {
    this.countLadders(report);
    this.countApprovals(report, at);
    if (options.check || options.timer) {
      if (options.check) this.ladders.checks += 1;
      this.countActions(report);
      if (report.signal?.endpoint && at !== undefined) this.thrash.add(report, report.signal.endpoint, at);
      return;
    }
    this.events += 1;
    if (at !== undefined && Number.isFinite(at)) {
      if (this.first === undefined || at < this.first) this.first = at;
      if (this.last === undefined || at > this.last) this.last = at;
    }
    if (report.error !== null) {
      if (isBadInputKind(report.errorKind)) {
        this.rejected += 1;
        if (this.rejectedEvents.length < MAX_REJECTED_LISTED) this.rejectedEvents.push({ event: report.event, error: report.error });
      } else {
        this.errors += 1;
      }
      // A signal that failed half-way still counts what it did before the error.
      if (report.actions.length === 0) return;
    }
    if (report.operator) {
      // Applied: it changed something, or (a grant a guard held) it was decided and said so.
      if (report.recorded || report.approvals?.length) this.operator += 1;
    } else if (report.recorded) this.recorded += 1;
    // An operator event (an approval granted) runs a rule's action, but no rule matched it.
    const matched = report.operator ? [] : (report.rules ?? (report.rule ? [report.rule] : []));
    if (matched.length > 0) this.matchedEvents += 1;
    else if (report.ignored !== null && report.error === null) {
      this.ignored += 1;
      this.ignoredReasons.add(report.ignored);
    }
    for (const id of matched) this.tally(id).summary.matched += 1;
    this.countActions(report);
    if (report.signal?.endpoint && at !== undefined) this.thrash.add(report, report.signal.endpoint, at);
  }

  private countLadders(report: EventReport): void {
    for (const entry of report.ladders ?? []) {
      if (entry.event === 'started') this.ladders.started += 1;
      else if (entry.event === 'resolved') this.ladders.resolved += 1;
      else if (entry.event === 'exhausted') this.ladders.exhausted += 1;
      else if (entry.event === 'cancelled') this.ladders.cancelled += 1;
      else if (entry.event === 'gave-up') this.ladders.gaveUp += 1;
      else if (entry.event === 'step') {
        this.ladders.steps += 1;
        this.tally(entry.rule).summary.escalated += 1;
      }
    }
  }

  /** The last word on each approval (asked, then granted, rejected or expired). */
  private countApprovals(report: EventReport, at: number | undefined): void {
    for (const entry of report.approvals ?? []) {
      if (entry.event === 'held') this.approvalsHeld += 1;
      else this.approvals.set(entry.approval, entry.event);
      let story = this.approvalStories.get(entry.approval);
      if (!story && this.approvalStories.size < MAX_APPROVALS_LISTED) {
        story = {
          approval: entry.approval,
          rule: entry.rule,
          action: entry.action,
          ...(entry.endpoint ? { endpoint: entry.endpoint } : {}),
          events: [],
        };
        this.approvalStories.set(entry.approval, story);
      }
      const when = at !== undefined && Number.isFinite(at) ? `${new Date(at).toISOString()} ` : '';
      story?.events.push(`${when}${entry.event}: ${entry.reason}`);
    }
  }

  private approvalSummary(): ApprovalSummary {
    const out: ApprovalSummary = {
      listed: [...this.approvalStories.values()],
      asked: this.approvals.size,
      granted: 0,
      rejected: 0,
      expired: 0,
      held: this.approvalsHeld,
      pending: 0,
    };
    for (const last of this.approvals.values()) {
      if (last === 'asked') out.pending += 1;
      else if (last === 'granted' || last === 'rejected' || last === 'expired') out[last] += 1;
    }
    return out;
  }

  private countActions(report: EventReport): void {
    // An approval decided by id has no signal of its own: its notice is about the approval's endpoint.
    const endpoint = report.signal?.endpoint ?? report.approvals?.[0]?.endpoint ?? '(unknown)';
    for (const action of report.actions) {
      const bucket = bucketOf(action);
      const rule = this.tally(action.rule);
      rule.summary[bucket] += 1;
      if (bucket === 'suppressed') bump(rule.summary.suppressedBy, action.suppressedBy);
      if (bucket === 'skipped') rule.skipped.add(action.reason);
      const perType = this.endpointCounts(endpoint, action.type);
      perType[bucket] += 1;
      if (bucket === 'suppressed') bump(perType.suppressedBy, action.suppressedBy);
    }
  }

  summary(): BacktestSummary {
    const rules: Record<string, RuleSummary> = {};
    for (const [id, tally] of this.rules) rules[id] = { ...tally.summary, skippedReasons: tally.skipped.top() };
    const endpoints: BacktestSummary['endpoints'] = {};
    for (const name of [...this.endpoints.keys()].sort()) {
      const perType = this.endpoints.get(name) as Map<ActionType, EndpointActionSummary>;
      endpoints[name] = Object.fromEntries([...perType].sort(([a], [b]) => a.localeCompare(b)));
    }
    return {
      events: this.events,
      rules,
      endpoints,
      thrash: this.thrash.listed(),
      neverMatched: this.runbook.rules.filter((r) => (this.rules.get(r.id)?.summary.matched ?? 0) === 0).map((r) => r.id),
      ignored: this.ignored,
      rejected: this.rejected,
      recorded: this.recorded,
      errors: this.errors,
      matchedEvents: this.matchedEvents,
      from: this.first === undefined ? null : new Date(this.first).toISOString(),
      to: this.last === undefined ? null : new Date(this.last).toISOString(),
      thrashTotal: this.thrash.total(),
      ignoredReasons: this.ignoredReasons.top(),
      rejectedEvents: [...this.rejectedEvents],
      executedMeans: 'planned',
      operator: this.operator,
      approvals: this.approvalSummary(),
      ladders: {
        ...this.ladders,
        open: this.ladders.started - this.ladders.resolved - this.ladders.exhausted - this.ladders.cancelled,
      },
    };
  }

  private tally(ruleId: string): RuleTally {
    const known = this.rules.get(ruleId);
    if (known) return known;
    const tally = newTally();
    this.rules.set(ruleId, tally);
    return tally;
  }

  private endpointCounts(endpoint: string, type: ActionType): EndpointActionSummary {
    let perType = this.endpoints.get(endpoint);
    if (!perType) {
      perType = new Map();
      this.endpoints.set(endpoint, perType);
    }
    let counts = perType.get(type);
    if (!counts) {
      counts = emptyCounts();
      perType.set(type, counts);
    }
    return counts;
  }
}

function newTally(): RuleTally {
  return {
    summary: { matched: 0, executed: 0, suppressed: 0, skipped: 0, failed: 0, suppressedBy: {}, escalated: 0 },
    skipped: new ReasonCounter(),
  };
}

function bump(counts: SuppressionCounts, cause: SuppressionCause | undefined): void {
  if (!cause) return;
  counts[cause] = (counts[cause] ?? 0) + 1;
}
