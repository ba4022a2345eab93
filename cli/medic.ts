/**
 * `medic`: validate, explain, replay and backtest runbooks offline with the same engine the
 * Lambda handlers run, plus operator tools (runbook table, capture, generate-event).
 * Exit codes: 0 all handled, 1 an action failed, 2 bad input.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { installClients } from '../shared/aws/client-loader.js';
import { ALL_CLIENTS } from '../shared/aws/loaders/all.js';
import { describeError, InvalidRunbookError, isBadInputKind, MedicError } from '../shared/errors.js';
import { backtestCommand } from './commands/backtest.js';
import { captureCommand } from './commands/capture.js';
import { compileCommand } from './commands/compile.js';
import { explainCommand } from './commands/explain.js';
import { generateEventCommand } from './commands/generate-event.js';
import { historyCommand } from './commands/history.js';
import { approvalsCommand, silenceListCommand, statusCommand } from './commands/operator-read.js';
import {
  circuitCloseCommand,
  decideApprovalCommand,
  type SendOptions,
  silenceAddCommand,
  silenceExpireCommand,
} from './commands/operator-send.js';
import { replayCommand } from './commands/replay.js';
import { runbookCommand } from './commands/runbook.js';
import { validateCommand } from './commands/validate.js';
import { type Io, processIo } from './io.js';
import { plural } from './plural.js';
import { didYouMean } from './suggest.js';
import { UsageError } from './usage-error.js';
import { cliMessage } from './wording.js';

// The CLI may call any service model-medic calls (--aws, --live, capture, the operator commands).
installClients(ALL_CLIENTS);

const HELP = `medic: offline tools for model-medic runbooks

Usage:
  medic validate [RUNBOOK] [--strict]            check a runbook and lint it (exit 0 valid, 2 invalid)
  medic compile [RUNBOOK] [--out F] [--put-parameter NAME] [--strict]
                                                 validate, then write the compiled runbook (JSON)
                                                 the functions load; or put it into SSM
  medic explain EVENT [--runbook F] [--aws-state F | --aws] [--json]
                                                 the signal, and why each rule did or did not match
  medic replay EVENT|DIR... [--runbook F] [--aws-state F | --aws] [--live] [--json]
                                                 run events through the engine and print the plan
  medic backtest DIR... [--runbook F] [--aws-state F] [--json] [--progress]
                                                 replay a folder in event-time order on a virtual
                                                 clock; summary per rule and endpoint, thrash
  medic runbook [--runbook F] [--width N]        the runbook as a table: id | when | then | cooldown | mode
  medic capture --endpoint NAME... [--out F] [--runbook F] [--merge] [--since 24h] [--events DIR]
                                                 snapshot live AWS state (reads only) into an
                                                 aws-state.json for replay and backtest
  medic generate-event alarm|monitoring|endpoint-state [options] [--out F]
                                                 print a valid sample EventBridge event
  medic history [--endpoint X] [--since 24h] [--limit N] [--table T] [--json]
                                                 the audit trail from the deployed state table
                                                 (MEDIC_TABLE or --table), newest first

Operator's commands (docs/cli.md#the-operators-commands):
  medic silence add --endpoint GLOB [--rule GLOB] [--kind alarm|monitoring]
                    (--for 2h | --until ISO) [--starts ISO] --reason TEXT [--quiet]
                                                 hold the automation's actions on matching endpoints
  medic silence expire ID [--reason TEXT]        end a silence early
  medic approve ID [--reason TEXT]               send Approval Granted: run an action that awaits approval
  medic reject ID --reason TEXT                  send Approval Rejected: drop it
  medic circuit close --endpoint NAME --reason TEXT
                                                 close an open circuit before its expiry
    (these send one event to the stack's bus: --bus NAME or MEDIC_BUS; --dry-run prints it)
  medic silence list [--table T] [--json]        active and upcoming silences
  medic approvals [--table T] [--json]           pending approvals and how to approve them
  medic status [--endpoint X] [--table T] [--json]
                                                 what holds each endpoint: busy, circuit,
                                                 cooldowns, lock, silences, approvals, ladders

Options:
  --runbook F     runbook file (default runbook.yml)
  --aws-state F   recorded AWS state to read from (default: the events' folder's own
                  aws-state.json if it has one, else events/aws-state.json)
  --aws           read from real AWS (or AWS_ENDPOINT_URL); still writes nothing
  --live          perform the writes (implies --aws)
  --json          machine-readable output: one JSON object per event (replay), one summary
                  object (backtest)
  -h, --help      this help; \`medic COMMAND --help\` for one command
  --version       the medic version

Exit codes: 0 all handled, 1 an action failed (or AWS failed), 2 bad input (unreadable event,
invalid runbook, wrong command line).
Docs: docs/cli.md (commands), docs/runbook.md (the runbook format).`;

const SOURCE_HELP = `  --runbook F     runbook file (default runbook.yml)
  --aws-state F   recorded AWS state to read from (default: the events' folder's own
                  aws-state.json if it has one, else events/aws-state.json)
  --aws           read from real AWS (AWS_REGION, credentials, or AWS_ENDPOINT_URL); writes nothing`;

const SEND_HELP = `  --bus NAME      the stack's operator bus (default MEDIC_BUS)
  --dry-run       print the event (JSON) instead of sending it; calls no AWS
  --by ARN        with --dry-run: the sender to write into the event (default
                  "(dry-run: caller not looked up)"); a sent event's by is your ARN from STS`;

const READ_HELP = `  --table T       the state table (default MEDIC_TABLE)
  --json          one object per line`;

/** \`medic COMMAND --help\`: the usage line, the options, one example. */
const COMMAND_HELP: Record<Command, string> = {
  validate: `Usage: medic validate [RUNBOOK] [--strict]

Checks a runbook (default runbook.yml) and lints it. Errors and lint warnings go to stderr
as file:line:col; exit 0 valid, 2 invalid.
  --runbook F     the runbook file (instead of RUNBOOK; give one or the other)
  --strict        treat lint warnings as errors (exit 2)

Example: medic validate runbook.yml --strict`,
  compile: `Usage: medic compile [RUNBOOK] [--out F] [--put-parameter NAME] [--strict]

Validates and lints a runbook (default runbook.yml) like validate, then writes it compiled: JSON
with the content hash of the YAML, which the functions load with no YAML parser. \${env:...}
references stay references, resolved by each function at load. Nothing is written when the
runbook is invalid. Exit 0, 1 AWS refused the put, 2 invalid runbook or usage.
  --runbook F            the runbook file (instead of RUNBOOK; give one or the other)
  --out F                write it to F ("-": stdout, the default without --put-parameter)
  --put-parameter NAME   put it as a new version of the SSM parameter NAME (the stack's
                         runbookParameter); AWS_REGION and credentials as for --aws
  --strict               treat lint warnings as errors (exit 2, nothing written)

Example: medic compile runbook.yml --put-parameter /model-medic/prod/runbook`,
  explain: `Usage: medic explain EVENT [--runbook F] [--aws-state F | --aws] [--json]

The normalized signal, and for every rule whether it matched or which criterion failed.
Guards (dedupe, cooldown, lock, limits) are not evaluated. Exit 0, 1 AWS failed (--aws),
2 bad event, runbook or recorded AWS state.
${SOURCE_HELP}
  --json          {"event", "signal", "rules": [{"rule", "matched", "reason"?, "shadowed"?}]}

Example: medic explain events/06-alarm-4xx-churn-prod.json`,
  replay: `Usage: medic replay EVENT|DIR... [--runbook F] [--aws-state F | --aws] [--live] [--json]

Runs events (files, or the *.json directly in a folder) through the engine in the order given,
with one state store, and prints the plan. Exit 0 handled, 1 an action or AWS failed, 2 bad input.
${SOURCE_HELP}
  --live          perform the writes (implies --aws)
  --json          one JSON report per event, one per line

Example: medic replay events/01-alarm-latency-churn-prod.json`,
  backtest: `Usage: medic backtest DIR... [--runbook F] [--aws-state F] [--json] [--progress]

Replays every *.json in DIR in event-time order on a virtual clock (cooldowns, dedupe, limits as
in production) and summarises per rule and endpoint, with thrash and never-matched rules.
Nothing is written. Exit 0, 1 an action failed, 2 any event rejected or invalid runbook.
  --runbook F     runbook file (default runbook.yml)
  --aws-state F   recorded AWS state (default: the folder's own aws-state.json if it has
                  one, else events/aws-state.json)
  --json          one summary object
  --progress      progress on stderr (shown anyway when stderr is a terminal)

Example: medic backtest events/ --json`,
  runbook: `Usage: medic runbook [--runbook F] [--width N]

The runbook as a table: id, when, then, cooldown, mode. Fitted to the terminal; one rule per
line when piped. Exit 0, 2 invalid runbook.
  --runbook F     runbook file (default runbook.yml)
  --width N       fit the table to N columns

Example: medic runbook --width 100`,
  capture: `Usage: medic capture --endpoint NAME... [--out F] [--runbook F] [--merge] [--since D] [--events DIR]

Snapshots live AWS state (reads only) into an aws-state.json for replay and backtest: the
endpoints, their scalable targets and alarms, the runbook's pipeline runs, and the endpoints'
Model Monitor executions with their violation reports. Exit 0; 1 an endpoint does not exist or
a read failed (each failed read is named, and what could be read is still written); 2 usage.
  --endpoint NAME endpoint to capture; repeat it or give a comma-separated list
  --out F         file to write (default aws-state.json; "-" prints it, not with --events)
  --runbook F     the runbook whose pipelines to capture (default runbook.yml)
  --merge         keep what F holds and append the live config to each endpoint's history
  --since D       record the Model Monitor executions created in this window (default 24h)
  --events DIR    also write the window's alarm state changes (at most the last 30 days, all
                  CloudWatch keeps) and monitoring executions as EventBridge event files into
                  DIR (new or empty), the snapshot beside them unless --out says otherwise, and
                  a README.md of where each came from: \`medic backtest DIR\` replays them
  --progress      progress on stderr (shown anyway when stderr is a terminal)

Example: AWS_REGION=us-east-1 medic capture --endpoint churn-prod,fraud-prod --since 7d --events last-week/`,
  'generate-event': `Usage: medic generate-event alarm|monitoring|endpoint-state [options]

Prints a valid sample EventBridge event. Every option has a default that fits the sample
state in events/aws-state.json. Exit 0, 2 wrong options.
  alarm           --endpoint --variant --metric --namespace --state --previous-state --value
                  --threshold --alarm
  monitoring      --endpoint --type DataQuality|ModelQuality|ModelBias|ModelExplainability
                  --status Completed|CompletedWithViolations|Failed|Stopped --violations N
                  --check --schedule --aws-state-out F (the recorded state plus the
                  violations report, so replay sees the violations)
  endpoint-state  --endpoint --status IN_SERVICE|UPDATING|... --config --variant
  all kinds       --time ISO --account --region --out F, --aws-state F (the recorded state
                  the defaults fit: an endpoint's first variant and live config)

Example: medic generate-event alarm --endpoint fraud-prod --metric CPUUtilization --out /tmp/cpu.json`,
  history: `Usage: medic history [--endpoint X] [--since 24h] [--limit N] [--table T] [--json]

The audit trail from the deployed state table, newest first (reads only).
  --endpoint X    only this endpoint
  --since D       only the last D (default 24h; e.g. 30m, 7d)
  --limit N       at most N records (default 100)
  --table T       the state table (default MEDIC_TABLE)
  --json          one record per line

Example: MEDIC_TABLE=model-medic-prod-state medic history --endpoint fraud-prod --since 24h`,
  'silence add': `Usage: medic silence add --endpoint GLOB [--rule GLOB] [--kind alarm|monitoring]
                         (--for D | --until ISO) [--starts ISO] --reason TEXT [--quiet]

Sends Silence Created: while it lasts, actions on matching endpoints (and rules, and signal
kind) are held with cause "silenced"; notify still says so unless --quiet. Prints the new
silence id and the event id. Exit 0 sent, 1 AWS refused, 2 usage.
  --endpoint GLOB endpoints it covers (a name, or a glob like fraud-*)
  --rule GLOB     only the rules matching this glob
  --kind K        only alarm or monitoring signals
  --for D         how long from the start (e.g. 30m, 2h, 1d)
  --until ISO     when it ends instead (ISO 8601 with a zone, e.g. 2026-11-23T18:00:00Z;
                  a date that does not exist, like 2026-11-31, is refused)
  --starts ISO    when it starts (default now)
                  at least 1m and at most 30d from start to end, in whole seconds
  --reason TEXT   why (required; audited)
  --quiet         no "silenced" notification either
${SEND_HELP}

Example: medic silence add --endpoint 'fraud-*' --for 2h --reason "planned retrain" --bus model-medic-prod-operator`,
  'silence expire': `Usage: medic silence expire ID [--reason TEXT]

Sends Silence Expired: the silence ends now. \`medic silence list\` shows the ids.
Exit 0 sent, 1 AWS refused, 2 usage.
  --reason TEXT   why (audited)
${SEND_HELP}

Example: medic silence expire sil-3f9a2c1b --reason "retrain done"`,
  'silence list': `Usage: medic silence list [--table T] [--json]

The active and upcoming silences from the deployed state table (reads only): id, matchers,
from and until, who and why, quiet.
${READ_HELP}

Example: MEDIC_TABLE=model-medic-prod-state medic silence list`,
  approve: `Usage: medic approve ID [--reason TEXT]

Sends Approval Granted for an action awaiting approval (a rule's \`approval: { for, expires }\`;
its notify printed the id). The function plans the action again against the endpoint as it is
then and runs it through every guard but the cooldown; an unknown, decided or expired id does
nothing but say why (\`medic history\`). Exit 0 sent, 1 AWS refused, 2 usage.
  --reason TEXT   why (audited)
${SEND_HELP}

Example: medic approve apr-3f9a2c1b7d4e6a08 --reason "checked the drift report"`,
  reject: `Usage: medic reject ID --reason TEXT

Sends Approval Rejected: the function drops the waiting action and tells the team once.
Exit 0 sent, 1 AWS refused, 2 usage.
  --reason TEXT   why (required; audited)
${SEND_HELP}

Example: medic reject apr-3f9a2c1b7d4e6a08 --reason "drift is expected after the promo"`,
  'circuit close': `Usage: medic circuit close --endpoint NAME --reason TEXT

Sends Circuit Closed: automatic changes to the endpoint resume before the circuit's expiry.
Exit 0 sent, 1 AWS refused, 2 usage.
  --endpoint NAME the endpoint (its exact name: a circuit is per endpoint, so no patterns)
  --reason TEXT   why (required; audited)
${SEND_HELP}

Example: medic circuit close --endpoint fraud-prod --reason "root cause fixed"`,
  approvals: `Usage: medic approvals [--table T] [--json]

The pending approvals from the deployed state table (reads only): id, rule, endpoint, action,
asked and expires, and the command to approve or reject.
${READ_HELP}

Example: MEDIC_TABLE=model-medic-prod-state medic approvals`,
  status: `Usage: medic status [--endpoint X] [--table T] [--json]

What holds each endpoint, from the deployed state table (reads only): busy, circuit, cooldowns,
lock, silences, pending approvals, open ladders, remediations in the last hour. Without
--endpoint: every endpoint named by a silence, a pending approval or a decision of the last 24h
(the table has no list of endpoints, and status does not scan it), so an endpoint held only by
an older cooldown or ladder, or by the lock of its first event in a day, needs --endpoint.
  --endpoint X    only this endpoint (any endpoint, found or not)
${READ_HELP}

Example: MEDIC_TABLE=model-medic-prod-state medic status --endpoint fraud-prod`,
};

