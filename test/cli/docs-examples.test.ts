/**
 * Every `medic` command shown in README.md and docs/*.md runs, with the shipped command, as
 * documented: no stack trace, the documented exit code, and the documented output.
 *
 * What is an example: in a fenced code block, a line `$ medic ...` / `$ npx medic ...` (maybe
 * after `NAME=value` settings), or in a `sh` block a line starting with `medic` / `npx medic`.
 * The lines after a `$` command, up to the next `$`, are its output (stdout and stderr as a
 * terminal shows them). `$ echo $?` and the line after it give the exit code; without them the
 * exit code must be 0. In documented output:
 *   - a line that is only `...` stands for any number of lines (the rest, or a middle part);
 *   - `…` inside a line stands for any text (a long line cut, or a value like a time).
 * The operator's sending commands run when they say --dry-run (no AWS); their readers do not run.
 * Blocks that need AWS (capture, history, --aws, --live, --put-parameter, the aws CLI, osls) are skipped as a
 * whole: later commands in such a block read what the AWS command wrote.
 *
 * The commands run from a copy of the project root whose runbook.yml is the test copy
 * (test/fixtures/runbook.yml), so the docs show today's runbook and an operator's edit to
 * runbook.yml breaks no test.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../support/built-cli.js';
import { COMMAND, docExamples, type Example, matches, trimEnd } from '../support/doc-examples.js';
import { ROOT } from '../support/samples.js';
import { TEST_RUNBOOK } from '../support/test-runbook.js';

const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((n) => n.endsWith('.md'))
    .sort()
    .map((n) => `docs/${n}`),
];
const OFFLINE = new Set(['validate', 'compile', 'explain', 'replay', 'backtest', 'runbook', 'generate-event']);
const NEEDS_AWS = /(^|\s)(medic (capture|history)\b|--aws(?![-\w])|--live\b|--put-parameter\b|aws |npx osls)/m;

/** The examples that run here: offline commands, and the operator's sending commands with --dry-run. */
function examplesOf(doc: string): Example[] {
  return docExamples(doc, (block) => !NEEDS_AWS.test(block.join('\n'))).filter(
    (e) => OFFLINE.has(COMMAND.exec(e.command)?.[2]?.split(/\s+/)[0] ?? '') || /\s--dry-run(\s|$)/.test(e.command),
  );
}

let world: string;

beforeAll(() => {
  // The project root as the docs see it, with the test copy of the runbook as runbook.yml.
  world = mkdtempSync(join(tmpdir(), 'medic-docs-'));
  for (const name of ['events', 'test', 'package.json']) symlinkSync(join(ROOT, name), join(world, name));
  copyFileSync(join(ROOT, TEST_RUNBOOK), join(world, 'runbook.yml'));
});

const EXAMPLES = DOCS.flatMap(examplesOf);

describe('command examples in README.md and docs/', () => {
  it('finds the examples (and each doc with commands has some)', () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(15);
    for (const doc of ['README.md', 'docs/cli.md', 'docs/operator-tools.md', 'docs/runbook.md']) {
      expect(
        EXAMPLES.some((e) => e.where.startsWith(`${doc}:`)),
        doc,
      ).toBe(true);
    }
  });

  it.each(EXAMPLES.map((e) => [e.where, e] as const))('%s runs as documented', (_where, example) => {
    const [, settings = '', args = ''] = COMMAND.exec(example.command) ?? [];
    const shell = `${settings}node ${JSON.stringify(BIN)} ${args}`;
    const result = spawnSync('sh', ['-c', `{ ${shell} ; } 2>&1`], {
      cwd: world,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', HOME: world },
    });
    const output = trimEnd(result.stdout.split('\n'));
    const context = `${example.where}: ${example.command}\n${output.join('\n')}`;
    expect(result.stdout, context).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n|unexpected error/);
    expect(result.status, context).toBe(example.exit);
    if (example.output !== null && example.output.length > 0) {
      expect(matches(trimEnd(example.output), output), `${context}\n--- documented ---\n${example.output.join('\n')}`).toBe(true);
    }
  });
});
