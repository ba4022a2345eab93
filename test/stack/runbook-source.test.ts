/**
 * The Lambda's runbook source: the bundled file by default; an SSM parameter when configured,
 * cached for the TTL; an invalid parameter version is refused, the last good runbook stays in
 * force, and ops hears about it once per bad version, across containers. SSM and SNS are the
 * real SDK clients with aws-sdk-client-mock answering.
 */
import 'aws-sdk-client-mock-vitest/extend';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, type GetParameterCommandOutput, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSdkAdapters } from '../../shared/aws/sdk.js';
import { readRuntimeConfig } from '../../shared/config.js';
import { MedicError } from '../../shared/errors.js';
import { createContainer } from '../../shared/lambda/container.js';
import { RunbookSource, type RunbookSourceLog, ssmParameterReader } from '../../shared/lambda/runbook-source.js';
import { compileRunbookJson } from '../../shared/runbook/json-write.js';
import { loadRunbook } from '../../shared/runbook/load.js';
import { MemoryStateStore } from '../../shared/state/memory.js';
import { RUNBOOK } from '../support/samples.js';

const ENV = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIAFAKE', AWS_SECRET_ACCESS_KEY: 'fake', MEDIC_AWS_MAX_ATTEMPTS: '1' };
const PARAMETER = '/model-medic/test/runbook';
const OPS = 'arn:aws:sns:us-east-1:111122223333:model-medic-test-ops';
const TTL = 60_000;
const T0 = Date.parse('2026-11-23T12:00:00Z');

function runbookWithRule(id: string): string {
  return [
    'version: 1',
    'topics:',
    `  ops: ${OPS}`,
    'rules:',
    `  - id: ${id}`,
    '    match: { kind: alarm, state: ALARM }',
    '    actions:',
    '      - notify: { topic: ops }',
    '',
  ].join('\n');
}
const INVALID = [
  'version: 1',
  'rules:',
  '  - id: broken',
  '    match: { kind: alarm }',
  '    actions:',
  '      - scael: { by: 1 }',
  '',
].join('\n');

const ssm = mockClient(SSMClient);
const sns = mockClient(SNSClient);

function parameterVersion(value: string, version: number): GetParameterCommandOutput {
  return { Parameter: { Name: PARAMETER, Type: 'String', Value: value, Version: version }, $metadata: {} };
}

function recordingLog(): RunbookSourceLog & { lines: Array<[string, string]> } {
  const lines: Array<[string, string]> = [];
  return {
    lines,
    info: (m) => lines.push(['info', m]),
    warn: (m) => lines.push(['warn', m]),
    error: (m) => lines.push(['error', m]),
  };
}

