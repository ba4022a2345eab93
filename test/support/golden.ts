/** Golden files: compare, or (re)write with UPDATE_GOLDEN=1. A missing file is written and fails once. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ROOT } from './samples.js';

export const GOLDEN_DIR = join(ROOT, 'test', 'golden');

export function compareGolden(name: string, actual: string): void {
  const file = join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) {
    writeFileSync(file, actual);
    if (!process.env.UPDATE_GOLDEN) throw new Error(`wrote missing golden file ${name}: check it in and run again`);
  }
  expect(
    actual,
    `${name} differs from the output. If the change is deliberate, update the goldens: UPDATE_GOLDEN=1 npx vitest run test/golden`,
  ).toBe(readFileSync(file, 'utf8'));
}

/** A command and what it printed, the way a golden transcript shows it. */
export function transcript(argv: string[], result: { code: number; stdout: string[]; stderr: string[] }): string {
  return [`$ medic ${argv.join(' ')}`, ...result.stdout, ...result.stderr.map((l) => `[stderr] ${l}`), `[exit ${result.code}]`, ''].join(
    '\n',
  );
}
