/**
 * `medic replay --live` from the built CLI when AWS says no: a refused write fails that action
 * (named, exit 1) while the rest still runs and the notification says so; throttling is
 * absorbed by the SDK's retries; `--aws` reads from the emulator and writes nothing. The
 * faults are the stand-in's; everything else is moto's.
 */
import { beforeEach, expect, it } from 'vitest';
import type { EventReport } from '../../shared/report.js';
import { runBuiltCliAsync } from '../support/built-cli.js';
import { describeEmulator, useEmulator } from '../support/emulator/use-emulator.js';
import { endpointNow, scalableTargetNow, subscribeQueue } from '../support/emulator/world.js';
import { ROLLBACK_RUNBOOK } from '../support/samples.js';

const emulator = useEmulator();
const STATE = ['--aws-state', 'events/aws-state.json'];
const EVENT_05 = 'events/05-alarm-5xx-rate-fraud-prod-math.json';
const parse = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as EventReport);

describeEmulator('medic replay --live against the emulator, with faults', () => {
  beforeEach(() => emulator().freshWorld());

  it('--aws reads from the emulator and writes nothing', async () => {
    const e = emulator();
    const readOnly = await runBuiltCliAsync(['replay', 'events/', '--aws', '--json', ...STATE], { env: e.env() });
    expect(readOnly.code).toBe(0);
    expect(e.standIn.requests.length).toBeGreaterThan(0);
    expect(e.standIn.requests.filter((r) => /^(Publish|Update|Start|Register|Put|Create|Delete|Send)/.test(r.operation))).toEqual([]);
    expect(await scalableTargetNow(e.clients, 'churn-prod', 'v2')).toEqual({ min: 2, max: 6 });
  });

  it('a write AWS refuses: that action fails naming the call, the notification says so, exit 1', async () => {
    const e = emulator();
    const ops = await subscribeQueue(e.clients, 'model-medic-ops');
    e.standIn.fail({
      operation: 'RegisterScalableTarget',
      error: {
        status: 400,
        code: 'AccessDeniedException',
        message:
          'User: arn:aws:sts::111122223333:assumed-role/medic is not authorized to perform: application-autoscaling:RegisterScalableTarget',
      },
    });
    const live = await runBuiltCliAsync(['replay', 'events/01-alarm-latency-churn-prod.json', '--live', '--json'], { env: e.env() });
    expect(live.code).toBe(1);
    const [report] = parse(live.stdout);
    expect(report?.actions.map((a) => a.status)).toEqual(['failed', 'executed']);
    expect(report?.actions[0]?.error?.message).toMatch(
      /^application-auto-scaling:RegisterScalableTarget on endpoint\/churn-prod\/variant\/v2 failed: AccessDeniedException: User: .* is not authorized/,
    );
    expect(await scalableTargetNow(e.clients, 'churn-prod', 'v2')).toEqual({ min: 2, max: 6 });
    const [received] = await ops.drain();
    expect(received?.subject).toBe('[HIGH] churn-prod: ALARM churn-prod-model-latency [ACTION FAILED]');
    expect(received?.message).toContain(`  - scale: FAILED: ${report?.actions[0]?.error?.message}`);
  });

  it('throttling absorbed by the SDK retries: exit 0, the call made once more, the rollback applied', async () => {
    const e = emulator();
    e.standIn.fail({ operation: 'UpdateEndpoint', error: { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' } });
    const live = await runBuiltCliAsync(['replay', EVENT_05, '--live', '--json', '--runbook', ROLLBACK_RUNBOOK, ...STATE], {
      env: { ...e.env(), MEDIC_AWS_MAX_ATTEMPTS: '3' },
    });
    expect(live.code).toBe(0);
    expect(e.standIn.calls('sagemaker', 'UpdateEndpoint').map((r) => r.fault ?? 'ok')).toEqual(['ThrottlingException', 'ok']);
    expect((await endpointNow(e.clients, 'fraud-prod')).config).toBe('fraud-prod-config-2026-10-01');
  });

  it('the human report says what was done', async () => {
    const e = emulator();
    const live = await runBuiltCliAsync(['replay', 'events/02-alarm-cpu-fraud-prod.json', '--live'], { env: e.env() });
    expect(live.code).toBe(0);
    expect(live.stdout).toContain('  ✓ scale executed: scale fraud-prod/AllTraffic from 2 to 3 instances');
    expect(live.stdout).not.toMatch(/nothing was written to AWS/);
    expect((await endpointNow(e.clients, 'fraud-prod')).variants.AllTraffic?.instances).toBe(3);
  });
});