function source(options: { store?: MemoryStateStore; log?: RunbookSourceLog; parameter?: string | null } = {}) {
  return new RunbookSource({
    file: RUNBOOK,
    fileLabel: 'runbook.yml',
    ...(options.parameter === null ? {} : { parameter: options.parameter ?? PARAMETER }),
    ttlMs: TTL,
    env: ENV,
    readParameter: ssmParameterReader(ENV),
    opsTopicArn: OPS,
    writer: createSdkAdapters(ENV).writer,
    ...(options.store ? { store: options.store } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
}

const ruleIds = (runbook: { runbook: { rules: Array<{ id: string }> } }) => runbook.runbook.rules.map((r) => r.id);
const bundledIds = () => {
  const text = readFileSync(RUNBOOK, 'utf8');
  return [...text.matchAll(/^ {2}- id: (\S+)/gm)].map((m) => m[1]);
};

beforeEach(() => {
  ssm.reset();
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});
afterEach(() => {
  ssm.reset();
  sns.reset();
});

describe('RunbookSource', () => {
  it('without a parameter uses the bundled runbook.yml and never calls SSM', async () => {
    const s = source({ parameter: null });
    expect(ruleIds(await s.current(T0))).toEqual(bundledIds());
    expect(s.origin).toEqual({ type: 'file', file: 'runbook.yml' });
    expect(ssm).not.toHaveReceivedAnyCommand();
  });

  it('loads the bundled file once per container: no re-read after the TTL (it ships with the code)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'medic-runbook-')), 'runbook.yml');
    writeFileSync(file, readFileSync(RUNBOOK, 'utf8'));
    const s = new RunbookSource({ file, fileLabel: 'runbook.yml', ttlMs: TTL, env: ENV });
    const first = await s.current(T0);
    writeFileSync(file, runbookWithRule('changed-on-disk'));
    expect(await s.current(T0 + 10 * (TTL + 1))).toBe(first);
    expect(ruleIds(first)).toEqual(bundledIds());
  });

  it('with a parameter uses it, read with GetParameter (decrypted), and caches it for the TTL', async () => {
    ssm.on(GetParameterCommand).resolves(parameterVersion(runbookWithRule('from-ssm'), 3));
    const s = source();
    expect(ruleIds(await s.current(T0))).toEqual(['from-ssm']);
    expect(s.origin).toEqual({ type: 'parameter', name: PARAMETER, version: 3 });
    expect(ssm).toHaveReceivedCommandExactlyOnceWith(GetParameterCommand, { Name: PARAMETER, WithDecryption: true });

    await s.current(T0 + TTL); // within the TTL: no read
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 1);
    await s.current(T0 + TTL + 1); // expired: read again
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 2);
  });

  it('a runbook from SSM names its parameter version beside its content hash; the bundled one only its hash', async () => {
    ssm.on(GetParameterCommand).resolves(parameterVersion(runbookWithRule('from-ssm'), 4));
    const fromSsm = (await source().current(T0)).runbook.identity;
    expect(fromSsm).toEqual({ hash: expect.stringMatching(/^[0-9a-f]{12}$/), parameter: PARAMETER, version: 4 });
    const bundled = (await source({ parameter: null }).current(T0)).runbook.identity;
    expect(bundled).toEqual({ hash: expect.stringMatching(/^[0-9a-f]{12}$/) });
    expect(bundled.hash).not.toBe(fromSsm.hash);
  });

  it('a container that starts after a bad put acts on the last good version (read by version), not the bundled file', async () => {
    ssm.on(GetParameterCommand, { Name: PARAMETER }).resolves(parameterVersion(INVALID, 4));
    ssm.on(GetParameterCommand, { Name: `${PARAMETER}:3` }).resolves(parameterVersion(INVALID, 3));
    ssm.on(GetParameterCommand, { Name: `${PARAMETER}:2` }).resolves(parameterVersion(runbookWithRule('v2'), 2));
    const s = source();
    expect(ruleIds(await s.current(T0))).toEqual(['v2']);
    expect(s.origin).toEqual({ type: 'parameter', name: PARAMETER, version: 2 });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message).toContain(`Still in force: version 2 of ${PARAMETER}`);
  });

  it('picks up a new valid version after the TTL (a live runbook change)', async () => {
    ssm
      .on(GetParameterCommand)
      .resolvesOnce(parameterVersion(runbookWithRule('v1'), 1))
      .resolves(parameterVersion(runbookWithRule('v2'), 2));
    const s = source();
    expect(ruleIds(await s.current(T0))).toEqual(['v1']);
    expect(ruleIds(await s.current(T0 + TTL + 1))).toEqual(['v2']);
    expect(sns).not.toHaveReceivedAnyCommand();
  });

  it('refuses an invalid version: the last good one stays in force and ops is told once per bad version', async () => {
    const log = recordingLog();
    ssm
      .on(GetParameterCommand)
      .resolvesOnce(parameterVersion(runbookWithRule('good'), 1))
      .resolvesOnce(parameterVersion(INVALID, 2))
      .resolvesOnce(parameterVersion(INVALID, 2))
      .resolvesOnce(parameterVersion(`${INVALID}# another bad edit\n`, 3))
      .resolves(parameterVersion(runbookWithRule('fixed'), 4));
    const s = source({ log });
    let now = T0;
    const next = async () => {
      now += TTL + 1;
      return ruleIds(await s.current(now));
    };

    expect(ruleIds(await s.current(now))).toEqual(['good']);
    expect(await next()).toEqual(['good']); // v2 refused
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const publish = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(publish?.TopicArn).toBe(OPS);
    expect(publish?.Subject).toBe(`[model-medic] runbook ${PARAMETER} [version 2 refused]`);
    expect(publish?.Message).toContain(`Still in force: version 1 of ${PARAMETER}`);
    expect(publish?.Message).toMatch(new RegExp(`${PARAMETER}@2:6:9 rules\\[0\\]\\.actions\\[0\\]\\.scael`));
    expect(publish?.MessageAttributes?.severity?.StringValue).toBe('high');

    expect(await next()).toEqual(['good']); // v2 again: not parsed, not reported again
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(await next()).toEqual(['good']); // v3: a different bad version, reported
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    expect(sns.commandCalls(PublishCommand)[1]?.args[0].input.Subject).toContain('version 3 refused');
    expect(await next()).toEqual(['fixed']); // v4 valid
    expect(s.origin).toEqual({ type: 'parameter', name: PARAMETER, version: 4 });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    expect(log.lines.filter(([level]) => level === 'error')).toHaveLength(2);
  });

  it('with no good version yet, an invalid parameter leaves the bundled file in force', async () => {
    ssm.on(GetParameterCommand).resolves(parameterVersion(INVALID, 1));
    const s = source();
    expect(ruleIds(await s.current(T0))).toEqual(bundledIds());
    expect(s.origin).toEqual({ type: 'file', file: 'runbook.yml' });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message).toContain('Still in force: the bundled runbook.yml');
  });

  it('tells ops once across containers that share the state store', async () => {
    ssm.on(GetParameterCommand).resolves(parameterVersion(INVALID, 7));
    const store = new MemoryStateStore();
    const a = source({ store });
    const b = source({ store });
    await a.current(T0);
    await b.current(T0);
    await b.current(T0 + TTL + 1);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('when the notice cannot be published, it is tried again at the next refresh', async () => {
    ssm.on(GetParameterCommand).resolves(parameterVersion(INVALID, 2));
    sns.reset();
    sns
      .on(PublishCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }))
      .resolves({ MessageId: 'm-2' });
    const store = new MemoryStateStore();
    const s = source({ store });
    await s.current(T0);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    await s.current(T0 + TTL + 1);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    await s.current(T0 + 2 * (TTL + 1));
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
  });

  it('a missing parameter means the bundled file, without telling ops', async () => {
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));
    const log = recordingLog();
    const s = source({ log });
    expect(ruleIds(await s.current(T0))).toEqual(bundledIds());
    expect(sns).not.toHaveReceivedAnyCommand();
    expect(log.lines).toContainEqual(['warn', 'runbook parameter does not exist: using the bundled runbook']);
  });

  it('an unreadable parameter (throttled, denied) keeps the runbook in force and is read again after the TTL', async () => {
    ssm
      .on(GetParameterCommand)
      .resolvesOnce(parameterVersion(runbookWithRule('good'), 1))
      .rejectsOnce(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }))
      .resolves(parameterVersion(runbookWithRule('newer'), 2));
    const log = recordingLog();
    const s = source({ log });
    expect(ruleIds(await s.current(T0))).toEqual(['good']);
    expect(ruleIds(await s.current(T0 + TTL + 1))).toEqual(['good']);
    expect(log.lines).toContainEqual(['warn', 'runbook parameter unreadable: the runbook in force stays']);
    expect(ruleIds(await s.current(T0 + 2 * (TTL + 1)))).toEqual(['newer']);
  });

  it('a parameter unreadable at a cold start: refused (retryable), never the bundled file in its place; read again at once', async () => {
    ssm
      .on(GetParameterCommand)
      .rejectsOnce(Object.assign(new Error('Internal server error'), { name: 'InternalServerError', $metadata: { httpStatusCode: 500 } }))
      .resolves(parameterVersion(runbookWithRule('operator'), 7));
    const log = recordingLog();
    const s = source({ log });
    await expect(s.current(T0)).rejects.toMatchObject({
      kind: 'aws-error',
      transient: true,
      message: expect.stringContaining(`the runbook parameter ${PARAMETER} cannot be read`),
    });
    expect(log.lines).toContainEqual(['error', 'runbook parameter unreadable at cold start: not acting on the bundled runbook instead']);
    // The next event (a retry) reads it again without waiting for the TTL.
    expect(ruleIds(await s.current(T0 + 1))).toEqual(['operator']);
  });

  it('the refusal notice of a parameter with a long name has a subject SNS accepts (under 100 ASCII characters)', async () => {
    const long = `/model-medic/${'very-long-team-name/'.repeat(8)}runbook`;
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: long, Type: 'String', Value: INVALID, Version: 12 }, $metadata: {} });
    const s = new RunbookSource({
      file: RUNBOOK,
      fileLabel: 'runbook.yml',
      parameter: long,
      ttlMs: TTL,
      env: ENV,
      readParameter: ssmParameterReader(ENV),
      opsTopicArn: OPS,
      writer: createSdkAdapters(ENV).writer,
    });
    await s.current(T0);
    const subject = String(sns.commandCalls(PublishCommand)[0]?.args[0].input.Subject);
    expect(subject.length).toBeLessThan(100);
    expect(subject).toMatch(/^[\x20-\x7E]+ \[version 12 refused\]$/);
  });

  it('an invalid bundled file (and no parameter) is still an error: nothing runs on a broken runbook', async () => {
    const s = new RunbookSource({ file: '/nonexistent/runbook.yml', fileLabel: 'runbook.yml', ttlMs: TTL, env: ENV });
    await expect(s.current(T0)).rejects.toMatchObject({ kind: 'invalid-runbook' });
    await expect(s.current(T0)).rejects.toBeInstanceOf(MedicError);
  });
});

