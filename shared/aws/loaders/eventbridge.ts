// The eventbridge client, loaded on first use (see ../client-loader.ts).
import { type ClientLoader, senderFor } from '../client-loader.js';

export const eventbridge: ClientLoader = {
  service: 'eventbridge',
  async load(config) {
    const m = await import('../clients/eventbridge.js');
    return senderFor(new m.EventBridgeClient(config), { PutEvents: m.PutEventsCommand }, 'eventbridge');
  },
};
