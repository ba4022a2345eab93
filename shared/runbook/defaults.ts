/**
 * What a runbook means when it does not say (`defaults:` in docs/runbook.md), in one value so that
 * the documentation, the loader and the tests agree.
 */
import type { Mode } from './types.js';

export const RUNBOOK_DEFAULTS = {
  mode: 'live' as Mode,
  cooldownMs: 15 * 60_000,
  scaleMin: 1,
  maxRemediationsPerHour: 6,
  lockLeaseMs: 5 * 60_000,
  dedupeMs: 24 * 60 * 60_000,
} as const;

/**
 * `defaults.scale.max` when the runbook sets none: no runbook-wide cap. The loader then
 * refuses any scale-out without its own `max`, so a loaded action always has a finite cap
 * as `min(params.max, defaults.scale.max)`.
 */
export const NO_DEFAULT_SCALE_MAX = Number.POSITIVE_INFINITY;
