/**
 * The same runbook put into the SSM parameter as YAML and compiled (`medic compile
 * --put-parameter`, the shipped command, the one docs/deploy.md gives), each on an account of its
 * own: the packaged alarm function does exactly the same for the same sample alarm (report,
 * endpoint, scalable target, ladder schedule, notifications), and `medic history` names the same
 * runbook, the hash of the YAML. Only the YAML one warns that it parsed YAML on a cold start.
 */
import { readFileSync } from 'node:fs';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { expect, it } from 'vitest';
import { loadRunbook } from '../../shared/runbook/load.js';
import { runBuiltCliAsync } from '../support/built-cli.js';
import { EMULATOR_RUNBOOK_PARAMETER } from '../support/emulator/packaged.js';
import { describeEmulator, useEmulator } from '../support/emulator/use-emulator.js';
import { endpointNow, scalableTargetNow, schedulesNow } from '../support/emulator/world.js';
import { RUNBOOK, sample } from '../support/samples.js';
import { TEST_RUNBOOK } from '../support/test-runbook.js';

const emulator = useEmulator();
const YAML_WARNING = 'runbook parameter holds YAML: accepted, but parsed and validated on the cold start; put the compiled runbook instead';

/** Times the two runs cannot share (now, now + 10 min): masked, so the rest is compared exactly. */
function withoutClockTimes(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value)
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?/g, '<time>')
      .replace(/\b1[6-9]\d{11}\b/g, '<epoch ms>'),
  );
}

/** A fresh account with the stack on it, the runbook put by `put`, the sample latency alarm handled: what it left behind. */
async function handleWith(put: () => Promise<void>) {
  const e = emulator();
  const { deployed, ops } = await e.deployOntoWorld();
  await put();
  const alarm = e.host('alarm');
  const result = await alarm.invoke(sample('01-'));
  if (!result.ok) throw new Error(`the function failed: ${result.error.errorMessage}`);
  const history = await runBuiltCliAsync(['history', '--table', deployed.tableName, '--json'], { env: e.env() });
  expect([history.code, history.stderr]).toEqual([0, '']);
  const [record] = history.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { runbook: unknown; rule: string });
  return {
    report: withoutClockTimes(result.result),
    state: withoutClockTimes({
      endpoint: await endpointNow(e.clients, 'churn-prod'),
      target: await scalableTargetNow(e.clients, 'churn-prod', 'v2'),
      schedules: (await schedulesNow(e.clients, deployed.scheduleGroup)).map(
        ({ $metadata, CreationDate, LastModificationDate, ...s }) => s,
      ),
      notifications: await ops.drain(),
    }),
    history: { rule: record?.rule, runbook: record?.runbook },
    yamlWarnings: alarm.logs.filter((l) => l.message === YAML_WARNING).length,
  };
}

describeEmulator('a compiled runbook in the SSM parameter, against the same runbook as YAML', () => {
  it('the packaged function acts the same, leaves the same state, and history shows the same runbook hash', async () => {
    const e = emulator();
    const yaml = readFileSync(RUNBOOK, 'utf8');

    const fromYaml = await handleWith(async () => {
      await e.clients.ssm.send(new PutParameterCommand({ Name: EMULATOR_RUNBOOK_PARAMETER, Type: 'String', Value: yaml, Overwrite: true }));
    });
    const fromCompiled = await handleWith(async () => {
      const put = await runBuiltCliAsync(['compile', TEST_RUNBOOK, '--put-parameter', EMULATOR_RUNBOOK_PARAMETER], { env: e.env() });
      expect(put.stderr).toBe('');
      expect(put.code).toBe(0);
      expect(put.stdout).toContain(`✓ put as version 1 of ${EMULATOR_RUNBOOK_PARAMETER}`);
    });

    // Something happened, and the same thing both times.
    expect(fromYaml.history.rule).toBe('latency-scale-out');
    expect(fromYaml.state).toMatchObject({
      target: { min: 3, max: 6 },
      schedules: [{ ScheduleExpression: 'at(<time>)', State: 'ENABLED' }],
      notifications: [{ subject: '[HIGH] churn-prod: ALARM churn-prod-model-latency' }],
    });
    expect(fromCompiled.report).toStrictEqual(fromYaml.report);
    expect(fromCompiled.state).toStrictEqual(fromYaml.state);
    // The runbook that decided: the hash of the YAML source, whichever form the parameter held.
    const hash = loadRunbook(yaml, 'runbook.yml', {}).identity.hash;
    expect(fromYaml.history.runbook).toEqual({ hash, parameter: EMULATOR_RUNBOOK_PARAMETER, version: 1 });
    expect(fromCompiled.history).toStrictEqual(fromYaml.history);
    expect([fromYaml.yamlWarnings, fromCompiled.yamlWarnings]).toEqual([1, 0]);
  });

  it('medic history prints that hash for the decision', async () => {
    const e = emulator();
    const { deployed } = await e.deployOntoWorld();
    const put = await runBuiltCliAsync(['compile', TEST_RUNBOOK, '--put-parameter', EMULATOR_RUNBOOK_PARAMETER], { env: e.env() });
    expect(put.code).toBe(0);
    expect((await e.host('alarm').invoke(sample('01-'))).ok).toBe(true);
    const text = await runBuiltCliAsync(['history', '--table', deployed.tableName], { env: e.env() });
    const hash = loadRunbook(readFileSync(RUNBOOK, 'utf8'), 'runbook.yml', {}).identity.hash;
    expect(text.stdout).toContain(`  runbook ${hash} (ssm v1)`);
  });

  it("a put SSM refuses is said in the operator's terms, exit 1: nothing is put", async () => {
    const e = emulator();
    await e.deployOntoWorld();
    // SSM reserves names under /aws: moto answers AccessDeniedException, as SSM does.
    const put = await runBuiltCliAsync(['compile', TEST_RUNBOOK, '--put-parameter', '/aws/runbook'], { env: e.env() });
    expect(put.code).toBe(1);
    expect(put.stderr).toMatch(
      /^medic: SSM refused to put \/aws\/runbook: .+\. Your AWS identity needs ssm:PutParameter on the parameter \(docs\/deploy\.md, "Changing the runbook live"\); nothing was put\n$/,
    );
  });
});
