import { MedicError } from '../shared/errors.js';

/** A wrong command line: exit 2 with the message and a pointer to --help. */
export class UsageError extends MedicError {
  constructor(message: string) {
    super('usage', message);
    this.name = 'UsageError';
  }
}
