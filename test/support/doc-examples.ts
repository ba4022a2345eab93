/**
 * The command examples of README.md and docs/*.md: parsed out of their code blocks, and their
 * documented output matched against a real one. test/cli/docs-examples.test.ts runs the offline
 * ones; a test that can run a command that needs AWS (against a mocked SDK) checks its example too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './samples.js';

/** `$ medic ...` or `$ npx medic ...`, maybe after `NAME=value` settings. */
export const COMMAND = /^((?:[A-Z_][A-Z0-9_]*=\S*\s+)*)(?:npx )?medic(?:\s+(.*))?$/;

export interface Example {
  where: string;
  command: string;
  /** The documented output lines, or null when the doc shows none. */
  output: string[] | null;
  exit: number;
}

/**
 * The `medic` examples of a doc's code blocks (see test/cli/docs-examples.test.ts for the
 * conventions), from the blocks `keep` accepts (it sees a block's lines).
 */
export function docExamples(doc: string, keep: (block: string[]) => boolean = () => true): Example[] {
  const lines = readFileSync(join(ROOT, doc), 'utf8').split('\n');
  const examples: Example[] = [];
  let block: { lang: string; start: number; lines: string[] } | undefined;
  lines.forEach((line, index) => {
    const fence = /^```(\S*)/.exec(line);
    if (fence && !block) block = { lang: fence[1] ?? '', start: index + 2, lines: [] };
    else if (fence && block) {
      if (keep(block.lines)) examples.push(...examplesInBlock(doc, block));
      block = undefined;
    } else block?.lines.push(line);
  });
  return examples;
}

function examplesInBlock(doc: string, block: { lang: string; start: number; lines: string[] }): Example[] {
  if (['yaml', 'json'].includes(block.lang)) return [];
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
  return examples;
}

/** Documented output against the real output: `...` lines and `…` inside a line are wildcards. */
export function matches(documented: string[], actual: string[]): boolean {
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

export const trimEnd = (lines: string[]) => {
  const out = lines.map((l) => l.trimEnd());
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
};
