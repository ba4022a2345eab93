/**
 * medic capture --events DIR against aws-sdk-client-mock: the sample world as the SDK answers
 * (test/support/capture-world.ts) and, since no emulator has DescribeAlarmHistory, the history
 * CloudWatch keeps of the sample alarm events in its recorded shape (test/support/alarm-history.ts).
 * The folder it writes backtests with no further step.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeAlarmHistoryCommand } from '@aws-sdk/client-cloudwatch';
import { ListProcessingJobsCommand } from '@aws-sdk/client-sagemaker';
import { beforeEach, describe, expect, it } from 'vitest';
import { captureEvents } from '../../cli/capture/events.js';
import type { CaptureSource } from '../../cli/capture/source.js';
import { historyItemOf } from '../support/alarm-history.js';
import { BIN } from '../support/built-cli.js';
import { cloudwatch, ENV, meta, recorded, sagemaker } from '../support/capture-world.js';
import { FIXED_NOW, runCli } from '../support/cli.js';
import { COMMAND, docExamples, matches, trimEnd } from '../support/doc-examples.js';
import { EVENTS_DIR, ROOT, sampleEventFiles } from '../support/samples.js';
import { TEST_RUNBOOK } from '../support/test-runbook.js';

type Json = Record<string, unknown>;

/** Every sample alarm event as the StateUpdate item CloudWatch keeps, by alarm name. */
const HISTORY = new Map<string, Json[]>();
for (const file of sampleEventFiles()) {
  const event = JSON.parse(readFileSync(join(EVENTS_DIR, file), 'utf8')) as Json;
  if (event['detail-type'] !== 'CloudWatch Alarm State Change') continue;
  const item = historyItemOf(event);
  HISTORY.set(String(item.AlarmName), [...(HISTORY.get(String(item.AlarmName)) ?? []), item]);
}
const ALL_ENDPOINTS = Object.keys(recorded.sagemaker.endpoints);
/** The alarm whose history comes in two pages. */
const PAGED = 'churn-prod-model-latency';

beforeEach(() => {
  cloudwatch
    .on(DescribeAlarmHistoryCommand)
    .callsFake(async (input: { AlarmName: string; StartDate: Date; EndDate: Date; NextToken?: string }) => {
      const items = (HISTORY.get(input.AlarmName) ?? [])
        .filter((i) => (i.Timestamp as Date) >= input.StartDate && (i.Timestamp as Date) <= input.EndDate)
        .sort((a, b) => (a.Timestamp as Date).getTime() - (b.Timestamp as Date).getTime());
      if (input.AlarmName !== PAGED) return { AlarmHistoryItems: items, ...meta };
      return input.NextToken
        ? { AlarmHistoryItems: items.slice(2), ...meta }
        : { AlarmHistoryItems: items.slice(0, 2), NextToken: 'history-2', ...meta };
    });
});

function folder(): string {
  return join(mkdtempSync(join(tmpdir(), 'medic-capture-events-')), 'last-week');
}
const endpointArgs = ALL_ENDPOINTS.flatMap((e) => ['--endpoint', e]);
const eventFiles = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.json') && n !== 'aws-state.json');

