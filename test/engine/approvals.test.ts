/**
 * Approvals through the real engine (docs/operator-controls.md#approvals): an action the rule
 * reserves for a human waits with an id, its notify says how to approve it and by when; a grant
 * plans it again against current state through the guards (not the cooldown) and runs it once,
 * however many grants race; a rejection or the deadline drops it with one notification.
 */
import { describe, expect, it } from 'vitest';
import { handleEvent } from '../../shared/engine.js';
import { MedicError } from '../../shared/errors.js';
import type { EventReport } from '../../shared/report.js';
import { approvalExpiryEvent, expiryTimerName } from '../../shared/signals/approval-expiry.js';
import { operatorEvent } from '../../shared/signals/operator.js';
import type { Approval } from '../../shared/state/store.js';
import { timerEvent } from '../../shared/timers/timer-event.js';
import { VirtualTimers } from '../../shared/timers/virtual.js';
import { START, testEngine } from '../support/engine.js';
import { recordedReader, sample } from '../support/samples.js';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:ops';
const RUNBOOK = `
version: 1
defaults: { cooldown: 1h, scale: { max: 8 }, maxRemediationsPerHour: 6 }
topics: { ops: ${TOPIC} }
rules:
  - id: rollback-5xx
    match: { kind: alarm, state: ALARM, alarm: "*-5xx-rate" }
    approval: { for: [rollback], expires: 30m }
    actions:
      - rollback: {}
      - notify: { topic: ops, severity: high }
`;
const MINUTE = 60_000;
const ALICE = 'arn:aws:sts::111122223333:assumed-role/oncall/alice';
const BOB = 'arn:aws:sts::111122223333:assumed-role/oncall/bob';
const where = (at: number, id: string) => ({ account: '111122223333', region: 'us-east-1', time: new Date(at), id });
const outcome = (r: EventReport) => r.actions.map((a) => `${a.type}:${a.status}${a.suppressedBy ? `:${a.suppressedBy}` : ''}`);
const grant = (id: string, at: number, eventId: string, by = ALICE) =>
  operatorEvent('Approval Granted', { approval: id, by, reason: 'checked the dashboards' }, where(at, eventId));
const reject = (id: string, at: number, eventId: string, by = BOB) =>
  operatorEvent('Approval Rejected', { approval: id, by, reason: 'a deploy is rolling out' }, where(at, eventId));

/** The recorded AWS state, with every alarm back to OK: the incident an approval was asked for is over. */
function alarmsNowOk() {
  const recovered = recordedReader();
  const describe = recovered.describeAlarms.bind(recovered);
  return Object.assign(Object.create(recovered), {
    describeAlarms: async (names: string[]) => (await describe(names)).map((a) => ({ ...a, StateValue: 'OK' })),
  }) as typeof recovered;
}

async function asked() {
  const engine = await testEngine(RUNBOOK);
  const timers = new VirtualTimers();
  engine.deps.timers = timers;
  // The sample's own ALARM (04:36:20), the transition the recorded alarm state is in: a grant checks it.
  const alarm = await handleEvent(sample('05-'), 'alarm-1', engine.deps);
  const id = alarm.actions[0]?.approval as string;
  return { ...engine, timers, alarm, id };
}

