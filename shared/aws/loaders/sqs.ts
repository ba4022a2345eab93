// The sqs client, loaded on first use (see ../client-loader.ts).
import { type ClientLoader, senderFor } from '../client-loader.js';

export const sqs: ClientLoader = {
  service: 'sqs',
  async load(config) {
    const m = await import('../clients/sqs.js');
    return senderFor(new m.SQSClient(config), { SendMessage: m.SendMessageCommand }, 'sqs');
  },
};