describe('medic capture --events DIR', () => {
  it('one event per alarm state change and terminal monitoring execution, named in time order, with the snapshot and a README', async () => {
    const dir = folder();
    const { code, stdout, stderr } = await runCli(['capture', ...endpointArgs, '--since', '7d', '--events', dir], { env: ENV });
    expect(code).toBe(0);
    expect(stdout).toEqual([
      `captured 6 endpoints, 1 scalable target, 14 alarms, 3 pipelines, 9 monitoring executions, 7 violation reports -> ${join(dir, 'aws-state.json')}`,
      `events: 19 alarm state changes of 14 alarms, 9 monitoring executions -> ${dir} (README.md says where each came from)`,
      `next: medic backtest ${dir} [--runbook F]`,
    ]);
    expect(stderr.filter((l) => !l.startsWith('note: only the live EndpointConfig'))).toEqual([
      'note: composite fraud-prod-health has an actions suppressor (fraud-prod-deploy-in-progress): its history does not say which of its 1 state change was suppressed, so the backtest acts on it',
    ]);
    const files = eventFiles(dir);
    expect(files).toHaveLength(28);
    const events = files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Json);
    const times = events.map((e) => Date.parse(String(e.time)));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(events.map((e) => e['detail-type']))).toEqual(
      new Set(['CloudWatch Alarm State Change', 'SageMaker Processing Job State Change']),
    );
    // The history came page by page, one alarm at a time, StateUpdate items only, over the window.
    const calls = cloudwatch.commandCalls(DescribeAlarmHistoryCommand).map((c) => c.args[0].input);
    expect(calls.filter((c) => c.AlarmName === PAGED).map((c) => c.NextToken)).toEqual([undefined, 'history-2']);
    expect(calls[0]).toEqual({
      AlarmName: calls[0]?.AlarmName,
      AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
      HistoryItemType: 'StateUpdate',
      StartDate: new Date(FIXED_NOW - 7 * 86_400_000),
      EndDate: new Date(FIXED_NOW),
      ScanBy: 'TimestampAscending',
      MaxRecords: 100,
    });
    // The second of the paged alarm's changes knows when the first one happened.
    const [first, second] = events.filter((e) => (e.detail as Json).alarmName === PAGED).map((e) => e.detail as Json) as [Json, Json];
    expect((first.previousState as Json).timestamp).toBeUndefined();
    expect((second.previousState as Json).timestamp).toBe((first.state as Json).timestamp);

    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    for (const f of files) expect(readme).toContain(`| ${f} | `);
    expect(readme).toContain(
      '| 20261123T041240.512Z-alarm-churn-prod-model-latency-ALARM.json | cloudwatch:DescribeAlarmHistory churn-prod-model-latency, StateUpdate item of 2026-11-23T04:12:40.512Z (OK → ALARM); configuration: DescribeAlarms at capture time |',
    );
    expect(readme).toMatch(
      /\| \d{8}T\d{6}\.\d{3}Z-monitoring-model-monitoring-202611230400-7c1e9a42-Completed\.json \| sagemaker:DescribeProcessingJob model-monitoring-202611230400-7c1e9a42 \(Completed; time: its LastModifiedTime 2026-11-23T04:14:58\.204Z\) \|/,
    );

    // What the runbook would have done, with no further step: the snapshot is beside the events.
    const backtest = await runCli(['backtest', dir]);
    expect(backtest.stderr).toEqual([]);
    expect(backtest.code).toBe(0);
    expect(backtest.stdout[0]).toMatch(/^Backtest of 28 events, 2026-11-23T\S+ → 2026-11-23T\S+$/);
    const summary = backtest.stdout.join('\n');
    expect(summary).toContain(`recorded AWS state ${join(dir, 'aws-state.json')}`);
    const json = JSON.parse((await runCli(['backtest', dir, '--json'])).stdout.join('')) as { rules: Record<string, { executed: number }> };
    const acted = Object.entries(json.rules)
      .filter(([, r]) => r.executed > 0)
      .map(([id]) => id);
    for (const rule of [
      'latency-scale-out',
      'error-rate-ladder',
      'composite-page',
      'churn-drift-retrain',
      'monitoring-job-failed',
      'resolved',
    ]) {
      expect(acted).toContain(rule);
      expect(summary).toMatch(new RegExp(`^  ${rule} `, 'm'));
    }
  });

  it('a second capture of the same window writes the same files', async () => {
    const [a, b] = [folder(), folder()];
    await runCli(['capture', ...endpointArgs, '--since', '7d', '--events', a], { env: ENV });
    await runCli(['capture', ...endpointArgs, '--since', '7d', '--events', b], { env: ENV });
    expect(eventFiles(b)).toEqual(eventFiles(a));
    for (const f of eventFiles(a)) expect(readFileSync(join(b, f), 'utf8')).toBe(readFileSync(join(a, f), 'utf8'));
  });

  it('CloudWatch throttling one alarm: that alarm named with what to do, everything else written, exit 1', async () => {
    cloudwatch.on(DescribeAlarmHistoryCommand, { AlarmName: 'fraud-prod-cpu-high' }).rejects(
      Object.assign(new Error('Rate exceeded'), {
        name: 'Throttling',
        $metadata: { httpStatusCode: 400, attempts: 4 },
        $retryable: { throttling: true },
      }),
    );
    const dir = folder();
    const { code, stdout, stderr } = await runCli(['capture', ...endpointArgs, '--since', '7d', '--events', dir], { env: ENV });
    expect(code).toBe(1);
    expect(stdout[1]).toBe(
      `events: 17 alarm state changes of 13 alarms, 9 monitoring executions -> ${dir} (README.md says where each came from)`,
    );
    const failure =
      'alarm history of fraud-prod-cpu-high: CloudWatch throttled DescribeAlarmHistory (Throttling: Rate exceeded, sent 4 times): its state changes are not in the folder; ' +
      'capture again in a few minutes, for fewer endpoints at a time, or with more retries (MEDIC_AWS_MAX_ATTEMPTS=10)';
    expect(stderr).toContain(`medic: not captured: ${failure}`);
    expect(stderr).toContain(`medic: 1 read failed; everything else was captured in ${join(dir, 'aws-state.json')} and ${dir}`);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain(`## Not captured\n\n- ${failure}\n`);
    expect(eventFiles(dir)).toHaveLength(26);
  });

  it('an endpoint that does not serve CloudWatch (an HTML page): history is tried once, one line names every alarm, the rest is written', async () => {
    cloudwatch.on(DescribeAlarmHistoryCommand).rejects(
      Object.assign(
        new SyntaxError('Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.'),
        {
          $metadata: { httpStatusCode: 500, attempts: 4 },
        },
      ),
    );
    const dir = folder();
    const { code, stdout, stderr } = await runCli(['capture', ...endpointArgs, '--since', '7d', '--events', dir], { env: ENV });
    expect(code).toBe(1);
    expect(cloudwatch.commandCalls(DescribeAlarmHistoryCommand)).toHaveLength(1);
    expect(stdout[1]).toBe(
      `events: 0 alarm state changes of 0 alarms, 9 monitoring executions -> ${dir} (README.md says where each came from)`,
    );
    const failures = stderr.filter((l) => l.startsWith('medic: not captured: alarm history'));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(
      /^medic: not captured: alarm history of 14 alarms \([^,]+, [^,]+, [^,]+, …\): cloudwatch:DescribeAlarmHistory on .* failed: SyntaxError: Deserialization error/,
    );
    expect(failures[0]).toContain('the answer was not an AWS response: is AWS_ENDPOINT_URL right, and does it serve this service?');
    expect(eventFiles(dir)).toHaveLength(9);
  });

  it('a window longer than CloudWatch keeps alarm history: alarm history from 30 days back, monitoring as asked, and a note', async () => {
    const dir = folder();
    const { code, stderr } = await runCli(['capture', '--endpoint', 'churn-prod', '--since', '45d', '--events', dir], { env: ENV });
    expect(code).toBe(0);
    expect(stderr).toContain(
      'note: CloudWatch keeps alarm history for 30 days: alarm state changes are captured from 2026-10-24T12:00:00.000Z, monitoring executions from 2026-10-09T12:00:00.000Z (--since 45d)',
    );
    for (const call of cloudwatch.commandCalls(DescribeAlarmHistoryCommand)) {
      expect(call.args[0].input.StartDate).toEqual(new Date(FIXED_NOW - 30 * 86_400_000));
    }
    expect(sagemaker.commandCalls(ListProcessingJobsCommand)[0]?.args[0].input.CreationTimeAfter).toEqual(
      new Date(FIXED_NOW - 45 * 86_400_000),
    );
  });

  it('--progress: a line per alarm on stderr', async () => {
    const { stderr } = await runCli(['capture', '--endpoint', 'fraud-prod', '--since', '7d', '--events', folder(), '--progress'], {
      env: ENV,
    });
    expect(stderr.filter((l) => l.startsWith('capture:'))).toEqual([
      'capture: alarm history 1/3: fraud-prod-cpu-high, 2 state changes',
      'capture: alarm history 2/3: fraud-prod-5xx-rate, 1 state change',
      'capture: alarm history 3/3: fraud-prod-health, 2 state changes',
    ]);
  });

  it('a folder that already holds events, or whose parent is missing: refused before any AWS read, exit 2', async () => {
    const dir = folder();
    mkdirSync(dir);
    writeFileSync(join(dir, 'old.json'), '{}');
    const taken = await runCli(['capture', '--endpoint', 'churn-prod', '--events', dir], { env: ENV });
    expect(taken.code).toBe(2);
    expect(taken.stderr[0]).toBe(
      `medic: --events ${dir}: the folder already holds 1 event file: a backtest would mix two captures; give a new or empty folder`,
    );
    const orphan = await runCli(['capture', '--endpoint', 'churn-prod', '--events', join(dir, 'no/such')], { env: ENV });
    expect(orphan.code).toBe(2);
    expect(orphan.stderr[0]).toMatch(/the folder .*\/no does not exist \(create it first: mkdir -p .*\/no\)$/);
    expect(sagemaker.calls()).toEqual([]);
    expect(cloudwatch.calls()).toEqual([]);
  });

  it('--out - with --events: refused before any AWS read, since the folder would name no snapshot file, exit 2', async () => {
    const dir = folder();
    const { code, stderr } = await runCli(['capture', '--endpoint', 'churn-prod', '--out', '-', '--events', dir], { env: ENV });
    expect(code).toBe(2);
    expect(stderr[0]).toBe(
      `medic: --out - prints the snapshot, but \`medic backtest ${dir}\` needs it in a file: leave out --out (it goes in ${join(dir, 'aws-state.json')}) or give --out FILE`,
    );
    expect(sagemaker.calls()).toEqual([]);
    expect(cloudwatch.calls()).toEqual([]);
  });

  it('a folder whose parent is a file: named as a file, not as a folder to create', async () => {
    const parent = join(mkdtempSync(join(tmpdir(), 'medic-capture-events-')), 'notes.txt');
    writeFileSync(parent, 'x');
    const { code, stderr } = await runCli(['capture', '--endpoint', 'churn-prod', '--events', join(parent, 'last-week')], { env: ENV });
    expect(code).toBe(2);
    expect(stderr[0]).toBe(`medic: --events ${join(parent, 'last-week')}: ${parent} is a file, not a folder`);
  });

  it("a history read that fails: the README's line has the CLI's words (nothing retries a capture), as stderr does", async () => {
    cloudwatch
      .on(DescribeAlarmHistoryCommand, { AlarmName: 'fraud-prod-cpu-high' })
      .rejects(
        Object.assign(new Error('Internal service error'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500, attempts: 4 } }),
      );
    const dir = folder();
    const { code, stderr } = await runCli(['capture', '--endpoint', 'fraud-prod', '--since', '7d', '--events', dir], { env: ENV });
    expect(code).toBe(1);
    const line = stderr.find((l) => l.startsWith('medic: not captured: alarm history of fraud-prod-cpu-high'));
    expect(line).toMatch(/no retry beyond the SDK's: run the command again\)$/);
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    expect(readme).toContain(`- ${line?.slice('medic: not captured: '.length)}\n`);
    expect(readme).not.toMatch(/will be retried/);
  });
});

