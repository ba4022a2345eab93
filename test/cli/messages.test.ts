/**
 * What an operator reads, from the shipped command (`node bin/medic.js`): singular counts,
 * JSON errors at file:line:col, missing folders and files named, each error printed once.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBuiltCli } from '../support/built-cli.js';
import { ROOT } from '../support/samples.js';

const RUNBOOK = ['--runbook', 'test/fixtures/runbook.yml'];

describe('counts of one are singular', () => {
  it('replay of one event: "1 event", "1 matched a rule"', () => {
    const { code, stdout } = runBuiltCli(['replay', 'events/01-alarm-latency-churn-prod.json', ...RUNBOOK]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/\n1 event, 1 matched a rule, 0 no action/);
  });

  it('backtest of one event: "Backtest of 1 event"', () => {
    const { stdout } = runBuiltCli(['backtest', 'events/01-alarm-latency-churn-prod.json', ...RUNBOOK]);
    expect(stdout).toMatch(/^Backtest of 1 event,/);
  });

  it('validate and runbook: "1 rule", "1 topic", "1 lint warning"', () => {
    const validate = runBuiltCli(['validate', 'test/golden/lint-shadowed.yml']);
    expect(validate.stdout).toMatch(/valid — 13 rules, 1 topic, 0 pipelines/);
    const one = runBuiltCli(['validate', 'test/golden/lint-dry-run.yml']);
    expect(one.stdout).toMatch(/! 1 lint warning \(/);
    const table = runBuiltCli(['runbook', '--runbook', 'test/golden/lint-unused.yml']);
    expect(table.stdout).toMatch(/: 1 rule, first match wins/);
  });

  it('runbook: "at most 1 change per endpoint per hour"', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medic-one-'));
    const text =
      'version: 1\ndefaults: { maxRemediationsPerHour: 1 }\ntopics: { ops: arn:aws:sns:us-east-1:111122223333:ops }\nrules:\n  - id: a\n    match: { kind: alarm }\n    actions: [{ notify: { topic: ops } }]\n';
    writeFileSync(join(dir, 'one.yml'), text);
    const { code, stdout } = runBuiltCli(['runbook', '--runbook', join(dir, 'one.yml')]);
    expect(code).toBe(0);
    expect(stdout).toContain(', at most 1 change per endpoint per hour,');
  });

  it('no "1 <plural>" anywhere in the output of the sample world', () => {
    const outputs = [
      runBuiltCli(['replay', 'events/', ...RUNBOOK]),
      runBuiltCli(['backtest', 'events/', ...RUNBOOK]),
      ...['lint-cooldown', 'lint-dry-run', 'lint-shadowed', 'lint-unused'].map((f) => runBuiltCli(['validate', `test/golden/${f}.yml`])),
    ];
    for (const { stdout, stderr } of outputs) {
      expect(`${stdout}${stderr}`).not.toMatch(/\b1 (events|rules|topics|pipelines|errors|warnings|violations|reversals|actions)\b/);
    }
  });
});

describe('a JSON syntax error is reported at file:line:col', () => {
  it('replay names the line and column, not the character position', () => {
    const { code, stdout, stderr } = runBuiltCli(['replay', 'events/invalid/not-json.json', ...RUNBOOK]);
    expect(code).toBe(2);
    expect(stderr).toBe('events/invalid/not-json.json:27:1: not valid JSON: Expected double-quoted property name\n');
    expect(stdout).toContain('error   events/invalid/not-json.json:27:1: not valid JSON');
    expect(`${stdout}${stderr}`).not.toMatch(/position/);
  });

  it('explain does too', () => {
    const { code, stderr } = runBuiltCli(['explain', 'events/invalid/not-json.json', ...RUNBOOK]);
    expect(code).toBe(2);
    expect(stderr).toBe('medic: events/invalid/not-json.json:27:1: not valid JSON: Expected double-quoted property name\n');
  });
});

/** A scratch folder holding `events/01-…` once as is and once with `change` applied. */
function withChangedSample(name: string, change: (event: Record<string, unknown>) => Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'medic-input-'));
  const event = JSON.parse(readFileSync(join(ROOT, 'events/01-alarm-latency-churn-prod.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, '01-good.json'), JSON.stringify(event));
  writeFileSync(join(dir, name), JSON.stringify(change(event)));
  return dir;
}

describe('an event time that is not a time is bad input', () => {
  const TIME_ERROR = 'not an EventBridge event: time: expected an ISO 8601 time with its zone, e.g. 2026-11-23T04:00:00Z, got "not-a-time"';

  it('replay rejects it with the field, what was expected and what was got (exit 2)', () => {
    const dir = withChangedSample('02-bad-time.json', (e) => ({ ...e, time: 'not-a-time' }));
    const { code, stdout, stderr } = runBuiltCli(['replay', dir, '--aws-state', 'events/aws-state.json', ...RUNBOOK]);
    expect(code).toBe(2);
    expect(stderr).toBe(`${join(dir, '02-bad-time.json')}: ${TIME_ERROR}\n`);
    expect(stdout).toMatch(/\n2 events, 1 matched a rule, 0 no action, 1 rejected/);
  });

  it('backtest counts it as rejected instead of leaving it out of the window (exit 2)', () => {
    const dir = withChangedSample('02-bad-time.json', (e) => ({ ...e, time: 'not-a-time' }));
    const { code, stdout } = runBuiltCli(['backtest', dir, '--json', '--aws-state', 'events/aws-state.json', ...RUNBOOK]);
    expect(code).toBe(2);
    const summary = JSON.parse(stdout) as { events: number; rejected: number; rejectedEvents: Array<{ event: string; error: string }> };
    expect(summary.events).toBe(2);
    expect(summary.rejected).toBe(1);
    expect(summary.rejectedEvents).toEqual([{ event: join(dir, '02-bad-time.json'), error: TIME_ERROR }]);
  });
});

describe('JSON files as editors save them', () => {
  const SAMPLE = 'events/01-alarm-latency-churn-prod.json';
  const scratch = () => mkdtempSync(join(tmpdir(), 'medic-json-'));

  it('a truncated event file is reported at the end of the file, FILE:LINE:COL (exit 2)', () => {
    const text = readFileSync(join(ROOT, SAMPLE), 'utf8');
    // Cut after a key's colon: JSON.parse then says only "Unexpected end of JSON input", with no position.
    const cut = text.slice(0, text.indexOf('"region":') + '"region": '.length);
    const file = join(scratch(), 'truncated.json');
    writeFileSync(file, cut);
    const lines = cut.split('\n');
    const end = `${lines.length}:${(lines.at(-1) ?? '').length + 1}`;
    const { code, stderr } = runBuiltCli(['replay', file, ...RUNBOOK]);
    expect(code).toBe(2);
    expect(stderr).toBe(`${file}:${end}: not valid JSON: Unexpected end of JSON input\n`);
  });

  it('an event file that starts with a UTF-8 byte order mark replays as without it', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'bom.json'), `\uFEFF${readFileSync(join(ROOT, SAMPLE), 'utf8')}`);
    const withBom = runBuiltCli(['replay', join(dir, 'bom.json'), '--aws-state', 'events/aws-state.json', ...RUNBOOK]);
    const without = runBuiltCli(['replay', SAMPLE, ...RUNBOOK]);
    expect([withBom.code, withBom.stderr]).toEqual([0, '']);
    // The same plan; the ladder's first check is on the wall clock, so its time is left out.
    const plan = (stdout: string) =>
      stdout
        .split('\n')
        .slice(1)
        .map((line) => line.replace(/ at \d{4}-\S+Z$/, ''));
    expect(plan(withBom.stdout)).toEqual(plan(without.stdout));
    // backtest reads its time through the same reader: the event is in the window, not last.
    const backtest = runBuiltCli(['backtest', dir, '--json', '--aws-state', 'events/aws-state.json', ...RUNBOOK]);
    expect(backtest.code).toBe(0);
    expect(JSON.parse(backtest.stdout)).toMatchObject({ events: 1, rejected: 0, from: '2026-11-23T04:12:40.000Z' });
  });

  it('the recorded AWS state: a BOM is read past, a truncated file is named at FILE:LINE:COL (exit 2)', () => {
    const dir = scratch();
    const state = readFileSync(join(ROOT, 'events/aws-state.json'), 'utf8');
    writeFileSync(join(dir, 'bom.json'), `\uFEFF${state}`);
    expect(runBuiltCli(['replay', SAMPLE, '--aws-state', join(dir, 'bom.json'), ...RUNBOOK]).code).toBe(0);
    writeFileSync(join(dir, 'cut.json'), '{\n  "sagemaker": ');
    const { code, stderr } = runBuiltCli(['replay', SAMPLE, '--aws-state', join(dir, 'cut.json'), ...RUNBOOK]);
    expect(code).toBe(2);
    expect(stderr).toBe(`medic: ${join(dir, 'cut.json')}:2:16: not valid JSON: Unexpected end of JSON input\n`);
  });
});

