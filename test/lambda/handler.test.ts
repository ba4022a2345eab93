/**
 * The Lambda handler in its local configuration (recorded AWS state, writes off, in-memory
 * state): the structured decision log line and the EMF metrics it prints.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { decisionMetrics } from '../../shared/lambda/decision-metrics.js';
import type { EventReport } from '../../shared/report.js';
import { ROOT, sample } from '../support/samples.js';

const context = {
  awsRequestId: 'req-123',
  functionName: 'model-medic-test-alarm',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:model-medic-test-alarm',
  memoryLimitInMB: '256',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

let handler: (event: unknown, context: Context) => Promise<EventReport>;

beforeAll(async () => {
  Object.assign(process.env, {
    MEDIC_AWS_STATE: 'events/aws-state.json',
    MEDIC_WRITES: 'off',
    MEDIC_RUNBOOK_FILE: 'test/fixtures/runbook.yml', // the test copy: an operator's edit to runbook.yml breaks no test
    LAMBDA_TASK_ROOT: ROOT,
    POWERTOOLS_METRICS_NAMESPACE: 'ModelMedicTest',
  });
  ({ handler } = await import('../../functions/alarm.js'));
});

afterEach(() => vi.restoreAllMocks());

/** Every JSON line the handler printed (Powertools writes logs and EMF to stdout). */
async function printed(run: () => Promise<unknown>): Promise<Array<Record<string, unknown>>> {
  const lines: string[] = [];
  const capture = (chunk: unknown) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture as typeof process.stdout.write);
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => capture(args.join(' ')));
  vi.spyOn(console, 'info').mockImplementation((...args: unknown[]) => capture(args.join(' ')));
  await run();
  vi.restoreAllMocks();
  return lines.flatMap((l) => {
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

describe('Lambda handler', () => {
  it('decides, logs one structured decision line and emits EMF metrics by action type', async () => {
    let report: EventReport | undefined;
    const lines = await printed(async () => {
      report = await handler(sample('01-'), context);
    });
    expect(report?.rule).toBe('latency-scale-out');
    expect(report?.actions.map((a) => a.status)).toEqual(['planned', 'planned']);

    const decision = lines.find((l) => l.message === 'decision');
    expect(decision).toMatchObject({ level: 'INFO', service: 'model-medic', entry: 'alarm', function_request_id: 'req-123' });
    expect((decision?.report as EventReport | undefined)?.rule).toBe('latency-scale-out');

    const emf = lines.filter((l) => l._aws !== undefined);
    const planned = emf
      .filter((l) => l.ActionsPlanned === 1)
      .map((l) => l.ActionType)
      .sort();
    expect(planned).toEqual(['notify', 'scale']);
    expect(emf.some((l) => l.Events === 1)).toBe(true);
    const directive = (emf[0]?._aws as { CloudWatchMetrics: Array<{ Namespace: string }> } | undefined)?.CloudWatchMetrics[0];
    expect(directive?.Namespace).toBe('ModelMedicTest');
  });

  it('the decision line names the runbook that decided by the hash of its text', async () => {
    const lines = await printed(() => handler(sample('01-'), context));
    const decision = lines.find((l) => l.message === 'decision');
    const runbookText = readFileSync(join(ROOT, 'test/fixtures/runbook.yml'), 'utf8');
    expect(decision?.runbook).toEqual({ hash: createHash('sha256').update(runbookText).digest('hex').slice(0, 12) });
  });

  it('counts a malformed event as such', () => {
    const report: EventReport = {
      event: 'x',
      signal: null,
      rule: null,
      actions: [],
      ignored: null,
      error: 'bad',
      errorKind: 'invalid-event',
    };
    expect(decisionMetrics(report)).toEqual([{ name: 'MalformedEvents', value: 1 }]);
  });

  it('aggregates actions per status and type', () => {
    const action = (type: 'notify' | 'scale', status: 'executed' | 'failed') => ({ type, rule: 'r', status, reason: '', calls: [] });
    const report: EventReport = {
      event: 'x',
      signal: null,
      rule: 'r',
      actions: [action('scale', 'failed'), action('notify', 'executed'), action('notify', 'executed')],
      ignored: null,
      error: null,
    };
    expect(decisionMetrics(report)).toEqual([
      { name: 'Events', value: 1 },
      { name: 'ActionsFailed', actionType: 'scale', value: 1 },
      { name: 'ActionsExecuted', actionType: 'notify', value: 2 },
    ]);
  });
});
