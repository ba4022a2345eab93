/**
 * Golden lint: `medic validate` on one runbook per lint (test/golden/lint-*.yml), plus the
 * default runbook (clean) and --strict. UPDATE_GOLDEN=1 rewrites lint.txt.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareGolden, GOLDEN_DIR, transcript } from '../support/golden.js';
import { runCli } from '../support/cli.js';
import { TEST_RUNBOOK } from '../support/test-runbook.js';

const FIXTURES = readdirSync(GOLDEN_DIR)
  .filter((n) => n.startsWith('lint-') && n.endsWith('.yml'))
  .sort()
  .map((n) => `test/golden/${n}`);

describe('golden lint', () => {
  it('every lint, with file:line:col, matches lint.txt', async () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(5);
    const parts: string[] = [];
    for (const argv of [['validate', TEST_RUNBOOK], ...FIXTURES.map((f) => ['validate', f]), ['validate', 'test/golden/lint-unused.yml', '--strict']]) {
      const result = await runCli(argv);
      parts.push(transcript(argv, result));
    }
    compareGolden('lint.txt', parts.join('\n'));
  });

  it('each fixture triggers its lint and nothing is an error', async () => {
    const codes: Record<string, string[]> = {};
    for (const file of FIXTURES) {
      const { code, stderr } = await runCli(['validate', file]);
      expect(code, file).toBe(0);
      codes[file] = [...new Set(stderr.map((l) => /\[([a-z-]+)\]$/.exec(l)?.[1] ?? l))];
    }
    expect(codes).toEqual({
      'test/golden/lint-cooldown.yml': ['scale-without-cooldown'],
      'test/golden/lint-dry-run.yml': ['dry-run-in-live'],
      'test/golden/lint-prod-runbook.yml': ['dry-run-in-live'],
      'test/golden/lint-shadowed.yml': ['shadowed-rule'],
      'test/golden/lint-unused.yml': ['unused-topic', 'unused-pipeline'],
    });
  });
});
