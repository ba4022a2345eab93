/** Runs medic in-process with terminal properties a test chooses (width, stderr a TTY). */
import type { Io } from '../../cli/io.js';
import { main } from '../../cli/medic.js';
import { FIXED_NOW } from '../support/cli.js';
import { ROOT } from '../support/samples.js';

export interface TermOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  columns?: number;
  errIsTTY?: boolean;
  now?: number;
}

export async function runMedic(argv: string[], options: TermOptions = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: Io = {
    out: (line) => stdout.push(...line.split('\n')),
    err: (line) => stderr.push(...line.split('\n')),
    color: false,
    cwd: options.cwd ?? ROOT,
    env: options.env ?? {},
    clock: { now: () => options.now ?? FIXED_NOW },
    ...(options.columns !== undefined ? { columns: options.columns } : {}),
    ...(options.errIsTTY !== undefined ? { errIsTTY: options.errIsTTY } : {}),
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
