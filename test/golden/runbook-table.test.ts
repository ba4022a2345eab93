/** Golden table view of the runbook: natural width (not a terminal) and fitted to 100 columns. */
import { describe, it } from 'vitest';
import { compareGolden, transcript } from '../support/golden.js';
import { runCli } from '../support/cli.js';
import { TEST_RUNBOOK } from '../support/test-runbook.js';

describe('golden runbook table', () => {
  it('matches runbook-table.txt', async () => {
    const parts: string[] = [];
    for (const [argv, columns] of [
      [['runbook', '--runbook', TEST_RUNBOOK], undefined],
      [['runbook', '--runbook', TEST_RUNBOOK, '--width', '100'], undefined],
      [['runbook', '--runbook', 'test/backtest/fixtures/storm-runbook.yml'], 80],
    ] as const) {
      const result = await runCli([...argv], columns === undefined ? {} : { columns });
      parts.push(transcript([...argv, ...(columns ? [`(terminal of ${columns} columns)`] : [])], result));
    }
    compareGolden('runbook-table.txt', parts.join('\n'));
  });
});
