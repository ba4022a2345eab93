/**
 * What an invocation takes before it decides anything against state: the signal's claim
 * (dedupe: one invocation per occurrence) and, when one of the matched rules changes the
 * endpoint, the endpoint's lock (one change at a time per endpoint). Both are leases that end
 * with the invocation's deadline (deadline.ts), so a killed invocation holds neither for long.
 *
 * The rules that match are known before either (decide() is pure), so the two are tried in the
 * same round trip. They cannot be taken atomically without a transaction (which dynalite lacks),
 * so a duplicate delivery may take the lock for a moment before it learns that it lost the
 * claim; it then lets go at once, and the claim's winner may take the lock over from it (a lock
 * held for the same signal key, by another owner, is such a duplicate: it acts on nothing).
 */
import { leaseMs } from './deadline.js';
import type { EngineDeps } from './engine.js';
import { MedicError, RETRY_NOTE } from './errors.js';
import type { SignalClaim } from './state/store.js';

const DEFAULT_LOCK_WAIT_MS = 20_000;
const LOCK_POLL_MS = 250;

type Deps = Pick<EngineDeps, 'runbook' | 'store' | 'clock' | 'owner' | 'lockWaitMs' | 'sleep' | 'deadline'>;

/**
 * Claims `key` and, with `endpoint`, locks it for the claim's holder. A duplicate gets the claim's
 * answer (completed, or in progress by another owner) and holds nothing. A busy lock is waited
 * for as takeLock does; if it cannot be had, the claim is released (the retry claims it again)
 * and the error is thrown.
 */
export async function claimWithLock(key: string, endpoint: string | undefined, deps: Deps): Promise<SignalClaim> {
  const { defaults } = deps.runbook.runbook;
  const now = deps.clock.now();
  const lease = leaseMs(defaults.lockLeaseMs, now, deps);
  const [claim, lock] = await Promise.allSettled([
    deps.store.claimSignal(key, deps.owner, now, lease, defaults.dedupeMs),
    endpoint === undefined ? Promise.resolve(false) : deps.store.acquireLock(endpoint, deps.owner, now, lease, key),
  ]);
  const locked = lock.status === 'fulfilled' && lock.value;
  if (claim.status === 'rejected' || claim.value.status !== 'started') {
    // A duplicate (or a claim that failed) took the lock for nothing: it lets go at once. Should
    // that fail, the claim's holder (or this event's retry) takes it over: it is held for this key.
    if (claim.status === 'rejected') {
      if (locked && endpoint !== undefined) await deps.store.releaseLock(endpoint, deps.owner).catch(() => undefined);
      throw claim.reason;
    }
    if (locked && endpoint !== undefined) await deps.store.releaseLock(endpoint, deps.owner);
    return claim.value;
  }
  if (endpoint === undefined || locked) return claim.value;
  try {
    if (lock.status === 'rejected') throw lock.reason;
    // The holder may be a duplicate of this very signal: take the lock over from it.
    await takeLock(endpoint, key, deps, true);
  } catch (error) {
    await deps.store.releaseSignal(key, deps.owner);
    throw error;
  }
  return claim.value;
}

/**
 * Takes the endpoint's lock for `key`, polling while another invocation holds it, up to the
 * lock wait and never past the invocation's deadline: then the event fails as busy (retryable).
 * `takeOver`: the caller holds `key`'s claim, so a holder of the lock for that same key is a
 * duplicate that lost the claim, and the lock is taken from it.
 */
export async function takeLock(endpoint: string, key: string, deps: Deps, takeOver = false): Promise<void> {
  const lease = deps.runbook.runbook.defaults.lockLeaseMs;
  const waitMs = deps.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let waited = 0; ; waited += LOCK_POLL_MS) {
    const now = deps.clock.now();
    if (await deps.store.acquireLock(endpoint, deps.owner, now, leaseMs(lease, now, deps), key, takeOver)) return;
    if (waited >= waitMs) break;
    // Waiting past the invocation's deadline would leave no time to act: let a retry try again.
    if (deps.deadline !== undefined && deps.clock.now() + LOCK_POLL_MS >= deps.deadline) {
      throw new MedicError(
        'busy',
        `endpoint ${endpoint} is locked by another remediation and this invocation is near its deadline; ${RETRY_NOTE}`,
      );
    }
    await sleep(LOCK_POLL_MS);
  }
  throw new MedicError(
    'busy',
    `endpoint ${endpoint} is locked by another remediation (waited ${Math.round(waitMs / 1000)} s); ${RETRY_NOTE}`,
  );
}
