/**
 * The operator's sending commands at the SDK boundary: EventBridge and STS clients mocked with
 * aws-sdk-client-mock, everything above them real (createAwsSend, the CLI).
 */
import 'aws-sdk-client-mock-vitest/extend';
import { EventBridgeClient, PutEventsCommand, ResourceNotFoundException } from '@aws-sdk/client-eventbridge';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseEnvelope } from '../../shared/signals/envelope.js';
import { parseOperatorEvent } from '../../shared/signals/operator.js';
import { runBuiltCli } from '../support/built-cli.js';
import { FIXED_NOW, runCli } from '../support/cli.js';

const ARN = 'arn:aws:sts::111122223333:assumed-role/oncall/alice';
const BUS = 'model-medic-prod-operator';
const ENV = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIAFAKE', AWS_SECRET_ACCESS_KEY: 'fake', MEDIC_AWS_MAX_ATTEMPTS: '1' };
const NOW_ISO = '2026-11-23T12:00:00Z';

const eventbridge = mockClient(EventBridgeClient);
const sts = mockClient(STSClient);

beforeEach(() => {
  eventbridge.reset();
  sts.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Arn: ARN, Account: '111122223333', UserId: 'AROA:alice' });
  eventbridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'evt-0001' }] });
});
afterEach(() => {
  eventbridge.reset();
  sts.reset();
});

