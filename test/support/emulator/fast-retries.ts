/**
 * Makes the SDK's real retries fast without replacing them: the retry strategy, its attempt
 * count and its retry decisions stay the SDK's own; only the waiting goes. Backoff is
 * `random() * base * 2^attempt` (1 s base for throttling), so random() -> 0 removes it; the
 * adaptive rate limiter, once throttled, makes each send wait for a token refilled in real
 * time (about 2 s at its minimum rate), so its wait resolves at once here. Registers its own
 * before/after hooks.
 */
import { DefaultRateLimiter } from '@smithy/core/retry';
import { afterAll, beforeAll, vi } from 'vitest';

export function fastRetries(): void {
  beforeAll(() => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    vi.spyOn(DefaultRateLimiter.prototype, 'getSendToken').mockResolvedValue(undefined);
  });
  afterAll(() => {
    vi.mocked(Math.random).mockRestore();
    vi.mocked(DefaultRateLimiter.prototype.getSendToken).mockRestore();
  });
}
