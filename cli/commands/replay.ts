/**
 * medic replay EVENT|DIR... : every event through the same engine as the Lambda handlers,
 * sharing one in-memory state store in the order given (dedupe, cooldowns and locks apply
 * across them). Prints the plan, or with --live the outcome. Never writes without --live.
 */
import { resolve } from 'node:path';
import { SeenAlarmStates } from '../../shared/aws/seen-alarms.js';
import { handleEvent } from '../../shared/engine.js';
import { describeError, InvalidEventError } from '../../shared/errors.js';
import { inFile } from '../../shared/json-text.js';
import { type EventReport, exitCodeFor } from '../../shared/report.js';
import { listEventFiles, noEventFiles, readEventFile } from '../event-files.js';
import { type Io, paint } from '../io.js';
import { renderReport, renderSummary } from '../render.js';
import { awsStateInFolder, createAdapters, createCliEngine, DEFAULT_AWS_STATE, loadCompiledRunbook } from '../setup.js';
import { UsageError } from '../usage-error.js';
import { cliReport } from '../wording.js';

export interface ReplayOptions {
  paths: string[];
  runbook?: string;
  awsState?: string;
  aws?: boolean;
  live?: boolean;
  json?: boolean;
}

export async function replayCommand(options: ReplayOptions, io: Io): Promise<number> {
  if (options.paths.length === 0) throw new UsageError('replay needs at least one event file or folder, e.g. `medic replay events/`');
  if (options.awsState && (options.aws || options.live)) {
    io.err('note: --aws-state is only used for the endpoint config history; AWS reads are live');
  }
  const runbook = await loadCompiledRunbook(options.runbook, io);
  // A captured folder (medic capture --events) is replayed against the state it was captured with.
  const offline = !(options.aws || options.live);
  const awsState = options.awsState ?? (offline ? ownAwsState(options.paths, io) : undefined);
  const adapters = await createAdapters({ ...options, awsState }, io);
  // Offline, a ladder check reads the alarm's state as the events replayed before it left it.
  const seen = options.aws || options.live ? undefined : new SeenAlarmStates();
  const deps = await createCliEngine(runbook, seen ? { ...adapters, reader: seen.reader(adapters.reader) } : adapters, {
    live: options.live === true,
    clock: io.clock,
  });
  const stateFile = resolve(io.cwd, awsState ?? DEFAULT_AWS_STATE);
  const files = listEventFiles(options.paths, [stateFile], io.cwd);
  if (files.length === 0) throw noEventFiles(options.paths, io.cwd);

  const p = paint(io.color && !options.json);
  const reports: EventReport[] = [];
  let exit = 0;
  // The report on stdout already shows a rejected event's error; when stdout and stderr are
  // the same terminal, repeating it on stderr prints it twice.
  const errorsOnStderr = options.json || !(io.outIsTTY && io.errIsTTY);
  for (const file of files) {
    const label = relativeLabel(file, io.cwd);
    const report = cliReport(await replayFile(file, label, deps));
    seen?.observe(report);
    reports.push(report);
    exit = Math.max(exit, exitCodeFor(report));
    if (options.json) io.out(JSON.stringify(report));
    else {
      for (const line of renderReport(report, p)) io.out(line);
    }
    if (report.errorKind === 'invalid-event' && errorsOnStderr) io.err(inFile(label, report.error ?? ''));
    // A broken recorded state entry names the state file itself: said as it is.
    else if (report.errorKind === 'invalid-state' && errorsOnStderr) io.err(report.error ?? '');
  }
  if (!options.json) io.out(`\n${renderSummary(reports, p)}${options.live ? '' : p.dim(' (nothing was written to AWS)')}`);
  return exit;
}

async function replayFile(file: string, label: string, deps: Parameters<typeof handleEvent>[2]): Promise<EventReport> {
  let raw: unknown;
  try {
    raw = readEventFile(file);
  } catch (error) {
    const kind = error instanceof InvalidEventError ? 'invalid-event' : 'usage';
    return { event: label, signal: null, rule: null, actions: [], ignored: null, error: describeError(error), errorKind: kind };
  }
  return handleEvent(raw, label, deps);
}

/**
 * The events' own recorded state (their folder's aws-state.json), said on stderr when it is not
 * the default one, so nobody reads a plan made against the sample world as one of theirs.
 */
export function ownAwsState(paths: string[], io: Io): string | undefined {
  const own = awsStateInFolder(paths, io.cwd);
  if (own === undefined || resolve(io.cwd, own) === resolve(io.cwd, DEFAULT_AWS_STATE)) return undefined;
  io.err(`note: recorded AWS state ${own} (the events' folder's own; --aws-state F for another)`);
  return own;
}

export function relativeLabel(file: string, cwd: string): string {
  const abs = resolve(file);
  const base = resolve(cwd);
  return abs.startsWith(`${base}/`) ? abs.slice(base.length + 1) : abs;
}
