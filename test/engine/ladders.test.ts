/**
 * Escalation ladders through the real engine (memory store, virtual clock, VirtualTimers): what
 * starts a ladder, what each check does, how it ends, and that every step runs once however its
 * check is delivered.
 */
import { describe, expect, it } from 'vitest';
import { SeenAlarmStates } from '../../shared/aws/seen-alarms.js';
import { handleEvent } from '../../shared/engine.js';
import { MedicError } from '../../shared/errors.js';
import type { EventReport } from '../../shared/report.js';
import { checkEvent, checkTimerName } from '../../shared/signals/check.js';
import { operatorEvent } from '../../shared/signals/operator.js';
import type { AlarmSignal } from '../../shared/signals/types.js';
import type { ScheduledCheck } from '../../shared/timers/timers.js';
import { VirtualTimers } from '../../shared/timers/virtual.js';
import { testEngine } from '../support/engine.js';
import { sample } from '../support/samples.js';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:ops';
const LADDER_RUNBOOK = `
version: 1
defaults: { cooldown: 30m, scale: { max: 8 }, maxRemediationsPerHour: 10 }
topics: { ops: ${TOPIC} }
rules:
  - id: errors
    match: { kind: alarm, state: ALARM, alarm: "*-5xx-rate" }
    actions:
      - scale: { by: 1 }
      - notify: { topic: ops }
    escalate:
      - after: 10m
        actions:
          - rollback: {}
          - notify: { topic: ops, severity: high }
      - after: 15m
        actions:
          - scale: { by: 1 }
          - notify: { topic: ops, severity: critical }
`;
const MINUTE = 60_000;
const ALARM_ARN = 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:fraud-prod-5xx-rate';
const SINCE = '2026-11-23T04:36:20.268+0000';
const T0 = Date.parse('2026-11-23T04:36:20.268Z');
const LADDER = `${ALARM_ARN}#${SINCE}`;

/** The 5xx-rate alarm (sample 05) entering `state` at `at`. */
function transition(state: 'ALARM' | 'OK', at: number, id = `evt-${state}-${at}`): Record<string, unknown> {
  const event = structuredClone(sample('05-'));
  event.id = id;
  event.time = new Date(at).toISOString();
  const detail = event.detail as { state: Record<string, unknown>; previousState: Record<string, unknown> };
  const stamp = new Date(at).toISOString().replace('Z', '+0000');
  if (state === 'OK') {
    detail.previousState = { value: 'ALARM', timestamp: SINCE };
    detail.state = { value: 'OK', reason: 'Threshold Crossed: back below 5', timestamp: stamp };
  }
  return event;
}

async function ladderEngine(runbook = LADDER_RUNBOOK) {
  const seen = new SeenAlarmStates();
  const timers = new VirtualTimers();
  const engine = await testEngine(runbook);
  engine.deps.reader = seen.reader(engine.deps.reader);
  engine.deps.timers = timers;
  const run = async (event: Record<string, unknown>, label: string): Promise<EventReport> => {
    const report = await handleEvent(event, label, engine.deps);
    seen.observe(report);
    return report;
  };
  /** Fires the next timer at its time, as EventBridge Scheduler would. */
  const fire = async (): Promise<{ timer: ScheduledCheck; report: EventReport }> => {
    const timer = timers.takeDue();
    if (!timer) throw new Error('no timer pending');
    if (!('check' in timer)) throw new Error(`expected a ladder check, got ${timer.name}`);
    engine.clock.set(timer.at);
    return { timer, report: await run(checkEvent(timer.check, timer.at), timer.name) };
  };
  return { ...engine, seen, timers, run, fire };
}

const outcome = (r: EventReport) => r.actions.map((a) => `${a.type}:${a.status}${a.suppressedBy ? `:${a.suppressedBy}` : ''}`);

