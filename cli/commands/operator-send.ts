/**
 * The operator's sending commands (docs/cli.md#the-operators-commands): `silence add`,
 * `silence expire`, `approve`, `reject`, `circuit close`. Each puts one operator event
 * (source `model-medic.operator`) on the stack's bus with EventBridge PutEvents, `by` filled
 * from STS GetCallerIdentity, and prints the event id; the Lambda applies it. With `--dry-run`
 * it prints the event instead and calls nothing at all.
 */
import { MedicError } from '../../shared/errors.js';
import { findGlobError, isGlob } from '../../shared/runbook/glob.js';
import { parseDuration } from '../../shared/runbook/index.js';
import { APPROVAL_ID } from '../../shared/signals/approval-expiry.js';
import { parseEnvelope } from '../../shared/signals/envelope.js';
import { parseIsoWithZone } from '../../shared/signals/iso-time.js';
import {
  MAX_SILENCE_MS,
  newSilenceId,
  OPERATOR_SOURCE,
  type OperatorDetailType,
  operatorEvent,
  parseOperatorEvent,
  type SilenceSpec,
  silenceLengthError,
} from '../../shared/signals/operator.js';
import type { Io } from '../io.js';
import { isoTime, silenceMatchers } from '../operator-text.js';
import { UsageError } from '../usage-error.js';

/** `by` of a dry-run event without `--by`: nobody was asked who you are. */
export const DRY_RUN_BY = '(dry-run: caller not looked up)';

export interface SendOptions {
  bus?: string;
  dryRun?: boolean;
  /** Only with --dry-run: the `by` to print (a sent event's `by` is always the caller's ARN). */
  by?: string;
}

export interface SilenceAddOptions extends SendOptions {
  endpoint?: string;
  rule?: string;
  kind?: string;
  for?: string;
  until?: string;
  starts?: string;
  reason?: string;
  quiet?: boolean;
}

/**
 * An absolute time with a zone (a time without one would depend on the operator's TZ), in whole
 * seconds like the times `silence list` and the audit print, and a real date: the event parser's
 * own check, so `--until 2026-11-31T00:00Z` is refused here instead of meaning December 1st.
 */
function parseIsoOption(name: string, value: string, command: string): number {
  const time = parseIsoWithZone(value);
  if (!time.ok) throw new UsageError(`--${name}: ${time.error}, got "${value}"`, command);
  if (time.ms % 1000 !== 0) throw new UsageError(`--${name}: give whole seconds (no fraction), got "${value}"`, command);
  return time.ms;
}

function requireReason(reason: string | undefined, command: string, why: string): string {
  if (reason === undefined || reason.trim() === '') throw new UsageError(`${command} needs --reason TEXT (${why})`, command);
  return reason;
}

const nowOf = (io: Io) => (io.clock ?? { now: () => Date.now() }).now();

export async function silenceAddCommand(options: SilenceAddOptions, io: Io): Promise<number> {
  const command = 'silence add';
  if (!options.endpoint)
    throw new UsageError('silence add needs --endpoint GLOB (the endpoints it holds actions on, e.g. fraud-* )', command);
  for (const [name, value] of [
    ['endpoint', options.endpoint],
    ['rule', options.rule],
  ] as const) {
    const error = value === undefined ? undefined : findGlobError(value);
    if (error) throw new UsageError(`--${name}: ${error}`, command);
  }
  if (options.kind !== undefined && options.kind !== 'alarm' && options.kind !== 'monitoring') {
    throw new UsageError(`--kind: expected alarm or monitoring, got "${options.kind}"`, command);
  }
  if (options.for !== undefined && options.until !== undefined) {
    throw new UsageError('give --for or --until, not both: --for is how long from the start, --until when it ends', command);
  }
  if (options.for === undefined && options.until === undefined) {
    throw new UsageError('silence add needs how long: --for DURATION (e.g. 2h) or --until ISO', command);
  }
  const reason = requireReason(options.reason, command, 'why the automation should hold off: it goes into the audit');

  // Whole seconds: the times an operator reads back in `silence list` and the audit.
  const now = Math.floor(nowOf(io) / 1000) * 1000;
  const startsAt = options.starts === undefined ? now : parseIsoOption('starts', options.starts, command);
  let endsAt: number;
  if (options.for !== undefined) {
    const span = parseDuration(options.for);
    if (!span.ok) throw new UsageError(`--for: ${span.error}`, command);
    endsAt = startsAt + span.ms;
  } else {
    endsAt = parseIsoOption('until', options.until as string, command);
    if (endsAt <= startsAt) {
      throw new UsageError(
        `--until ${options.until} is not after the start (${isoTime(startsAt)}): a silence must end after it starts`,
        command,
      );
    }
  }
  // The event parser's limits (1m to 30d), with what to do about them.
  const lengthError = silenceLengthError(endsAt - startsAt);
  if (lengthError) {
    const fix =
      endsAt - startsAt > MAX_SILENCE_MS
        ? 'end it sooner (add another when it ends), or change the runbook'
        : 'make it 1m or longer (e.g. --for 30m)';
    throw new UsageError(`${lengthError}: ${fix}`, command);
  }
  if ((endsAt - startsAt) % 1000 !== 0) throw new UsageError(`--for: give whole seconds (no ms), got "${options.for}"`, command);
  if (endsAt <= now) throw new UsageError(`the silence would end at ${isoTime(endsAt)}, which has passed: nothing to silence`, command);

  const silence = newSilenceId();
  const detail: Record<string, unknown> = {
    silence,
    endpoint: options.endpoint,
    ...(options.rule !== undefined ? { rule: options.rule } : {}),
    ...(options.kind !== undefined ? { kind: options.kind } : {}),
    startsAt: isoTime(startsAt),
    endsAt: isoTime(endsAt),
    quiet: options.quiet === true,
    reason,
  };
  const matchers = silenceMatchers({ endpoint: options.endpoint, rule: options.rule, kind: options.kind as SilenceSpec['kind'] });
  const summary = `silence ${silence}: ${matchers}, ${isoTime(startsAt)} to ${isoTime(endsAt)}${options.quiet ? ', quiet' : ''}`;
  return sendOperatorEvent(command, 'Silence Created', detail, summary, options, io);
}

