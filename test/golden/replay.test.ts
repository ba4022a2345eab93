/**
 * Golden replays: every sample event through `medic replay --json`, in one run as the quick
 * start does (shared state: dedupe and cooldowns apply across events), and each event alone.
 * The expected output is checked in; set UPDATE_GOLDEN=1 to rewrite it after a deliberate change.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { compareGolden } from '../support/golden.js';
import { sampleEventFiles } from '../support/samples.js';
import { TEST_RUNBOOK } from '../support/test-runbook.js';

describe('golden replay of events/', () => {
  it('the whole folder in one run (the quick start) matches replay-all.jsonl', async () => {
    const { code, stdout, stderr } = await runCli(['replay', 'events/', '--json', '--runbook', TEST_RUNBOOK]);
    expect(stderr).toEqual([]);
    expect(code).toBe(0);
    expect(stdout).toHaveLength(sampleEventFiles().length);
    compareGolden('replay-all.jsonl', `${stdout.join('\n')}\n`);
  });

  it('each event on its own matches replay-each.jsonl', async () => {
    const lines: string[] = [];
    for (const name of sampleEventFiles()) {
      const { code, stdout } = await runCli(['replay', join('events', name), '--json', '--runbook', TEST_RUNBOOK]);
      expect(code, name).toBe(0);
      lines.push(...stdout);
    }
    compareGolden('replay-each.jsonl', `${lines.join('\n')}\n`);
  });

  it('the human report of the whole folder matches replay-all.txt', async () => {
    const { code, stdout } = await runCli(['replay', 'events/', '--runbook', TEST_RUNBOOK]);
    expect(code).toBe(0);
    compareGolden('replay-all.txt', `${stdout.join('\n')}\n`);
  });
});
