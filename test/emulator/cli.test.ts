/**
 * The built CLI (`bin/medic.js`, the bundle users run) against the emulator: capture, history
 * and replay --live, each asserted on what moto holds afterwards or on what the packaged
 * function wrote there.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, expect, it } from 'vitest';
import type { EventReport } from '../../shared/report.js';
import { runBuiltCliAsync } from '../support/built-cli.js';
import { describeEmulator, useEmulator } from '../support/emulator/use-emulator.js';
import {
  endpointNow,
  pipelineExecutionsNow,
  type ReceivedNotification,
  scalableTargetNow,
  subscribeQueue,
} from '../support/emulator/world.js';
import { AWS_STATE, sample } from '../support/samples.js';

const emulator = useEmulator();
const ALL_ENDPOINTS = Object.keys(JSON.parse(readFileSync(AWS_STATE, 'utf8')).sagemaker.endpoints as Record<string, unknown>);
const recordedAlarms = JSON.parse(readFileSync(AWS_STATE, 'utf8')).cloudwatch.alarms as Array<{ AlarmName: string; AlarmRule?: string }>;
const reports = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as EventReport);
/** Cooldown deadlines follow the wall clock of each run: compare them as placeholders. */
/** Two runs a moment apart: cooldowns end and ladder checks fall due at other wall-clock times. */
const withoutDeadlines = (list: EventReport[]) =>
  JSON.parse(
    JSON.stringify(list)
      .replace(/until \d{4}-\d\d-\d\dT[\d:.]+Z/g, 'until <deadline>')
      .replace(/"at":"\d{4}-\d\d-\d\dT[\d:.]+Z"/g, '"at":"<due>"'),
  );

