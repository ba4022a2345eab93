/**
 * medic generate-event alarm|monitoring|endpoint-state [options]: prints a valid sample
 * EventBridge event (like `sam local generate-event`), ready for `medic explain` / `replay`.
 * For monitoring results with violations, --aws-state-out writes the recorded AWS state plus
 * the violations report at the S3 URI the event points to, so a replay sees the violations.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadRecordedStateFile } from '../../shared/aws/recorded.js';
import { MedicError } from '../../shared/errors.js';
import { parseJsonText } from '../../shared/json-text.js';
import { parseIsoWithZone } from '../../shared/signals/iso-time.js';
import type { AlarmState, MonitoringStatus, MonitoringType } from '../../shared/signals/types.js';
import {
  ALARM_STATES,
  alarmEvent,
  DEFAULT_ENDPOINT,
  EVENT_KINDS,
  type EventBridgeEvent,
  type EventKind,
  endpointStateEvent,
  MONITORING_STATUSES,
  MONITORING_TYPES,
  monitoringEvent,
  toEventBridgeStatus,
} from '../generate/events.js';
import type { Io } from '../io.js';
import { outputPath, writeOutputFile } from '../output-file.js';
import { DEFAULT_AWS_STATE } from '../setup.js';
import { UsageError } from '../usage-error.js';

/** Which options each kind takes (besides time, account, region, out). */
const KIND_OPTIONS: Record<EventKind, readonly string[]> = {
  alarm: ['endpoint', 'variant', 'metric', 'namespace', 'state', 'previous-state', 'value', 'threshold', 'alarm', 'aws-state'],
  monitoring: ['endpoint', 'type', 'status', 'violations', 'check', 'schedule', 'aws-state', 'aws-state-out'],
  'endpoint-state': ['endpoint', 'status', 'config', 'variant', 'aws-state'],
};
const COMMON = ['time', 'account', 'region', 'out'];
/** EndpointStatus as the state-change event spells it (InService is accepted too). */
const ENDPOINT_STATUSES = [
  'IN_SERVICE',
  'CREATING',
  'UPDATING',
  'SYSTEM_UPDATING',
  'ROLLING_BACK',
  'OUT_OF_SERVICE',
  'DELETING',
  'FAILED',
  'UPDATE_ROLLBACK_FAILED',
];

export async function generateEventCommand(positionals: string[], options: Record<string, string>, io: Io): Promise<number> {
  const [kind, ...extra] = positionals;
  if (!kind || extra.length > 0 || !EVENT_KINDS.includes(kind as EventKind)) {
    throw new UsageError(`generate-event takes one kind: ${EVENT_KINDS.join(', ')}${kind ? ` (got "${positionals.join(' ')}")` : ''}`);
  }
  const k = kind as EventKind;
  for (const name of Object.keys(options)) {
    if (!KIND_OPTIONS[k].includes(name) && !COMMON.includes(name)) throw new UsageError(`--${name} does not apply to ${k} events`);
  }
  const common = {
    time: options.time !== undefined ? parseTime(options.time) : (io.clock?.now() ?? Date.now()),
    ...(options.account !== undefined ? { account: checkAccount(options.account) } : {}),
    ...(options.region !== undefined ? { region: nonEmpty('region', options.region) } : {}),
  };
  const known = recordedEndpoint(options.endpoint ?? DEFAULT_ENDPOINT, options['aws-state'], io);
  let event: EventBridgeEvent;
  let stateOut: { uri: string; report: unknown } | undefined;
  switch (k) {
    case 'alarm':
      event = usageOnRangeError(() =>
        alarmEvent({
          ...common,
          ...optional('endpoint', options.endpoint),
          ...optional('variant', options.variant ?? known.variant),
          ...optional('metric', options.metric),
          ...optional('namespace', options.namespace),
          ...optional('alarm', options.alarm),
          ...(options.state !== undefined ? { state: oneOf('state', options.state, ALARM_STATES) as AlarmState } : {}),
          ...(options['previous-state'] !== undefined
            ? { previousState: oneOf('previous-state', options['previous-state'], ALARM_STATES) as AlarmState }
            : {}),
          ...(options.value !== undefined ? { value: number('value', options.value) } : {}),
          ...(options.threshold !== undefined ? { threshold: number('threshold', options.threshold) } : {}),
        }),
      );
      break;
    case 'monitoring': {
      const sample = usageOnRangeError(() =>
        monitoringEvent({
          ...common,
          ...optional('endpoint', options.endpoint),
          ...optional('check', options.check),
          ...optional('schedule', options.schedule),
          ...(options.type !== undefined ? { type: oneOf('type', options.type, MONITORING_TYPES) as MonitoringType } : {}),
          ...(options.status !== undefined ? { status: oneOf('status', options.status, MONITORING_STATUSES) as MonitoringStatus } : {}),
          ...(options.violations !== undefined ? { violations: count('violations', options.violations) } : {}),
        }),
      );
      event = sample.event;
      if (options['aws-state-out'] !== undefined) stateOut = { uri: sample.reportUri, report: sample.report ?? { violations: [] } };
      else if (sample.report !== undefined) {
        io.err(
          `note: the violations report is in S3, not in the event: add --aws-state-out F for a recorded state that holds it (replay it with --aws-state F), or the replay finds no violations`,
        );
      }
      break;
    }
    case 'endpoint-state':
      event = endpointStateEvent({
        ...common,
        ...optional('endpoint', options.endpoint),
        ...optional('config', options.config ?? known.config),
        ...optional('variant', options.variant ?? known.variant),
        ...(options.status !== undefined ? { status: oneOf('status', toEventBridgeStatus(options.status), ENDPOINT_STATUSES) } : {}),
      });
      break;
  }

  const text = `${JSON.stringify(event, null, 2)}\n`;
  const outFile = options.out !== undefined && options.out !== '-' ? outputPath('out', options.out, io.cwd) : undefined;
  const stateOutFile =
    stateOut && options['aws-state-out'] !== undefined ? outputPath('aws-state-out', options['aws-state-out'], io.cwd) : undefined;
  if (outFile && options.out !== undefined) {
    writeOutputFile('out', options.out, outFile, text);
    io.err(`wrote ${options.out}`);
  } else {
    io.out(text.trimEnd());
  }
  if (stateOut && stateOutFile && options['aws-state-out'] !== undefined) {
    const base = resolve(io.cwd, options['aws-state'] ?? DEFAULT_AWS_STATE);
    const state = withReport(base, options['aws-state'] !== undefined, stateOut.uri, stateOut.report);
    writeOutputFile('aws-state-out', options['aws-state-out'], stateOutFile, `${JSON.stringify(state, null, 2)}\n`);
    io.err(`wrote ${options['aws-state-out']} (the recorded AWS state with the violations report at ${stateOut.uri})`);
  }
  return 0;
}

