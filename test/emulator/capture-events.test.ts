/**
 * "What would this runbook have done last week?" with the built CLI against the emulator:
 * `medic capture --events DIR` over the sample world in moto (its monitoring executions and the
 * violation reports in S3 as moto serves them; the alarm history, which moto lacks, as the
 * stand-in serves the recorded StateUpdate items of the sample alarm events, moved into the
 * window), then `medic backtest DIR` with no further step.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, expect, it } from 'vitest';
import { historyItemOf } from '../support/alarm-history.js';
import { runBuiltCliAsync } from '../support/built-cli.js';
import { describeEmulator, useEmulator } from '../support/emulator/use-emulator.js';
import { AWS_STATE, EVENTS_DIR, sampleEventFiles } from '../support/samples.js';

type Json = Record<string, unknown>;
const emulator = useEmulator();
const world = JSON.parse(readFileSync(AWS_STATE, 'utf8')) as { sagemaker: { endpoints: Json }; cloudwatch: { alarms: Json[] } };
const ENDPOINTS = Object.keys(world.sagemaker.endpoints);
/** The metric alarms moto holds (it has no composite alarms). */
const MOTO_ALARMS = new Set(world.cloudwatch.alarms.filter((a) => !a.AlarmRule).map((a) => String(a.AlarmName)));

/** The sample alarm events' history items, moved so that the last one was an hour ago. */
function recentHistory(): Map<string, Json[]> {
  const items = sampleEventFiles()
    .map((f) => JSON.parse(readFileSync(join(EVENTS_DIR, f), 'utf8')) as Json)
    .filter((e) => e['detail-type'] === 'CloudWatch Alarm State Change')
    .map(historyItemOf);
  const last = Math.max(...items.map((i) => (i.Timestamp as Date).getTime()));
  const shift = Date.now() - 3_600_000 - last;
  const byAlarm = new Map<string, Json[]>();
  for (const item of items) {
    const moved = { ...item, Timestamp: new Date((item.Timestamp as Date).getTime() + shift) };
    byAlarm.set(String(item.AlarmName), [...(byAlarm.get(String(item.AlarmName)) ?? []), moved]);
  }
  return byAlarm;
}

describeEmulator('capture --events, then backtest (built CLI, emulator)', () => {
  beforeEach(() => emulator().freshWorld());

  it('the window becomes a folder of events that backtest DIR replays; the summary names the rules that would have acted', async () => {
    const e = emulator();
    const history = recentHistory();
    for (const [alarm, items] of history) e.standIn.alarmHistory.set(alarm, items);
    const expectedAlarmChanges = [...history].filter(([alarm]) => MOTO_ALARMS.has(alarm)).flatMap(([, items]) => items).length;
    const dir = join(mkdtempSync(join(tmpdir(), 'medic-last-week-')), 'last-week');

    const capture = await runBuiltCliAsync(['capture', ...ENDPOINTS.flatMap((n) => ['--endpoint', n]), '--since', '7d', '--events', dir], {
      env: e.env(),
    });
    expect(capture.stderr.split('\n').filter((l) => l && !l.startsWith('note: '))).toEqual([]);
    expect(capture.code).toBe(0);
    const lines = capture.stdout.trim().split('\n');
    expect(lines[1]).toMatch(
      new RegExp(
        `^events: ${expectedAlarmChanges} alarm state changes of \\d+ alarms, (\\d+) monitoring executions -> ${dir} \\(README.md says where each came from\\)$`,
      ),
    );
    expect(lines[2]).toBe(`next: medic backtest ${dir} [--runbook F]`);

    // One file per change, in time order, each an EventBridge event; the snapshot and the README beside them.
    const files = readdirSync(dir).sort();
    expect(files).toContain('aws-state.json');
    expect(files).toContain('README.md');
    const eventFiles = files.filter((f) => f.endsWith('.json') && f !== 'aws-state.json');
    const events = eventFiles.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Json);
    const times = events.map((ev) => Date.parse(String(ev.time)));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const kinds = events.map((ev) => ev['detail-type']);
    expect(kinds.filter((k) => k === 'CloudWatch Alarm State Change')).toHaveLength(expectedAlarmChanges);
    const jobs = events.filter((ev) => ev['detail-type'] === 'SageMaker Processing Job State Change').map((ev) => ev.detail as Json);
    // moto's monitoring executions, with the end SageMaker reported (the stand-in's outcomes).
    expect(jobs.map((j) => j.ProcessingJobName)).toContain('model-monitoring-202611230400-7c1e9a42');
    expect(jobs.find((j) => j.ProcessingJobName === 'model-monitoring-202611230400-7c1e9a42')).toMatchObject({
      ProcessingJobStatus: 'Completed',
      ExitMessage: 'CompletedWithViolations: Job completed successfully with 3 violations.',
      CreationTime: expect.any(Number),
    });
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    for (const f of eventFiles) expect(readme).toContain(`| ${f} | `);
    // The violation reports the monitoring events point at are in the snapshot, read from moto's S3.
    const state = JSON.parse(readFileSync(join(dir, 'aws-state.json'), 'utf8')) as { s3: Json };
    expect(Object.keys(state.s3).length).toBeGreaterThan(0);

    const text = await runBuiltCliAsync(['backtest', dir]);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`recorded AWS state ${join(dir, 'aws-state.json')}`);
    const json = await runBuiltCliAsync(['backtest', dir, '--json']);
    const summary = JSON.parse(json.stdout) as { events: number; rules: Record<string, { executed: number }> };
    expect(summary.events).toBe(eventFiles.length);
    const acted = Object.entries(summary.rules)
      .filter(([, r]) => r.executed > 0)
      .map(([id]) => id);
    for (const rule of ['latency-scale-out', 'error-rate-ladder', 'churn-drift-retrain', 'data-schema-notify', 'monitoring-job-failed']) {
      expect(acted).toContain(rule);
      expect(text.stdout).toMatch(new RegExp(`^  ${rule} `, 'm'));
    }
  });
});
