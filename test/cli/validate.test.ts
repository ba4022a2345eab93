// biome-ignore-all lint/suspicious/noTemplateCurlyInString: runbook text spells ${env:NAME} literally
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBuiltCli } from '../support/built-cli.js';
import { runCli } from '../support/cli.js';
import { ROOT } from '../support/samples.js';

describe('medic validate', () => {
  it('the runbook (the test copy of runbook.yml) is valid', async () => {
    const { code, stdout } = await runCli(['validate']);
    expect(code).toBe(0);
    expect(stdout[0]).toMatch(/^✓ test\/fixtures\/runbook\.yml: valid — \d+ rules, 2 topics, 3 pipelines, default mode live$/);
  });

  it('reports every mistake at once with line and column, exit 2', async () => {
    const { code, stdout, stderr } = await runCli(['validate', 'test/fixtures/six-mistakes.yml']);
    expect(code).toBe(2);
    expect(stdout).toEqual([]);
    expect(stderr).toEqual([
      'test/fixtures/six-mistakes.yml:3:13 defaults.cooldown: expected a duration like 15m, 90s, 2h30m or 1d, got "15 minutes" (unexpected " " after "15")',
      'test/fixtures/six-mistakes.yml:8:27 rules[0].match.metrc: unknown key "metrc" (known: kind, source, alarm, composite, state, previousState, namespace, metric, breach, endpoint, variant, status, monitoringType, schedule, violations)',
      'test/fixtures/six-mistakes.yml:10:22 rules[0].actions[0].scale.by: expected a positive integer',
      'test/fixtures/six-mistakes.yml:11:9 rules[1].id: duplicate rule id "a" (first used by rules[0])',
      'test/fixtures/six-mistakes.yml:14:26 rules[1].actions[0].notify.topic: unknown topic "opz" (known: ops)',
      'test/fixtures/six-mistakes.yml:15:9 rules[1].actions[1].scael: unknown action "scael" (known: notify, scale, shift-traffic, rollback, retrain, redeploy)',
      '6 errors: the runbook was not loaded',
    ]);
  });

  it('a missing file is named, with the path looked for (exit 2)', async () => {
    const { code, stderr } = await runCli(['validate', 'nope.yml']);
    expect(code).toBe(2);
    expect(stderr[0]).toBe(`medic: runbook nope.yml not found: looked for ${join(ROOT, 'nope.yml')}`);
  });

  it('an unset environment variable without default is reported where it is used', async () => {
    const { code, stderr } = await runCli(['validate', 'test/fixtures/needs-env.yml']);
    expect(code).toBe(2);
    expect(stderr[0]).toMatch(
      /^test\/fixtures\/needs-env\.yml:3:8 topics\.ops: environment variable OPS_ARN is not set and has no default$/,
    );
    const withEnv = await runCli(['validate', 'test/fixtures/needs-env.yml'], {
      env: { OPS_ARN: 'arn:aws:sns:us-east-1:111122223333:ops' },
    });
    expect(withEnv.code).toBe(0);
  });

  it('refuses what compile refuses: an ${env:…} reference compile would fix (the shipped command, exit 2, the same lines)', () => {
    const runbook = join(mkdtempSync(join(tmpdir(), 'medic-validate-')), 'env-cooldown.yml');
    writeFileSync(
      runbook,
      [
        'version: 1',
        'defaults:',
        '  cooldown: ${env:CD, 10m}',
        'topics:',
        '  ops: arn:aws:sns:us-east-1:111122223333:ops',
        'rules:',
        '  - id: a',
        '    match: { kind: alarm }',
        '    actions: [{ notify: { topic: ops } }]',
        '',
      ].join('\n'),
    );
    const validated = runBuiltCli(['validate', '--strict', runbook]);
    const compiled = runBuiltCli(['compile', runbook]);
    expect(validated.code).toBe(2);
    expect(validated.stdout).toBe('');
    expect(validated.stderr.split('\n')[0]).toBe(
      `${runbook}:3:13 defaults.cooldown: \${env:…} here would be fixed at compile time (to "10m"): a compiled runbook resolves references at load only in topic ARNs, pipeline names, parameters and variables, rule descriptions, notify subjects and match globs; write the value itself`,
    );
    expect(compiled.code).toBe(2);
    expect(validated.stderr).toBe(compiled.stderr);
  });
});