describe('RunbookSource: compiled runbooks (medic compile) and YAML, in the file and in the parameter', () => {
  const compiled = (yaml: string) => compileRunbookJson(yaml, 'runbook.yml', {}).text;
  const YAML_WARNINGS = [
    'bundled runbook is YAML: parsed and validated on this cold start; package the compiled runbook instead',
    'runbook parameter holds YAML: accepted, but parsed and validated on the cold start; put the compiled runbook instead',
  ];
  const yamlWarnings = (log: ReturnType<typeof recordingLog>) =>
    log.lines.filter(([level, m]) => level === 'warn' && YAML_WARNINGS.includes(m));

  it('a compiled bundled file loads to the runbook its YAML loads to, without a warning; a YAML one warns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medic-runbook-'));
    const yaml = readFileSync(RUNBOOK, 'utf8');
    writeFileSync(join(dir, 'runbook.compiled.json'), compiled(yaml));
    const log = recordingLog();
    const fromJson = await new RunbookSource({
      file: join(dir, 'runbook.compiled.json'),
      fileLabel: 'runbook.yml',
      ttlMs: TTL,
      env: ENV,
      log,
    }).current(T0);
    expect(fromJson.runbook).toStrictEqual(loadRunbook(yaml, 'runbook.yml', ENV));
    expect(yamlWarnings(log)).toEqual([]);

    const fromYaml = recordingLog();
    await new RunbookSource({ file: RUNBOOK, fileLabel: 'runbook.yml', ttlMs: TTL, env: ENV, log: fromYaml }).current(T0);
    expect(yamlWarnings(fromYaml)).toEqual([['warn', YAML_WARNINGS[0]]]);
  });

  it('a compiled parameter: the same rules and hash as its YAML, with the parameter version; no warning', async () => {
    const yaml = runbookWithRule('from-ssm');
    ssm
      .on(GetParameterCommand)
      .resolvesOnce(parameterVersion(yaml, 4))
      .resolves(parameterVersion(compiled(yaml), 5));
    const log = recordingLog();
    const s = source({ log });
    const asYaml = await s.current(T0);
    const asJson = await s.current(T0 + TTL + 1);
    expect(asJson.runbook.identity).toEqual({ ...asYaml.runbook.identity, version: 5 });
    expect({ ...asJson.runbook, file: '', identity: {} }).toStrictEqual({ ...asYaml.runbook, file: '', identity: {} });
    expect(asJson.runbook.file).toBe(`${PARAMETER}@5`);
    // The YAML version is accepted, once with a warning that says what to do instead.
    expect(yamlWarnings(log)).toEqual([['warn', YAML_WARNINGS[1]]]);
    expect(sns).not.toHaveReceivedAnyCommand();
  });

  it('a compiled parameter changed by hand is refused like an invalid one: the runbook in force stays, ops is told', async () => {
    const text = compiled(runbookWithRule('edited')).replace('"cooldownMs":900000', '"cooldownMs":0');
    ssm.on(GetParameterCommand).resolves(parameterVersion(text, 6));
    const s = source();
    expect(ruleIds(await s.current(T0))).toEqual(bundledIds());
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const message = String(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message);
    expect(message).toContain(`${PARAMETER}@6:1:1 the compiled runbook was changed after it was compiled`);
    expect(message).toContain(`npx medic compile FILE --put-parameter ${PARAMETER}`);
  });

  it("a compiled parameter's references take the function's environment", async () => {
    const yaml = runbookWithRule('env').replace(`ops: ${OPS}`, `ops: \${env:OPS_TOPIC_ARN, ${OPS}}`);
    const deployed = 'arn:aws:sns:us-east-1:123456789012:model-medic-prod-ops';
    ssm.on(GetParameterCommand).resolves(parameterVersion(compiled(yaml), 1));
    const s = new RunbookSource({
      file: RUNBOOK,
      parameter: PARAMETER,
      ttlMs: TTL,
      env: { ...ENV, OPS_TOPIC_ARN: deployed },
      readParameter: ssmParameterReader(ENV),
    });
    expect((await s.current(T0)).runbook.topics).toEqual({ ops: deployed });
  });
});

