/**
 * medic capture --endpoint NAME... [--out F] [--runbook F] [--merge] [--since D] [--events DIR]:
 * snapshots live AWS state (reads only) into an aws-state.json (docs/cli.md, the recorded AWS
 * state), so `medic replay` and `medic backtest` can run against a faithful copy of production;
 * with --events, also the window's alarm state changes and monitoring executions as event files
 * (capture/events.ts), with the snapshot beside them, ready for `medic backtest DIR`. Uses the
 * --aws credentials and endpoint settings (AWS_REGION, AWS_ENDPOINT_URL, ...). Exit 1 when an
 * endpoint does not exist or a read fails; each failed read is named on stderr and the files are
 * still written with what was read.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadRecordedStateFile, parseRecordedState } from '../../shared/aws/recorded.js';
import { isGlob } from '../../shared/runbook/glob.js';
import { type PipelineRef, parseDuration } from '../../shared/runbook/index.js';
import { eventsFolder, writeEventsFolder } from '../capture/event-folder.js';
import { ALARM_HISTORY_DAYS, ALARM_HISTORY_MS, captureEvents } from '../capture/events.js';
import { captureState, mergeStates } from '../capture/snapshot.js';
import { type CaptureSource, sdkCaptureSource } from '../capture/source.js';
import type { Io } from '../io.js';
import { outputPath, writeOutputFile } from '../output-file.js';
import { plural } from '../plural.js';
import { loadCompiledRunbook } from '../setup.js';
import { UsageError } from '../usage-error.js';

export const DEFAULT_CAPTURE_OUT = 'aws-state.json';
export const DEFAULT_CAPTURE_SINCE = '24h';

export interface CaptureOptions {
  endpoints: string[];
  out?: string;
  runbook?: string;
  merge?: boolean;
  /** How far back Model Monitor executions are recorded (a duration; default 24h). */
  since?: string;
  /** A folder to write the window's alarm state changes and monitoring executions into, as events. */
  events?: string;
  /** Force progress on stderr (it is shown anyway when stderr is a terminal). */
  progress?: boolean;
  /** Tests pass their own; the CLI reads through the SDK. */
  source?: CaptureSource;
}