describe('approvals', () => {
  it('an approved-only action waits with an id; the notify names the command and the deadline; the expiry is scheduled', async () => {
    const { alarm, id, writer, store, timers } = await asked();
    const deadline = new Date(START + 30 * MINUTE).toISOString();
    expect(outcome(alarm)).toEqual(['rollback:awaiting-approval:awaiting-approval', 'notify:executed']);
    expect(id).toMatch(/^apr-[0-9a-f]{16}$/);
    expect(alarm.actions[0]?.reason).toContain(`waits for approval until ${deadline}`);
    expect(alarm.actions[0]?.reason).toContain(`medic approve ${id}`);
    expect(alarm.actions[0]?.calls).toEqual([]);
    // Nothing changed the endpoint: one SNS message that says how to approve.
    expect(writer.operations()).toEqual(['sns:Publish']);
    const message = String(writer.calls[0]?.input.Message);
    expect(message).toContain(`  - rollback: WAITING FOR YOUR APPROVAL: `);
    expect(message).toContain(`medic approve ${id}`);
    expect(message).toContain(deadline);
    expect(alarm.approvals).toEqual([
      expect.objectContaining({
        approval: id,
        rule: 'rollback-5xx',
        action: 'rollback',
        endpoint: 'fraud-prod',
        event: 'asked',
        expiresAt: deadline,
      }),
    ]);
    // The timer is set a minute after the deadline: Scheduler may fire up to 59 s early.
    expect(alarm.scheduled).toEqual([{ at: new Date(START + 31 * MINUTE).toISOString(), approval: id, rule: 'rollback-5xx' }]);
    expect(timers.size).toBe(1);
    expect((await store.listPendingApprovals(START)).map((a) => a.id)).toEqual([id]);
  });

  it('a retry of the same alarm asks the same approval, once', async () => {
    const { deps, id, store, timers } = await asked();
    const again = await handleEvent(sample('05-'), 'alarm-1-retry', deps);
    // The signal was handled: a duplicate. Nothing asked twice.
    expect(outcome(again)).toEqual(['rollback:suppressed:dedupe', 'notify:suppressed:dedupe']);
    expect((await store.listPendingApprovals(START)).map((a) => a.id)).toEqual([id]);
    expect(timers.size).toBe(1);
  });

  it('granted: planned again and run once through the guards, not the cooldown; the team is told; a second grant does nothing', async () => {
    const { deps, clock, id, writer, store, timers } = await asked();
    clock.set(START + 5 * MINUTE);
    const granted = await handleEvent(grant(id, START + 5 * MINUTE, 'op-grant-1'), 'op-grant-1', deps);
    expect(granted.operator).toEqual({ type: 'Approval Granted', by: ALICE, reason: 'checked the dashboards', endpoint: 'fraud-prod' });
    expect(outcome(granted)).toEqual(['rollback:executed', 'notify:executed']);
    expect(granted.actions[0]).toMatchObject({ approval: id, reason: expect.stringMatching(new RegExp(`^approved by ${ALICE}: `)) });
    expect(granted.approvals?.map((a) => a.event)).toEqual(['granted']);
    expect(granted.recorded).toBe(`approval ${id} (rollback of rule rollback-5xx on fraud-prod) granted by ${ALICE}: rollback executed`);
    expect(writer.operations()).toEqual(['sns:Publish', 'sagemaker:UpdateEndpoint', 'sns:Publish']);
    expect(String(writer.calls[2]?.input.Subject)).toContain('fraud-prod: approved rollback executed');
    expect(await store.getApproval(id)).toMatchObject({ status: 'granted', decidedBy: ALICE });
    expect(timers.size).toBe(0); // the expiry timer is cancelled
    const second = await handleEvent(grant(id, START + 6 * MINUTE, 'op-grant-2', BOB), 'op-grant-2', deps);
    expect(second.ignored).toMatch(new RegExp(`^approval ${id} was granted by ${ALICE.replace(/[/]/g, '.')} at `));
    expect(second.actions).toEqual([]);
    expect(writer.operations().filter((o) => o === 'sagemaker:UpdateEndpoint')).toHaveLength(1);
  });

  it('two grants delivered at once run the action once; the other is retried (busy) and then finds it granted', async () => {
    const { deps, clock, id, writer } = await asked();
    clock.set(START + 5 * MINUTE);
    const reports = await Promise.all([
      handleEvent(grant(id, START + 5 * MINUTE, 'op-a'), 'op-a', { ...deps, owner: 'req-a' }),
      handleEvent(grant(id, START + 5 * MINUTE, 'op-b', BOB), 'op-b', { ...deps, owner: 'req-b' }),
    ]);
    expect(writer.operations().filter((o) => o === 'sagemaker:UpdateEndpoint')).toHaveLength(1);
    expect(reports.filter((r) => r.actions.some((a) => a.status === 'executed'))).toHaveLength(1);
    const loser = reports.find((r) => r.error !== null) as EventReport;
    expect(loser.errorKind).toBe('busy');
    expect(loser.error).toContain(`approval ${id} is being decided by another invocation`);
    // Lambda retries the loser: it finds the approval granted by the other.
    const retried = await handleEvent(grant(id, START + 6 * MINUTE, loser.event, loser.event === 'op-a' ? ALICE : BOB), loser.event, deps);
    expect(retried.ignored).toContain('was granted by');
    expect(writer.operations().filter((o) => o === 'sagemaker:UpdateEndpoint')).toHaveLength(1);
  });

  it('rejected: dropped with one notification; a grant afterwards and the expiry do nothing', async () => {
    const { deps, clock, id, writer, store } = await asked();
    clock.set(START + 2 * MINUTE);
    const rejected = await handleEvent(reject(id, START + 2 * MINUTE, 'op-reject'), 'op-reject', deps);
    expect(rejected.recorded).toBe(
      `approval ${id} (rollback of rule rollback-5xx on fraud-prod) rejected by ${BOB}: a deploy is rolling out: dropped`,
    );
    expect(outcome(rejected)).toEqual(['notify:executed']);
    expect(String(writer.calls[1]?.input.Subject)).toContain('rollback rejected by');
    expect(await store.getApproval(id)).toMatchObject({ status: 'rejected', decidedBy: BOB, reason: 'a deploy is rolling out' });
    const late = await handleEvent(grant(id, START + 3 * MINUTE, 'op-grant'), 'op-grant', deps);
    expect(late.ignored).toContain('was rejected by');
    clock.set(START + 30 * MINUTE);
    const expiry = await handleEvent(
      approvalExpiryEvent({ approval: id, rule: 'rollback-5xx', expiresAt: START + 30 * MINUTE }, where(0, '')),
      'expiry',
      deps,
    );
    expect(expiry.ignored).toContain('nothing to expire');
    expect(writer.operations()).toEqual(['sns:Publish', 'sns:Publish']);
  });

  it('expired: the timer drops it with one notification, however often it fires; a grant after the deadline runs nothing', async () => {
    const { deps, clock, id, writer, store, timers } = await asked();
    const timer = timers.takeDue();
    expect(timer?.name).toBe(expiryTimerName(id));
    if (!timer) throw new Error('no expiry timer');
    clock.set(timer.at);
    const first = await handleEvent(timerEvent(timer), timer.name, deps);
    expect(first.recorded).toBe(`approval ${id} (rollback of rule rollback-5xx on fraud-prod) expired without a decision: dropped`);
    expect(first.approvals?.map((a) => a.event)).toEqual(['expired']);
    expect(outcome(first)).toEqual(['notify:executed']);
    expect(String(writer.calls[1]?.input.Subject)).toContain('not approved in time');
    const again = await handleEvent(timerEvent(timer), timer.name, { ...deps, owner: 'another' });
    expect(again.actions).toEqual([]);
    expect(await store.getApproval(id)).toMatchObject({ status: 'expired' });
    const late = await handleEvent(grant(id, timer.at + MINUTE, 'op-late'), 'op-late', deps);
    expect(late.ignored).toContain('expired at');
    expect(writer.operations()).toEqual(['sns:Publish', 'sns:Publish']);
  });

  it('a grant that meets a busy endpoint is held, the approver is told, and it is pending again; approved again later, it runs', async () => {
    const { deps, clock, id, writer, store } = await asked();
    await store.recordEndpointStatus('fraud-prod', { status: 'Updating', at: START + MINUTE }, 3600_000);
    clock.set(START + 2 * MINUTE);
    const held = await handleEvent(grant(id, START + 2 * MINUTE, 'op-1'), 'op-1', deps);
    expect(outcome(held)).toEqual(['rollback:suppressed:endpoint-busy', 'notify:executed']);
    expect(held.approvals?.[0]).toMatchObject({ event: 'held', reason: expect.stringContaining('approve again once that has passed') });
    expect(String(writer.calls[1]?.input.Subject)).toContain('fraud-prod: approved rollback held (endpoint-busy)');
    expect(await store.getApproval(id)).toMatchObject({ status: 'pending' });
    await store.recordEndpointStatus('fraud-prod', { status: 'InService', at: START + 3 * MINUTE }, 3600_000);
    clock.set(START + 4 * MINUTE);
    const ran = await handleEvent(grant(id, START + 4 * MINUTE, 'op-2'), 'op-2', deps);
    expect(outcome(ran)).toEqual(['rollback:executed', 'notify:executed']);
    expect(writer.operations().filter((o) => o === 'sagemaker:UpdateEndpoint')).toHaveLength(1);
  });

  it('a grant whose change fails for a reason that passes stays granted; the retry of that event runs it, and the expiry meanwhile does nothing', async () => {
    const { deps, clock, id, writer, store, timers } = await asked();
    writer.fail = (call, attempt) =>
      call.operation === 'UpdateEndpoint' && attempt === 1 ? new MedicError('aws-throttled', 'UpdateEndpoint throttled') : undefined;
    clock.set(START + 29 * MINUTE);
    const first = await handleEvent(grant(id, START + 29 * MINUTE, 'op-1'), 'op-1', deps);
    expect(outcome(first)).toEqual(['rollback:failed']);
    expect(await store.getApproval(id)).toMatchObject({ status: 'granted', decidedBy: ALICE });
    // The deadline passes before Lambda retries: the expiry finds it granted and drops nothing.
    const timer = timers.takeDue();
    if (!timer) throw new Error('no expiry timer');
    clock.set(timer.at);
    const expiry = await handleEvent(timerEvent(timer), timer.name, deps);
    expect(expiry.ignored).toContain('was granted by');
    expect(expiry.actions).toEqual([]);
    const retry = await handleEvent(grant(id, START + 29 * MINUTE, 'op-1'), 'op-1', deps);
    expect(outcome(retry)).toEqual(['rollback:executed', 'notify:executed']);
    expect(writer.operations()).toEqual(['sns:Publish', 'sagemaker:UpdateEndpoint', 'sns:Publish']);
  });

  it("the granted notice is sent at least once: a retry after its Publish failed sends it, and doesn't run the rollback again", async () => {
    const { deps, clock, id, writer } = await asked();
    writer.fail = (call, attempt) =>
      call.operation === 'Publish' && attempt === 2 ? new MedicError('aws-throttled', 'Publish throttled') : undefined;
    clock.set(START + 3 * MINUTE);
    const first = await handleEvent(grant(id, START + 3 * MINUTE, 'op-1'), 'op-1', deps);
    expect(outcome(first)).toEqual(['rollback:executed', 'notify:failed']);
    const retry = await handleEvent(grant(id, START + 3 * MINUTE, 'op-1'), 'op-1', deps);
    expect(outcome(retry)).toEqual(['rollback:executed', 'notify:executed']);
    expect(retry.actions[0]?.reason).toContain('already done in an earlier attempt');
    expect(writer.operations()).toEqual(['sns:Publish', 'sagemaker:UpdateEndpoint', 'sns:Publish']);
  });

  it('a grant after the deadline, before the timer fired, drops it with one notice; the timer then does nothing', async () => {
    const { deps, clock, id, writer, store, timers } = await asked();
    clock.set(START + 30 * MINUTE + 20_000);
    const late = await handleEvent(grant(id, START + 30 * MINUTE + 20_000, 'op-late'), 'op-late', deps);
    expect(late.ignored).toContain('too late to approve');
    expect(outcome(late)).toEqual(['notify:executed']);
    expect(await store.getApproval(id)).toMatchObject({ status: 'expired' });
    const timer = timers.takeDue();
    if (!timer) throw new Error('no expiry timer');
    const fired = await handleEvent(timerEvent(timer), timer.name, deps);
    expect(fired.actions).toEqual([]);
    expect(writer.operations()).toEqual(['sns:Publish', 'sns:Publish']);
  });

  it('an expiry that fires before the deadline is retried (busy), not lost; a grant meanwhile still runs', async () => {
    const { deps, clock, id, writer, timers } = await asked();
    const timer = timers.takeDue();
    if (!timer) throw new Error('no expiry timer');
    expect(timer.at).toBe(START + 31 * MINUTE);
    clock.set(START + 30 * MINUTE - 500);
    const early = await handleEvent(timerEvent(timer), timer.name, deps);
    expect(early.errorKind).toBe('busy');
    expect(early.error).toContain('not expired yet');
    const granted = await handleEvent(grant(id, START + 30 * MINUTE - 400, 'op-1'), 'op-1', deps);
    expect(outcome(granted)).toEqual(['rollback:executed', 'notify:executed']);
    expect(writer.operations().filter((o) => o === 'sagemaker:UpdateEndpoint')).toHaveLength(1);
  });

  it('a withdrawn approval is told once: its timer, if it still fires, pages nobody; a late reject drops a pending one once', async () => {
    const { deps, clock, id, writer, timers } = await asked();
    deps.reader = alarmsNowOk();
    await handleEvent(grant(id, START + 5 * MINUTE, 'op-1'), 'op-1', deps);
    const timer = timers.takeDue();
    expect(timer).toBeUndefined(); // cancelled with the withdrawal
    clock.set(START + 31 * MINUTE);
    const { approvalExpiryEvent: expiryEvent } = await import('../../shared/signals/approval-expiry.js');
    const fired = await handleEvent(
      expiryEvent({ approval: id, rule: 'rollback-5xx', expiresAt: START + 30 * MINUTE }, where(0, '')),
      'late',
      deps,
    );
    expect(fired.ignored).toContain('already dropped');
    expect(writer.operations()).toEqual(['sns:Publish', 'sns:Publish']);

    const other = await asked();
    other.clock.set(START + 40 * MINUTE);
    const late = await handleEvent(reject(other.id, START + 40 * MINUTE, 'op-r'), 'op-r', other.deps);
    expect(late.ignored).toContain('nothing to reject, it is dropped');
    expect(outcome(late)).toEqual(['notify:executed']);
    expect(String(other.writer.calls[1]?.input.Subject)).toContain('not approved in time');
  });

  it('a grant after the alarm left that ALARM withdraws the approval with one notice: the incident it was for is over', async () => {
    const { deps, clock, id, writer, store } = await asked();
    deps.reader = alarmsNowOk();
    clock.set(START + 5 * MINUTE);
    const granted = await handleEvent(grant(id, START + 5 * MINUTE, 'op-1'), 'op-1', deps);
    expect(granted.ignored).toContain(`approval ${id} withdrawn: alarm fraud-prod-5xx-rate is OK now`);
    expect(outcome(granted)).toEqual(['notify:executed']);
    expect(String(writer.calls[1]?.input.Subject)).toContain('rollback withdrawn, no longer needed');
    expect(await store.getApproval(id)).toMatchObject({ status: 'expired' });
    expect(writer.operations().filter((o) => o === 'sagemaker:UpdateEndpoint')).toHaveLength(0);
  });

  it('a rule changed since the ask: the grant runs nothing and says why; the approval lapses at its deadline', async () => {
    const { deps, clock, id, writer } = await asked();
    const { compileRunbook } = await import('../../shared/runbook/index.js');
    const { loadRunbook } = await import('../../shared/runbook/load.js');
    deps.runbook = compileRunbook(loadRunbook(RUNBOOK.replace('rollback: {}', 'rollback: { wait: 5m }'), 'changed.yml', {}));
    clock.set(START + 5 * MINUTE);
    const granted = await handleEvent(grant(id, START + 5 * MINUTE, 'op-1'), 'op-1', deps);
    expect(granted.ignored).toContain('rule rollback-5xx no longer has this rollback');
    expect(writer.operations()).toEqual(['sns:Publish']);
  });

  it('approve what you saw: when the plan now differs from the one the approver was shown, nothing runs', async () => {
    const { deps, clock, id, writer, store } = await asked();
    const asked1 = (await store.getApproval(id)) as Approval;
    expect(asked1.planned?.calls).toEqual([
      {
        service: 'sagemaker',
        operation: 'UpdateEndpoint',
        input: expect.objectContaining({ EndpointConfigName: 'fraud-prod-config-2026-10-01' }),
      },
    ]);
    // Another approval of the same rollback, asked when the endpoint ran another config: its plan was another change.
    const seenThen: NonNullable<Approval['planned']> = {
      reason: 'roll fraud-prod back from fraud-prod-config-2026-12-01 to fraud-prod-config-2026-11-20',
      calls: [
        {
          service: 'sagemaker',
          operation: 'UpdateEndpoint',
          input: { EndpointName: 'fraud-prod', EndpointConfigName: 'fraud-prod-config-2026-11-20' },
        },
      ],
    };
    await store.putApproval({ ...asked1, id: 'apr-00000000000000aa', planned: seenThen }, 3600_000);
    clock.set(START + 3 * MINUTE);
    const stale = await handleEvent(grant('apr-00000000000000aa', START + 3 * MINUTE, 'op-2'), 'op-2', deps);
    expect(stale.actions[0]).toMatchObject({ type: 'rollback', status: 'skipped', approval: 'apr-00000000000000aa' });
    expect(stale.actions[0]?.reason).toContain(
      `not run: the plan changed since it was approved (then: ${seenThen.reason}; now: roll fraud-prod back from fraud-prod-config-2026-11-20 to fraud-prod-config-2026-10-01`,
    );
    expect(writer.operations().filter((o) => o === 'sagemaker:UpdateEndpoint')).toHaveLength(0);
  });

  it('a rejection that meets a grant at work is retried (busy), never dropped', async () => {
    const { deps, clock, id, store } = await asked();
    clock.set(START + 2 * MINUTE);
    await store.claimSignal(`approval#${id}`, 'someone-else', START + 2 * MINUTE, 60_000, 3600_000);
    const rejected = await handleEvent(reject(id, START + 2 * MINUTE, 'op-r'), 'op-r', deps);
    expect(rejected.errorKind).toBe('busy');
    await store.releaseSignal(`approval#${id}`, 'someone-else');
    const retried = await handleEvent(reject(id, START + 2 * MINUTE, 'op-r'), 'op-r', deps);
    expect(retried.recorded).toContain('rejected by');
  });

  it('unknown ids and the wrong kind of event say why and do nothing', async () => {
    const { deps, writer } = await asked();
    const unknown = await handleEvent(grant('apr-0000000000000000', START, 'op-x'), 'op-x', deps);
    expect(unknown.ignored).toContain('does not exist');
    expect(writer.operations()).toEqual(['sns:Publish']);
  });
});