/** Commands with subcommands: \`medic silence add\`, \`medic circuit close\`. */
const GROUPS: Record<string, { subcommands: string[]; help: string }> = {
  silence: {
    subcommands: ['add', 'expire', 'list'],
    help: `Usage: medic silence add|expire|list [options]

  medic silence add --endpoint GLOB (--for D | --until ISO) --reason TEXT [...]
                                    hold the automation's actions on matching endpoints
  medic silence expire ID           end one early
  medic silence list                the active and upcoming ones

\`medic silence SUBCOMMAND --help\` for its options.`,
  },
  circuit: {
    subcommands: ['close'],
    help: `Usage: medic circuit close --endpoint NAME --reason TEXT

\`medic circuit close --help\` for its options.`,
  },
};

type OptionSpec = { type: 'string' | 'boolean'; short?: string; multiple?: boolean };

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const satisfies Record<string, OptionSpec>;
const SOURCE_OPTIONS = {
  runbook: { type: 'string' },
  'aws-state': { type: 'string' },
  aws: { type: 'boolean' },
  json: { type: 'boolean' },
} as const satisfies Record<string, OptionSpec>;

const SEND_OPTIONS = {
  bus: { type: 'string' },
  'dry-run': { type: 'boolean' },
  by: { type: 'string' },
} as const satisfies Record<string, OptionSpec>;
const READ_OPTIONS = { table: { type: 'string' }, json: { type: 'boolean' } } as const satisfies Record<string, OptionSpec>;

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
  compile: {
    ...HELP_OPTION,
    runbook: { type: 'string' },
    out: { type: 'string' },
    'put-parameter': { type: 'string' },
    strict: { type: 'boolean' },
  },
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
    events: { type: 'string' },
    progress: { type: 'boolean' },
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
  'silence add': {
    ...HELP_OPTION,
    ...SEND_OPTIONS,
    endpoint: { type: 'string' },
    rule: { type: 'string' },
    kind: { type: 'string' },
    for: { type: 'string' },
    until: { type: 'string' },
    starts: { type: 'string' },
    reason: { type: 'string' },
    quiet: { type: 'boolean' },
  },
  'silence expire': { ...HELP_OPTION, ...SEND_OPTIONS, reason: { type: 'string' } },
  'silence list': { ...HELP_OPTION, ...READ_OPTIONS },
  approve: { ...HELP_OPTION, ...SEND_OPTIONS, reason: { type: 'string' } },
  reject: { ...HELP_OPTION, ...SEND_OPTIONS, reason: { type: 'string' } },
  'circuit close': { ...HELP_OPTION, ...SEND_OPTIONS, endpoint: { type: 'string' }, reason: { type: 'string' } },
  approvals: { ...HELP_OPTION, ...READ_OPTIONS },
  status: { ...HELP_OPTION, ...READ_OPTIONS, endpoint: { type: 'string' } },
} as const satisfies Record<string, Record<string, OptionSpec>>;

