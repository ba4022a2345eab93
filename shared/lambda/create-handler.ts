/**
 * The one Lambda handler every entry point uses: a thin middy chain (logger context) around
 * the engine. Malformed events are logged and sent to the failure queue at once, without
 * retries (they can never succeed), and the invocation ends normally; transient failures throw
 * so Lambda retries and, when retries run out, the event lands in the failure queue with its
 * error (the function's on-failure destination).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { systemClock } from '../clock.js';
import { readRuntimeConfig } from '../config.js';
import { handleEvent } from '../engine.js';
import { isTransientKind, MedicError } from '../errors.js';
import { type EventReport, failedTransiently } from '../report.js';
import type { CompiledRunbook } from '../runbook/index.js';
import { parseEnvelope } from '../signals/envelope.js';
import { OPERATOR_SOURCE } from '../signals/operator.js';
import { type Container, createContainer } from './container.js';
import { emitDecisionMetrics } from './decision-metrics.js';

export const logger = new Logger({ serviceName: 'model-medic' });
/** serverless.yml sets POWERTOOLS_METRICS_NAMESPACE; ModelMedic when it is unset (local runs). */
// Its own warnings ("No application metrics to publish") go through the JSON logger: every log line is JSON.
export const metrics = new Metrics({
  serviceName: 'model-medic',
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'ModelMedic',
  logger,
});

const runbookLog = {
  info: (message: string, details?: Record<string, unknown>) => logger.info(message, details ?? {}),
  warn: (message: string, details?: Record<string, unknown>) => logger.warn(message, details ?? {}),
  error: (message: string, details?: Record<string, unknown>) => logger.error(message, details ?? {}),
};

export function createHandler(entry: string) {
  const config = readRuntimeConfig();
  let container: Promise<Container> | undefined;

  const handle = async (event: unknown, context: Context): Promise<EventReport> => {
    container ??= createContainer(config, process.env, { log: runbookLog }).catch((error) => {
      container = undefined; // let the next invocation try again
      throw error;
    });
    const c = await container;
    const envelope = (event ?? {}) as { id?: string; account?: string; region?: string };
    const label = envelope.id ?? context.awsRequestId;
    const toFailureQueue = (kind: 'invalid-event' | 'internal', reason: string) =>
      c.failures.sendMalformed({
        kind,
        entry,
        label,
        reason,
        event,
        requestId: context.awsRequestId,
        functionArn: context.invokedFunctionArn,
      });

    // The shape first: a malformed event (a raw alarm-action payload has no `account`) must be
    // refused and queued as malformed, not waved through as "another account's event".
    const outside = isEnvelope(event) ? outsideAllowList(envelope, config.allowedAccounts, config.allowedRegions) : undefined;
    if (outside && (event as { source?: unknown }).source === OPERATOR_SOURCE) {
      // Another account's alarm is someone else's business; another account's operator event is
      // an attempt to steer this automation: refused, and kept in the failure queue with why.
      const reason = `operator event refused: ${outside}`;
      logger.error('operator event refused', { entry, event: label, reason });
      await toFailureQueue('invalid-event', reason);
      return { event: label, signal: null, rule: null, actions: [], ignored: null, error: reason, errorKind: 'invalid-event' };
    }
    if (outside) {
      logger.warn('event ignored', { entry, event: label, reason: outside });
      return { event: label, signal: null, rule: null, actions: [], ignored: outside, error: null };
    }

    // Stop before Lambda does: AWS calls are aborted and the lock wait gives up at the deadline,
    // leaving CLEANUP_MS to release the lock and the claim, record and report, so a retry can
    // finish the work instead of finding it held by an invocation Lambda killed.
    const deadline = systemClock.now() + Math.max(1_000, remainingMs(context) - CLEANUP_MS);
    c.setDeadline(AbortSignal.timeout(Math.max(1, deadline - systemClock.now())));
    let runbook: CompiledRunbook;
    let report: EventReport;
    try {
      runbook = await c.runbook(systemClock.now());
      report = await handleEvent(event, label, {
        runbook,
        deadline,
        reader: c.reader,
        writer: c.writer,
        store: c.store,
        clock: systemClock,
        allowWrites: config.allowWrites,
        owner: context.awsRequestId,
        timers: c.timers,
        // A bug: logged with its stack (the report carries only the message).
        onInternalError: (error, during) => logger.error('internal error: a bug in model-medic', { entry, event: label, during, error }),
      });
    } finally {
      c.setDeadline(undefined);
    }
    // The audit line: one structured record per event, with the whole decision and the runbook that made it.
    logger.info('decision', { entry, runbook: runbook.runbook.identity, report });
    emitDecisionMetrics(metrics, report);

    const transient = (report.errorKind && isTransientKind(report.errorKind)) || failedTransiently(report.actions);
    const bug = report.errorKind === 'internal' ? report.error : report.actions.find((a) => a.error?.kind === 'internal')?.error?.message;
    if (report.errorKind === 'invalid-event' || (bug && !transient)) {
      // Not retried: a malformed event can never succeed, and a bug fails the same way again. The
      // event is kept in the failure queue with why (a bug's: to redrive once it is fixed).
      const reason = bug ?? report.error ?? 'invalid event';
      const kind = report.errorKind === 'invalid-event' ? 'invalid-event' : 'internal';
      if (kind === 'internal') logger.error('event not retried: it met a bug', { entry, event: label, error: reason });
      else logger.error('malformed event refused: it can never succeed', { entry, event: label, error: reason, payload: event });
      // If SQS refuses, this throws: Lambda retries, and its on-failure destination (the same
      // queue) keeps the event when the retries run out.
      const sent = await toFailureQueue(kind, reason);
      if (sent === 'sent') logger.info('event sent to the failure queue', { entry, event: label, kind });
      return report;
    }
    if (transient) {
      throw new MedicError(
        report.errorKind ?? 'aws-error',
        `transient failure, Lambda will retry: ${report.error ?? failedReasons(report)}`,
      );
    }
    return report;
  };

  return middy(handle)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { throwOnEmptyMetrics: false }));
}

/** Time kept back from the Lambda timeout to release what the invocation holds and report. */
const CLEANUP_MS = 5_000;

function remainingMs(context: Context): number {
  const remaining = typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : Number.NaN;
  return Number.isFinite(remaining) && remaining > 0 ? remaining : 60_000;
}

function failedReasons(report: EventReport): string {
  return report.actions
    .filter((a) => a.status === 'failed')
    .map((a) => `${a.type}: ${a.reason}`)
    .join('; ');
}

function isEnvelope(event: unknown): boolean {
  try {
    parseEnvelope(event);
    return true;
  } catch {
    return false;
  }
}

function outsideAllowList(event: { account?: string; region?: string }, accounts: string[], regions: string[]): string | undefined {
  if (accounts.length > 0 && !accounts.includes(event.account ?? '')) {
    return `event from account ${event.account ?? '(none)'} is outside the allowed accounts (${accounts.join(', ')})`;
  }
  if (regions.length > 0 && !regions.includes(event.region ?? '')) {
    return `event from region ${event.region ?? '(none)'} is outside the allowed regions (${regions.join(', ')})`;
  }
  return undefined;
}
