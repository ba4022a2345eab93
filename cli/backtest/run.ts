/**
 * Runs a folder of events through the engine in event-time order on a virtual clock, with ONE
 * in-memory state store, so cooldowns, dedupe, limits and the circuit breaker behave as they
 * would have in production. Nothing is written to AWS (allowWrites false): actions end as
 * `planned` and count as executed. Reads come from the recorded AWS state, which does not
 * change as actions "run" (a scale-out does not raise the recorded instance count).
 *
 * Built for 100,000 events: files are read one at a time, twice (once for their time, once to
 * run them), and each report is folded into the summary and dropped.
 */
import { randomUUID } from 'node:crypto';
import { SeenAlarmStates } from '../../shared/aws/seen-alarms.js';
import { BacktestAggregator, type BacktestSummary } from '../../shared/backtest/index.js';
import { VirtualClock } from '../../shared/clock.js';
import { type EngineDeps, handleEvent } from '../../shared/engine.js';
import { describeError, InvalidEventError } from '../../shared/errors.js';
import type { EventReport } from '../../shared/report.js';
import type { CompiledRunbook } from '../../shared/runbook/index.js';
import { parseIsoWithZone } from '../../shared/signals/iso-time.js';
import { MemoryStateStore } from '../../shared/state/memory.js';
import type { AuditRecord, StateStore } from '../../shared/state/store.js';
import { timerEvent } from '../../shared/timers/timer-event.js';
import { VirtualTimers } from '../../shared/timers/virtual.js';
import { readEventFile } from '../event-files.js';
import type { Adapters } from '../setup.js';
import { cliReport } from '../wording.js';

/** The memory store without the audit trail: a backtest never reads it, and 100k reports add up. */
class BacktestStateStore extends MemoryStateStore {
  override async putAudit(_record: AuditRecord): Promise<void> {}
}

export interface TimedEvent {
  file: string;
  label: string;
  /** Event `time` in epoch ms; NaN when the file has none or a bad one (it is run last, and rejected). */
  at: number;
}

export interface BacktestProgress {
  phase: 'reading' | 'running';
  done: number;
  total: number;
  /** Event time of the event just run. */
  at?: number;
}

/** Reads each file once for its event time; orders by time, then by name. */
export function orderByEventTime(files: Array<{ file: string; label: string }>, onProgress?: (p: BacktestProgress) => void): TimedEvent[] {
  const timed = files.map(({ file, label }, i): TimedEvent => {
    onProgress?.({ phase: 'reading', done: i + 1, total: files.length });
    return { file, label, at: eventTimeOf(file) };
  });
  return timed.sort((a, b) => {
    const ka = Number.isFinite(a.at);
    const kb = Number.isFinite(b.at);
    if (ka !== kb) return ka ? -1 : 1;
    if (ka && a.at !== b.at) return a.at - b.at;
    return a.label < b.label ? -1 : a.label > b.label ? 1 : 0;
  });
}

/** Read as the run reads it (readEventFile), the time checked as the envelope checks it: NaN exactly when the run will reject it. */
function eventTimeOf(file: string): number {
  try {
    const raw = readEventFile(file) as { time?: unknown } | null;
    if (typeof raw?.time !== 'string') return Number.NaN;
    const time = parseIsoWithZone(raw.time);
    return time.ok ? time.ms : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

export async function runBacktest(
  events: TimedEvent[],
  runbook: CompiledRunbook,
  adapters: Adapters,
  onProgress?: (p: BacktestProgress) => void,
): Promise<BacktestSummary> {
  const clock = new VirtualClock();
  const store: StateStore = new BacktestStateStore();
  for (const [endpoint, configs] of Object.entries(adapters.history)) {
    for (const config of configs) await store.recordEndpointConfig(endpoint, config, 0);
  }
  const seen = new SeenAlarmStates();
  const timers = new VirtualTimers();
  const deps: EngineDeps = {
    runbook,
    reader: seen.reader(adapters.reader),
    writer: adapters.writer,
    store,
    clock,
    allowWrites: false,
    owner: `medic-backtest-${randomUUID()}`,
    // One event at a time: a lock is never held by someone else, and virtual time must not wait.
    lockWaitMs: 0,
    sleep: async () => {},
    timers,
  };
  const aggregator = new BacktestAggregator(runbook.runbook);
  // Timers due by `until` (ladder checks, approval expiries) run first, each at its own time, in time order.
  const runChecks = async (until?: number): Promise<void> => {
    for (let timer = timers.takeDue(until); timer; timer = timers.takeDue(until)) {
      clock.set(timer.at);
      const when = new Date(timer.at).toISOString();
      const label =
        'check' in timer
          ? `check ${timer.check.rule} step ${timer.check.step}${timer.check.attempt > 1 ? `.${timer.check.attempt}` : ''} @ ${when}`
          : `expiry ${timer.expiry.approval} @ ${when}`;
      const report = cliReport(await handleEvent(timerEvent(timer), label, deps));
      aggregator.add(report, timer.at, 'check' in timer ? { check: true } : { timer: true });
    }
  };
  for (const [i, event] of events.entries()) {
    if (Number.isFinite(event.at)) {
      await runChecks(event.at);
      clock.set(event.at);
    }
    const report = await runOne(event, deps);
    seen.observe(report);
    aggregator.add(report, Number.isFinite(event.at) ? event.at : undefined);
    onProgress?.({ phase: 'running', done: i + 1, total: events.length, ...(Number.isFinite(event.at) ? { at: event.at } : {}) });
  }
  // After the last event, until every ladder has ended.
  await runChecks();
  return aggregator.summary();
}

async function runOne(event: TimedEvent, deps: EngineDeps): Promise<EventReport> {
  let raw: unknown;
  try {
    raw = readEventFile(event.file);
  } catch (error) {
    const kind = error instanceof InvalidEventError ? 'invalid-event' : 'usage';
    return { event: event.label, signal: null, rule: null, actions: [], ignored: null, error: describeError(error), errorKind: kind };
  }
  return cliReport(await handleEvent(raw, event.label, deps));
}

/** 2 any rejected (bad input), 1 an action failed or an event could not be finished, else 0. */
export function backtestExitCode(summary: BacktestSummary): 0 | 1 | 2 {
  if (summary.rejected > 0) return 2;
  const failed = Object.values(summary.rules).some((r) => r.failed > 0);
  return failed || summary.errors > 0 ? 1 : 0;
}