describe('escalation ladders', () => {
  it('an ALARM runs the rule, records a ladder and schedules one check at its `after`', async () => {
    const { run, timers, store, clock } = await ladderEngine();
    clock.set(T0);
    const report = await run(transition('ALARM', T0), 'alarm');
    expect(outcome(report)).toEqual(['scale:executed', 'notify:executed']);
    expect(report.scheduled).toEqual([{ at: '2026-11-23T04:46:20.268Z', ladder: LADDER, step: 1, attempt: 1, rule: 'errors' }]);
    expect(report.ladders).toEqual([
      {
        ladder: LADDER,
        rule: 'errors',
        alarm: 'fraud-prod-5xx-rate',
        event: 'started',
        reason: expect.stringContaining('first check in 10m'),
      },
    ]);
    expect(timers.size).toBe(1);
    const [ladder] = await store.getLadders(ALARM_ARN);
    expect(ladder).toMatchObject({ key: LADDER, status: 'open', stepsRun: 0, next: { step: 1, attempt: 1, at: T0 + 10 * MINUTE } });
    expect(ladder?.next?.timer).toBe(checkTimerName({ ladder: LADDER, rule: 'errors', step: 1, attempt: 1 }));
  });

  it('while the alarm stays in ALARM every step runs at its time, then one "did not clear" message, and the ladder is exhausted', async () => {
    const { run, fire, timers, writer, store, clock } = await ladderEngine();
    clock.set(T0);
    await run(transition('ALARM', T0), 'alarm');
    const first = await fire();
    expect(first.timer.at).toBe(T0 + 10 * MINUTE);
    expect(outcome(first.report)).toEqual(['rollback:executed', 'notify:executed']);
    expect(first.report.ladders?.map((l) => l.event)).toEqual(['step']);
    expect(first.report.scheduled?.map((s) => ['step' in s ? s.step : s.approval, s.at])).toEqual([
      [2, new Date(T0 + 25 * MINUTE).toISOString()],
    ]);
    const second = await fire();
    expect(outcome(second.report)).toEqual(['scale:executed', 'notify:executed', 'notify:executed']);
    expect(second.report.ladders?.map((l) => l.event)).toEqual(['step', 'exhausted']);
    const didNotClear = second.report.actions[2];
    expect(didNotClear?.calls[0]?.input).toMatchObject({
      TopicArn: TOPIC,
      Subject: '[CRITICAL] fraud-prod: remediation did not clear fraud-prod-5xx-rate [human needed]',
    });
    expect(String(didNotClear?.calls[0]?.input.Message)).toContain(
      'Remediation did not clear fraud-prod-5xx-rate: it is still in ALARM after 25 min.',
    );
    expect(timers.size).toBe(0);
    expect((await store.getLadders(ALARM_ARN))[0]).toMatchObject({ status: 'exhausted', stepsRun: 2 });
    // The step's notify says which step it is.
    const stepNotify = writer.calls.filter((c) => c.operation === 'Publish')[1];
    expect(String(stepNotify?.input.Message)).toContain(
      'Escalation step 1 of 2: fraud-prod-5xx-rate is still in ALARM since 2026-11-23T04:36:20.268+0000.',
    );
    expect(writer.operations()).toEqual([
      'sagemaker:UpdateEndpointWeightsAndCapacities',
      'sns:Publish',
      'sagemaker:UpdateEndpoint',
      'sns:Publish',
      'sagemaker:UpdateEndpointWeightsAndCapacities',
      'sns:Publish',
      'sns:Publish',
    ]);
  });

  it('an OK ends the ladder at once and cancels its check; a check that fires anyway does nothing', async () => {
    const { run, timers, writer, store, clock, deps } = await ladderEngine();
    clock.set(T0);
    await run(transition('ALARM', T0), 'alarm');
    const pending = timers.takeDue() as ScheduledCheck;
    await timers.schedule(pending); // put it back: it is still pending when the OK arrives
    clock.set(T0 + 5 * MINUTE);
    const ok = await run(transition('OK', T0 + 5 * MINUTE), 'ok');
    expect(ok.ladders).toEqual([
      expect.objectContaining({ event: 'resolved', reason: expect.stringContaining('fraud-prod-5xx-rate is OK since') }),
    ]);
    expect(timers.size).toBe(0);
    expect((await store.getLadders(ALARM_ARN))[0]).toMatchObject({ status: 'resolved', stepsRun: 0 });
    const before = writer.calls.length;
    clock.set(pending.at);
    const late = await handleEvent(checkEvent(pending.check, pending.at), 'late-check', deps);
    expect(late.actions).toEqual([]);
    expect(late.ignored).toMatch(/^the ladder already ended: resolved/);
    expect(writer.calls.length).toBe(before);
  });

  it('a check whose alarm is back to OK (no OK event seen) records resolved and does nothing else', async () => {
    const { run, fire, writer, store, clock, seen } = await ladderEngine();
    clock.set(T0);
    await run(transition('ALARM', T0), 'alarm');
    // The alarm's state as DescribeAlarms would now say it: OK since minute 7.
    seen.observe({
      event: 'x',
      signal: {
        ...((await store.getLadders(ALARM_ARN))[0]?.signal as AlarmSignal),
        state: 'OK',
        stateTimestamp: new Date(T0 + 7 * MINUTE).toISOString(),
      },
      rule: null,
      actions: [],
      ignored: null,
      error: null,
    });
    const before = writer.calls.length;
    const { report } = await fire();
    expect(report.actions).toEqual([]);
    expect(report.ladders).toEqual([
      expect.objectContaining({ event: 'resolved', step: 1, reason: 'alarm fraud-prod-5xx-rate is OK now: ladder resolved before step 1' }),
    ]);
    expect(writer.calls.length).toBe(before);
    expect((await store.getLadders(ALARM_ARN))[0]).toMatchObject({ status: 'resolved' });
  });

  it('the same check delivered twice, one after the other or at once, runs its step once', async () => {
    const { run, timers, writer, clock, deps } = await ladderEngine();
    clock.set(T0);
    await run(transition('ALARM', T0), 'alarm');
    const timer = timers.takeDue() as ScheduledCheck;
    clock.set(timer.at);
    const event = checkEvent(timer.check, timer.at);
    const [a, b] = await Promise.all([handleEvent(event, 'first', deps), handleEvent(event, 'second', { ...deps, owner: 'other' })]);
    const again = await handleEvent(event, 'third', deps);
    const rollbacks = writer.calls.filter((c) => c.operation === 'UpdateEndpoint');
    expect(rollbacks).toHaveLength(1);
    expect([a, b, again].filter((r) => r.ignored?.startsWith('duplicate:')).length).toBe(2);
    expect(timers.size).toBe(1); // the next step's check, once
  });

  it('a busy endpoint holds the step (endpoint-busy) and the next check tries it again; once free it runs', async () => {
    const { run, fire, clock } = await ladderEngine();
    clock.set(T0);
    await run(transition('ALARM', T0), 'alarm');
    clock.set(T0 + 8 * MINUTE);
    const updating = structuredClone(sample('35-'));
    (updating.detail as Record<string, unknown>).EndpointName = 'fraud-prod';
    updating.time = new Date(T0 + 8 * MINUTE).toISOString();
    await run(updating, 'updating');
    const held = await fire();
    expect(outcome(held.report)).toEqual(['rollback:suppressed:endpoint-busy', 'notify:executed']);
    expect(held.report.ladders).toEqual([expect.objectContaining({ event: 'held', step: 1 })]);
    expect(held.report.scheduled).toEqual([expect.objectContaining({ step: 1, attempt: 2, at: new Date(T0 + 15 * MINUTE).toISOString() })]);
    clock.set(T0 + 12 * MINUTE);
    const inService = structuredClone(sample('34-'));
    inService.time = new Date(T0 + 12 * MINUTE).toISOString();
    await run(inService, 'in-service');
    const retried = await fire();
    expect(outcome(retried.report)).toEqual(['rollback:executed', 'notify:executed']);
    expect(retried.report.scheduled).toEqual([
      expect.objectContaining({ step: 2, attempt: 1, at: new Date(T0 + 30 * MINUTE).toISOString() }),
    ]);
  });

  it('a transient failure leaves the check to its retry, which runs only what did not finish', async () => {
    const { run, timers, writer, clock, deps } = await ladderEngine();
    clock.set(T0);
    await run(transition('ALARM', T0), 'alarm');
    const timer = timers.takeDue() as ScheduledCheck;
    clock.set(timer.at);
    writer.fail = (call, attempt) =>
      call.operation === 'Publish' && attempt === 2 ? new MedicError('aws-throttled', 'sns:Publish failed: Throttling') : undefined;
    const event = checkEvent(timer.check, timer.at);
    const failed = await handleEvent(event, 'try-1', deps);
    expect(outcome(failed)).toEqual(['rollback:executed', 'notify:failed']);
    expect(failed.scheduled).toBeUndefined();
    const retried = await handleEvent(event, 'try-2', deps);
    expect(outcome(retried)).toEqual(['rollback:executed', 'notify:executed']);
    expect(retried.actions[0]?.reason).toMatch(/^already done in an earlier attempt/);
    expect(writer.calls.filter((c) => c.operation === 'UpdateEndpoint')).toHaveLength(1);
    expect(retried.scheduled).toEqual([expect.objectContaining({ step: 2 })]);
  });

  it('a check for a step the runbook no longer has ends the ladder as cancelled, and does nothing', async () => {
    const { run, timers, clock, deps, store, writer } = await ladderEngine();
    clock.set(T0);
    await run(transition('ALARM', T0), 'alarm');
    const timer = timers.takeDue() as ScheduledCheck;
    const withoutLadder = await testEngine(LADDER_RUNBOOK.replace(/ {4}escalate:[\s\S]*$/, ''));
    const before = writer.calls.length;
    clock.set(timer.at);
    const report = await handleEvent(checkEvent(timer.check, timer.at), 'check', { ...deps, runbook: withoutLadder.deps.runbook });
    expect(report.actions).toEqual([]);
    expect(report.ladders).toEqual([
      expect.objectContaining({
        event: 'cancelled',
        reason:
          'rule errors has no escalate step 1 (the runbook changed since the check was scheduled, or this check is not one it scheduled): the ladder ends',
      }),
    ]);
    expect((await store.getLadders(ALARM_ARN))[0]).toMatchObject({ status: 'cancelled' });
    expect(writer.calls.length).toBe(before);
  });

  it('scheduling the first check fails: the event fails, and its retry schedules the same timer once', async () => {
    const { timers, clock, deps, store } = await ladderEngine();
    clock.set(T0);
    let refuse = true;
    deps.timers = {
      schedule: async (t) => {
        if (refuse) throw new MedicError('aws-throttled', 'scheduler:CreateSchedule failed: ThrottlingException');
        await timers.schedule(t);
      },
      cancel: (n) => timers.cancel(n),
    };
    const failed = await handleEvent(transition('ALARM', T0), 'alarm', deps);
    expect(failed.errorKind).toBe('aws-throttled');
    refuse = false;
    const retried = await handleEvent(transition('ALARM', T0), 'alarm', deps);
    expect(outcome(retried)).toEqual(['scale:executed', 'notify:executed']);
    expect(retried.actions.every((a) => a.reason.startsWith('already done in an earlier attempt'))).toBe(true);
    expect(retried.scheduled).toHaveLength(1);
    expect(timers.size).toBe(1);
    expect(await store.getLadders(ALARM_ARN)).toHaveLength(1);
  });

  it('two laddered rules on one alarm (continue: true) each run their own steps', async () => {
    const twoLadders = LADDER_RUNBOOK.replace(
      '  - id: errors\n',
      '  - id: first\n    match: { kind: alarm, state: ALARM, alarm: "*-5xx-rate" }\n    actions: [{ notify: { topic: ops } }]\n    continue: true\n    escalate:\n      - { after: 10m, actions: [{ notify: { topic: ops, severity: high } }] }\n  - id: errors\n',
    );
    const { run, fire, timers, clock } = await ladderEngine(twoLadders);
    clock.set(T0);
    const alarm = await run(transition('ALARM', T0), 'alarm');
    expect(alarm.scheduled?.map((s) => s.rule)).toEqual(['first', 'errors']);
    expect(timers.size).toBe(2);
    const ran: string[] = [];
    while (timers.size > 0) {
      const { report } = await fire();
      ran.push(...(report.ladders ?? []).map((l) => `${l.rule}:${l.event}`));
    }
    expect(ran).toEqual(['first:step', 'first:exhausted', 'errors:step', 'errors:step', 'errors:exhausted']);
  });

  it('ALARM -> ALARM (the same ALARM persisting) keeps the ladder it has', async () => {
    const { run, timers, store, clock } = await ladderEngine();
    clock.set(T0);
    await run(transition('ALARM', T0), 'alarm');
    clock.set(T0 + 5 * MINUTE);
    const again = transition('ALARM', T0 + 5 * MINUTE);
    const detail = again.detail as { state: Record<string, unknown>; previousState: Record<string, unknown> };
    detail.previousState = { value: 'ALARM', timestamp: SINCE };
    detail.state.timestamp = new Date(T0 + 5 * MINUTE).toISOString().replace('Z', '+0000');
    const report = await run(again, 'alarm-again');
    expect(report.ladders).toBeUndefined();
    expect(timers.size).toBe(1);
    expect((await store.getLadders(ALARM_ARN))[0]).toMatchObject({ key: LADDER, status: 'open' });
  });

  it('an OK that ends the ladder while a check runs wins: the check does not bring the ladder back', async () => {
    const { run, timers, store, clock, deps } = await ladderEngine();
    clock.set(T0);
    await run(transition('ALARM', T0), 'alarm');
    const timer = timers.takeDue() as ScheduledCheck;
    clock.set(timer.at);
    // The OK lands between the check's read of the ladder and its write: played here by the
    // first write the check makes, which the OK's write overtakes.
    const putLadder = store.putLadder.bind(store);
    let raced = false;
    store.putLadder = async (ladder, ttl, now, expected) => {
      if (expected && !raced) {
        raced = true;
        await run(transition('OK', timer.at - 1000), 'ok');
      }
      return putLadder(ladder, ttl, now, expected);
    };
    const report = await handleEvent(checkEvent(timer.check, timer.at), 'check', deps);
    // The step had run (the OK takes no endpoint lock); its ladder is not resurrected.
    expect(report.ladders?.map((l) => l.event)).toEqual(['step', 'stale']);
    expect(report.scheduled).toBeUndefined();
    expect((await store.getLadders(ALARM_ARN))[0]).toMatchObject({ status: 'resolved' });
  });

  it('a step the endpoint keeps busy is given up after 12 attempts, said so, and the ladder moves on', async () => {
    const { run, fire, clock } = await ladderEngine();
    clock.set(T0);
    await run(transition('ALARM', T0), 'alarm');
    const updating = structuredClone(sample('35-'));
    (updating.detail as Record<string, unknown>).EndpointName = 'fraud-prod';
    const events: string[] = [];
    for (let i = 0; i < 12; i++) {
      // Busy news every check, so the mark never gets an hour old.
      updating.time = new Date(clock.now()).toISOString();
      updating.id = `updating-${i}`;
      await run(updating, `updating-${i}`);
      const { report } = await fire();
      events.push(...(report.ladders ?? []).map((l) => l.event));
    }
    expect(events).toEqual([...Array(11).fill('held'), 'gave-up']);
  });

  it('a check whose `since` is not a time is bad input', async () => {
    const { deps } = await ladderEngine();
    const check = { ladder: LADDER, step: 1, attempt: 1, rule: 'errors', alarmArn: ALARM_ARN, endpoint: 'fraud-prod', since: 'yesterday' };
    const report = await handleEvent(checkEvent(check, T0), 'bad', deps);
    expect(report.errorKind).toBe('invalid-event');
    expect(report.error).toMatch(/^remediation check: detail\.since: expected the ALARM state timestamp/);
  });

  it('a quiet silence holds a ladder step and its notify; the step is tried again, not spent', async () => {
    const { run, fire, clock, deps } = await ladderEngine();
    clock.set(T0);
    await run(transition('ALARM', T0), 'alarm');
    const window = { startsAt: new Date(T0).toISOString(), endsAt: new Date(T0 + 60 * MINUTE).toISOString() };
    const by = 'arn:aws:sts::111122223333:assumed-role/oncall/alice';
    await handleEvent(
      operatorEvent(
        'Silence Created',
        { silence: 'sil-q', endpoint: 'fraud-prod', quiet: true, by, reason: 'hands off', ...window },
        { account: '111122223333', region: 'us-east-1', time: new Date(T0), id: 'op-q' },
      ),
      'op-q',
      deps,
    );
    const held = await fire();
    expect(held.report.actions.map((a) => `${a.type}:${a.status}:${a.suppressedBy ?? ''}`)).toEqual([
      'rollback:suppressed:silenced',
      'notify:suppressed:silenced',
    ]);
    expect(held.report.ladders).toEqual([expect.objectContaining({ event: 'held', reason: 'step 1 is silenced: tried again in 5m' })]);
    expect(held.report.scheduled).toEqual([expect.objectContaining({ step: 1, attempt: 2 })]);
  });
});