describe('captureEvents', () => {
  it('alarms whose names become the same file name, changing in the same millisecond: one file each, none overwritten', async () => {
    const at = new Date('2026-11-23T04:12:40.512Z');
    const alarm = (name: string) => ({
      AlarmName: name,
      AlarmArn: `arn:aws:cloudwatch:us-east-1:111122223333:alarm:${name}`,
      MetricName: 'ModelLatency',
      Namespace: 'AWS/SageMaker',
      Dimensions: [{ Name: 'EndpointName', Value: 'churn-prod' }],
    });
    const long = `TargetTracking-endpoint/churn-prod/variant/${'v'.repeat(80)}-Alarm`;
    const names = ['latency p99', 'latency/p99', 'Latency_p99', `${long}High`, `${long}Low`];
    const source = {
      describeAlarmHistory: async (name: string) => [
        {
          AlarmName: name,
          Timestamp: at,
          HistoryItemType: 'StateUpdate',
          HistoryData: JSON.stringify({ version: '1.0', oldState: { stateValue: 'OK' }, newState: { stateValue: 'ALARM' } }),
        },
      ],
    } as unknown as CaptureSource;
    const captured = await captureEvents(source, names.map(alarm), [], { alarmsSince: 0, until: at.getTime() + 1 });
    const files = captured.events.map((e) => e.file);
    expect(files).toHaveLength(names.length);
    expect(new Set(files.map((f) => f.toLowerCase())).size).toBe(names.length);
    expect(files[0]).toBe('20261123T041240.512Z-alarm-Latency_p99-ALARM.json');
    for (const f of files) expect(f).toMatch(/^20261123T041240\.512Z-alarm-.*-ALARM(-[0-9a-f]{8})?\.json$/);
  });
});