describeEmulator('the built CLI against the emulator', () => {
  beforeEach(() => emulator().freshWorld());

  it('capture, then replay --aws-state of the captured file: the same plan as replay --aws against the emulator', async () => {
    const e = emulator();
    const out = join(mkdtempSync(join(tmpdir(), 'medic-capture-')), 'aws-state.json');
    // An account may deny a read: here CodePipeline's, which the stand-in refuses as AWS would.
    e.standIn.fail({
      service: 'codepipeline',
      operation: 'ListPipelineExecutions',
      error: {
        status: 400,
        code: 'AccessDeniedException',
        message: 'User is not authorized to perform: codepipeline:ListPipelineExecutions',
      },
    });
    const capture = await runBuiltCliAsync(
      ['capture', ...ALL_ENDPOINTS.flatMap((n) => ['--endpoint', n]), '--out', out, '--since', '30d'],
      {
        env: e.env(),
      },
    );
    // That one read is named, the rest written, exit 1.
    expect(capture.stderr).toMatch(
      /medic: not captured: codepipeline:ListPipelineExecutions on fraud-model-build failed: AccessDeniedException/,
    );
    expect(capture.stderr).toMatch(/1 read failed; everything else was captured/);
    expect(capture.code).toBe(1);
    expect(capture.stdout).toMatch(
      /^captured 6 endpoints, 1 scalable target, \d+ alarms, 2 pipelines, 9 monitoring executions, 7 violation reports/,
    );
    const captured = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(captured.sagemaker.endpoints).sort()).toEqual([...ALL_ENDPOINTS].sort());
    // Every metric alarm watching an endpoint (not the deployment alarm, whose dimension is a
    // service; moto holds no composite alarms).
    expect(captured.cloudwatch.alarms.map((a: { AlarmName: string }) => a.AlarmName)).toEqual(
      recordedAlarms.filter((a) => !a.AlarmRule && JSON.stringify(a).match(/"Name":"(EndpointName|Endpoint)"/)).map((a) => a.AlarmName),
    );

    const fromFile = await runBuiltCliAsync(['replay', 'events/', '--aws-state', out, '--json']);
    const fromAws = await runBuiltCliAsync(['replay', 'events/', '--aws', '--aws-state', out, '--json'], { env: e.env() });
    expect(fromAws.stderr).toBe('note: --aws-state is only used for the endpoint config history; AWS reads are live\n');
    expect(withoutDeadlines(reports(fromFile.stdout))).toEqual(withoutDeadlines(reports(fromAws.stdout)));
    expect(reports(fromFile.stdout).filter((r) => r.actions.some((a) => a.status === 'planned'))).not.toEqual([]);
    // --aws wrote nothing.
    expect(e.standIn.requests.filter((r) => /^(Publish|Update|Start|Register|Put|Create|Delete)/.test(r.operation))).toEqual([]);
  });

  it('history lists what the packaged function decided, newest first, filtered by --endpoint and --since', async () => {
    const e = emulator();
    const deployed = await e.deployStack();
    const alarm = e.host('alarm');
    for (const event of [sample('01-'), sample('02-'), sample('06-')]) expect((await alarm.invoke(event)).ok).toBe(true);
    const history = (...args: string[]) => runBuiltCliAsync(['history', '--table', deployed.tableName, ...args], { env: e.env() });

    const all = await history('--json');
    expect(all.stderr).toBe('');
    expect(all.code).toBe(0);
    const records = all.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { at: number; event: string; rule?: string; endpoint?: string });
    expect(records.map((r) => r.rule)).toEqual(['client-errors-notify', 'latency-scale-out', 'latency-scale-out']);
    expect(records.map((r) => r.at)).toEqual([...records.map((r) => r.at)].sort((a, b) => b - a));

    const churn = await history('--endpoint', 'churn-prod', '--json');
    expect(
      churn.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).event),
    ).toEqual([sample('06-').id, sample('01-').id]);

    const text = await history('--endpoint', 'fraud-prod');
    expect(text.stdout).toContain('fraud-prod-cpu-high');
    expect(text.stdout).toMatch(/1 decision for fraud-prod in the last 24h, newest first/);

    const missing = await runBuiltCliAsync(['history', '--table', 'nope'], { env: e.env() });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('medic: the state table nope does not exist in us-east-1: check --table or MEDIC_TABLE');

    await new Promise((r) => setTimeout(r, 1_100));
    const recent = await history('--since', '1s');
    expect(recent.code).toBe(0);
    expect(recent.stdout.trim()).toBe('no decisions recorded in the last 1s');
  });

  it('replay --live leaves the emulator as its plan showed, for every sample the emulator can serve', async () => {
    const e = emulator();
    const ops = await subscribeQueue(e.clients, 'model-medic-ops');
    const mlTeam = await subscribeQueue(e.clients, 'model-medic-ml-team');
    // The plan, read from the emulator itself (so both runs see the same world), writes nothing.
    const plan = await runBuiltCliAsync(['replay', 'events/', '--aws', '--aws-state', 'events/aws-state.json', '--json'], { env: e.env() });
    const live = await runBuiltCliAsync(['replay', 'events/', '--live', '--aws-state', 'events/aws-state.json', '--json'], {
      env: e.env(),
    });
    expect({ code: live.code, stderr: live.stderr }).toEqual({ code: plan.code, stderr: plan.stderr });
    const planned = reports(plan.stdout);
    const done = reports(live.stdout);
    expect(done.map((r) => r.actions.map((a) => a.status))).toEqual(
      planned.map((r) => r.actions.map((a) => (a.status === 'planned' ? 'executed' : a.status))),
    );

    const calls = planned.flatMap((r) => r.actions.filter((a) => a.status === 'planned').flatMap((a) => a.calls));
    // No sample rolls back or redeploys at once any more: the default runbook does that in ladder
    // steps (test/emulator/ladders.test.ts), rollback on its own in actions.test.ts.
    expect(new Set(calls.map((c) => c.operation))).toEqual(
      new Set(['RegisterScalableTarget', 'UpdateEndpointWeightsAndCapacities', 'StartPipelineExecution', 'Publish']),
    );
    // What the writes should have left behind: the live run's own requests (a later scale-out
    // counts from what an earlier one of the run left, which the plan, reading an unchanged
    // world, cannot know), folded in order, so the last write to a resource wins (a rollback
    // re-creates the endpoint from its config, dropping earlier weight changes).
    const executed = done.flatMap((r) => r.actions.filter((a) => a.status === 'executed').flatMap((a) => a.calls));
    expect(executed.map((c) => c.operation)).toEqual(calls.map((c) => c.operation));
    const published: ReceivedNotification[] = [...(await ops.drain()), ...(await mlTeam.drain())];
    const minCapacity = new Map<string, number>();
    const variants = new Map<string, Map<string, { weight?: number; instances?: number }>>();
    const configs = new Map<string, string>();
    for (const call of executed) {
      const input = call.input as Record<string, unknown>;
      const text = (key: string) => String(input[key]);
      switch (call.operation) {
        case 'RegisterScalableTarget':
          minCapacity.set(text('ResourceId'), Number(input.MinCapacity));
          break;
        case 'UpdateEndpointWeightsAndCapacities': {
          const byVariant = variants.get(text('EndpointName')) ?? new Map();
          for (const v of input.DesiredWeightsAndCapacities as Array<{
            VariantName: string;
            DesiredWeight?: number;
            DesiredInstanceCount?: number;
          }>) {
            const expected = { ...byVariant.get(v.VariantName) };
            if (v.DesiredWeight !== undefined) expected.weight = v.DesiredWeight;
            if (v.DesiredInstanceCount !== undefined) expected.instances = v.DesiredInstanceCount;
            byVariant.set(v.VariantName, expected);
          }
          variants.set(text('EndpointName'), byVariant);
          break;
        }
        case 'UpdateEndpoint':
          configs.set(text('EndpointName'), text('EndpointConfigName'));
          variants.delete(text('EndpointName'));
          break;
        case 'StartPipelineExecution':
          if (call.service === 'sagemaker') {
            const wanted = Object.fromEntries(
              (input.PipelineParameters as Array<{ Name: string; Value: string }>).map((p) => [p.Name, p.Value]),
            );
            expect((await pipelineExecutionsNow(e.clients, text('PipelineName'))).map((x) => x.parameters)).toContainEqual(wanted);
          } else {
            expect(e.standIn.codePipelines.get(text('name'))?.map((x) => x.variables)).toContainEqual(input.variables);
          }
          break;
        case 'Publish':
          expect(published.map((n) => [n.topicArn, n.subject])).toContainEqual([input.TopicArn, input.Subject]);
          break;
      }
    }
    for (const [resourceId, min] of minCapacity) {
      const [, endpoint, , variant] = resourceId.split('/');
      expect(await scalableTargetNow(e.clients, String(endpoint), String(variant))).toMatchObject({ min });
    }
    for (const [endpoint, byVariant] of variants) {
      const now = await endpointNow(e.clients, endpoint);
      for (const [variant, expected] of byVariant) expect(now.variants[variant]).toMatchObject(expected);
    }
    for (const [endpoint, config] of configs) expect((await endpointNow(e.clients, endpoint)).config).toBe(config);
    expect(published).toHaveLength(executed.filter((c) => c.operation === 'Publish').length);
  });
});