type Command = keyof typeof COMMAND_OPTIONS;

/** What a user types first: the commands, with a group (silence, circuit) once. */
const COMMANDS = [...new Set(Object.keys(COMMAND_OPTIONS).map((c) => c.split(' ')[0] as string))];
const quote = (name: string) => `"${name}"`;

function isCommand(name: string): name is Command {
  return Object.hasOwn(COMMAND_OPTIONS, name);
}

type Parsed = { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] };

/** The command's options, strictly: an unknown option names the nearest known one. */
function parseCommandLine(command: Command, args: string[]): Parsed {
  const options = COMMAND_OPTIONS[command];
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true }) as unknown as Parsed;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const text = error instanceof Error ? error.message : String(error);
    const unknown = /Unknown option '(-{1,2})([^']+)'/.exec(text);
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) {
      const [, dashes, name = ''] = unknown;
      const hint = didYouMean(name, Object.keys(options), (n) => `--${n}`);
      throw new UsageError(`unknown option ${dashes}${name} for ${command}${hint}`, command);
    }
    // Node's "argument is ambiguous" for a value starting with "-": say how to pass it.
    const ambiguous = /Option '(-{1,2}[^' ]+)[^']*' argument is ambiguous/.exec(text);
    if (ambiguous) throw new UsageError(`${ambiguous[1]} takes a value; for one that starts with "-" write ${ambiguous[1]}=VALUE`, command);
    throw new UsageError(text.split('\n')[0] ?? text, command);
  }
}

