/**
 * What one invocation holds while it runs rules on a signal (or a ladder step, or an approved
 * action): the endpoint's lock when a rule changes it, the state read once under it, and the
 * writes that wait for the end. It is shaped by DynamoDB round trips (docs/performance.md,
 * "DynamoDB round trips"): one round of parallel reads, one round after each change, one last
 * round, and the order that the guarantees need between them:
 *
 * - a change's completion record, what it remembers (a scale-out, for restore) and the guard
 *   state it makes certain (the rule's cooldown, the change's remediation record) land together
 *   right after it, before anything else is done: a retry must not make that change again, and
 *   the next holder of the lock must see its cooldown and count;
 * - guard state that only the end of a rule decides lands before the lock is let go;
 * - completion records of what changed no endpoint (a notify, a retrain, a skip) go in the last
 *   round, with the lock's release and the claim's completion: a duplicate that finds the claim
 *   completed does nothing, and a released claim is released only after them.
 */
import type { EngineDeps } from './engine.js';
import { type GuardSnapshot, type GuardWrite, guardWriteKey, noteGuardWrite } from './guards/snapshot.js';
import { HOUR_MS } from './guards.js';
import type { ActionReport } from './report.js';
import { settle, type Write } from './state/settle.js';
import type { LadderState, StateStore } from './state/store.js';

export { settle, type Write } from './state/settle.js';

export interface Session {
  /** The endpoint whose lock this invocation holds (a rule changes it), if any. */
  lockedEndpoint?: string;
  snapshot: GuardSnapshot;
  /** The completion records of the signal (ladder step, approval) when the session began. */
  done: Map<string, ActionReport>;
  /** Completion records of actions that changed no endpoint: written in the last round. */
  deferred: Write[];
  /** Guard writes the rules' outcomes decided, by item, and the items already written. */
  decided: Map<string, GuardWrite>;
  written: Set<string>;
}

type Deps = Pick<EngineDeps, 'store' | 'clock' | 'owner'>;

/**
 * The session's one round of reads, all at once (the lock, if any, is held already): the
 * completion records, the endpoint's partition (cooldowns, circuit, status), the silences, the
 * hour's changes to the locked endpoint, and the alarm's ladders when a rule has one.
 */
export async function openSession(
  deps: Deps,
  options: { recordsKey: string; endpoint: string | undefined; lockedEndpoint?: string; laddersOf?: string },
): Promise<{ session: Session; ladders: LadderState[] }> {
  const { store } = deps;
  const now = deps.clock.now();
  const locked = options.lockedEndpoint;
  const [done, ladders, silences, endpoint, remediations] = await Promise.all([
    store.getActionRecords(options.recordsKey),
    options.laddersOf === undefined ? [] : store.getLadders(options.laddersOf),
    store.listSilences(now),
    store.getEndpointSnapshot(options.endpoint ?? '*', now),
    locked === undefined ? 0 : store.countRemediations(locked, now - HOUR_MS),
  ]);
  const session: Session = {
    snapshot: { silences, endpoint, remediations },
    done,
    deferred: [],
    decided: new Map(),
    written: new Set(),
  };
  if (locked !== undefined) session.lockedEndpoint = locked;
  return { session, ladders };
}

function guardWriteOf(store: StateStore, write: GuardWrite): Write {
  return write.kind === 'cooldown'
    ? () => store.setCooldownUntil(write.rule, write.endpoint, write.until, write.by)
    : () => store.recordRemediation(write.endpoint, write.id, write.at, write.ttlMs);
}

/** The round right after a change: its record and memory (`writes`) with the guard state it makes certain. */
export async function writeChange(session: Session, deps: Deps, writes: Write[], guard: readonly GuardWrite[]): Promise<void> {
  const fresh = guard.filter((w) => !session.written.has(guardWriteKey(w)));
  await settle([...writes, ...fresh.map((w) => guardWriteOf(deps.store, w))]);
  for (const w of fresh) session.written.add(guardWriteKey(w));
}

/** At the end of a rule: the guard writes its outcome decided, noted in the snapshot for the rules after it. */
export function decideGuardWrites(session: Session, writes: readonly GuardWrite[]): void {
  for (const write of writes) {
    const key = guardWriteKey(write);
    if (session.decided.has(key)) continue;
    session.decided.set(key, write);
    noteGuardWrite(session.snapshot, write, session.lockedEndpoint);
  }
}

function unwrittenGuardWrites(session: Session, store: StateStore): Write[] {
  return [...session.decided].filter(([key]) => !session.written.has(key)).map(([, write]) => guardWriteOf(store, write));
}

function releaseLock(endpoint: string | undefined, deps: Deps): Write | undefined {
  return endpoint === undefined ? undefined : () => deps.store.releaseLock(endpoint, deps.owner);
}

/**
 * The session's last writes, in as few rounds as their order allows: guard state not written yet
 * lands before the lock is let go (one more round, only when a lock is held and a rule decided
 * some at its end); then the deferred records, the lock's release and `last` (the caller's: the
 * claim's completion, ladders, the audit) together. `recordsFirst`: `last` releases the claim
 * for a retry, which must find every record, so the records go in the round before.
 */
export async function closeSession(session: Session, deps: Deps, last: Write[], recordsFirst = false): Promise<void> {
  const guard = unwrittenGuardWrites(session, deps.store);
  const locked = session.lockedEndpoint !== undefined;
  const before = [...(locked ? guard : []), ...(recordsFirst ? session.deferred : [])];
  if (before.length > 0) await settle(before);
  await settle([...(recordsFirst ? [] : session.deferred), ...(locked ? [] : guard), releaseLock(session.lockedEndpoint, deps), ...last]);
}

/**
 * After a failure: what was decided still lands (records and guard state, before anything is let
 * go), then the lock and `release` (the claim) go, whatever failed on the way. Never throws: the
 * caller rethrows the failure that brought it here.
 */
export async function abandonSession(
  session: Session | undefined,
  lockedEndpoint: string | undefined,
  deps: Deps,
  release: Write[],
): Promise<void> {
  if (session) await settle([...session.deferred, ...unwrittenGuardWrites(session, deps.store)]).catch(() => undefined);
  await settle([releaseLock(lockedEndpoint, deps), ...release]).catch(() => undefined);
}
