// The ssm client, loaded on first use (see ../client-loader.ts).
import { type ClientLoader, senderFor } from '../client-loader.js';

export const ssm: ClientLoader = {
  service: 'ssm',
  async load(config) {
    const m = await import('../clients/ssm.js');
    return senderFor(new m.SSMClient(config), { GetParameter: m.GetParameterCommand, PutParameter: m.PutParameterCommand }, 'ssm');
  },
};