/** The version in package.json (one folder up from cli/ and from the bundle in dist/). */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
  return `medic (${pkg.name}) ${pkg.version}`;
}

export async function main(argv: string[], given: Io = processIo()): Promise<number> {
  // Every message in the CLI's own words (cli/wording.ts); reports on stdout are reworded where
  // they are made (replay, backtest).
  const io: Io = { ...given, err: (line) => given.err(cliMessage(line)) };
  try {
    const [command, ...rest] = argv;
    if (!command || command === '--help' || command === '-h') {
      io.out(HELP);
      return command ? 0 : 2;
    }
    if (command === 'help') {
      const topic = rest[0];
      const sub = topic !== undefined && rest[1] !== undefined ? `${topic} ${rest[1]}` : undefined;
      if (topic === undefined) io.out(HELP);
      else if (sub !== undefined && isCommand(sub)) io.out(COMMAND_HELP[sub]);
      else if (isCommand(topic)) io.out(COMMAND_HELP[topic]);
      else if (GROUPS[topic]) io.out(GROUPS[topic].help);
      else throw new UsageError(`unknown command "${topic}"${didYouMean(topic, COMMANDS, quote)}`);
      return 0;
    }
    if (command === '--version' || command === '-v' || command === 'version') {
      io.out(version());
      return 0;
    }
    const group = GROUPS[command];
    if (group) return await runGroup(command, group, rest, io);
    if (!isCommand(command)) {
      if (command.startsWith('-')) throw new UsageError(`unknown option ${command}: options follow a command (medic COMMAND [options])`);
      throw new UsageError(`unknown command "${command}"${didYouMean(command, COMMANDS, quote)}`);
    }
    return await runCommand(command, rest, io);
  } catch (error) {
    return reportFailure(error, io, commandOf(argv));
  }
}