describe('a recorded AWS state that is wrong is bad input (exit 2), named where', () => {
  const DRIFT = 'events/20-monitor-data-drift-churn-prod.json';
  const URI = 's3://model-medic-monitoring-111122223333/churn-prod-data-quality/2026/11/23/04/constraint_violations.json';
  type State = { s3: Record<string, unknown>; sagemaker: { endpoints: Record<string, Record<string, unknown>> } };
  /** events/aws-state.json with `change` applied, in a scratch folder. */
  const stateWith = (change: (state: State) => void): { dir: string; file: string } => {
    const dir = mkdtempSync(join(tmpdir(), 'medic-state-'));
    const state = JSON.parse(readFileSync(join(ROOT, 'events/aws-state.json'), 'utf8')) as State;
    change(state);
    const file = join(dir, 'aws-state.json');
    writeFileSync(file, JSON.stringify(state));
    return { dir, file };
  };

  it('an s3 entry whose file is missing: the state file, the entry and the path; rejected, not failed', () => {
    const { dir, file } = stateWith((state) => {
      state.s3[URI] = 's3/moved-away.json';
    });
    const message = `${file}: s3 entry "${URI}": no file at ${join(dir, 's3/moved-away.json')} ("s3/moved-away.json", relative to the recorded state's folder)`;
    const replay = runBuiltCli(['replay', DRIFT, '--aws-state', file, ...RUNBOOK]);
    expect(replay.code).toBe(2);
    expect(replay.stderr).toBe(`${message}\n`);
    expect(replay.stdout).toMatch(/\n1 event, 0 matched a rule, 0 no action, 1 rejected/);
    const backtest = runBuiltCli(['backtest', DRIFT, '--json', '--aws-state', file, ...RUNBOOK]);
    expect(backtest.code).toBe(2);
    expect(JSON.parse(backtest.stdout)).toMatchObject({ rejected: 1, errors: 0, rejectedEvents: [{ error: message }] });
  });

  it('"EndpointStatus": 5 is refused with its place in the file, before any event runs', () => {
    const { file } = stateWith((state) => {
      (state.sagemaker.endpoints['churn-prod'] as Record<string, unknown>).EndpointStatus = 5;
    });
    const { code, stdout, stderr } = runBuiltCli(['replay', 'events/01-alarm-latency-churn-prod.json', '--aws-state', file, ...RUNBOOK]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`medic: ${file}: sagemaker.endpoints.churn-prod.EndpointStatus: expected a string like "InService", got 5\n`);
  });
});

