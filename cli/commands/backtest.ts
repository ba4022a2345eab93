/**
 * medic backtest DIR... : what the runbook would have done to a folder of recorded events, in
 * event-time order on a virtual clock. Prints a summary per rule and per endpoint, thrash and
 * rules that never matched; `--json` prints the summary object of docs/cli.md#backtest---json.
 * Exit codes: 2 if any event was rejected as bad input (they are still counted and listed),
 * 1 if an action failed or an event could not be finished, else 0.
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { renderBacktest } from '../backtest/render.js';
import { type BacktestProgress, backtestExitCode, orderByEventTime, runBacktest } from '../backtest/run.js';
import { listEventFiles, noEventFiles } from '../event-files.js';
import { type Io, paint } from '../io.js';
import { plural } from '../plural.js';
import { awsStateInFolder, createAdapters, DEFAULT_AWS_STATE, DEFAULT_RUNBOOK, loadCompiledRunbook } from '../setup.js';
import { UsageError } from '../usage-error.js';
import { relativeLabel } from './replay.js';

export interface BacktestOptions {
  paths: string[];
  runbook?: string;
  awsState?: string;
  json?: boolean;
  /** Force progress on stderr (it is shown anyway when stderr is a terminal). */
  progress?: boolean;
}

/** Progress lines: every this many events, or every second, whichever comes first. */
const PROGRESS_EVERY = 5_000;
const PROGRESS_INTERVAL_MS = 1_000;

export async function backtestCommand(options: BacktestOptions, io: Io): Promise<number> {
  if (options.paths.length === 0) throw new UsageError('backtest needs a folder of events, e.g. `medic backtest events/`');
  const runbook = await loadCompiledRunbook(options.runbook, io);
  // A captured folder (medic capture --events) carries the state it was captured with.
  const awsState = options.awsState ?? awsStateInFolder(options.paths, io.cwd);
  const adapters = await createAdapters({ awsState }, io);
  const stateFile = resolve(io.cwd, awsState ?? DEFAULT_AWS_STATE);
  const files = listEventFiles(options.paths, [stateFile], io.cwd);
  if (files.length === 0) throw noEventFiles(options.paths, io.cwd);

  const progress = options.progress === true || io.errIsTTY === true ? progressReporter(io) : undefined;
  const started = performance.now();
  const ordered = orderByEventTime(
    files.map((file) => ({ file, label: relativeLabel(file, io.cwd) })),
    progress,
  );
  const summary = await runBacktest(ordered, runbook, adapters, progress);
  if (progress) {
    const seconds = (performance.now() - started) / 1000;
    const rate = Math.round(summary.events / Math.max(seconds, 0.001));
    io.err(
      `backtest: ${plural(summary.events, 'event')} in ${seconds.toFixed(1)} s (${rate.toLocaleString('en-US')} events/s), peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
    );
  }

  if (options.json) io.out(JSON.stringify(summary));
  else {
    const p = paint(io.color);
    const ctx = {
      runbook: options.runbook ?? DEFAULT_RUNBOOK,
      awsState: awsState ?? DEFAULT_AWS_STATE,
      ...(io.columns !== undefined ? { width: io.columns } : {}),
    };
    for (const line of renderBacktest(summary, ctx, p)) io.out(line);
  }
  return backtestExitCode(summary);
}

function progressReporter(io: Io): (p: BacktestProgress) => void {
  const started = performance.now();
  let lastAt = started;
  return (p) => {
    const now = performance.now();
    const due = p.done % PROGRESS_EVERY === 0 || now - lastAt >= PROGRESS_INTERVAL_MS;
    if (!due || p.done === p.total) return;
    lastAt = now;
    const pct = Math.floor((p.done / p.total) * 100);
    const when = p.at !== undefined ? `, at ${new Date(p.at).toISOString()}` : '';
    io.err(
      `backtest: ${p.phase} ${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')} (${pct}%), ${((now - started) / 1000).toFixed(1)} s${when}`,
    );
  };
}