/**
 * Defaults that fit the recorded state (--aws-state, default events/aws-state.json), so a
 * generated event replays against it: the endpoint's first variant and its live config. An
 * endpoint the state does not know, or no state file, keeps the generic defaults.
 */
function recordedEndpoint(endpoint: string, given: string | undefined, io: Io): { variant?: string; config?: string } {
  const file = resolve(io.cwd, given ?? DEFAULT_AWS_STATE);
  if (given === undefined && !existsSync(file)) return {};
  const described = loadRecordedStateFile(file).sagemaker?.endpoints?.[endpoint] as
    | { EndpointConfigName?: unknown; ProductionVariants?: { VariantName?: unknown }[] }
    | undefined;
  const variant = described?.ProductionVariants?.[0]?.VariantName;
  const config = described?.EndpointConfigName;
  return {
    ...(typeof variant === 'string' ? { variant } : {}),
    ...(typeof config === 'string' ? { config } : {}),
  };
}

/**
 * The recorded state (when there is one) with the report added inline under its S3 URI. The
 * base file's own S3 entries are inlined too: their relative paths would not resolve from the
 * new file's folder.
 */
function withReport(baseFile: string, required: boolean, uri: string, report: unknown): Record<string, unknown> {
  if (!existsSync(baseFile)) {
    if (required) throw new MedicError('invalid-state', `${baseFile}: cannot read the recorded AWS state (ENOENT)`);
    return { s3: { [uri]: report } };
  }
  const state = loadRecordedStateFile(baseFile) as Record<string, unknown> & { s3?: Record<string, unknown> };
  const s3: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(state.s3 ?? {})) {
    if (typeof entry !== 'string') s3[key] = entry;
    else {
      const path = resolve(dirname(baseFile), entry);
      try {
        const json = parseJsonText(readFileSync(path, 'utf8'));
        s3[key] = json.ok ? json.value : path;
      } catch {
        s3[key] = path;
      }
    }
  }
  s3[uri] = report;
  return { ...state, s3 };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  if (value === undefined) return {};
  return { [key]: nonEmpty(key, value) } as Record<K, string>;
}

function nonEmpty(name: string, value: string): string {
  if (value.trim() === '') throw new UsageError(`--${name} must not be empty`);
  return value;
}

function oneOf(name: string, value: string, allowed: readonly string[]): string {
  if (!allowed.includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value;
}

function number(name: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${value}"`);
  return n;
}

function count(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 10_000) throw new UsageError(`--${name} must be a whole number from 0 to 10000, got "${value}"`);
  return n;
}

/** The event parser's own check of `time` (parseIsoWithZone): what is generated is what the functions accept. */
function parseTime(value: string): number {
  const time = parseIsoWithZone(value);
  if (!time.ok)
    throw new UsageError(`--time must be an ISO 8601 time with its zone such as 2026-11-23T04:12:40Z (${time.error}), got "${value}"`);
  return time.ms;
}

function checkAccount(value: string): string {
  if (!/^\d{12}$/.test(value)) throw new UsageError(`--account must be a 12-digit AWS account id, got "${value}"`);
  return value;
}

/** The generators refuse impossible combinations with a RangeError: a wrong command line (exit 2). */
function usageOnRangeError<T>(generate: () => T): T {
  try {
    return generate();
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
}