describe('files and folders that are not there', () => {
  it('--out into a missing folder names the folder and writes nothing (exit 2)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medic-out-'));
    const out = join(dir, 'missing', 'x.json');
    const { code, stderr } = runBuiltCli(['generate-event', 'alarm', '--out', out]);
    expect(code).toBe(2);
    expect(stderr).toContain(`medic: --out ${out}: the folder ${join(dir, 'missing')} does not exist (create it first: mkdir -p`);
    expect(stderr).not.toMatch(/unexpected error|ENOENT/);
    expect(existsSync(out)).toBe(false);
  });

  it('--aws-state-out into a missing folder is refused before the event is written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medic-out-'));
    const args = ['generate-event', 'monitoring', '--violations', '2', '--out', 'event.json', '--aws-state-out', 'nope/state.json'];
    const { code, stderr } = runBuiltCli(args, { cwd: dir, env: {} });
    expect(code).toBe(2);
    expect(stderr).toContain('medic: --aws-state-out nope/state.json: the folder nope does not exist');
    expect(existsSync(join(dir, 'event.json'))).toBe(false);
  });

  it('run from a subfolder: the message names the runbook path it looked for and suggests --runbook F', () => {
    const { code, stderr } = runBuiltCli(['replay', '01-alarm-latency-churn-prod.json'], {
      cwd: join(ROOT, 'events'),
      shippedRunbook: true,
    });
    expect(code).toBe(2);
    expect(stderr).toContain(`no runbook: looked for ${join(ROOT, 'events', 'runbook.yml')}`);
    expect(stderr).toContain('--runbook F');
  });

  it('and the recorded AWS state likewise, with --aws-state F', () => {
    // A folder without an aws-state.json of its own (events/ has one: replay would use it).
    const { code, stderr } = runBuiltCli(
      ['replay', '01-alarm-5xx-rate-fraud-prod-0400.json', '--runbook', '../../test/fixtures/runbook.yml'],
      {
        cwd: join(ROOT, 'events', 'approvals'),
      },
    );
    expect(code).toBe(2);
    expect(stderr).toContain(`no recorded AWS state: looked for ${join(ROOT, 'events', 'approvals', 'events', 'aws-state.json')}`);
    expect(stderr).toContain('--aws-state F');
  });
});