describe('capture --events: a folder that cannot be written', () => {
  it('names the file and says the folder is incomplete, one line, exit 2 (no stack trace)', async () => {
    const dir = folder();
    mkdirSync(join(dir, 'README.md'), { recursive: true }); // a folder where the README goes
    const { code, stderr } = await runCli(['capture', '--endpoint', 'fraud-prod', '--since', '7d', '--events', dir], { env: ENV });
    expect(code).toBe(2);
    expect(stderr[0]).toBe(
      `medic: --events ${dir}: cannot write README.md (EISDIR): the folder is incomplete; remove it and capture again`,
    );
    expect(stderr.join('\n')).not.toMatch(/\n\s+at /);
  });
});

describe('capture --events with a path that cannot be written (/proc refuses new files, even to root)', () => {
  it('--out elsewhere that cannot be written: exit 2 naming --out, and no events folder left behind', async () => {
    const dir = folder();
    const { code, stderr } = await runCli(
      ['capture', '--endpoint', 'fraud-prod', '--since', '7d', '--events', dir, '--out', '/proc/medic-snapshot.json'],
      { env: ENV },
    );
    expect(code).toBe(2);
    // As root the write fails (ENOENT); as anyone else the folder is refused before any read (EACCES).
    expect(stderr[0]).toMatch(
      /^medic: --out \/proc\/medic-snapshot\.json: (cannot write the file \(ENOENT\)|the folder \/proc cannot be written in \(EACCES\))/,
    );
    expect(existsSync(dir)).toBe(false);
    expect(stderr.join('\n')).not.toMatch(/\n\s+at /);
  });

  it('--events under a folder that refuses new folders: exit 2 at once (it used to spin forever in mkdir)', async () => {
    const { code, stderr } = await runCli(['capture', '--endpoint', 'fraud-prod', '--since', '7d', '--events', '/proc/medic-last-week'], {
      env: ENV,
    });
    expect(code).toBe(2);
    expect(stderr[0]).toMatch(
      /^medic: --events \/proc\/medic-last-week: (cannot create the folder \(ENOENT\)|the folder \/proc cannot be written in \(EACCES\)): give a folder you can write in$/,
    );
  });
});

