// biome-ignore-all lint/suspicious/noTemplateCurlyInString: runbook text spells ${env:NAME} literally
/**
 * The compiled runbook (json-format.ts): every runbook compiles and loads back to the Runbook its
 * YAML loads to, field for field; Infinity survives; `${env:…}` references stay references and
 * are resolved, and checked, at load with the loading environment, exactly as the YAML would be;
 * and a file that medic compile did not write (changed, truncated, another version) is refused
 * with a message that says what to do.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidRunbookError } from '../../shared/errors.js';
import { retypePlainScalar } from '../../shared/runbook/env-document.js';
import { isSurelyPlainText } from '../../shared/runbook/env-values.js';
import { openRunbook } from '../../shared/runbook/index.js';
import {
  decodeJsonValue,
  digestOf,
  encodeJsonValue,
  RUNBOOK_JSON_FORMAT_VERSION,
  type RunbookJson,
} from '../../shared/runbook/json-format.js';
import { loadRunbookJson } from '../../shared/runbook/json-read.js';
import { compileRunbookJson } from '../../shared/runbook/json-write.js';
import { loadRunbook } from '../../shared/runbook/load.js';
import type { Runbook } from '../../shared/runbook/types.js';
import { ROOT } from '../support/samples.js';

const lines = (...text: string[]) => `${text.join('\n')}\n`;
const OPS = 'arn:aws:sns:us-east-1:111122223333:ops';
const DEPLOYED_OPS = 'arn:aws:sns:eu-west-1:444455556666:model-medic-prod-ops';

/** Every kind of value a runbook holds: all actions, a ladder, pipelines of both types, references in every place they may be. */
const EVERYTHING = lines(
  'version: 1',
  'defaults:',
  '  mode: dry-run',
  '  cooldown: 10m',
  '  maxRemediationsPerHour: 3',
  '  lockLease: 2m',
  '  dedupe: 1h',
  'topics:',
  `  ops: \${env:OPS_TOPIC_ARN, ${OPS}}`,
  '  team: "${env:TEAM_TOPIC_ARN, arn:aws:sns:us-east-1:111122223333:team}"',
  '  fixed: arn:aws:sns:us-east-1:111122223333:fixed',
  'pipelines:',
  '  retrain:',
  '    type: sagemaker',
  '    name: ${env:PIPELINE, churn-retrain}',
  '    parameters:',
  '      Endpoint: "{{endpoint}}"',
  '      Trigger: ${env:TRIGGER, manual}',
  '      Count: 3',
  '      Flag: true',
  '  build: { type: codepipeline, name: fraud-model-build, variables: { ENDPOINT: "{{endpoint}}" } }',
  'rules:',
  '  - id: ladder',
  '    description: ${env:LADDER_WHY, 5XX on prod -> capacity, then redeploy, then roll back}',
  '    match:',
  '      kind: alarm',
  '      state: ALARM',
  '      alarm: "*-5xx-rate"',
  '      endpoint: ["${env:PROD_GLOB, *-prod}", fraud-staging]',
  '    actions:',
  '      - scale: { by: 1, max: 6 }',
  '      - notify:',
  '          topic: ops',
  '          severity: high',
  '          subject: ${env:SUBJECT, 5XX on {{endpoint}}}',
  '    escalate:',
  '      - after: 10m',
  '        actions:',
  '          - redeploy: { wait: 5m, rollbackAlarms: [fraud-prod-5xx-rate] }',
  '          - notify: { topic: ops, subject: "${env:STEP_SUBJECT, still failing: {{alarm}}}" }',
  '      - after: 15m',
  '        actions:',
  '          - rollback: {}',
  '          - notify: { topic: team, severity: critical }',
  '    cooldown: 1h',
  '    mode: live',
  '  - id: shift',
  '    match: { kind: alarm, state: ALARM, metric: Invocation5XXErrors, variant: v2, previousState: [OK, INSUFFICIENT_DATA] }',
  '    actions:',
  '      - shift-traffic: { to: previous, weight: 50 }',
  '      - scale: { to: 4, max: 5, min: 2 }',
  '      - scale: { factor: 1.5, max: 8 }',
  '    continue: true',
  '  - id: back',
  '    match: { kind: alarm, state: OK, composite: false, breach: [above, below], namespace: "AWS/*" }',
  '    actions:',
  '      - scale: { restore: true }',
  '    cooldown: 0s',
  '  - id: drift',
  '    match:',
  '      kind: monitoring',
  '      monitoringType: [DataQuality, ModelQuality]',
  '      status: CompletedWithViolations',
  '      schedule: ${env:SCHEDULE_GLOB, churn-*}',
  '      violations: { check: [baseline_drift_check], feature: "age*", atLeast: 2 }',
  '    actions:',
  '      - retrain: { pipeline: retrain }',
  '      - retrain: { pipeline: build }',
  '      - notify: { topic: fixed, severity: info }',
);