export async function silenceExpireCommand(id: string | undefined, options: SendOptions & { reason?: string }, io: Io): Promise<number> {
  const command = 'silence expire';
  if (!id) throw new UsageError('silence expire needs the silence id (`medic silence list` shows them)', command);
  const detail = { silence: id, ...(options.reason !== undefined ? { reason: options.reason } : {}) };
  return sendOperatorEvent(command, 'Silence Expired', detail, `silence ${id}: ends now`, options, io);
}

export async function decideApprovalCommand(
  decision: 'approve' | 'reject',
  id: string | undefined,
  options: SendOptions & { reason?: string },
  io: Io,
): Promise<number> {
  if (!id) throw new UsageError(`${decision} needs the approval id (\`medic approvals\` shows the pending ones)`, decision);
  if (!APPROVAL_ID.test(id)) {
    throw new UsageError(
      `${id} is not an approval id: they look like apr-3f9a2c1b7d4e6a08 (apr- and 16 hex digits; the notify and \`medic approvals\` show them)`,
      decision,
    );
  }
  if (decision === 'reject') requireReason(options.reason, decision, 'why the action should not run: it goes into the audit');
  const detail = { approval: id, ...(options.reason !== undefined ? { reason: options.reason } : {}) };
  const type = decision === 'approve' ? 'Approval Granted' : 'Approval Rejected';
  // The function decides: it runs or drops the action, or says why not (`medic history` shows which).
  const summary = `approval ${id}: ${decision === 'approve' ? 'granted (the function plans the action again and runs it through the guards)' : 'rejected (the function drops the action and tells the team)'}`;
  return sendOperatorEvent(decision, type, detail, summary, options, io);
}

export async function circuitCloseCommand(options: SendOptions & { endpoint?: string; reason?: string }, io: Io): Promise<number> {
  const command = 'circuit close';
  if (!options.endpoint) throw new UsageError('circuit close needs --endpoint NAME (the endpoint whose circuit to close)', command);
  if (isGlob(options.endpoint)) {
    throw new UsageError(
      `--endpoint ${options.endpoint} is a pattern, but a circuit is per endpoint: close each one by its exact name (\`medic status\` shows the endpoints with an open circuit)`,
      command,
    );
  }
  const reason = requireReason(options.reason, command, 'why automatic changes may resume: it goes into the audit');
  const summary = `circuit of ${options.endpoint}: closed (automatic changes resume)`;
  return sendOperatorEvent(command, 'Circuit Closed', { endpoint: options.endpoint, reason }, summary, options, io);
}

interface CallerIdentity {
  Arn?: string;
  Account?: string;
}

/** The account in an ARN (`arn:aws:sts::123456789012:assumed-role/...`), if it has one. */
function accountOf(arn: string): string | undefined {
  return /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(arn)?.[1];
}

