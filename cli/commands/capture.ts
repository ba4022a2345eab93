/**
 * medic capture --endpoint NAME... [--out F] [--runbook F] [--merge]: snapshots live AWS state
 * (reads only) into an aws-state.json (docs/cli.md, the recorded AWS state), so `medic replay` and `medic backtest`
 * can run against a faithful copy of production. Uses the --aws credentials and endpoint
 * settings (AWS_REGION, AWS_ENDPOINT_URL, ...). Exit 1 when an endpoint does not exist or a read
 * fails; each failed read is named on stderr and the file is still written with what was read.
 */
import { existsSync } from 'node:fs';
import { loadRecordedStateFile, parseRecordedState } from '../../shared/aws/recorded.js';
import { type PipelineRef, parseDuration } from '../../shared/runbook/index.js';
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
  const out = options.out ?? DEFAULT_CAPTURE_OUT;
  if (options.merge && out === '-') throw new UsageError('--merge needs --out FILE to merge into');
  // Before any AWS read: a capture must not run for minutes only to fail at the write.
  const outFile = out === '-' ? '' : outputPath('out', out, io.cwd);
  // The runbook names the pipelines whose executions retrain checks.
  const pipelines: PipelineRef[] = Object.values((await loadCompiledRunbook(options.runbook, io)).runbook.pipelines);

  const since = parseDuration(options.since ?? DEFAULT_CAPTURE_SINCE);
  if (!since.ok) throw new UsageError(`--since: ${since.error}`);
  const now = (io.clock ?? { now: () => Date.now() }).now();

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
  const text = `${JSON.stringify(state, null, 2)}\n`;
  if (out === '-') io.out(text.trimEnd());
  else writeOutputFile('out', out, outFile, text);

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
  report();
  if (result.failures.length > 0)
    io.err(`medic: ${counted(result.failures.length, 'read')} failed; everything else was captured${out === '-' ? '' : ` in ${out}`}`);
  return result.missing.length > 0 || result.failures.length > 0 ? 1 : 0;
}