const FILES = ['runbook.yml', 'test/fixtures/runbook.yml', 'test/fixtures/rollback-runbook.yml', 'test/fixtures/needs-env.yml'];
const FILE_ENV = { OPS_ARN: OPS };

/** compile with `compileEnv`, load with `loadEnv`: what a package built on one machine does in a function. */
async function roundTrip(yaml: string, compileEnv: Record<string, string>, loadEnv: Record<string, string>, file = 'runbook.yml') {
  const compiled = compileRunbookJson(yaml, file, compileEnv);
  return { compiled, loaded: await loadRunbookJson(compiled.text, 'runbook.compiled.json', loadEnv) };
}

/** The YAML loaded as YAML, named like the compiled one (`file` says where a runbook was read from). */
const asYaml = (yaml: string, env: Record<string, string>): Runbook => ({ ...loadRunbook(yaml, 'runbook.compiled.json', env) });

/** The Runbook, or "refused" (an InvalidRunbookError): what the parity tests compare. */
async function outcome(load: () => Promise<Runbook>): Promise<Runbook | 'refused'> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof InvalidRunbookError) return 'refused';
    throw error;
  }
}

async function refusal(promise: Promise<unknown>): Promise<string[]> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidRunbookError);
  return (error as InvalidRunbookError).message.split('\n');
}

function compileRefusal(yaml: string, env: Record<string, string> = {}): string[] {
  try {
    compileRunbookJson(yaml, 'runbook.yml', env);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRunbookError);
    return (error as InvalidRunbookError).message.split('\n');
  }
  throw new Error('compiled');
}

describe('compile, then load: the same Runbook as the YAML', () => {
  it.each(FILES)('%s: every field, every rule, the identity', async (name) => {
    const yaml = readFileSync(join(ROOT, name), 'utf8');
    const { loaded } = await roundTrip(yaml, FILE_ENV, FILE_ENV, name);
    expect(loaded).toStrictEqual(asYaml(yaml, FILE_ENV));
  });

  it('every action type, a ladder, both pipeline types, dry-run defaults, continue, every match key', async () => {
    const { loaded } = await roundTrip(EVERYTHING, {}, {});
    expect(loaded).toStrictEqual(asYaml(EVERYTHING, {}));
    expect(loaded.rules.map((r) => r.id)).toEqual(['ladder', 'shift', 'back', 'drift']);
    expect(loaded.rules[0]?.escalate[0]?.actions[0]).toEqual({
      type: 'redeploy',
      params: { wait: 300_000, rollbackAlarms: ['fraud-prod-5xx-rate'] },
    });
  });

  it('the identity is the hash of the YAML source, whichever form is loaded', async () => {
    const yaml = readFileSync(join(ROOT, 'runbook.yml'), 'utf8');
    const { compiled, loaded } = await roundTrip(yaml, {}, {});
    expect(loaded.identity).toEqual(loadRunbook(yaml, 'runbook.yml', {}).identity);
    expect(compiled.json.identity.hash).toMatch(/^[0-9a-f]{12}$/);
    expect(compiled.json.source).toBe('runbook.yml');
  });

  it('Infinity (no defaults.scale.max) is written explicitly and read back as Infinity', async () => {
    const { compiled, loaded } = await roundTrip(EVERYTHING, {}, {});
    expect(asYaml(EVERYTHING, {}).defaults.scale.max).toBe(Number.POSITIVE_INFINITY);
    expect(compiled.text).toContain('"max":{"$number":"Infinity"}');
    expect(loaded.defaults.scale.max).toBe(Number.POSITIVE_INFINITY);
  });

  it('openRunbook tells the two forms apart', async () => {
    const { compiled } = await roundTrip(EVERYTHING, {}, {});
    expect((await openRunbook(compiled.text, 'x', {})).format).toBe('compiled');
    expect((await openRunbook(EVERYTHING, 'x', {})).format).toBe('yaml');
  });
});

