/** Runs the medic CLI in-process and captures what it printed. */

import type { Io } from '../../cli/io.js';
import { main } from '../../cli/medic.js';
import type { Clock } from '../../shared/clock.js';
import { ROOT } from './samples.js';
import { withTestRunbook } from './test-runbook.js';

export interface CliResult {
  code: number;
  stdout: string[];
  stderr: string[];
  /** stdout and stderr in the order printed, as a terminal shows them (the docs' examples). */
  terminal: string[];
}

/** 2026-11-23T12:00:00Z: after every sample event, so cooldown deadlines are stable. */
export const FIXED_NOW = Date.parse('2026-11-23T12:00:00Z');

export async function runCli(
  argv: string[],
  options: {
    cwd?: string;
    env?: Record<string, string | undefined>;
    clock?: Clock;
    /** Terminal properties a test chooses: width, and whether stderr is a TTY (progress). */
    columns?: number;
    errIsTTY?: boolean;
    /** Read runbook.yml as shipped instead of the test copy (see test-runbook.ts). */
    shippedRunbook?: boolean;
  } = {},
): Promise<CliResult> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const terminal: string[] = [];
  const io: Io = {
    out: (line) => {
      stdout.push(...line.split('\n'));
      terminal.push(...line.split('\n'));
    },
    err: (line) => {
      stderr.push(...line.split('\n'));
      terminal.push(...line.split('\n'));
    },
    color: false,
    cwd: options.cwd ?? ROOT,
    env: options.env ?? {},
    clock: options.clock ?? { now: () => FIXED_NOW },
    ...(options.columns !== undefined ? { columns: options.columns } : {}),
    ...(options.errIsTTY !== undefined ? { errIsTTY: options.errIsTTY } : {}),
  };
  const code = await main(options.shippedRunbook ? argv : withTestRunbook(argv, io.cwd), io);
  return { code, stdout, stderr, terminal };
}
