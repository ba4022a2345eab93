// The sns client, loaded on first use (see ../client-loader.ts).
import { type ClientLoader, senderFor } from '../client-loader.js';

export const sns: ClientLoader = {
  service: 'sns',
  async load(config) {
    const m = await import('../clients/sns.js');
    return senderFor(new m.SNSClient(config), { Publish: m.PublishCommand }, 'sns');
  },
};