/** The one entry PutEvents was called with, its Detail parsed. */
function sentEntry(): Record<string, unknown> {
  expect(eventbridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
  const input = eventbridge.commandCalls(PutEventsCommand)[0]?.args[0].input;
  expect(input?.Entries).toHaveLength(1);
  const entry = input?.Entries?.[0] ?? {};
  return { ...entry, Detail: JSON.parse(entry.Detail ?? 'null') };
}

describe('sending commands', () => {
  it('silence add puts Silence Created on the bus with by from STS and prints the ids', async () => {
    const { code, stdout, stderr } = await runCli(
      [
        'silence',
        'add',
        '--endpoint',
        'fraud-*',
        '--rule',
        'latency-*',
        '--kind',
        'alarm',
        '--for',
        '2h',
        '--reason',
        'planned retrain',
        '--bus',
        BUS,
      ],
      { env: ENV },
    );
    expect(stderr).toEqual([]);
    expect(code).toBe(0);
    const entry = sentEntry();
    const id = (entry.Detail as { silence: string }).silence;
    expect(id).toMatch(/^sil-[0-9a-f]{8}$/);
    expect(entry).toEqual({
      Source: 'model-medic.operator',
      DetailType: 'Silence Created',
      EventBusName: BUS,
      Detail: {
        silence: id,
        endpoint: 'fraud-*',
        rule: 'latency-*',
        kind: 'alarm',
        startsAt: NOW_ISO,
        endsAt: '2026-11-23T14:00:00Z',
        quiet: false,
        reason: 'planned retrain',
        by: ARN,
      },
    });
    expect(sts).toHaveReceivedCommandTimes(GetCallerIdentityCommand, 1);
    expect(stdout).toEqual([
      `silence ${id}: endpoint fraud-*, rule latency-*, kind alarm, 2026-11-23T12:00:00Z to 2026-11-23T14:00:00Z`,
      `sent Silence Created to bus ${BUS} as event evt-0001 (by ${ARN}); the stack applies it in a few seconds`,
    ]);
  });

  it('--until, --starts and --quiet; the bus from MEDIC_BUS', async () => {
    const { code } = await runCli(
      [
        'silence',
        'add',
        '--endpoint',
        'churn-prod',
        '--starts',
        '2026-11-23T13:00:00Z',
        '--until',
        '2026-11-23T15:30:00+01:00',
        '--reason',
        'r',
        '--quiet',
      ],
      { env: { ...ENV, MEDIC_BUS: 'from-env' } },
    );
    expect(code).toBe(0);
    expect(sentEntry()).toMatchObject({
      EventBusName: 'from-env',
      Detail: { endpoint: 'churn-prod', startsAt: '2026-11-23T13:00:00Z', endsAt: '2026-11-23T14:30:00Z', quiet: true },
    });
  });

  it.each([
    [['silence', 'expire', 'sil-3f9a2c1b', '--reason', 'done'], 'Silence Expired', { silence: 'sil-3f9a2c1b', reason: 'done', by: ARN }],
    [['approve', 'apr-3f9a2c1b7d4e6a08'], 'Approval Granted', { approval: 'apr-3f9a2c1b7d4e6a08', by: ARN }],
    [
      ['reject', 'apr-3f9a2c1b7d4e6a08', '--reason', 'expected drift'],
      'Approval Rejected',
      { approval: 'apr-3f9a2c1b7d4e6a08', reason: 'expected drift', by: ARN },
    ],
    [
      ['circuit', 'close', '--endpoint', 'fraud-prod', '--reason', 'fixed'],
      'Circuit Closed',
      { endpoint: 'fraud-prod', reason: 'fixed', by: ARN },
    ],
  ])('%j sends %s', async (argv, type, detail) => {
    const { code, stdout } = await runCli([...argv, '--bus', BUS], { env: ENV });
    expect(code).toBe(0);
    expect(sentEntry()).toEqual({ Source: 'model-medic.operator', DetailType: type, EventBusName: BUS, Detail: detail });
    expect(stdout.at(-1)).toBe(`sent ${type} to bus ${BUS} as event evt-0001 (by ${ARN}); the stack applies it in a few seconds`);
  });

  it('AccessDenied on PutEvents: one line naming the bus and events:PutEvents, exit 1', async () => {
    eventbridge.on(PutEventsCommand).rejects(
      Object.assign(new Error('User: arn:… is not authorized to perform: events:PutEvents'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const { code, stdout, stderr } = await runCli(['approve', 'apr-3f9a2c1b7d4e6a08', '--bus', BUS], { env: ENV });
    expect(code).toBe(1);
    expect(stdout).toEqual([]);
    expect(stderr).toEqual([
      `medic: ${ARN} may not put events on bus ${BUS}: events:PutEvents was denied (AccessDeniedException); ask for events:PutEvents on the bus (your IAM policy and the bus policy, docs/deploy.md); nothing was sent`,
    ]);
  });

  it('a bus that does not exist is named, with how to find the deployed one', async () => {
    eventbridge.on(PutEventsCommand).rejects(new ResourceNotFoundException({ message: 'Event bus nope does not exist.', $metadata: {} }));
    const { code, stderr } = await runCli(['approve', 'apr-3f9a2c1b7d4e6a08', '--bus', 'nope'], { env: ENV });
    expect(code).toBe(1);
    expect(stderr).toEqual([
      'medic: the event bus nope does not exist in us-east-1: check --bus or MEDIC_BUS (`npx osls info --stage STAGE --verbose` lists the stack outputs, the deployed bus among them); nothing was sent',
    ]);
  });

  it('FailedEntryCount > 0: the entry error is reported, exit 1', async () => {
    eventbridge
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] });
    const { code, stdout, stderr } = await runCli(['approve', 'apr-3f9a2c1b7d4e6a08', '--bus', BUS], { env: ENV });
    expect(code).toBe(1);
    expect(stdout).toEqual([]);
    expect(stderr).toEqual([`medic: bus ${BUS} did not take the Approval Granted event (InternalFailure: try again); nothing was sent`]);
  });

  it('no credentials: the adapter says so, and nothing is sent', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    const { code, stderr } = await runCli(['approve', 'apr-3f9a2c1b7d4e6a08', '--bus', BUS], { env: ENV });
    expect(code).toBe(1);
    expect(stderr).toEqual([
      'medic: sts:GetCallerIdentity failed: CredentialsProviderError: Could not load credentials from any providers (no AWS credentials were found)',
    ]);
    expect(eventbridge).toHaveReceivedCommandTimes(PutEventsCommand, 0);
  });

  it('refused credentials are named as such', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .rejects(Object.assign(new Error('The security token included in the request is invalid.'), { name: 'InvalidClientTokenId' }));
    const { code, stderr } = await runCli(['approve', 'apr-3f9a2c1b7d4e6a08', '--bus', BUS], { env: ENV });
    expect(code).toBe(1);
    expect(stderr[0]).toMatch(
      /^medic: your AWS credentials were refused \(sts:GetCallerIdentity: InvalidClientTokenId: .*\): sign in again/,
    );
    expect(eventbridge).toHaveReceivedCommandTimes(PutEventsCommand, 0);
  });
});

