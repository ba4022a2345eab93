/**
 * The folder `medic capture --events DIR` writes: one event file per state change (names sort
 * in time order), aws-state.json (the snapshot, unless --out puts it elsewhere) and README.md
 * saying where each event came from. `medic backtest DIR` reads it as it is.
 *
 * The folder is checked before any AWS read: its parent must exist (as for --out), and it must
 * hold no events yet, since a backtest of two captures mixed in one folder would answer neither.
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { checkWritable } from '../output-file.js';
import { plural } from '../plural.js';
import { UsageError } from '../usage-error.js';
import type { RebuiltEvent } from './rebuild.js';

/** The absolute path of the events folder, once it is known that it can be written. */
export function eventsFolder(given: string, cwd: string): string {
  const path = resolve(cwd, given);
  let stat: ReturnType<typeof statSync> | undefined;
  try {
    stat = statSync(path);
  } catch {
    const parent = dirname(path);
    const label = dirname(given.replace(/\/+$/, ''));
    let isFolder: boolean;
    try {
      isFolder = statSync(parent).isDirectory();
    } catch {
      throw new UsageError(`--events ${given}: the folder ${label} does not exist (create it first: mkdir -p ${label})`);
    }
    if (!isFolder) throw new UsageError(`--events ${given}: ${label} is a file, not a folder`);
    checkWritable(parent, `--events ${given}: the folder ${label} cannot be written in`, 'give a folder you can write in');
    return path;
  }
  if (!stat.isDirectory()) throw new UsageError(`--events ${given}: is a file, not a folder`);
  const events = readdirSync(path).filter((n) => n.endsWith('.json') && !basename(n).startsWith('aws-state'));
  if (events.length > 0) {
    throw new UsageError(
      `--events ${given}: the folder already holds ${plural(events.length, 'event file')}: a backtest would mix two captures; give a new or empty folder`,
    );
  }
  checkWritable(path, `--events ${given}: the folder cannot be written in`, 'give a folder you can write in');
  return path;
}

export interface FolderDescription {
  endpoints: string[];
  /** The window of each kind (epoch ms). */
  alarmsSince: number;
  monitoringSince: number;
  until: number;
  /** The snapshot's path as the README names it: `aws-state.json` when it is in the folder. */
  stateFile: string;
  /** The backtest command that reads this folder as it is. */
  backtest: string;
  skipped: string[];
  failures: string[];
}

/**
 * `given`: the folder as the user typed it, for the message when it cannot be written.
 * `snapshot`: the AWS state when it goes in the folder; written first, so a folder whose README
 * names it never lacks it (a backtest would otherwise run against the sample world).
 */
export function writeEventsFolder(
  path: string,
  given: string,
  events: RebuiltEvent[],
  about: FolderDescription,
  snapshot?: { file: string; text: string },
): void {
  let file = path;
  try {
    makeFolder(path);
    if (snapshot) {
      file = join(path, snapshot.file);
      writeFileSync(file, snapshot.text);
    }
    for (const e of events) {
      file = join(path, e.file);
      writeFileSync(file, `${JSON.stringify(e.event, null, 2)}\n`);
    }
    file = join(path, 'README.md');
    writeFileSync(file, readme(events, about));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UsageError(
      file === path
        ? `--events ${given}: cannot create the folder (${code}): give a folder you can write in`
        : `--events ${given}: cannot write ${basename(file)} (${code}): the folder is incomplete; remove it and capture again`,
    );
  }
}

/**
 * eventsFolder checked that the parent exists, so no `recursive`: it is not needed, and Node 20's
 * recursive mkdir spins forever under a parent that refuses new folders (/proc).
 */
function makeFolder(path: string): void {
  try {
    mkdirSync(path);
  } catch (error) {
    // A new or empty folder is fine (eventsFolder refused one that holds events).
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

function readme(events: RebuiltEvent[], about: FolderDescription): string {
  const iso = (ms: number) => new Date(ms).toISOString();
  const alarms = events.filter((e) => e.kind === 'alarm').length;
  const lines = [
    '# Captured events',
    '',
    `Written by \`medic capture --events\` at ${iso(about.until)} for ${about.endpoints.join(', ')}: ${plural(alarms, 'alarm state change')} ` +
      `(from ${iso(about.alarmsSince)}) and ${plural(events.length - alarms, 'terminal Model Monitor execution')} (created from ${iso(about.monitoringSince)}), ` +
      'rebuilt as the EventBridge events that announced them. File names start with the time of the change, so they sort in time order.',
    '',
    `What would a runbook have done? \`${about.backtest}\` (the AWS state at capture time is ${about.stateFile}).`,
    '',
    '## What each event is rebuilt from',
    '',
    '- Alarm state changes: `cloudwatch:DescribeAlarmHistory` of each alarm watching the endpoints (an `EndpointName` or',
    '  `Endpoint` dimension, or a composite naming such an alarm), `StateUpdate` items. `detail.state` and `previousState`',
    "  (value, reason, reasonData) are the item's `HistoryData`; `state.timestamp` and `time` its `Timestamp`;",
    "  `previousState.timestamp` the alarm's previous item (left out for its first change in the window). `configuration` is",
    "  `DescribeAlarms` at capture time: today's definition, which history does not keep (a single-metric alarm's metric `id`",
    '  is kept nowhere and left out). Alarms deleted since are not captured.',
    '- Monitoring executions: `sagemaker:DescribeProcessingJob` at capture time is the `detail` (times in epoch ms); `time` is',
    "  the job's `LastModifiedTime` (EventBridge delivered it seconds later). The violation reports they point at are in",
    `  ${about.stateFile} → \`s3\`.`,
    '- `id`: derived from the change (EventBridge ids are kept nowhere), so capturing twice writes the same files.',
    '',
  ];
  if (about.failures.length > 0 || about.skipped.length > 0) {
    lines.push('## Not captured', '');
    for (const line of [...about.failures, ...about.skipped]) lines.push(`- ${line}`);
    lines.push('');
  }
  lines.push('## Files', '', '| file | from |', '|---|---|');
  for (const e of events) lines.push(`| ${e.file} | ${e.from.replace(/\|/g, '\\|')} |`);
  return `${lines.join('\n')}\n`;
}
