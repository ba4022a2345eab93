import { MedicError } from '../shared/errors.js';

/** A wrong command line: exit 2 with the message and a pointer to --help. */
export class UsageError extends MedicError {
  /** The command whose --help to point at, when known. */
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super('usage', message);
    this.command = command;
    this.name = 'UsageError';
  }
}
