/**
 * Modes (issue 3 §4): dry-run plans and notifies "would have done", and writes nothing else;
 * without allowWrites (`medic replay`, `--aws`) nothing at all is sent, whatever the runbook says.
 */
import { PublishCommand } from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sample } from '../support/samples.js';
import { inputsOf, MockedAws, published, runbookWith, runEvent } from './harness.js';

let aws: MockedAws;
beforeEach(() => {
  aws = new MockedAws();
});
afterEach(() => aws.restore());

const ROW = ['    actions:', '      - scale: { by: 1 }', '      - rollback: {}', '      - notify: { topic: ops, severity: high }'];

describe('dry-run', () => {
  it.each([
    ['per rule', runbookWith('  - id: try-it', '    match: { kind: alarm, state: ALARM }', '    mode: dry-run', ...ROW)],
    [
      'as the runbook default',
      runbookWith('  - id: try-it', '    match: { kind: alarm, state: ALARM }', ...ROW).replace(
        'cooldown: 0s }',
        'cooldown: 0s, mode: dry-run }',
      ),
    ],
  ])('%s: plans, notifies "would have done", writes nothing else', async (_label, runbook) => {
    const report = await runEvent(sample('05-'), { runbook });
    expect(report.actions.map((a) => [a.type, a.status])).toEqual([
      ['scale', 'planned'],
      ['rollback', 'planned'],
      ['notify', 'executed'],
    ]);
    expect(report.actions[0]?.reason).toBe('scale fraud-prod/AllTraffic from 2 to 3 instances [dry-run]');
    expect(aws.writes()).toEqual(['Publish']);
    const message = published(aws)[0]?.Message ?? '';
    expect(message).toContain('Runbook rule: try-it [dry-run]');
    expect(message).toContain('What model-medic would have done (dry-run, nothing was changed):');
    expect(message).toContain('  - scale: would have done: scale fraud-prod/AllTraffic from 2 to 3 instances [dry-run]');
    expect(message).toContain(
      '  - rollback: would have done: roll fraud-prod back from fraud-prod-config-2026-11-20 to fraud-prod-config-2026-10-01',
    );
  });
});

describe('without allowWrites', () => {
  it('nothing is sent at all: every action is only planned, reads still happen', async () => {
    const report = await runEvent(sample('01-'), { allowWrites: false });
    expect(report.actions.map((a) => a.status)).toEqual(['planned', 'planned']);
    expect(aws.writes()).toEqual([]);
    expect(inputsOf(aws.sns, PublishCommand)).toEqual([]);
    expect(aws.sagemaker.calls().length).toBeGreaterThan(0);
  });

  it('a dry-run rule does not notify either', async () => {
    const runbook = runbookWith('  - id: try-it', '    match: { kind: alarm, state: ALARM }', '    mode: dry-run', ...ROW);
    const report = await runEvent(sample('05-'), { runbook, allowWrites: false });
    expect(report.actions.map((a) => a.status)).toEqual(['planned', 'planned', 'planned']);
    expect(aws.writes()).toEqual([]);
  });

  it('the planned notification is the one a live run would send', async () => {
    const planned = await runEvent(sample('02-'), { allowWrites: false });
    const live = await runEvent(sample('02-'));
    expect(live.actions.map((a) => a.status)).toEqual(['executed', 'executed']);
    expect(planned.actions[1]?.calls).toEqual(live.actions[1]?.calls);
    expect(inputsOf(aws.sns, PublishCommand)).toEqual([planned.actions[1]?.calls[0]?.input]);
  });
});
