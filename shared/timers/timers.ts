/**
 * The timers port: a ladder's next check, or an approval's deadline, is due later than any Lambda
 * may wait, so it is handed to something that outlives the function. In AWS: an EventBridge
 * Scheduler one-time schedule (eventbridge-scheduler.ts). Offline: a virtual queue that backtest
 * drains in time order (virtual.ts), or a recorder that replay reports (`scheduled` in its JSON).
 */
import type { ApprovalExpiry } from '../signals/approval-expiry.js';
import type { RemediationCheck } from '../signals/check.js';

interface TimerCommon {
  /** When the timer is due, epoch ms. */
  at: number;
  /** Deterministic (checkTimerName, expiryTimerName), so creating it twice is one timer. */
  name: string;
}

/** A ladder's next check. */
export interface ScheduledCheck extends TimerCommon {
  check: RemediationCheck;
}

/** An approval's deadline, in the account and region of the signal that asked for it. */
export interface ScheduledExpiry extends TimerCommon {
  expiry: ApprovalExpiry;
  place: { account: string; region: string };
}

export type ScheduledTimer = ScheduledCheck | ScheduledExpiry;

export interface Timers {
  /** Creates the timer. One that already exists under this name is not an error (a retry). */
  schedule(timer: ScheduledTimer): Promise<void>;
  /** Cancels a pending timer. One that has fired, or never existed, is not an error. */
  cancel(name: string): Promise<void>;
}
