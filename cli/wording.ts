/**
 * The CLI's own words for what the engine reports. The engine's messages are written for the
 * Lambda, where a transient failure makes EventBridge deliver the event again ("the event will
 * be retried"). Nothing retries in the CLI, so it says what the operator can do instead. The
 * Lambda's log text is unchanged: only what the CLI prints is reworded: every stderr line (in
 * main), and the reports replay and backtest print (cliReport).
 */
import { RETRY_NOTE } from '../shared/errors.js';
import type { EventReport } from '../shared/report.js';

// After the SDK's own attempts ("sent 4 times"), nothing else re-sends: the operator does.
export const CLI_RETRY_NOTE = "no retry beyond the SDK's: run the command again";

export function cliMessage(message: string): string;
export function cliMessage(message: string | null): string | null;
export function cliMessage(message: string | null): string | null {
  return message === null ? null : message.replaceAll(RETRY_NOTE, CLI_RETRY_NOTE);
}

export function cliReport(report: EventReport): EventReport {
  return {
    ...report,
    error: cliMessage(report.error),
    actions: report.actions.map((a) => ({
      ...a,
      reason: cliMessage(a.reason),
      ...(a.error ? { error: { ...a.error, message: cliMessage(a.error.message) } } : {}),
    })),
  };
}