describe('${env:…} references: kept, resolved at load with the loading environment', () => {
  it('the compiled file holds the references, not the values of the compiling environment', async () => {
    const { compiled } = await roundTrip(EVERYTHING, { OPS_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:from-the-laptop' }, {});
    expect(compiled.text).toContain('"ops":"${env:OPS_TOPIC_ARN, arn:aws:sns:us-east-1:111122223333:ops}"');
    expect(compiled.text).not.toContain('from-the-laptop');
    expect(compiled.json.env.map((r) => [r.field, r.check, r.line])).toEqual([
      ['topics.ops', 'topic-arn', 9],
      ['topics.team', 'topic-arn', 10],
      ['pipelines.retrain.name', 'name', 15],
      ['pipelines.retrain.parameters.Trigger', 'parameter', 18],
      ['rules[0].description', 'text', 24],
      ['rules[0].match.endpoint[0]', 'glob', 29],
      ['rules[0].actions[1].notify.subject', 'subject', 35],
      ['rules[0].escalate[0].actions[1].notify.subject', 'subject', 40],
      ['rules[3].match.schedule', 'glob', 64],
    ]);
  });

  it("the loading environment's values are used, in every place, as the YAML would use them", async () => {
    const env = {
      OPS_TOPIC_ARN: DEPLOYED_OPS,
      TEAM_TOPIC_ARN: 'arn:aws:sns:eu-west-1:444455556666:team',
      PIPELINE: 'churn-retrain-prod',
      TRIGGER: 'alarm',
      LADDER_WHY: 'why',
      PROD_GLOB: 'churn-*',
      SUBJECT: '{{endpoint}} fails',
      STEP_SUBJECT: 'again',
      SCHEDULE_GLOB: 'fraud-*',
    };
    const { loaded } = await roundTrip(EVERYTHING, {}, env);
    expect(loaded).toStrictEqual(asYaml(EVERYTHING, env));
    expect(loaded.topics.ops).toBe(DEPLOYED_OPS);
    expect(loaded.rules[0]?.match.endpoint).toEqual(['churn-*', 'fraud-staging']);
    expect(loaded.pipelines.retrain).toMatchObject({ name: 'churn-retrain-prod', parameters: { Trigger: 'alarm' } });
  });

  it('an unquoted value YAML would retype takes the same value, or is refused likewise (the parser is asked only then)', async () => {
    const { compiled } = await roundTrip(EVERYTHING, {}, {});
    for (const value of ['0x10', '1e3', '+5', 'TRUE', '  7 ', '8 # note', '.inf', '.nan']) {
      const env = { TRIGGER: value };
      expect(await outcome(() => loadRunbookJson(compiled.text, 'runbook.compiled.json', env)), value).toStrictEqual(
        await outcome(async () => asYaml(EVERYTHING, env)),
      );
    }
    const parameters = async (TRIGGER: string) =>
      ((await loadRunbookJson(compiled.text, 'f', { TRIGGER })).pipelines.retrain as { parameters: Record<string, string> }).parameters;
    expect((await parameters('0x10')).Trigger).toBe('16');
    expect((await parameters('arn:x')).Trigger).toBe('arn:x');
  });

  it('a value that fails the check is refused at load, where the YAML is refused, named at its place in the YAML', async () => {
    const { compiled } = await roundTrip(EVERYTHING, {}, {});
    const load = (env: Record<string, string>) => loadRunbookJson(compiled.text, '/model-medic/prod/runbook@4', env);
    expect(await refusal(load({ OPS_TOPIC_ARN: 'ops-topic', SUBJECT: '{{endpont}}', PROD_GLOB: '[a' }))).toEqual([
      'runbook.yml (compiled, /model-medic/prod/runbook@4):9:8 topics.ops: expected an SNS topic ARN like arn:aws:sns:REGION:ACCOUNT:NAME, got "ops-topic"',
      'runbook.yml (compiled, /model-medic/prod/runbook@4):29:18 rules[0].match.endpoint[0]: invalid glob "[a": [ at character 1 is never closed',
      expect.stringMatching(
        /^runbook\.yml \(compiled, \/model-medic\/prod\/runbook@4\):35:20 rules\[0\]\.actions\[1\]\.notify\.subject: unknown template \{\{endpont\}\}/,
      ),
    ]);
    expect(() => loadRunbook(EVERYTHING, 'runbook.yml', { OPS_TOPIC_ARN: 'ops-topic' })).toThrow(InvalidRunbookError);
  });

  it('an unquoted value that becomes a number where text is required is refused, as in the YAML', async () => {
    const { compiled } = await roundTrip(EVERYTHING, {}, {});
    expect(await refusal(loadRunbookJson(compiled.text, 'f', { LADDER_WHY: '12' }))).toEqual([
      'runbook.yml (compiled, f):24:18 rules[0].description: expected a string',
    ]);
    expect(() => loadRunbook(EVERYTHING, 'runbook.yml', { LADDER_WHY: '12' })).toThrow(/rules\[0\]\.description: expected a string/);
  });

  it('a variable unset at load, without a default, is refused with the message the YAML gives', async () => {
    const yaml = readFileSync(join(ROOT, 'test/fixtures/needs-env.yml'), 'utf8');
    const compiled = compileRunbookJson(yaml, 'test/fixtures/needs-env.yml', FILE_ENV);
    expect(await refusal(loadRunbookJson(compiled.text, 'f', {}))).toEqual([
      'test/fixtures/needs-env.yml (compiled, f):3:8 topics.ops: environment variable OPS_ARN is not set and has no default',
    ]);
  });

  it('accepts and refuses what the YAML accepts and refuses, for any value of the variable', async () => {
    const { compiled } = await roundTrip(EVERYTHING, {}, {});
    const arn = fc.constantFrom(OPS, DEPLOYED_OPS, 'arn:aws:sns:us-east-1:1:x', '');
    const text = fc.oneof(
      fc.string(),
      fc.constantFrom('true', '12', '0o7', '.inf', '-', 'a: b', 'a #b', '{{endpoint}}', '{{nope}}', '*-prod', '[x]'),
    );
    await fc.assert(
      fc.asyncProperty(arn, text, text, text, async (ops, trigger, subject, glob) => {
        const env = { OPS_TOPIC_ARN: ops, TRIGGER: trigger, SUBJECT: subject, PROD_GLOB: glob };
        expect(await outcome(() => loadRunbookJson(compiled.text, 'runbook.compiled.json', env))).toStrictEqual(
          await outcome(async () => asYaml(EVERYTHING, env)),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('a reference where the load could not check it (a duration, a number, an alias, an enum) is refused at compile, at its place', () => {
    const yaml = lines(
      'version: 1',
      'defaults:',
      '  cooldown: ${env:COOLDOWN, 15m}',
      '  scale:',
      '    max: ${env:SCALE_MAX, 8}',
      `topics: { ops: ${OPS} }`,
      'rules:',
      '  - id: r',
      '    match:',
      '      kind: alarm',
      '      state: ${env:STATE, ALARM}',
      '    actions:',
      '      - notify: { topic: "${env:ALIAS, ops}" }',
    );
    const fixed =
      'a compiled runbook resolves references at load only in topic ARNs, pipeline names, parameters and variables, rule descriptions, notify subjects and match globs; write the value itself';
    expect(compileRefusal(yaml)).toEqual([
      `runbook.yml:3:13 defaults.cooldown: \${env:…} here would be fixed at compile time (to "15m"): ${fixed}`,
      `runbook.yml:5:10 defaults.scale.max: \${env:…} here would be fixed at compile time (to 8): ${fixed}`,
      `runbook.yml:11:14 rules[0].match.state: \${env:…} here would be fixed at compile time (to "ALARM"): ${fixed}`,
      `runbook.yml:13:26 rules[0].actions[0].notify.topic: \${env:…} here would be fixed at compile time (to "ops"): ${fixed}`,
    ]);
  });

  it('compiling validates with the compiling environment: an invalid runbook is refused as validate refuses it', () => {
    const yaml = readFileSync(join(ROOT, 'test/fixtures/needs-env.yml'), 'utf8');
    expect(compileRefusal(yaml)).toEqual(['runbook.yml:3:8 topics.ops: environment variable OPS_ARN is not set and has no default']);
    expect(compileRefusal(readFileSync(join(ROOT, 'test/fixtures/six-mistakes.yml'), 'utf8'))).toHaveLength(6);
  });

  it('isSurelyPlainText is never wrong: what it calls plain text, YAML reads as that same text', () => {
    const yamlish = fc.stringMatching(/^[ -~\t\n]{0,12}$/);
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), yamlish, fc.constantFrom('true', 'Null', '.nan', '0o17', 'a: b', 'arn:aws:sns:x:1:y', 'x #y', 'é')),
        (text) => {
          if (isSurelyPlainText(text)) expect(retypePlainScalar(text)).toBe(text);
        },
      ),
      { numRuns: 2000 },
    );
    expect(isSurelyPlainText(DEPLOYED_OPS)).toBe(true);
  });
});

describe('what medic compile did not write is refused, with what to do', () => {
  const compiledText = () => compileRunbookJson(EVERYTHING, 'runbook.yml', {}).text;

  it('a value changed by hand (the digest no longer matches)', async () => {
    const tampered = compiledText().replace('"cooldownMs":3600000', '"cooldownMs":60000');
    expect(await refusal(loadRunbookJson(tampered, 'runbook.compiled.json', {}))).toEqual([
      'runbook.compiled.json:1:1 the compiled runbook was changed after it was compiled (its digest does not match): edit the YAML instead, and compile it again (medic compile)',
    ]);
  });

  it('JSON that does not parse (a truncated put)', async () => {
    const [message] = await refusal(loadRunbookJson(compiledText().slice(0, 500), 'p@3', {}));
    expect(message).toMatch(
      /^p@3:1:1 not a valid compiled runbook: the JSON does not parse \(.+\); compile it again from its YAML \(medic compile\)$/,
    );
  });

  it('another format version, and a marker the encoder never writes', async () => {
    const json = JSON.parse(compiledText()) as RunbookJson;
    const resigned = (body: RunbookJson) => JSON.stringify({ ...body, digest: digestOf(body) });
    expect(await refusal(loadRunbookJson(resigned({ ...json, formatVersion: 2 }), 'f', {}))).toEqual([
      `f:1:1 compiled in format version 2, and this model-medic reads version ${RUNBOOK_JSON_FORMAT_VERSION}: compile it with the medic of the version deployed`,
    ]);
    const runbook = { ...(json.runbook as Record<string, unknown>), topics: { $bogus: 1 } };
    expect(await refusal(loadRunbookJson(resigned({ ...json, runbook }), 'f', {}))).toEqual([
      'f:1:1 not a valid compiled runbook: .topics: unknown marker "$bogus"; compile it again from its YAML (medic compile)',
    ]);
  });

  it('a field the compiler writes and this code does not know yet reaches the loaded Rule as it is (approval, say)', async () => {
    const json = JSON.parse(compiledText()) as RunbookJson;
    const runbook = json.runbook as { rules: Array<Record<string, unknown>> };
    const approval = { for: ['rollback', 'redeploy'], expiresMs: Number.POSITIVE_INFINITY };
    (runbook.rules[0] as Record<string, unknown>).approval = encodeJsonValue(approval);
    const body = { ...json, runbook };
    const loaded = await loadRunbookJson(JSON.stringify({ ...body, digest: digestOf(body) }), 'f', {});
    expect((loaded.rules[0] as unknown as { approval: unknown }).approval).toEqual(approval);
  });
});

describe('encodeJsonValue / decodeJsonValue', () => {
  it('round-trips plain data, non-finite numbers, -0 and maps that look like markers', () => {
    const value = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, -0, 0),
        fc.double(),
        fc.string(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('$number', '$object', '$x', '__proto__')), tie('value'), { maxKeys: 3 }),
      ),
    })).value;
    fc.assert(
      fc.property(value, (v) => {
        // toEqual: fast-check may make a map with a __proto__ key without a prototype; the key is what must survive.
        expect(decodeJsonValue(JSON.parse(JSON.stringify(encodeJsonValue(v))))).toEqual(v);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses what is not plain data, naming where it is', () => {
    expect(() => encodeJsonValue({ rules: [{ seen: new Map() }] })).toThrow(
      '.rules[0].seen is a Map: a compiled runbook holds plain data only',
    );
    expect(() => encodeJsonValue({ list: [undefined] })).toThrow('.list[0] is undefined');
  });
});