describe('on a terminal, a rejected event is reported once', () => {
  // `script` gives the command a pseudo-terminal for stdout and stderr, as an operator's shell does.
  const hasScript = existsSync('/usr/bin/script');

  it.skipIf(!hasScript)('replay events/invalid/not-json.json on a TTY prints the error one time', () => {
    const command = `node bin/medic.js replay events/invalid/not-json.json ${RUNBOOK.join(' ')}`;
    const result = spawnSync('script', ['-qec', command, '/dev/null'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
    });
    expect(result.status).toBe(2);
    expect(result.stdout.match(/not valid JSON/g)).toHaveLength(1);
  });

  it('piped, the error is on stderr as well as in the report', () => {
    const { stdout, stderr } = runBuiltCli(['replay', 'events/invalid/not-json.json', ...RUNBOOK]);
    expect(stdout.match(/not valid JSON/g)).toHaveLength(1);
    expect(stderr.match(/not valid JSON/g)).toHaveLength(1);
  });
});

describe("AWS failures in the CLI: failures (exit 1), in the CLI's words", () => {
  // No credentials, no profile, no instance metadata: nothing from the machine running the tests.
  const bare = { HOME: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true', MEDIC_AWS_MAX_ATTEMPTS: '1' };
  const ALARM = 'events/01-alarm-latency-churn-prod.json';
  const DRIFT = 'events/20-monitor-data-drift-churn-prod.json';

  it('--aws without a region says the region is missing and how to set it', () => {
    const { code, stdout, stderr } = runBuiltCli(['replay', ALARM, '--aws', ...RUNBOOK], { env: bare });
    expect(code).toBe(1);
    expect(stdout).toContain('no AWS region is set: set AWS_REGION, e.g. AWS_REGION=us-east-1, or a region in your AWS profile');
    expect(`${stdout}${stderr}`).not.toMatch(/retried|the network failed/);
    expect(stdout).toMatch(/1 event, .*1 failed/);
  });

  it('--live without credentials: read failures are failed, not rejected (exit 1)', () => {
    const env = { ...bare, AWS_REGION: 'us-east-1' };
    const { code, stdout } = runBuiltCli(['replay', ALARM, DRIFT, '--live', ...RUNBOOK], { env });
    expect(code).toBe(1);
    expect(stdout).toContain('no AWS credentials were found');
    expect(stdout).toMatch(/\n2 events, .*2 failed$/m);
    expect(stdout).not.toMatch(/rejected/);
    const json = runBuiltCli(['replay', DRIFT, '--live', '--json', ...RUNBOOK], { env });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).errorKind).toBe('aws-denied');
  });

  it('a network failure says to run the command again, never "the event will be retried"', () => {
    const env = {
      ...bare,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_ACCESS_KEY_ID: 'x',
      AWS_SECRET_ACCESS_KEY: 'y',
    };
    const { code, stdout, stderr } = runBuiltCli(['replay', ALARM, DRIFT, '--aws', ...RUNBOOK], { env });
    expect(code).toBe(1);
    expect(stdout).toContain("AWS or the network failed; no retry beyond the SDK's: run the command again");
    expect(`${stdout}${stderr}`).not.toMatch(/will be retried/);
    const explain = runBuiltCli(['explain', DRIFT, '--aws', ...RUNBOOK], { env });
    expect(explain.code).toBe(1);
    expect(explain.stderr).toContain("no retry beyond the SDK's: run the command again");
    expect(explain.stderr).not.toMatch(/will be retried/);
  });
});

describe('mistakes on the command line get a plain answer, never Node internals', () => {
  it('explain of a folder says it takes one event file', () => {
    const { code, stderr } = runBuiltCli(['explain', 'events/', ...RUNBOOK]);
    expect(code).toBe(2);
    expect(stderr).toContain('is a folder, not an event file (replay and backtest take folders)');
    expect(stderr).not.toContain('EISDIR');
  });

  it('an option before any command is called an option', () => {
    const { code, stderr } = runBuiltCli(['--bogus']);
    expect(code).toBe(2);
    expect(stderr).toContain('medic: unknown option --bogus: options follow a command (medic COMMAND [options])');
  });

  it('a value that starts with "-" says how to pass it, without parseArgs text', () => {
    const { code, stderr } = runBuiltCli(['generate-event', 'monitoring', '--violations', '-2']);
    expect(code).toBe(2);
    expect(stderr).toContain('medic: --violations takes a value; for one that starts with "-" write --violations=VALUE');
    expect(stderr).not.toMatch(/TypeError|ambiguous/);
  });
});
