/**
 * The one Lambda handler shell every entry point uses: a thin middy chain (logger context)
 * around what the function serves (its Entry: the engine for alarm and monitoring, the
 * endpoint-state recorder). Malformed events are logged and sent to the failure queue at once,
 * without retries (they can never succeed), and the invocation ends normally; transient
 * failures throw so Lambda retries and, when retries run out, the event lands in the failure
 * queue with its error (the function's on-failure destination).
 *
 * The shell imports nothing an entry may not need: the entry decides what its cold start loads.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { type ClientLoader, installClients } from '../aws/client-loader.js';
import { systemClock } from '../clock.js';
import { type RuntimeConfig, readRuntimeConfig } from '../config.js';
import { isTransientKind, MedicError } from '../errors.js';
import { type EventReport, failedTransiently } from '../report.js';
import type { RunbookIdentity } from '../runbook/types.js';
import { parseEnvelope } from '../signals/envelope.js';
import { emitDecisionMetrics } from './decision-metrics.js';
import { createFailureQueue } from './failure-queue.js';
import type { RunbookSourceLog } from './runbook-source.js';

export const logger = new Logger({ serviceName: 'model-medic' });
/** serverless.yml sets POWERTOOLS_METRICS_NAMESPACE; ModelMedic when it is unset (local runs). */
// Its own warnings ("No application metrics to publish") go through the JSON logger: every log line is JSON.
export const metrics = new Metrics({
  serviceName: 'model-medic',
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'ModelMedic',
  logger,
});

/** The entry's own logs, with the function's name. */
function entryLog(name: string): RunbookSourceLog {
  return {
    info: (message, details) => logger.info(message, { entry: name, ...details }),
    warn: (message, details) => logger.warn(message, { entry: name, ...details }),
    error: (message, details) => logger.error(message, { entry: name, ...details }),
  };
}

/** One invocation, as the shell hands it to the entry. */
export interface Invocation {
  /** The event's id, or the request id when it has none: what logs and reports call the event. */
  label: string;
  /** Who holds leases taken by this invocation: the Lambda request id. */
  requestId: string;
  /** When the entry must have finished (epoch ms): the Lambda's deadline less the time to clean up. */
  deadline: number;
  /** Fires at the deadline: the entry's AWS calls are aborted with it. */
  abortSignal: AbortSignal;
  /** The entry's own logs (the runbook source, unscheduled checks, bugs), JSON lines like the shell's. */
  log: RunbookSourceLog;
}

/** What the entry did with the event, and the runbook that decided it (none for an entry without one). */
export interface Served {
  report: EventReport;
  runbook?: RunbookIdentity;
}

/** What a function serves: built once per container, on the first event. */
export interface Entry {
  serve(event: unknown, invocation: Invocation): Promise<Served>;
  /**
   * Whether an event from outside the allowed accounts and regions is refused (queued, with why)
   * rather than ignored: e.g. an operator event, which tries to steer this automation.
   */
  refusesOutsider?(event: Record<string, unknown>): boolean;
}

export interface EntryContext {
  config: RuntimeConfig;
  env: Record<string, string | undefined>;
}

/**
 * `name`: the function (serverless.yml), named in logs and failure-queue messages. `clients`: the
 * AWS clients the function may call, as its IAM role allows (nothing else is bundled).
 */
export function createHandler(name: string, entryFor: (context: EntryContext) => Entry, clients: readonly ClientLoader[]) {
  installClients(clients);
  const config = readRuntimeConfig();
  const entry = entryFor({ config, env: process.env });
  const failures = createFailureQueue(config.failureQueueUrl, process.env);
  const log = entryLog(name);

  const handle = async (event: unknown, context: Context): Promise<EventReport> => {
    const envelope = (event ?? {}) as { id?: string; account?: string; region?: string };
    const label = envelope.id ?? context.awsRequestId;
    const toFailureQueue = (kind: 'invalid-event' | 'internal', reason: string) =>
      failures.sendMalformed({
        kind,
        entry: name,
        label,
        reason,
        event,
        requestId: context.awsRequestId,
        functionArn: context.invokedFunctionArn,
      });

    // The shape first: a malformed event (a raw alarm-action payload has no `account`) must be
    // refused and queued as malformed, not waved through as "another account's event".
    const outside = isEnvelope(event) ? outsideAllowList(envelope, config.allowedAccounts, config.allowedRegions) : undefined;
    if (outside && entry.refusesOutsider?.(event as Record<string, unknown>)) {
      // Another account's alarm is someone else's business; another account's operator event is
      // an attempt to steer this automation: refused, and kept in the failure queue with why.
      const reason = `operator event refused: ${outside}`;
      logger.error('operator event refused', { entry: name, event: label, reason });
      await toFailureQueue('invalid-event', reason);
      return { event: label, signal: null, rule: null, actions: [], ignored: null, error: reason, errorKind: 'invalid-event' };
    }
    if (outside) {
      logger.warn('event ignored', { entry: name, event: label, reason: outside });
      return { event: label, signal: null, rule: null, actions: [], ignored: outside, error: null };
    }

    // Stop before Lambda does: AWS calls are aborted and the lock wait gives up at the deadline,
    // leaving CLEANUP_MS to release the lock and the claim, record and report, so a retry can
    // finish the work instead of finding it held by an invocation Lambda killed.
    const deadline = systemClock.now() + Math.max(1_000, remainingMs(context) - CLEANUP_MS);
    const abortSignal = AbortSignal.timeout(Math.max(1, deadline - systemClock.now()));
    const { report, runbook } = await entry.serve(event, { label, requestId: context.awsRequestId, deadline, abortSignal, log });
    // The audit line: one structured record per event, with the whole decision and the runbook that made it.
    logger.info('decision', { entry: name, ...(runbook ? { runbook } : {}), report });
    emitDecisionMetrics(metrics, report);

    const transient = (report.errorKind && isTransientKind(report.errorKind)) || failedTransiently(report.actions);
    const bug = report.errorKind === 'internal' ? report.error : report.actions.find((a) => a.error?.kind === 'internal')?.error?.message;
    if (report.errorKind === 'invalid-event' || (bug && !transient)) {
      // Not retried: a malformed event can never succeed, and a bug fails the same way again. The
      // event is kept in the failure queue with why (a bug's: to redrive once it is fixed).
      const reason = bug ?? report.error ?? 'invalid event';
      const kind = report.errorKind === 'invalid-event' ? 'invalid-event' : 'internal';
      if (kind === 'internal') logger.error('event not retried: it met a bug', { entry: name, event: label, error: reason });
      else logger.error('malformed event refused: it can never succeed', { entry: name, event: label, error: reason, payload: event });
      // If SQS refuses, this throws: Lambda retries, and its on-failure destination (the same
      // queue) keeps the event when the retries run out.
      const sent = await toFailureQueue(kind, reason);
      if (sent === 'sent') logger.info('event sent to the failure queue', { entry: name, event: label, kind });
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
