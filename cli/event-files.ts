/**
 * Which files a command reads as events: files as given, and the *.json files directly in
 * each folder (not recursive, so events/invalid/ stays out of `replay events/`), sorted by
 * name. The recorded AWS state file is never an event.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { InvalidEventError } from '../shared/errors.js';
import { parseJsonText } from '../shared/json-text.js';
import { isDirectory } from './path-kind.js';
import { UsageError } from './usage-error.js';

export function listEventFiles(paths: string[], exclude: string[] = [], cwd?: string): string[] {
  const skip = new Set(exclude.map((p) => resolve(p)));
  const files: string[] = [];
  for (const given of paths) {
    // Resolved against the run's folder; messages name the path as the user typed it.
    const path = cwd === undefined ? given : resolve(cwd, given);
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(path);
    } catch {
      throw new UsageError(`${given}: no such file or folder`);
    }
    if (stat.isDirectory()) {
      const names = readdirSync(path)
        .filter((n) => n.endsWith('.json') && !isStateFile(n))
        .sort();
      for (const name of names) {
        const file = join(path, name);
        if (!skip.has(resolve(file)) && isEventFileCandidate(file)) files.push(file);
      }
    } else {
      files.push(path);
    }
  }
  return files;
}

/**
 * A regular file, or one that cannot even be looked at (a dangling link, no permission): reading
 * it then rejects that one event with the reason, and the others are still handled. A sub-folder
 * named *.json is not an event, and neither is a named pipe or a device (reading one would wait
 * forever).
 */
function isEventFileCandidate(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return true;
  }
}

/**
 * Nothing to run: says so, and when a folder given holds folders of events (events/ladders/),
 * names them, since folders are not read recursively.
 */
export function noEventFiles(paths: string[], cwd?: string): UsageError {
  const inside = paths.flatMap((given) => {
    const path = cwd === undefined ? given : resolve(cwd, given);
    if (!isDirectory(path)) return [];
    return readdirSync(path)
      .filter((name) => isDirectory(join(path, name)))
      .sort()
      .map((name) => join(given, name));
  });
  const hint = inside.length > 0 ? `; folders are not read recursively: give the ones inside (${inside.join(' ')})` : '';
  return new UsageError(`no .json event files in ${paths.join(', ')}${hint}`);
}

function isStateFile(name: string): boolean {
  return basename(name).startsWith('aws-state');
}

/** Reads and parses one event file; any problem is an InvalidEventError naming the file. */
export function readEventFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw new InvalidEventError('is a folder, not an event file (replay and backtest take folders)');
    throw new InvalidEventError(`cannot read the file (${code ?? error})`);
  }
  if (text.trim() === '') throw new InvalidEventError('the file is empty');
  const json = parseJsonText(text);
  if (!json.ok) throw new InvalidEventError(json.error);
  return json.value;
}
