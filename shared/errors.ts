/**
 * Errors are values with a kind and a message an on-call engineer can act on.
 * Every error that crosses a module boundary is a MedicError; anything else is a bug.
 */
export type ErrorKind =
  | 'invalid-event' // the event itself is malformed: retrying will not help
  | 'invalid-runbook' // the runbook failed validation: nothing runs until it is fixed
  | 'invalid-state' // the recorded AWS state file is unreadable or malformed
  | 'aws-throttled' // AWS asked us to slow down and retries ran out: transient
  | 'aws-denied' // the role lacks a permission: fix IAM
  | 'aws-not-found' // the resource named does not exist
  | 'aws-validation' // AWS refused the request as invalid
  | 'aws-error' // any other AWS failure (5xx, timeout, network): transient
  | 'aws-config' // the AWS client has no region: a setup problem, not transient
  | 'precondition-failed' // the world is not in the state the action needs
  | 'busy' // another invocation holds the endpoint lock: transient, retried later
  | 'internal' // a bug in model-medic (anything thrown that is not a MedicError): not retried
  | 'usage'; // the CLI was called wrongly

export class MedicError extends Error {
  readonly kind: ErrorKind;
  /** Transient errors are worth retrying (Lambda retry, then failure queue). */
  readonly transient: boolean;

  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MedicError';
    this.kind = kind;
    this.transient = isTransientKind(kind);
  }
}

export class InvalidEventError extends MedicError {
  constructor(message: string) {
    super('invalid-event', message);
    this.name = 'InvalidEventError';
  }
}

/** One problem in a runbook, positioned for `file:line:col path: message`. */
export interface RunbookIssue {
  line: number;
  col: number;
  path: string;
  message: string;
}

export class InvalidRunbookError extends MedicError {
  readonly file: string;
  readonly issues: RunbookIssue[];

  constructor(file: string, issues: RunbookIssue[]) {
    super('invalid-runbook', formatRunbookIssues(file, issues).join('\n'));
    this.name = 'InvalidRunbookError';
    this.file = file;
    this.issues = issues;
  }
}

export function formatRunbookIssues(file: string, issues: RunbookIssue[]): string[] {
  return issues.map((i) => `${file}:${i.line}:${i.col} ${i.path ? `${i.path}: ` : ''}${i.message}`);
}

/**
 * What the Lambda does with a transient failure, as its messages say it. Only the Lambda
 * retries (EventBridge redelivers the event); the CLI says what to do instead (cli/wording.ts).
 */
export const RETRY_NOTE = 'the event will be retried';

/**
 * The kind of anything thrown: a MedicError says its own; anything else is a bug of ours (a
 * TypeError on an answer we did not expect, say), never "AWS failed": retrying cannot fix it.
 */
export function kindOf(error: unknown): ErrorKind {
  return error instanceof MedicError ? error.kind : 'internal';
}

/** A message for any thrown value, without a stack trace. */
export function describeError(error: unknown): string {
  if (error instanceof MedicError) return error.message;
  // A bug: its type says more than its message alone ("TypeError: x.find is not a function").
  if (error instanceof Error) return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  return String(error);
}

/** Bad input (exit 2 in the CLI): the event, the runbook or the recorded AWS state is wrong; nothing failed. */
export function isBadInputKind(kind: ErrorKind | undefined): boolean {
  return kind === 'invalid-event' || kind === 'invalid-runbook' || kind === 'invalid-state';
}

/** Worth retrying later: the same event may succeed on the next attempt. */
export function isTransientKind(kind: ErrorKind): boolean {
  return kind === 'aws-throttled' || kind === 'aws-error' || kind === 'busy';
}