/** The command an argv names, for the pointer to its --help (`silence add`, `history`). */
function commandOf(argv: string[]): string | undefined {
  const [first = '', second = ''] = argv;
  if (GROUPS[first]) return isCommand(`${first} ${second}`) ? `${first} ${second}` : first;
  return isCommand(first) ? first : undefined;
}

/** `medic silence add ...`: the subcommand names the command; its help when there is none. */
async function runGroup(name: string, group: { subcommands: string[]; help: string }, rest: string[], io: Io): Promise<number> {
  const [sub, ...args] = rest;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    io.out(group.help);
    return sub === undefined ? 2 : 0;
  }
  const command = `${name} ${sub}`;
  if (!isCommand(command)) {
    const hint = didYouMean(sub, group.subcommands, quote) || `: ${name} takes ${group.subcommands.map(quote).join(', ')}`;
    throw new UsageError(`unknown ${name} subcommand "${sub}"${hint}`, name);
  }
  return runCommand(command, args, io);
}

async function runCommand(command: Command, rest: string[], io: Io): Promise<number> {
  {
    const { values, positionals } = parseCommandLine(command, rest);
    if (values.help) {
      io.out(COMMAND_HELP[command]);
      return 0;
    }
    const str = (name: string) => values[name] as string | undefined;
    const flag = (name: string) => values[name] === true;
    const send = (): SendOptions => ({ bus: str('bus'), dryRun: flag('dry-run'), by: str('by') });
    switch (command) {
      case 'validate':
        if (positionals.length > 1) throw new UsageError('validate takes one runbook file', command);
        if (positionals[0] !== undefined && str('runbook') !== undefined) {
          throw new UsageError(`validate takes the runbook once: "${positionals[0]}" or --runbook ${str('runbook')}, not both`, command);
        }
        return await validateCommand({ runbook: positionals[0] ?? str('runbook'), strict: flag('strict') }, io);
      case 'compile':
        if (positionals.length > 1) throw new UsageError('compile takes one runbook file', command);
        if (positionals[0] !== undefined && str('runbook') !== undefined) {
          throw new UsageError(`compile takes the runbook once: "${positionals[0]}" or --runbook ${str('runbook')}, not both`, command);
        }
        return await compileCommand(
          { runbook: positionals[0] ?? str('runbook'), out: str('out'), putParameter: str('put-parameter'), strict: flag('strict') },
          io,
        );
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
            events: str('events'),
            progress: flag('progress'),
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
      case 'silence add':
        noArguments(command, positionals, 'use --endpoint GLOB');
        return await silenceAddCommand(
          {
            ...send(),
            endpoint: str('endpoint'),
            rule: str('rule'),
            kind: str('kind'),
            for: str('for'),
            until: str('until'),
            starts: str('starts'),
            reason: str('reason'),
            quiet: flag('quiet'),
          },
          io,
        );
      case 'silence expire':
        oneId(command, positionals, 'silence');
        return await silenceExpireCommand(positionals[0], { ...send(), reason: str('reason') }, io);
      case 'approve':
      case 'reject':
        oneId(command, positionals, 'approval');
        return await decideApprovalCommand(command, positionals[0], { ...send(), reason: str('reason') }, io);
      case 'circuit close':
        noArguments(command, positionals, 'use --endpoint NAME');
        return await circuitCloseCommand({ ...send(), endpoint: str('endpoint'), reason: str('reason') }, io);
      case 'silence list':
        noArguments(command, positionals);
        return await silenceListCommand({ table: str('table'), json: flag('json') }, io);
      case 'approvals':
        noArguments(command, positionals);
        return await approvalsCommand({ table: str('table'), json: flag('json') }, io);
      case 'status':
        noArguments(command, positionals, 'use --endpoint NAME');
        return await statusCommand({ endpoint: str('endpoint'), table: str('table'), json: flag('json') }, io);
    }
  }
}