describe('--dry-run', () => {
  it('prints the event, calls nothing, and the event is one the Lambda accepts', async () => {
    const { code, stdout, stderr } = await runCli(
      ['silence', 'add', '--endpoint', 'fraud-*', '--for', '90m', '--reason', 'planned retrain', '--dry-run'],
      { env: {} },
    );
    expect(code).toBe(0);
    expect(sts).toHaveReceivedCommandTimes(GetCallerIdentityCommand, 0);
    expect(eventbridge).toHaveReceivedCommandTimes(PutEventsCommand, 0);
    const event = JSON.parse(stdout.join('\n')) as Record<string, unknown>;
    expect(event).toMatchObject({
      'detail-type': 'Silence Created',
      source: 'model-medic.operator',
      time: NOW_ISO,
      detail: { endpoint: 'fraud-*', startsAt: NOW_ISO, endsAt: '2026-11-23T13:30:00Z', by: '(dry-run: caller not looked up)' },
    });
    expect(parseOperatorEvent(parseEnvelope(event))).toMatchObject({ type: 'Silence Created', spec: { endsAt: FIXED_NOW + 90 * 60_000 } });
    expect(stderr).toEqual([expect.stringMatching(/^dry run: silence sil-[0-9a-f]{8}: endpoint fraud-\*, .*; not sent$/)]);
  });

  it('--by fills by and the account; the bus is named when given', async () => {
    const { stdout, stderr } = await runCli(
      ['circuit', 'close', '--endpoint', 'fraud-prod', '--reason', 'fixed', '--dry-run', '--by', ARN, '--bus', BUS],
      {
        env: {},
      },
    );
    const event = JSON.parse(stdout.join('\n')) as { account: string; detail: unknown };
    expect(event.account).toBe('111122223333');
    expect(event.detail).toEqual({ endpoint: 'fraud-prod', reason: 'fixed', by: ARN });
    expect(stderr[0]).toBe(`dry run: circuit of fraud-prod: closed (automatic changes resume); not sent to bus ${BUS}`);
  });
});

describe('argument checks (exit 2, nothing called)', () => {
  it.each([
    [
      ['silence', 'add', '--endpoint', 'x', '--reason', 'r', '--bus', BUS],
      'silence add needs how long: --for DURATION (e.g. 2h) or --until ISO',
    ],
    [
      ['silence', 'add', '--endpoint', 'x', '--for', '2h', '--until', '2026-11-23T14:00:00Z', '--reason', 'r'],
      'give --for or --until, not both: --for is how long from the start, --until when it ends',
    ],
    [['silence', 'add', '--endpoint', 'x', '--for', 'two hours', '--reason', 'r'], /^--for: expected a duration like/],
    [
      ['silence', 'add', '--endpoint', 'x', '--for', '2h'],
      'silence add needs --reason TEXT (why the automation should hold off: it goes into the audit)',
    ],
    [['silence', 'add', '--endpoint', 'x', '--for', '2h', '--reason', '  '], /^silence add needs --reason TEXT/],
    [['silence', 'add', '--for', '2h', '--reason', 'r'], /^silence add needs --endpoint GLOB/],
    [
      ['silence', 'add', '--endpoint', 'x', '--for', '31d', '--reason', 'r'],
      'a silence lasts at most 30d; this one would last 31d: end it sooner (add another when it ends), or change the runbook',
    ],
    [
      ['silence', 'add', '--endpoint', 'x', '--until', '2026-11-23T11:00:00Z', '--reason', 'r'],
      '--until 2026-11-23T11:00:00Z is not after the start (2026-11-23T12:00:00Z): a silence must end after it starts',
    ],
    [
      ['silence', 'add', '--endpoint', 'x', '--until', '2026-11-24 10:00', '--reason', 'r'],
      /^--until: expected an ISO 8601 time with its zone/,
    ],
    [
      ['silence', 'add', '--endpoint', 'x', '--starts', '2026-11-20T00:00:00Z', '--for', '1h', '--reason', 'r'],
      /^the silence would end at 2026-11-20T01:00:00Z, which has passed/,
    ],
    [
      ['silence', 'add', '--endpoint', 'x', '--kind', 'metric', '--for', '1h', '--reason', 'r'],
      '--kind: expected alarm or monitoring, got "metric"',
    ],
    [['silence', 'add', '--endpoint', 'fraud-[', '--for', '1h', '--reason', 'r'], /^--endpoint: invalid glob "fraud-\["/],
    [['silence', 'add', '--endpoint', 'x', '--for', '1h', '--reason', 'r'], /^silence add needs the operator bus: --bus NAME or MEDIC_BUS/],
    [
      ['reject', 'apr-3f9a2c1b7d4e6a08', '--bus', BUS],
      'reject needs --reason TEXT (why the action should not run: it goes into the audit)',
    ],
    [['approve', '--bus', BUS], /^approve needs the approval id/],
    [['approve', 'apr 1', '--bus', BUS], /^apr 1 is not an approval id: they look like apr-3f9a2c1b7d4e6a08/],
    [['reject', 'apr-12', '--reason', 'no', '--bus', BUS], /^apr-12 is not an approval id/],
    [['circuit', 'close', '--endpoint', 'fraud-prod', '--bus', BUS], /^circuit close needs --reason TEXT/],
    [
      ['approve', 'apr-3f9a2c1b7d4e6a08', '--by', ARN, '--bus', BUS],
      "--by is for --dry-run: a sent event's by is always your caller ARN (from STS)",
    ],
    [['silence', 'ad'], 'unknown silence subcommand "ad": did you mean "add"?'],
    [['circuit', 'open'], 'unknown circuit subcommand "open": circuit takes "close"'],
    [['silence', 'add', '--endpoint', 'x', '--fro', '2h'], 'unknown option --fro for silence add: did you mean --for?'],
  ])('%j', async (argv, message) => {
    const { code, stderr } = await runCli(argv, { env: ENV });
    expect(code).toBe(2);
    if (typeof message === 'string') expect(stderr[0]).toBe(`medic: ${message}`);
    else expect(stderr[0]?.replace(/^medic: /, '')).toMatch(message);
    expect(stderr[1]).toMatch(/^Run `medic (silence add|silence|circuit|reject|approve|circuit close) --help` for usage\.$/);
    expect(sts).toHaveReceivedCommandTimes(GetCallerIdentityCommand, 0);
    expect(eventbridge).toHaveReceivedCommandTimes(PutEventsCommand, 0);
  });

  it('per-command help and the group help', async () => {
    const add = await runCli(['silence', 'add', '--help']);
    expect(add.stdout[0]).toBe('Usage: medic silence add --endpoint GLOB [--rule GLOB] [--kind alarm|monitoring]');
    const group = await runCli(['help', 'silence']);
    expect(group.stdout[0]).toBe('Usage: medic silence add|expire|list [options]');
    const sub = await runCli(['help', 'circuit', 'close']);
    expect(sub.stdout[0]).toBe('Usage: medic circuit close --endpoint NAME --reason TEXT');
    const did = await runCli(['aprove']);
    expect(did.stderr[0]).toBe('medic: unknown command "aprove": did you mean "approve"?');
  });
});

