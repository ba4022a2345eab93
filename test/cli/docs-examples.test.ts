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
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../support/built-cli.js';
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
const COMMAND = /^((?:[A-Z_][A-Z0-9_]*=\S*\s+)*)(?:npx )?medic(?:\s+(.*))?$/;

interface Example {
  where: string;
  command: string;
  /** The documented output lines, or null when the doc shows none. */
  output: string[] | null;
  exit: number;
}

function examplesOf(doc: string): Example[] {
  const lines = readFileSync(join(ROOT, doc), 'utf8').split('\n');
  const examples: Example[] = [];
  let block: { lang: string; start: number; lines: string[] } | undefined;
  lines.forEach((line, index) => {
    const fence = /^```(\S*)/.exec(line);
    if (fence && !block) block = { lang: fence[1] ?? '', start: index + 2, lines: [] };
    else if (fence && block) {
      examples.push(...examplesInBlock(doc, block));
      block = undefined;
    } else block?.lines.push(line);
  });
  return examples;
}

function examplesInBlock(doc: string, block: { lang: string; start: number; lines: string[] }): Example[] {
  if (['yaml', 'json'].includes(block.lang) || NEEDS_AWS.test(block.lines.join('\n'))) return [];
  const examples: Example[] = [];
  let current: Example | undefined;
  let expectExit = false;
  block.lines.forEach((line, i) => {
    const where = `${doc}:${block.start + i}`;
    if (expectExit && current) {
      current.exit = Number(line.trim());
      expectExit = false;
      current = undefined;
      return;
    }
    if (line.startsWith('$ ')) {
      const text = line.slice(2).trim();
      if (text === 'echo $?') {
        expectExit = true;
        return;
      }
      current = COMMAND.test(text) ? { where, command: text, output: [], exit: 0 } : undefined;
      if (current) examples.push(current);
      return;
    }
    if (current) {
      current.output?.push(line);
      return;
    }
    // A bare command line in a shell block: `medic validate x.yml   # comment`.
    const bare = line.replace(/\s+#.*$/, '').trim();
    if (block.lang === 'sh' && COMMAND.test(bare)) examples.push({ where, command: bare, output: null, exit: 0 });
  });
  // The operator's sending commands run offline with --dry-run (they print the event).
  return examples.filter((e) => OFFLINE.has(COMMAND.exec(e.command)?.[2]?.split(/\s+/)[0] ?? '') || /\s--dry-run(\s|$)/.test(e.command));
}

/** Documented output against the real output: `...` lines and `…` inside a line are wildcards. */
function matches(documented: string[], actual: string[]): boolean {
  const line = (doc: string, real: string) =>
    new RegExp(
      `^${doc
        .split('…')
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    ).test(real);
  const memo = new Map<string, boolean>();
  const from = (d: number, a: number): boolean => {
    const key = `${d},${a}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (d === documented.length) result = a === actual.length;
    else if (documented[d]?.trim() === '...') result = from(d + 1, a) || (a < actual.length && from(d, a + 1));
    else result = a < actual.length && line(documented[d] ?? '', actual[a] ?? '') && from(d + 1, a + 1);
    memo.set(key, result);
    return result;
  };
  return from(0, 0);
}

const trimEnd = (lines: string[]) => {
  const out = lines.map((l) => l.trimEnd());
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
};

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
