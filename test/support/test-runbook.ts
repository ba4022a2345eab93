/**
 * The runbook the tests run against: test/fixtures/runbook.yml, a copy of runbook.yml as
 * shipped. Operators edit runbook.yml (the README invites them to); that must break no test.
 * Only test/cli/bin.test.ts checks the shipped runbook.yml itself (it must validate cleanly).
 */
import { join } from 'node:path';
import { ROOT } from './samples.js';

export const TEST_RUNBOOK = 'test/fixtures/runbook.yml';

const TAKES_RUNBOOK = new Set(['validate', 'explain', 'replay', 'backtest', 'runbook', 'capture']);

/**
 * argv with `--runbook test/fixtures/runbook.yml` added when the command reads a runbook and
 * none is given (for validate: no RUNBOOK either). Relative to ROOT when run there.
 */
export function withTestRunbook(argv: string[], cwd: string = ROOT): string[] {
  const [command, ...rest] = argv;
  if (command === undefined || !TAKES_RUNBOOK.has(command)) return argv;
  if (rest.some((a) => a === '--runbook' || a.startsWith('--runbook=') || a === '--help' || a === '-h')) return argv;
  if (command === 'validate' && rest.some((a) => !a.startsWith('-'))) return argv;
  return [...argv, '--runbook', join(cwd) === join(ROOT) ? TEST_RUNBOOK : join(ROOT, TEST_RUNBOOK)];
}
