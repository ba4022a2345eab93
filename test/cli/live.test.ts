/**
 * Done when (issue 3): `medic replay --live` pointed via AWS_ENDPOINT_URL at an AWS-compatible
 * endpoint performs the calls its plan showed. The endpoint is the fake in test/support,
 * answering reads from the same recorded state the plan reads, so plan and live run must
 * agree call for call, input for input. `--aws` reads live and writes nothing.
 *
 * Both runs pass `--aws-state events/aws-state.json`: a live run reads AWS, but the endpoint
 * config history (for rollback) only exists in that file.
 */
import { describe, expect, it } from 'vitest';
import type { AwsCall } from '../../shared/aws/ports.js';
import type { EventReport } from '../../shared/report.js';
import { runCli } from '../support/cli.js';
import { useFakeAws } from '../support/fake-aws.js';
import { fastRetries } from '../support/fake-aws-retries.js';
import { sampleEventFiles } from '../support/samples.js';

const STATE = ['--aws-state', 'events/aws-state.json'];
const parse = (lines: string[]) => lines.map((l) => JSON.parse(l) as EventReport);

const fake = useFakeAws();
fastRetries();

/** The writes a plan shows, in order. */
function plannedCalls(reports: EventReport[]): AwsCall[] {
  return reports.flatMap((r) => r.actions.filter((a) => a.status === 'planned').flatMap((a) => a.calls));
}

/** What a live run should report for an event, given its plan: every planned action executed. */
function asExecuted(report: EventReport): EventReport {
  return { ...report, actions: report.actions.map((a) => (a.status === 'planned' ? { ...a, status: 'executed' } : a)) };
}

const writesReceived = () =>
  fake()
    .writes()
    .map(({ service, operation, input }) => ({ service, operation, input }));

describe('medic replay --live against an AWS-compatible endpoint', () => {
  it('the whole sample folder: exactly the calls of the plan, with equal inputs, and the same reports', async () => {
    const plan = await runCli(['replay', 'events/', '--json', ...STATE]);
    expect(plan.code).toBe(0);
    const live = await runCli(['replay', 'events/', '--live', '--json', ...STATE], { env: fake().env() });
    expect(live.stderr).toEqual(['note: --aws-state is only used for the endpoint config history; AWS reads are live']);
    expect(live.code).toBe(0);

    const planned = parse(plan.stdout);
    const calls = plannedCalls(planned);
    expect(calls.map((c) => c.operation)).toEqual(
      expect.arrayContaining([
        'RegisterScalableTarget',
        'UpdateEndpointWeightsAndCapacities',
        'UpdateEndpoint',
        'StartPipelineExecution',
        'Publish',
      ]),
    );
    expect(writesReceived()).toEqual(calls);
    expect(parse(live.stdout)).toEqual(planned.map(asExecuted));
    // Every request was signed for the configured region and went to the fake endpoint.
    expect(new Set(fake().requests.map((r) => r.region))).toEqual(new Set(['us-east-1']));
  });

  it.each(sampleEventFiles())('%s alone: the calls of its plan', async (name) => {
    const plan = parse((await runCli(['replay', `events/${name}`, '--json', ...STATE])).stdout);
    const live = await runCli(['replay', `events/${name}`, '--live', '--json', ...STATE], { env: fake().env() });
    expect(live.code).toBe(0);
    expect(writesReceived()).toEqual(plannedCalls(plan));
    expect(parse(live.stdout)).toEqual(plan.map(asExecuted));
  });

  it('--aws reads from the endpoint and writes nothing', async () => {
    const plan = parse((await runCli(['replay', 'events/', '--json', ...STATE])).stdout);
    const readOnly = await runCli(['replay', 'events/', '--aws', '--json', ...STATE], { env: fake().env() });
    expect(readOnly.code).toBe(0);
    expect(fake().requests.length).toBeGreaterThan(0);
    expect(fake().requests.filter((r) => r.write)).toEqual([]);
    expect(parse(readOnly.stdout)).toEqual(plan);
  });

  it('a write AWS refuses: that action fails naming the call, the notification says so, exit 1', async () => {
    fake().fail({
      operation: 'RegisterScalableTarget',
      error: {
        status: 400,
        code: 'AccessDeniedException',
        message:
          'User: arn:aws:sts::111122223333:assumed-role/medic is not authorized to perform: application-autoscaling:RegisterScalableTarget',
      },
    });
    const live = await runCli(['replay', 'events/01-alarm-latency-churn-prod.json', '--live', '--json'], { env: fake().env() });
    expect(live.code).toBe(1);
    const [report] = parse(live.stdout);
    expect(report?.actions.map((a) => a.status)).toEqual(['failed', 'executed']);
    expect(report?.actions[0]?.error?.message).toMatch(
      /^application-auto-scaling:RegisterScalableTarget on endpoint\/churn-prod\/variant\/v2 failed: AccessDeniedException: User: .* is not authorized/,
    );
    const [publish] = writesReceived();
    expect(publish?.operation).toBe('Publish');
    expect(publish?.input.Subject).toBe('[HIGH] churn-prod: ALARM churn-prod-model-latency [ACTION FAILED]');
    expect(publish?.input.Message).toContain(`  - scale: FAILED: ${report?.actions[0]?.error?.message}`);
  });

  it('throttling absorbed by the SDK retries: exit 0, the call made once more', async () => {
    fake().fail({ operation: 'UpdateEndpoint', error: { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' } });
    const live = await runCli(['replay', 'events/05-alarm-5xx-rate-fraud-prod-math.json', '--live', '--json', ...STATE], {
      env: fake().env({ MEDIC_AWS_MAX_ATTEMPTS: '3' }),
    });
    expect(live.code).toBe(0);
    expect(
      fake()
        .requests.filter((r) => r.operation === 'UpdateEndpoint')
        .map((r) => r.fault ?? 'ok'),
    ).toEqual(['ThrottlingException', 'ok']);
  });

  it('the human report says what was done', async () => {
    const live = await runCli(['replay', 'events/02-alarm-cpu-fraud-prod.json', '--live'], { env: fake().env() });
    expect(live.code).toBe(0);
    expect(live.stdout).toContain('  ✓ scale executed: scale fraud-prod/AllTraffic from 2 to 3 instances');
    expect(live.stdout.join('\n')).not.toMatch(/nothing was written to AWS/);
  });
});
