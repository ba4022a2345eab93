/**
 * What the alarm and monitoring functions serve: the whole engine (handleEvent) over a
 * container of AWS adapters, the state store, the runbook and the ladder timers, built on the
 * first event and reused.
 */
import { systemClock } from '../clock.js';
import { handleEvent } from '../engine.js';
import { OPERATOR_SOURCE } from '../signals/operator.js';
import { type Container, createContainer } from './container.js';
import type { Entry, EntryContext } from './create-handler.js';

export function engineEntry({ config, env }: EntryContext): Entry {
  let container: Promise<Container> | undefined;
  return {
    // Another account's operator event is an attempt to steer this automation, not someone else's business.
    refusesOutsider: (event) => event.source === OPERATOR_SOURCE,
    async serve(event, { label, requestId, deadline, abortSignal, log }) {
      container ??= createContainer(config, env, { log }).catch((error) => {
        container = undefined; // let the next invocation try again
        throw error;
      });
      const c = await container;
      c.setDeadline(abortSignal);
      try {
        const runbook = await c.runbook(systemClock.now());
        const report = await handleEvent(event, label, {
          runbook,
          deadline,
          reader: c.reader,
          writer: c.writer,
          store: c.store,
          clock: systemClock,
          allowWrites: config.allowWrites,
          owner: requestId,
          timers: c.timers,
          // A bug: logged with its stack (the report carries only the message).
          onInternalError: (error, during) => log.error('internal error: a bug in model-medic', { event: label, during, error }),
        });
        return { report, runbook: runbook.runbook.identity };
      } finally {
        c.setDeadline(undefined);
      }
    },
  };
}
