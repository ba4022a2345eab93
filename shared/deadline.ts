/**
 * The invocation's deadline, as the engine's leases see it. A Lambda killed at its timeout runs
 * no `finally`: whatever it held (the signal's claim, the endpoint's lock) stays held until its
 * lease ends. So a lease ends soon after the invocation must stop, never later than the
 * runbook's own, as Powertools idempotency ties its in-progress expiry to the remaining time.
 */
const LEASE_MARGIN_MS = 10_000;

export function leaseMs(configured: number, now: number, deps: { deadline?: number }): number {
  if (deps.deadline === undefined) return configured;
  return Math.min(configured, Math.max(1_000, deps.deadline - now + LEASE_MARGIN_MS));
}