export async function captureCommand(options: CaptureOptions, io: Io): Promise<number> {
  const endpoints = [
    ...new Set(
      options.endpoints
        .flatMap((e) => e.split(','))
        .map((e) => e.trim())
        .filter(Boolean),
    ),
  ];
  if (endpoints.length === 0) throw new UsageError('capture needs at least one --endpoint NAME');
  const pattern = endpoints.find(isGlob);
  if (pattern !== undefined) {
    throw new UsageError(
      `--endpoint ${pattern} is a pattern, but capture reads endpoints by their exact names: give each one (\`aws sagemaker list-endpoints --name-contains\` lists them)`,
    );
  }
  // The folder's README and `next:` line name the snapshot's file: printed, there would be none.
  if (options.events !== undefined && options.out === '-') {
    throw new UsageError(
      `--out - prints the snapshot, but \`medic backtest ${options.events}\` needs it in a file: leave out --out (it goes in ${join(options.events, DEFAULT_CAPTURE_OUT)}) or give --out FILE`,
    );
  }
  // Before any AWS read: a capture must not run for minutes only to fail at the write.
  const eventsDir = options.events === undefined ? undefined : eventsFolder(options.events, io.cwd);
  // With --events the snapshot goes beside the events, where `medic backtest DIR` looks for it.
  const out = options.out ?? (options.events === undefined ? DEFAULT_CAPTURE_OUT : join(options.events, DEFAULT_CAPTURE_OUT));
  if (options.merge && out === '-') throw new UsageError('--merge needs --out FILE to merge into');
  const stateBeside = eventsDir !== undefined && options.out === undefined;
  const outFile = out === '-' ? '' : stateBeside ? join(eventsDir, DEFAULT_CAPTURE_OUT) : outputPath('out', out, io.cwd);
  // The runbook names the pipelines whose executions retrain checks.
  const pipelines: PipelineRef[] = Object.values((await loadCompiledRunbook(options.runbook, io)).runbook.pipelines);

  const since = parseDuration(options.since ?? DEFAULT_CAPTURE_SINCE);
  if (!since.ok) throw new UsageError(`--since: ${since.error}`);
  const now = (io.clock ?? { now: () => Date.now() }).now();
  const progress = options.progress === true || io.errIsTTY === true ? io.err : undefined;

  const source = options.source ?? sdkCaptureSource(io.env);
  const result = await captureState(source, endpoints, pipelines, { since: now - since.ms });
  const report = () => {
    for (const note of result.notes) io.err(`note: ${note}`);
    for (const name of result.missing) io.err(`medic: endpoint ${name} does not exist in this account and region: nothing recorded for it`);
    for (const failure of result.failures) io.err(`medic: not captured: ${failure}`);
  };
  if (result.counts.endpoints === 0) {
    // A snapshot of no endpoint replays nothing: writing it would only overwrite a good one.
    report();
    io.err(`medic: no endpoint could be captured: nothing written${out === '-' ? '' : ` to ${out}`}`);
    return 1;
  }
  let state = result.state;
  if (options.merge && existsSync(outFile)) state = mergeStates(loadRecordedStateFile(outFile), state);
  parseRecordedState(state, out); // what replay will read back: fail here, not there

  // The events of what this capture saw (not of what --merge kept from an older snapshot).
  const alarmsSince = Math.max(now - since.ms, now - ALARM_HISTORY_MS);
  const events =
    eventsDir === undefined
      ? undefined
      : await captureEvents(
          source,
          result.state.cloudwatch?.alarms ?? [],
          Object.values(result.state.sagemaker?.processingJobs ?? {}),
          { alarmsSince, until: now },
          progress,
        );
  const backtest =
    options.events === undefined
      ? ''
      : `medic backtest ${options.events.replace(/\/+$/, '')}${stateBeside ? '' : ` --aws-state ${out}`} [--runbook F]`;
  const text = `${JSON.stringify(state, null, 2)}\n`;
  const writeSnapshot = () => (out === '-' ? io.out(text.trimEnd()) : writeOutputFile('out', out, outFile, text));
  if (eventsDir && events) {
    // A snapshot that goes elsewhere (--out) is written first: if it cannot be, no folder is left
    // behind whose README names it, which the next capture would refuse and a backtest would run
    // against the sample world.
    if (!stateBeside) writeSnapshot();
    writeEventsFolder(
      eventsDir,
      options.events ?? eventsDir,
      events.events,
      {
        endpoints,
        alarmsSince,
        monitoringSince: now - since.ms,
        until: now,
        stateFile: stateBeside ? DEFAULT_CAPTURE_OUT : out,
        backtest,
        skipped: events.skipped,
        failures: events.failures,
      },
      stateBeside ? { file: DEFAULT_CAPTURE_OUT, text } : undefined,
    );
  } else writeSnapshot();

  const say = (line: string) => (out === '-' ? io.err(line) : io.out(line));
  const c = result.counts;
  const counted = plural;
  say(
    `captured ${[
      counted(c.endpoints, 'endpoint'),
      counted(c.scalableTargets, 'scalable target'),
      counted(c.alarms, 'alarm'),
      counted(c.pipelines, 'pipeline'),
      counted(c.processingJobs, 'monitoring execution'),
      counted(c.reports, 'violation report'),
    ].join(', ')}${out === '-' ? '' : ` -> ${out}`}${options.merge ? ' (merged)' : ''}`,
  );
  if (events && options.events !== undefined) {
    const alarmEvents = events.events.filter((e) => e.kind === 'alarm').length;
    say(
      `events: ${counted(alarmEvents, 'alarm state change')} of ${counted(events.alarmsWithChanges, 'alarm')}, ` +
        `${counted(events.events.length - alarmEvents, 'monitoring execution')} -> ${options.events} (README.md says where each came from)`,
    );
    if (alarmsSince > now - since.ms) {
      io.err(
        `note: CloudWatch keeps alarm history for ${ALARM_HISTORY_DAYS} days: alarm state changes are captured from ${new Date(alarmsSince).toISOString()}, ` +
          `monitoring executions from ${new Date(now - since.ms).toISOString()} (--since ${options.since})`,
      );
    }
    for (const line of events.skipped) io.err(`skipped: ${line}`);
    for (const note of events.notes) io.err(`note: ${note}`);
  }
  report();
  const failures = [...result.failures, ...(events?.failures ?? [])];
  for (const failure of events?.failures ?? []) io.err(`medic: not captured: ${failure}`);
  if (failures.length > 0)
    io.err(
      `medic: ${counted(failures.length, 'read')} failed; everything else was captured in ${[out === '-' ? '' : out, options.events ?? ''].filter(Boolean).join(' and ') || 'the output'}`,
    );
  if (events && events.events.length > 0) say(`next: ${backtest}`);
  return result.missing.length > 0 || failures.length > 0 ? 1 : 0;
}
