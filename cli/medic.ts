/**
 * `medic`: validate, explain, replay and backtest runbooks offline with the same engine the
 * Lambda handlers run, plus operator tools (runbook table, capture, generate-event).
 * Exit codes: 0 all handled, 1 an action failed, 2 bad input.
 */
import { parseArgs } from 'node:util';
import { describeError, InvalidRunbookError, MedicError } from '../shared/errors.js';
import { backtestCommand } from './commands/backtest.js';
import { captureCommand } from './commands/capture.js';
import { explainCommand } from './commands/explain.js';
import { generateEventCommand } from './commands/generate-event.js';
import { historyCommand } from './commands/history.js';
import { replayCommand } from './commands/replay.js';
import { runbookCommand } from './commands/runbook.js';
import { validateCommand } from './commands/validate.js';
import { type Io, processIo } from './io.js';
import { UsageError } from './usage-error.js';

const HELP = `medic: offline tools for model-medic runbooks

Usage:
  medic validate [RUNBOOK] [--strict]            check a runbook and lint it (exit 0 valid, 2 invalid)
  medic explain EVENT [--runbook F] [--aws-state F | --aws] [--json]
                                                 the signal, and why each rule did or did not match
  medic replay EVENT|DIR... [--runbook F] [--aws-state F | --aws] [--live] [--json]
                                                 run events through the engine and print the plan
  medic backtest DIR... [--runbook F] [--aws-state F] [--json] [--progress]
                                                 replay a folder in event-time order on a virtual
                                                 clock; summary per rule and endpoint, thrash
  medic runbook [--runbook F] [--width N]        the runbook as a table: id | when | then | cooldown | mode
  medic capture --endpoint NAME... [--out F] [--runbook F] [--merge] [--since 24h]
                                                 snapshot live AWS state (reads only) into an
                                                 aws-state.json for replay and backtest
  medic generate-event alarm|monitoring|endpoint-state [options] [--out F]
                                                 print a valid sample EventBridge event
  medic history [--endpoint X] [--since 24h] [--limit N] [--table T] [--json]
                                                 the audit trail from the deployed state table
                                                 (MEDIC_TABLE or --table), newest first

Options:
  --runbook F     runbook file (default runbook.yml)
  --aws-state F   recorded AWS state to read from (default events/aws-state.json)
  --aws           read from real AWS (or AWS_ENDPOINT_URL); still writes nothing
  --live          perform the writes (implies --aws)
  --json          machine-readable output: one JSON object per event (replay), one summary
                  object (backtest)
  -h, --help      this help

validate:
  Lint findings (rules shadowed by an earlier broader rule, scale-outs without a cooldown,
  dry-run rows in a live or prod runbook, unused topics and pipelines) are warnings on stderr
  with file:line:col; exit 0. With --strict any warning makes the exit code 2, like an error.

backtest:
  Loads every *.json event directly in DIR (not recursive; aws-state* files are skipped),
  orders them by event time (ties by file name) and runs them through the engine with one
  in-memory state store and a virtual clock set to each event's time, so cooldowns, dedupe,
  limits and the circuit breaker behave as in production. Nothing is written: a planned action
  counts as executed. AWS reads come from the recorded state, which does not change as actions
  "run" (e.g. a scale-out does not raise the recorded instance count).
  --progress      progress on stderr (shown anyway when stderr is a terminal)
  Exit codes: 2 if any event was rejected as bad input (all events are still run, counted and
  listed), 1 if an action failed or an event could not be finished, else 0.

capture (reads only: DescribeEndpoint, DescribeScalableTargets, DescribeAlarms,
ListPipelineExecutions for the runbook's pipelines, ListProcessingJobs, DescribeProcessingJob
and the violation reports in S3 of the endpoints' Model Monitor executions):
  --endpoint NAME endpoint to capture; repeat it or give a comma-separated list
  --out F         file to write (default aws-state.json; "-" prints it)
  --merge         keep what F already holds (other endpoints, processing jobs, S3 objects)
                  and append the live config to its endpoint config history
  --since D       Model Monitor executions created in this window are recorded with their
                  violation reports, so monitoring events replay too (default 24h)
  Exit 1 when an endpoint does not exist or a read fails; each failed read is named on
  stderr and everything that could be read is still written.

generate-event:
  alarm           --endpoint --variant --metric --namespace --state --previous-state --value
                  --threshold --alarm
  monitoring      --endpoint --type DataQuality|ModelQuality|ModelBias|ModelExplainability
                  --status Completed|CompletedWithViolations|Failed|Stopped --violations N
                  --check --schedule --aws-state-out F (the recorded state plus the
                  violations report, so replay sees the violations)
  endpoint-state  --endpoint --status IN_SERVICE|UPDATING|... --config --variant
  all             --time ISO --account --region --out F

Exit codes: 0 all handled, 1 an action failed, 2 bad input (unreadable event, invalid runbook).`;

type OptionSpec = { type: 'string' | 'boolean'; short?: string; multiple?: boolean };

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const satisfies Record<string, OptionSpec>;
const SOURCE_OPTIONS = {
  runbook: { type: 'string' },
  'aws-state': { type: 'string' },
  aws: { type: 'boolean' },
  json: { type: 'boolean' },
} as const satisfies Record<string, OptionSpec>;