describe('what an operator could mistype, refused by the shipped command (exit 2, nothing sent)', () => {
  // --dry-run: a check that let one of these through would print the event and exit 0.
  it.each([
    [
      // JavaScript's Date reads this as December 1st: the silence would end a day late.
      ['silence', 'add', '--endpoint', 'fraud-*', '--until', '2026-11-31T00:00Z'],
      '--until: 2026-11-31 is not a date (November 2026 has 30 days), got "2026-11-31T00:00Z"',
    ],
    [
      ['silence', 'add', '--endpoint', 'fraud-*', '--starts', '2027-02-29T08:00Z', '--for', '2h'],
      '--starts: 2027-02-29 is not a date (February 2027 has 28 days), got "2027-02-29T08:00Z"',
    ],
    [
      ['silence', 'add', '--endpoint', 'fraud-*', '--until', '2027-01-05T24:00Z'],
      '--until: hour 24 is not a time of day (00 to 23; midnight is 00:00 of the next day), got "2027-01-05T24:00Z"',
    ],
    [
      ['silence', 'add', '--endpoint', 'fraud-*', '--for', '1500ms'],
      'a silence lasts at least 1m; this one would last 1s500ms: make it 1m or longer (e.g. --for 30m)',
    ],
    [
      ['silence', 'add', '--endpoint', 'fraud-*', '--for', '59s'],
      'a silence lasts at least 1m; this one would last 59s: make it 1m or longer (e.g. --for 30m)',
    ],
    [['silence', 'add', '--endpoint', 'fraud-*', '--for', '90500ms'], '--for: give whole seconds (no ms), got "90500ms"'],
    [
      ['silence', 'add', '--endpoint', 'fraud-*', '--for', '30d1s'],
      'a silence lasts at most 30d; this one would last 30d1s: end it sooner (add another when it ends), or change the runbook',
    ],
    [
      ['circuit', 'close', '--endpoint', 'fraud-*'],
      '--endpoint fraud-* is a pattern, but a circuit is per endpoint: close each one by its exact name (`medic status` shows the endpoints with an open circuit)',
    ],
  ])('%j', (argv, message) => {
    const { code, stdout, stderr } = runBuiltCli([...argv, '--reason', 'r', '--dry-run']);
    expect(stderr.split('\n')[0]).toBe(`medic: ${message}`);
    expect(code).toBe(2);
    expect(stdout).toBe('');
  });

  it('the shortest and the longest silence are accepted', () => {
    for (const span of ['1m', '30d']) {
      const { code, stdout } = runBuiltCli(['silence', 'add', '--endpoint', 'fraud-*', '--for', span, '--reason', 'r', '--dry-run']);
      expect(code).toBe(0);
      const { detail } = JSON.parse(stdout) as { detail: { startsAt: string; endsAt: string } };
      expect(Date.parse(detail.endsAt) - Date.parse(detail.startsAt)).toBe(span === '1m' ? 60_000 : 30 * 86_400_000);
    }
  });
});
