/**
 * The timers port: a ladder's next check is due later than any Lambda may wait, so it is handed
 * to something that outlives the function. In AWS: an EventBridge Scheduler one-time schedule
 * (eventbridge-scheduler.ts). Offline: a virtual queue that backtest drains in time order
 * (virtual.ts), or a recorder that replay reports (`scheduled` in its JSON).
 */
import type { RemediationCheck } from '../signals/check.js';

export interface ScheduledCheck {
  /** When the check is due, epoch ms. */
  at: number;
  /** checkTimerName(check): deterministic, so creating it twice is one timer. */
  name: string;
  check: RemediationCheck;
}

export interface Timers {
  /** Creates the timer. One that already exists under this name is not an error (a retry). */
  schedule(timer: ScheduledCheck): Promise<void>;
  /** Cancels a pending timer. One that has fired, or never existed, is not an error. */
  cancel(name: string): Promise<void>;
}
