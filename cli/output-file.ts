/**
 * Files a command writes (--out F). A missing folder is refused with its name, not created:
 * a typo in a path should not leave a stray folder behind, and `mkdir -p` is one command away.
 * Every output path is checked before anything is written.
 */
import { accessSync, constants, existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './usage-error.js';

/** The absolute path to write `given` (as the user typed it, for --option) to, once its folder is known to exist. */
export function outputPath(option: string, given: string, cwd: string): string {
  const path = resolve(cwd, given);
  const folder = dirname(path);
  const label = dirname(given);
  let isFolder = false;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch {
    throw new UsageError(`--${option} ${given}: the folder ${label} does not exist (create it first: mkdir -p ${label})`);
  }
  if (!isFolder) throw new UsageError(`--${option} ${given}: ${label} is not a folder`);
  if (existsSync(path))
    checkWritable(path, `--${option} ${given}: the file cannot be written`, 'check its permissions, or give another path');
  else checkWritable(folder, `--${option} ${given}: the folder ${label} cannot be written in`, 'give a path in a folder you can write');
  return path;
}

/**
 * Refuses a file or folder this process may not write, before the command does its work (a
 * capture reads AWS for minutes before it writes). `what` names it, `fix` says what to do.
 */
export function checkWritable(path: string, what: string, fix: string): void {
  try {
    accessSync(path, constants.W_OK);
  } catch (error) {
    throw new UsageError(`${what} (${(error as NodeJS.ErrnoException).code ?? String(error)}): ${fix}`);
  }
}

export function writeOutputFile(option: string, given: string, path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UsageError(`--${option} ${given}: cannot write the file (${code})`);
  }
}
