/**
 * What happens to an event when something fails, on the packaged alarm function with
 * EventBridge's asynchronous retries, asserted on the emulated account: the event is either
 * handled (delivered), retried until it is, or kept in the failure queue with its error.
 * Nothing is lost in any row, and nothing is done twice.
 */
import { beforeEach, expect, it } from 'vitest';
import { describeEmulator, useEmulator } from '../support/emulator/use-emulator.js';
import { drainQueue, type Subscriber, scalableTargetNow } from '../support/emulator/world.js';
import { sample } from '../support/samples.js';

const emulator = useEmulator();
let ops: Subscriber;
const queued = async () => (await drainQueue(emulator().clients, emulator().deployed().failureQueueUrl)).map((b) => JSON.parse(b));

describeEmulator('failures on the packaged alarm function: delivered, retried, or in the failure queue', () => {
  beforeEach(async () => {
    ({ ops } = await emulator().deployOntoWorld());
  });

  it('SNS down for every attempt: the scale-out runs once, the event lands in the failure queue, a redrive sends the notice', async () => {
    const e = emulator();
    e.standIn.fail({ operation: 'Publish', error: { status: 500, code: 'InternalError', message: 'SNS is down' }, times: 100 });
    const host = e.host('alarm', { MEDIC_AWS_MAX_ATTEMPTS: '1' });
    const outcome = await host.invokeAsync(sample('01-'));
    expect(outcome.outcome).toBe('failure-queue');
    expect(outcome.attempts).toHaveLength(3);
    expect(await scalableTargetNow(e.clients, 'churn-prod', 'v2')).toEqual({ min: 3, max: 6 });
    const [record] = await queued();
    expect(record).toMatchObject({
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: sample('01-'),
    });
    expect(await ops.drain()).toEqual([]);

    // SNS is back; the operator redrives the queued event: the notice goes out, the scale-out is not repeated.
    e.standIn.clear();
    expect((await host.invokeAsync(record.requestPayload)).outcome).toBe('succeeded');
    expect(await scalableTargetNow(e.clients, 'churn-prod', 'v2')).toEqual({ min: 3, max: 6 });
    expect((await ops.drain()).map((n) => n.subject)).toEqual(['[HIGH] churn-prod: ALARM churn-prod-model-latency']);
    expect(e.standIn.calls('application-auto-scaling', 'RegisterScalableTarget')).toEqual([]);
  });

  it('DynamoDB throttled: the SDK retries absorb it, the event is delivered on its first attempt', async () => {
    const e = emulator();
    for (const operation of ['PutItem', 'UpdateItem', 'GetItem', 'Query']) {
      e.standIn.fail({
        service: 'dynamodb',
        operation,
        error: { status: 400, code: 'ThrottlingException', message: 'Rate of requests exceeds the allowed throughput.' },
        times: 1,
      });
    }
    const outcome = await e.host('alarm').invokeAsync(sample('01-'));
    expect(outcome.outcome).toBe('succeeded');
    expect(outcome.attempts).toHaveLength(1);
    expect(e.standIn.requests.filter((r) => r.fault === 'ThrottlingException').length).toBeGreaterThan(0);
    expect(await scalableTargetNow(e.clients, 'churn-prod', 'v2')).toEqual({ min: 3, max: 6 });
    expect(await ops.drain()).toHaveLength(1);
    expect(await queued()).toEqual([]);
  });

  it('a thrown bug (an answer the code does not expect): not retried, in the failure queue with the error, logged with its stack', async () => {
    const e = emulator();
    e.standIn.fail({
      operation: 'DescribeEndpoint',
      respond: { EndpointName: 'churn-prod', EndpointStatus: 'InService', ProductionVariants: 'not a list' },
    });
    const host = e.host('alarm');
    const outcome = await host.invokeAsync(sample('01-'));
    expect(outcome.outcome).toBe('succeeded'); // ended normally: a retry would meet the same bug
    expect(outcome.attempts).toHaveLength(1);
    const report = (outcome.attempts[0] as { result: { actions: Array<{ type: string; status: string; error?: { kind: string } }> } })
      .result;
    expect(report.actions.map((a) => [a.type, a.status, a.error?.kind])).toEqual([
      ['scale', 'failed', 'internal'],
      ['notify', 'executed', undefined],
    ]);
    const [record] = await queued();
    expect(record).toMatchObject({
      condition: 'InternalError',
      requestPayload: sample('01-'),
      responsePayload: { errorType: 'internal', errorMessage: expect.stringMatching(/^TypeError: /) },
    });
    const bugLine = host.logs.find((l) => l.message === 'internal error: a bug in model-medic');
    expect(JSON.stringify(bugLine?.error)).toMatch(/TypeError.*\\n\s+at /s);
    expect(host.logs.some((l) => l.InternalErrors === 1)).toBe(true);
    expect(await scalableTargetNow(e.clients, 'churn-prod', 'v2')).toEqual({ min: 2, max: 6 });
  });

  it('an endpoint that never answers: each attempt stops before its deadline and releases lock and claim, so a redrive acts', async () => {
    const e = emulator();
    e.standIn.fail({ operation: 'DescribeEndpoint', hang: true, times: 100 });
    // A function configured with a 12 s timeout, so three attempts take seconds, not minutes.
    const host = e.host('alarm', {}, { timeoutSeconds: 12 });
    const outcome = await host.invokeAsync(sample('01-'));
    expect(outcome.outcome).toBe('failure-queue');
    expect(outcome.attempts.map((a) => (a.ok ? 'ok' : a.error.errorType))).toEqual(['MedicError', 'MedicError', 'MedicError']);
    expect((outcome.attempts[0] as { error: { errorMessage: string } }).error.errorMessage).toMatch(
      /transient failure, Lambda will retry: .*DescribeEndpoint on churn-prod failed: AbortError/,
    );
    const [record] = await queued();
    expect(record).toMatchObject({ requestContext: { condition: 'RetriesExhausted' }, requestPayload: sample('01-') });

    // The endpoint answers again; the redrive is not held by a claim or a lock of the killed attempts.
    e.standIn.clear();
    const redrive = await host.invokeAsync(record.requestPayload);
    expect(redrive.attempts).toHaveLength(1);
    expect((redrive.attempts[0] as { result: { actions: Array<{ status: string }> } }).result.actions.map((a) => a.status)).toEqual([
      'executed',
      'executed',
    ]);
    expect(await scalableTargetNow(e.clients, 'churn-prod', 'v2')).toEqual({ min: 3, max: 6 });
  });

  it('the runbook parameter unreadable at a cold start: nothing acted on another policy, the event retried then queued; a redrive acts', async () => {
    const e = emulator();
    e.standIn.fail({
      operation: 'GetParameter',
      error: { status: 400, code: 'AccessDeniedException', message: 'User is not authorized to perform: ssm:GetParameter' },
      times: 100,
    });
    const host = e.host('alarm');
    const outcome = await host.invokeAsync(sample('01-'));
    expect(outcome.outcome).toBe('failure-queue');
    expect((outcome.attempts[0] as { error: { errorMessage: string } }).error.errorMessage).toContain(
      'the runbook parameter /model-medic/emulator/runbook cannot be read',
    );
    expect(await scalableTargetNow(e.clients, 'churn-prod', 'v2')).toEqual({ min: 2, max: 6 });
    expect(await ops.drain()).toEqual([]);
    const [record] = await queued();

    e.standIn.clear(); // SSM answers again (the parameter does not exist: the bundled runbook is the operator's)
    expect((await host.invokeAsync(record.requestPayload)).outcome).toBe('succeeded');
    expect(await scalableTargetNow(e.clients, 'churn-prod', 'v2')).toEqual({ min: 3, max: 6 });
  });
});