const GENERATE_OPTIONS = {
  endpoint: { type: 'string' },
  variant: { type: 'string' },
  metric: { type: 'string' },
  namespace: { type: 'string' },
  state: { type: 'string' },
  'previous-state': { type: 'string' },
  value: { type: 'string' },
  threshold: { type: 'string' },
  alarm: { type: 'string' },
  type: { type: 'string' },
  status: { type: 'string' },
  violations: { type: 'string' },
  check: { type: 'string' },
  schedule: { type: 'string' },
  config: { type: 'string' },
  time: { type: 'string' },
  account: { type: 'string' },
  region: { type: 'string' },
  out: { type: 'string' },
  'aws-state': { type: 'string' },
  'aws-state-out': { type: 'string' },
} as const satisfies Record<string, OptionSpec>;

/** The options each command accepts: anything else is a usage error. */
const COMMAND_OPTIONS = {
  validate: { ...HELP_OPTION, runbook: { type: 'string' }, strict: { type: 'boolean' } },
  explain: { ...HELP_OPTION, ...SOURCE_OPTIONS },
  replay: { ...HELP_OPTION, ...SOURCE_OPTIONS, live: { type: 'boolean' } },
  backtest: {
    ...HELP_OPTION,
    runbook: { type: 'string' },
    'aws-state': { type: 'string' },
    json: { type: 'boolean' },
    progress: { type: 'boolean' },
  },
  runbook: { ...HELP_OPTION, runbook: { type: 'string' }, width: { type: 'string' } },
  capture: {
    ...HELP_OPTION,
    endpoint: { type: 'string', multiple: true },
    out: { type: 'string' },
    runbook: { type: 'string' },
    merge: { type: 'boolean' },
    since: { type: 'string' },
  },
  'generate-event': { ...HELP_OPTION, ...GENERATE_OPTIONS },
  history: {
    ...HELP_OPTION,
    endpoint: { type: 'string' },
    since: { type: 'string' },
    limit: { type: 'string' },
    table: { type: 'string' },
    json: { type: 'boolean' },
  },
} as const satisfies Record<string, Record<string, OptionSpec>>;

type Command = keyof typeof COMMAND_OPTIONS;

function isCommand(name: string): name is Command {
  return Object.hasOwn(COMMAND_OPTIONS, name);
}

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (!command || command === 'help' || command === '--help' || command === '-h') {
      io.out(HELP);
      return command ? 0 : 2;
    }
    if (!isCommand(command)) throw new UsageError(`unknown command "${command}"`);
    let parsed: { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] };
    try {
      parsed = parseArgs({
        args: rest,
        options: COMMAND_OPTIONS[command],
        allowPositionals: true,
        strict: true,
      }) as unknown as typeof parsed;
    } catch (error) {
      throw new UsageError(describeError(error));
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    const str = (name: string) => values[name] as string | undefined;
    const flag = (name: string) => values[name] === true;
    switch (command) {
      case 'validate':
        if (positionals.length > 1) throw new UsageError('validate takes one runbook file');
        return await validateCommand({ runbook: positionals[0] ?? str('runbook'), strict: flag('strict') }, io);
      case 'explain':
        if (positionals.length > 1) throw new UsageError('explain takes one event file');
        return await explainCommand(
          { runbook: str('runbook'), awsState: str('aws-state'), aws: flag('aws'), json: flag('json'), event: positionals[0] },
          io,
        );
      case 'replay':
        return await replayCommand(
          {
            runbook: str('runbook'),
            awsState: str('aws-state'),
            aws: flag('aws') || flag('live'),
            live: flag('live'),
            json: flag('json'),
            paths: positionals,
          },
          io,
        );
      case 'backtest':
        return await backtestCommand(
          { runbook: str('runbook'), awsState: str('aws-state'), json: flag('json'), progress: flag('progress'), paths: positionals },
          io,
        );
      case 'runbook':
        if (positionals.length > 0) throw new UsageError('runbook takes no arguments; use --runbook F to pick the file');
        return await runbookCommand({ runbook: str('runbook'), width: str('width') }, io);
      case 'capture':
        if (positionals.length > 0) throw new UsageError(`capture takes endpoints as --endpoint NAME, not "${positionals[0]}"`);
        return await captureCommand(
          {
            endpoints: (values.endpoint as string[] | undefined) ?? [],
            out: str('out'),
            runbook: str('runbook'),
            merge: flag('merge'),
            since: str('since'),
          },
          io,
        );
      case 'history':
        if (positionals.length > 0) throw new UsageError(`history takes no arguments; use --endpoint NAME, not "${positionals[0]}"`);
        return await historyCommand(
          { endpoint: str('endpoint'), since: str('since'), limit: str('limit'), table: str('table'), json: flag('json') },
          io,
        );
      case 'generate-event': {
        const options: Record<string, string> = {};
        for (const name of Object.keys(GENERATE_OPTIONS)) {
          const value = str(name);
          if (value !== undefined) options[name] = value;
        }
        return await generateEventCommand(positionals, options, io);
      }
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
