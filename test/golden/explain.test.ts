/**
 * Golden explain: `medic explain` on every sample event, in one file. For each rule: matched,
 * the first failing criterion with the actual value, or shadowed. UPDATE_GOLDEN=1 rewrites it.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareGolden, transcript } from '../support/golden.js';
import { runCli } from '../support/cli.js';
import { sampleEventFiles } from '../support/samples.js';
import { TEST_RUNBOOK } from '../support/test-runbook.js';

describe('golden explain', () => {
  it('every sample event matches explain.txt', async () => {
    const parts: string[] = [];
    for (const name of sampleEventFiles()) {
      const argv = ['explain', join('events', name), '--runbook', TEST_RUNBOOK];
      const result = await runCli(argv);
      expect(result.code, name).toBe(0);
      parts.push(transcript(argv, result));
    }
    compareGolden('explain.txt', parts.join('\n'));
  });
});
