/**
 * The one Lambda handler every entry point uses: a thin middy chain (logger context) around
 * the engine. Malformed events are logged and dropped without retries (they can never
 * succeed); transient failures throw so Lambda retries and, when retries run out, the event
 * lands in the failure queue with its error.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { systemClock } from '../clock.js';
import { readRuntimeConfig } from '../config.js';
import { handleEvent } from '../engine.js';
import { isTransientKind, MedicError } from '../errors.js';
import type { EventReport } from '../report.js';
import { type Container, createContainer } from './container.js';

export const logger = new Logger({ serviceName: 'model-medic' });

export function createHandler(entry: string) {
  const config = readRuntimeConfig();
  let container: Promise<Container> | undefined;

  const handle = async (event: unknown, context: Context): Promise<EventReport> => {
    container ??= createContainer(config, process.env).catch((error) => {
      container = undefined; // let the next invocation try again
      throw error;
    });
    const c = await container;
    const envelope = (event ?? {}) as { id?: string; account?: string; region?: string };
    const label = envelope.id ?? context.awsRequestId;

    const outside = outsideAllowList(envelope, config.allowedAccounts, config.allowedRegions);
    if (outside) {
      logger.warn('event ignored', { entry, event: label, reason: outside });
      return { event: label, signal: null, rule: null, actions: [], ignored: outside, error: null };
    }

    const report = await handleEvent(event, label, {
      runbook: await c.runbook(systemClock.now()),
      reader: c.reader,
      writer: c.writer,
      store: c.store,
      clock: systemClock,
      allowWrites: config.allowWrites,
      owner: context.awsRequestId,
    });
    logger.info('decision', { entry, report });

    if (report.errorKind === 'invalid-event') {
      logger.error('malformed event dropped: it can never succeed', { entry, event: label, error: report.error, payload: event });
      return report;
    }
    const transient =
      (report.errorKind && isTransientKind(report.errorKind)) ||
      report.actions.some((a) => a.status === 'failed' && a.error && isTransientKind(a.error.kind));
    if (transient) {
      throw new MedicError(report.errorKind ?? 'aws-error', `transient failure, Lambda will retry: ${report.error ?? failedReasons(report)}`);
    }
    return report;
  };

  return middy(handle).use(injectLambdaContext(logger, { resetKeys: true }));
}

function failedReasons(report: EventReport): string {
  return report.actions
    .filter((a) => a.status === 'failed')
    .map((a) => `${a.type}: ${a.reason}`)
    .join('; ');
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
