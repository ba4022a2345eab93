/**
 * What the endpoint-state function serves: endpoint state changes, recorded in the state store
 * (shared/endpoint-state.ts). No runbook, no AWS adapters: the store is opened on the first event.
 */
import { systemClock } from '../clock.js';
import { handleEndpointStateEvent } from '../endpoint-state.js';
import type { StateStore } from '../state/store.js';
import type { Entry, EntryContext } from './create-handler.js';
import { openStateStore } from './state-store.js';

export function endpointStateEntry({ config, env }: EntryContext): Entry {
  let store: Promise<StateStore> | undefined;
  return {
    async serve(event, { label, log }) {
      store ??= openStateStore(config, env).catch((error) => {
        store = undefined; // let the next invocation try again
        throw error;
      });
      const report = await handleEndpointStateEvent(event, label, {
        store: await store,
        clock: systemClock,
        onInternalError: (error, during) => log.error('internal error: a bug in model-medic', { event: label, during, error }),
      });
      return { report };
    },
  };
}
