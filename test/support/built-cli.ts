/**
 * The shipped command as a user runs it: `node bin/medic.js ...` in a fresh process (the
 * bundle in dist/, which test/global-setup.ts builds before the suite). Tests of what an
 * operator sees (exit codes, stderr, pipes) run through here, not the in-process runCli.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './samples.js';
import { withTestRunbook } from './test-runbook.js';

export const BIN = join(ROOT, 'bin/medic.js');

export interface BuiltCliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface BuiltCliOptions {
  cwd?: string;
  /** The whole environment of the child (PATH and NO_COLOR=1 are added unless given). */
  env?: Record<string, string | undefined>;
  input?: string;
  /** Read runbook.yml as shipped instead of the test copy (see test-runbook.ts). */
  shippedRunbook?: boolean;
  /** Kill the child after this long (code null): for a test whose regression is a hang. */
  timeoutMs?: number;
}

function childEnv(env: Record<string, string | undefined> = {}): Record<string, string> {
  const out: Record<string, string> = { PATH: process.env.PATH ?? '', NO_COLOR: '1' };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

export function runBuiltCli(argv: string[], options: BuiltCliOptions = {}): BuiltCliResult {
  const args = options.shippedRunbook ? argv : withTestRunbook(argv, options.cwd);
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    env: childEnv(options.env),
    ...(options.input !== undefined ? { input: options.input } : {}),
    ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Runs the command with stdout into a pipe whose reading end is closed, like `medic ... | head -1`:
 * after the first line when `after: 'first-line'`, or before anything is read (`| true`).
 */
export function runBuiltCliClosingStdout(
  argv: string[],
  after: 'first-line' | 'start',
  options: Omit<BuiltCliOptions, 'input'> = {},
): Promise<{ code: number | null; firstLine: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...withTestRunbook(argv, options.cwd)], {
      cwd: options.cwd ?? ROOT,
      env: childEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let firstLine = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    if (after === 'start') child.stdout.destroy();
    else {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        if (child.stdout.destroyed) return;
        firstLine = chunk.split('\n')[0] ?? '';
        child.stdout.destroy();
      });
    }
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, firstLine, stderr }));
  });
}

/**
 * The same, without blocking this process: for tests whose AWS endpoint (the emulator's
 * stand-in) is served from the test process itself, which spawnSync would starve.
 */
export function runBuiltCliAsync(argv: string[], options: BuiltCliOptions = {}): Promise<BuiltCliResult> {
  return new Promise((resolve, reject) => {
    const args = options.shippedRunbook ? argv : withTestRunbook(argv, options.cwd);
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: childEnv(options.env),
      stdio: [options.input !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