async function sendOperatorEvent(
  command: string,
  type: OperatorDetailType,
  detail: Record<string, unknown>,
  summary: string,
  options: SendOptions,
  io: Io,
): Promise<number> {
  if (options.by !== undefined && !options.dryRun) {
    throw new UsageError("--by is for --dry-run: a sent event's by is always your caller ARN (from STS)", command);
  }
  const bus = options.bus ?? io.env.MEDIC_BUS;
  if (!bus && !options.dryRun) {
    throw new UsageError(
      `${command} needs the operator bus: --bus NAME or MEDIC_BUS (\`npx osls info --stage STAGE --verbose\` lists the stack outputs, the bus among them)`,
      command,
    );
  }
  const now = nowOf(io);
  const region = io.env.AWS_REGION || io.env.AWS_DEFAULT_REGION;
  // A detail the Lambda would reject (an id with a space, say) is refused before any AWS call.
  checked(command, type, { ...detail, by: options.by ?? DRY_RUN_BY }, '000000000000', region ?? 'us-east-1', now);

  if (options.dryRun) {
    const by = options.by ?? DRY_RUN_BY;
    const event = checked(command, type, { ...detail, by }, accountOf(by) ?? '000000000000', region ?? 'us-east-1', now);
    io.out(JSON.stringify(event, null, 2));
    io.err(`dry run: ${summary}; not sent${bus ? ` to bus ${bus}` : ''}`);
    return 0;
  }

  // Loaded only here: the offline commands never load an SDK client.
  const { createAwsSend } = await import('../../shared/aws/sdk.js');
  const send = createAwsSend(io.env);
  const identity = await lookUpCaller(send);
  const by = identity.Arn as string;
  const event = checked(command, type, { ...detail, by }, identity.Account ?? accountOf(by) ?? '', region ?? '', now);

  const entry = { Source: OPERATOR_SOURCE, DetailType: type, Detail: JSON.stringify(event.detail), EventBusName: bus as string };
  let out: { FailedEntryCount?: number; Entries?: Array<{ EventId?: string; ErrorCode?: string; ErrorMessage?: string }> };
  try {
    out = (await send('eventbridge', 'PutEvents', { Entries: [entry] })) as typeof out;
  } catch (error) {
    throw putEventsFailure(error, bus as string, by, region);
  }
  const result = out.Entries?.[0];
  if ((out.FailedEntryCount ?? 0) > 0 || !result?.EventId) {
    const why = result?.ErrorCode
      ? `${result.ErrorCode}${result.ErrorMessage ? `: ${result.ErrorMessage}` : ''}`
      : 'no event id in the answer';
    throw new MedicError('aws-validation', `bus ${bus} did not take the ${type} event (${why}); nothing was sent`);
  }
  io.out(summary);
  io.out(`sent ${type} to bus ${bus} as event ${result.EventId} (by ${by}); the stack applies it in a few seconds`);
  return 0;
}

/** The event as the Lambda will parse it: a detail it would reject is a usage error here. */
function checked(
  command: string,
  type: OperatorDetailType,
  detail: Record<string, unknown>,
  account: string,
  region: string,
  now: number,
): Record<string, unknown> {
  const event = operatorEvent(type, detail, { account, region, time: new Date(now) });
  try {
    parseOperatorEvent(parseEnvelope(event));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // `operator event Approval Granted: detail.approval: expected ...` -> `approval: expected ...`
    throw new UsageError(message.replace(/^operator event [^:]+: (?:detail\.)?/, ''), command);
  }
  return event;
}

async function lookUpCaller(send: (service: string, operation: string, input: Record<string, unknown>) => Promise<unknown>) {
  let identity: CallerIdentity;
  try {
    identity = (await send('sts', 'GetCallerIdentity', {})) as CallerIdentity;
  } catch (error) {
    // No credentials or no region: the adapter's own words say which.
    if (error instanceof MedicError && error.kind === 'aws-denied' && !/no AWS credentials/.test(error.message)) {
      const aws = (error.cause as { name?: string; message?: string } | undefined) ?? {};
      throw new MedicError(
        'aws-denied',
        `your AWS credentials were refused (sts:GetCallerIdentity: ${aws.name ?? 'denied'}${aws.message ? `: ${aws.message}` : ''}): sign in again or pick another profile; nothing was sent`,
        { cause: error },
      );
    }
    throw error;
  }
  if (!identity.Arn)
    throw new MedicError('aws-error', 'sts:GetCallerIdentity answered without an ARN: cannot say who sends the event; nothing was sent');
  return identity;
}

function putEventsFailure(error: unknown, bus: string, by: string, region: string | undefined): unknown {
  if (!(error instanceof MedicError)) return error;
  const aws = (error.cause as { name?: string; message?: string } | undefined) ?? {};
  if (error.kind === 'aws-denied') {
    return new MedicError(
      'aws-denied',
      `${by} may not put events on bus ${bus}: events:PutEvents was denied (${aws.name ?? 'AccessDenied'}); ask for events:PutEvents on the bus (your IAM policy and the bus policy, docs/deploy.md); nothing was sent`,
      { cause: error },
    );
  }
  if (error.kind === 'aws-not-found') {
    return new MedicError(
      'aws-not-found',
      `the event bus ${bus} does not exist in ${region ?? 'this region'}: check --bus or MEDIC_BUS (\`npx osls info --stage STAGE --verbose\` lists the stack outputs, the deployed bus among them); nothing was sent`,
      { cause: error },
    );
  }
  return error;
}