describe('createContainer wiring', () => {
  it('reads MEDIC_RUNBOOK_PARAMETER and tells MEDIC_OPS_TOPIC_ARN through the live writer', async () => {
    // Only version 9 exists (no earlier version to fall back on): the bundled file stays.
    ssm.on(GetParameterCommand, { Name: PARAMETER }).resolves(parameterVersion(INVALID, 9));
    const env = {
      ...ENV,
      MEDIC_RUNBOOK_FILE: RUNBOOK,
      MEDIC_RUNBOOK_PARAMETER: PARAMETER,
      MEDIC_OPS_TOPIC_ARN: OPS,
      MEDIC_RUNBOOK_TTL_SECONDS: '60',
    };
    const container = await createContainer(readRuntimeConfig(env), env);
    expect(ruleIds(await container.runbook(T0))).toEqual(bundledIds());
    expect(ssm.commandCalls(GetParameterCommand)[0]?.args[0].input).toEqual({ Name: PARAMETER, WithDecryption: true });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.TopicArn).toBe(OPS);
  });

  it('with MEDIC_WRITES=off the refusal is only logged (dry-run writes nothing, not even to ops)', async () => {
    ssm.on(GetParameterCommand, { Name: PARAMETER }).resolves(parameterVersion(INVALID, 9));
    const env = { ...ENV, MEDIC_RUNBOOK_FILE: RUNBOOK, MEDIC_RUNBOOK_PARAMETER: PARAMETER, MEDIC_OPS_TOPIC_ARN: OPS, MEDIC_WRITES: 'off' };
    const log = recordingLog();
    const container = await createContainer(readRuntimeConfig(env), env, { log });
    expect(ruleIds(await container.runbook(T0))).toEqual(bundledIds());
    expect(sns).not.toHaveReceivedAnyCommand();
    expect(log.lines).toContainEqual(['error', 'cannot tell ops that the runbook parameter was refused']);
  });
});
