/**
 * `medic`: validate, explain and replay runbooks offline with the same engine the Lambda
 * handlers run. Exit codes: 0 all handled, 1 an action failed, 2 bad input.
 */
import { parseArgs } from 'node:util';
import { InvalidRunbookError, MedicError, describeError } from '../shared/errors.js';
import { explainCommand } from './commands/explain.js';
import { replayCommand } from './commands/replay.js';
import { validateCommand } from './commands/validate.js';
import { type Io, processIo } from './io.js';
import { UsageError } from './usage-error.js';

const HELP = `medic: offline tools for model-medic runbooks

Usage:
  medic validate [RUNBOOK]                       check a runbook (exit 0 valid, 2 invalid)
  medic explain EVENT [--runbook F] [--aws-state F | --aws] [--json]
                                                 the signal, and why each rule did or did not match
  medic replay EVENT|DIR... [--runbook F] [--aws-state F | --aws] [--live] [--json]
                                                 run events through the engine and print the plan

Options:
  --runbook F     runbook file (default runbook.yml)
  --aws-state F   recorded AWS state to read from (default events/aws-state.json)
  --aws           read from real AWS (or AWS_ENDPOINT_URL); still writes nothing
  --live          perform the writes (implies --aws)
  --json          one JSON object per event, one per line
  -h, --help      this help

Exit codes: 0 all handled, 1 an action failed, 2 bad input (unreadable event, invalid runbook).`;

const OPTIONS = {
  runbook: { type: 'string' },
  'aws-state': { type: 'string' },
  aws: { type: 'boolean' },
  live: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (!command || command === 'help' || command === '--help' || command === '-h') {
      io.out(HELP);
      return command ? 0 : 2;
    }
    let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
    try {
      parsed = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true, strict: true });
    } catch (error) {
      throw new UsageError(describeError(error));
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    const common = {
      runbook: values.runbook,
      awsState: values['aws-state'],
      aws: values.aws === true || values.live === true,
      live: values.live === true,
      json: values.json === true,
    };
    switch (command) {
      case 'validate':
        if (positionals.length > 1) throw new UsageError('validate takes one runbook file');
        return await validateCommand({ runbook: positionals[0] ?? values.runbook }, io);
      case 'explain':
        if (positionals.length > 1) throw new UsageError('explain takes one event file');
        return await explainCommand({ ...common, event: positionals[0] }, io);
      case 'replay':
        return await replayCommand({ ...common, paths: positionals }, io);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    return reportFailure(error, io);
  }
}

/** One clear message, never a stack trace, for everything a user can cause. */
function reportFailure(error: unknown, io: Io): number {
  if (error instanceof InvalidRunbookError) {
    for (const line of error.message.split('\n')) io.err(line);
    io.err(`${error.issues.length} error${error.issues.length === 1 ? '' : 's'}: the runbook was not loaded`);
    return 2;
  }
  if (error instanceof UsageError) {
    io.err(`medic: ${error.message}`);
    io.err('Run `medic --help` for usage.');
    return 2;
  }
  if (error instanceof MedicError) {
    io.err(`medic: ${error.message}`);
    return error.kind === 'invalid-event' || error.kind === 'invalid-state' || error.kind === 'usage' ? 2 : 1;
  }
  // A bug: still one line for the operator, with the detail when MEDIC_DEBUG is set.
  io.err(`medic: unexpected error: ${describeError(error)}`);
  if (io.env.MEDIC_DEBUG && error instanceof Error && error.stack) io.err(error.stack);
  return 1;
}
