/**
 * `medic compile`, the shipped command (bin/medic.js): the JSON it writes (stdout or --out) loads
 * to the runbook its YAML loads to; an invalid runbook, or lint warnings with --strict, write
 * nothing; the compiled file works wherever a runbook file does (validate, backtest). The put into
 * SSM runs against the emulator (test/emulator/runbook-compiled.test.ts).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunbookJson } from '../../shared/runbook/json-read.js';
import { loadRunbook } from '../../shared/runbook/load.js';
import { runBuiltCli } from '../support/built-cli.js';
import { RUNBOOK } from '../support/samples.js';
import { TEST_RUNBOOK } from '../support/test-runbook.js';

const ENV = { OPS_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:from-the-shell' };
const medic = (...argv: string[]) => runBuiltCli(argv, { env: ENV, shippedRunbook: true });
const scratch = () => mkdtempSync(join(tmpdir(), 'medic-compile-'));

describe('medic compile', () => {
  it('without --out: the compiled runbook on stdout, what medic says on stderr; it loads to what the YAML loads to', async () => {
    const { code, stdout, stderr } = medic('compile', TEST_RUNBOOK);
    expect(code).toBe(0);
    expect(stderr.split('\n')).toEqual([
      expect.stringMatching(/^✓ test\/fixtures\/runbook\.yml: valid — \d+ rules, 2 topics, 3 pipelines, default mode live$/),
      expect.stringMatching(/^✓ compiled: runbook [0-9a-f]{12}, \d+ bytes to stdout$/),
      '  resolved by the function at load: topics.ops, topics.ml-team',
      '',
    ]);
    // The reference stays a reference: the shell's value is not baked in.
    expect(stdout).not.toContain('from-the-shell');
    const yaml = readFileSync(RUNBOOK, 'utf8');
    const deployed = { OPS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:444455556666:deployed-ops' };
    expect(await loadRunbookJson(stdout, 'f', deployed)).toStrictEqual(loadRunbook(yaml, 'f', deployed));
  });

  it('--out F writes the same JSON to F and says so on stdout', () => {
    const dir = scratch();
    const out = join(dir, 'runbook.compiled.json');
    const { code, stdout, stderr } = medic('compile', '--runbook', TEST_RUNBOOK, '--out', out);
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toMatch(new RegExp(`\\n✓ compiled: runbook [0-9a-f]{12}, \\d+ bytes to ${out}\\n`));
    expect(readFileSync(out, 'utf8')).toBe(medic('compile', TEST_RUNBOOK).stdout);
  });

  it('an invalid runbook writes nothing and exits 2 with every error, as validate does', () => {
    const out = join(scratch(), 'out.json');
    const compiled = medic('compile', 'test/fixtures/six-mistakes.yml', '--out', out);
    const validated = medic('validate', 'test/fixtures/six-mistakes.yml');
    expect(compiled.code).toBe(2);
    expect(compiled.stderr).toBe(validated.stderr);
    expect(existsSync(out)).toBe(false);
  });

  it('lint warnings: printed and compiled (exit 0); with --strict, nothing written (exit 2)', () => {
    const dir = scratch();
    const runbook = join(dir, 'shadowed.yml');
    writeFileSync(
      runbook,
      [
        'version: 1',
        'topics: { ops: "arn:aws:sns:us-east-1:111122223333:ops" }',
        'rules:',
        '  - id: all',
        '    match: { kind: alarm }',
        '    actions: [{ notify: { topic: ops } }]',
        '  - id: never',
        '    match: { kind: alarm, state: ALARM }',
        '    actions: [{ notify: { topic: ops } }]',
        '',
      ].join('\n'),
    );
    const out = join(dir, 'out.json');
    const loose = medic('compile', runbook, '--out', out);
    expect(loose.code).toBe(0);
    expect(loose.stderr).toMatch(/:7:\d+ warning .*rule never can never match/);
    expect(loose.stdout.trimEnd().split('\n').at(-1)).toBe('! 1 lint warning (exit 0; --strict makes them errors)');
    const strictOut = join(dir, 'strict.json');
    const strict = medic('compile', runbook, '--out', strictOut, '--strict');
    expect(strict.code).toBe(2);
    expect(strict.stdout).toBe('✗ 1 lint warning: --strict treats them as errors (exit 2)\n');
    expect(existsSync(strictOut)).toBe(false);
  });

  it('the compiled file is a runbook file: validate and backtest take it as they take the YAML', () => {
    const out = join(scratch(), 'runbook.compiled.json');
    expect(medic('compile', TEST_RUNBOOK, '--out', out).code).toBe(0);
    const validated = medic('validate', out);
    expect(validated.code).toBe(0);
    expect(validated.stdout).toMatch(/: valid — \d+ rules, 2 topics, 3 pipelines, default mode live\n$/);
    // backtest: event time on a virtual clock, so the two runs print the same deadlines.
    const fromJson = medic('backtest', 'events/', '--json', '--runbook', out);
    const fromYaml = medic('backtest', 'events/', '--json', '--runbook', TEST_RUNBOOK);
    expect(fromJson.code).toBe(fromYaml.code);
    expect(fromJson.stdout).toBe(fromYaml.stdout);
  });

  it.each([
    [['compile', TEST_RUNBOOK, '--put-parameter', 'runbook'], 'medic: --put-parameter takes the parameter\'s full name, starting with "/"'],
    [['compile', TEST_RUNBOOK, '--runbook', TEST_RUNBOOK], 'medic: compile takes the runbook once'],
    [['compile', 'nope.yml'], 'medic: runbook nope.yml not found'],
    [
      ['compile', TEST_RUNBOOK, '--out', '/no/such/folder/x.json'],
      'medic: --out /no/such/folder/x.json: the folder /no/such/folder does not exist',
    ],
  ])('usage errors exit 2 and say what to do: %j', (argv, message) => {
    const { code, stdout, stderr } = medic(...argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.startsWith(message)).toBe(true);
  });

  it('a compiled runbook is not compiled again', () => {
    const out = join(scratch(), 'runbook.compiled.json');
    medic('compile', TEST_RUNBOOK, '--out', out);
    const { code, stderr } = medic('compile', out);
    expect(code).toBe(2);
    expect(stderr).toContain('is already a compiled runbook: compile the YAML it was compiled from');
  });
});