function noArguments(command: Command, positionals: string[], hint?: string): void {
  if (positionals.length > 0)
    throw new UsageError(`${command} takes no arguments${hint ? `; ${hint}` : ''}, not "${positionals[0]}"`, command);
}

function oneId(command: Command, positionals: string[], what: string): void {
  if (positionals.length > 1) throw new UsageError(`${command} takes one ${what} id, got ${positionals.length}`, command);
}

/** One clear message, never a stack trace, for everything a user can cause. */
function reportFailure(error: unknown, io: Io, command: string | undefined): number {
  if (error instanceof InvalidRunbookError) {
    for (const line of error.message.split('\n')) io.err(line);
    io.err(`${plural(error.issues.length, 'error')}: the runbook was not loaded`);
    return 2;
  }
  if (error instanceof UsageError) {
    io.err(`medic: ${error.message}`);
    const about = error.command ?? command;
    io.err(`Run \`medic ${about ? `${about} ` : ''}--help\` for usage.`);
    return 2;
  }
  if (error instanceof MedicError) {
    io.err(`medic: ${error.message}`);
    return isBadInputKind(error.kind) || error.kind === 'usage' ? 2 : 1;
  }
  // A bug: still one line for the operator, with the detail when MEDIC_DEBUG is set.
  io.err(`medic: unexpected error: ${describeError(error)}`);
  if (io.env.MEDIC_DEBUG && error instanceof Error && error.stack) io.err(error.stack);
  return 1;
}