describe('capture: a folder this user may not write in is refused before any AWS read (built CLI, not as root)', () => {
  // Root may write anywhere, so as root the command runs as nobody (setpriv); as anyone else, as is.
  const asUser = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
  const run = (args: string[]) => {
    const [command, ...rest] = [...asUser, process.execPath, BIN, 'capture', '--endpoint', 'churn-prod', ...args];
    // Nothing listens on port 9: a read would fail with another message, so the refusal must come first.
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: tmpdir(),
      NO_COLOR: '1',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_ACCESS_KEY_ID: 'x',
      AWS_SECRET_ACCESS_KEY: 'y',
    };
    return spawnSync(command as string, rest, { cwd: ROOT, env, encoding: 'utf8', timeout: 30_000 });
  };

  it('--events and --out in a read-only folder: exit 2, EACCES, what to do', () => {
    const readOnly = mkdtempSync(join(tmpdir(), 'medic-read-only-'));
    chmodSync(readOnly, 0o555);
    const events = run(['--events', join(readOnly, 'last-week')]);
    expect(events.status, events.stderr).toBe(2);
    expect(events.stderr.split('\n')[0]).toBe(
      `medic: --events ${join(readOnly, 'last-week')}: the folder ${readOnly} cannot be written in (EACCES): give a folder you can write in`,
    );
    const out = run(['--out', join(readOnly, 'state.json')]);
    expect(out.status, out.stderr).toBe(2);
    expect(out.stderr.split('\n')[0]).toBe(
      `medic: --out ${join(readOnly, 'state.json')}: the folder ${readOnly} cannot be written in (EACCES): give a path in a folder you can write`,
    );
  });
});

describe('docs/operator-tools.md, "What would this change have done last week?"', () => {
  it('shows what the CLI prints: capture --events of the sample world, then backtest of the folder', async () => {
    const examples = docExamples('docs/operator-tools.md').filter((e) =>
      /^medic (capture .*--events last-week|backtest last-week)$/.test(e.command),
    );
    expect(examples.map((e) => e.command)).toEqual([
      'medic capture --endpoint churn-prod,fraud-prod --since 7d --events last-week',
      'medic backtest last-week',
    ]);
    // As the docs' examples run: from a folder whose runbook.yml is the test copy.
    const cwd = mkdtempSync(join(tmpdir(), 'medic-docs-capture-'));
    copyFileSync(join(ROOT, TEST_RUNBOOK), join(cwd, 'runbook.yml'));
    for (const example of examples) {
      const args = COMMAND.exec(example.command)?.[2]?.split(/\s+/) ?? [];
      const { code, terminal } = await runCli(args, { env: ENV, cwd, shippedRunbook: true });
      const context = `${example.where}: ${example.command}\n${terminal.join('\n')}`;
      expect(code, context).toBe(example.exit);
      expect(matches(trimEnd(example.output ?? []), trimEnd(terminal)), context).toBe(true);
    }
  });
});
