// The sts client, loaded on first use (see ../client-loader.ts).
import { type ClientLoader, senderFor } from '../client-loader.js';

export const sts: ClientLoader = {
  service: 'sts',
  async load(config) {
    const m = await import('../clients/sts.js');
    return senderFor(new m.STSClient(config), { GetCallerIdentity: m.GetCallerIdentityCommand }, 'sts');
  },
};
