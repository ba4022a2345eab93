import type { Clock } from '../shared/clock.js';

/** Where the CLI writes, so tests can run commands in-process and read what they printed. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** Colour only on a TTY (and never when NO_COLOR is set). */
  color: boolean;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Wall clock unless a test fixes it (golden outputs mention cooldown deadlines). */
  clock?: Clock;
  /** stderr is a terminal: long runs (backtest) show progress there. */
  errIsTTY?: boolean;
  /** stdout is a terminal. */
  outIsTTY?: boolean;
  /** Terminal width when stdout is a terminal: tables are fitted to it. Unset: no fitting. */
  columns?: number;
}

/**
 * A writer that goes quiet once its reader is gone: `medic replay events/ | head -1` closes the
 * pipe, and the command finishes (with its normal exit code) instead of dying on EPIPE with a
 * stack trace. The run is not cut short: with --live an event's actions still complete.
 */
function pipeWriter(stream: NodeJS.WriteStream): (line: string) => void {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed = true;
  });
  return (line) => {
    if (!closed && !stream.destroyed) stream.write(`${line}\n`);
  };
}

export function processIo(): Io {
  return {
    out: pipeWriter(process.stdout),
    err: pipeWriter(process.stderr),
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    cwd: process.cwd(),
    env: process.env,
    errIsTTY: Boolean(process.stderr.isTTY),
    outIsTTY: Boolean(process.stdout.isTTY),
    ...(process.stdout.isTTY && process.stdout.columns ? { columns: process.stdout.columns } : {}),
  };
}

export interface Paint {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

export function paint(color: boolean): Paint {
  const wrap = (open: number, close: number) => (s: string) => (color ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return {
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
  };
}
