/** A writer for runs that must never write: reaching it is a bug, so it says so loudly. */
import { MedicError } from '../errors.js';
import type { AwsWriter } from './ports.js';

export const refusingWriter: AwsWriter = {
  async send(call: { service: string; operation: string }): Promise<never> {
    throw new MedicError('usage', `refused to send ${call.service}:${call.operation}: this run does not write to AWS (use --live)`);
  },
};
