/**
 * The operator's reading commands (docs/cli.md#the-operators-commands): `silence list`,
 * `approvals` and `status` read the deployed state table directly (MEDIC_TABLE or --table),
 * like `history`; they write nothing.
 */
import { MedicError } from '../../shared/errors.js';
import { isBusy } from '../../shared/guards/busy.js';
import { silenceGlobMatches } from '../../shared/guards/silence.js';
import { isGlob } from '../../shared/runbook/glob.js';
import type { Approval, EndpointSnapshot, LadderState, Silence, StateStore } from '../../shared/state/store.js';
import { type Io, paint } from '../io.js';
import { isoTime, silenceMatchers } from '../operator-text.js';
import { UsageError } from '../usage-error.js';

type Reader = Pick<
  StateStore,
  'listSilences' | 'listPendingApprovals' | 'getEndpointSnapshot' | 'listOpenLadders' | 'countRemediations' | 'queryAudit'
>;

/** How far back `status` without --endpoint looks for endpoints the stack acted on. */
const STATUS_AUDIT_WINDOW_MS = 24 * 3600_000;
/** At most this many audit records (the newest) are read to find those endpoints. */
const STATUS_AUDIT_LIMIT = 5000;
/**
 * The state table has no list of endpoints: cooldowns, locks and circuits live in one partition
 * per endpoint and open ladders in a GSI partition per endpoint, so listing them would take a
 * Scan of the whole table, which `status` does not do. Without --endpoint it finds endpoints
 * through what can be listed (silences, approvals, the audit), and says what that can miss.
 */
export const STATUS_DISCOVERY_NOTE =
  'note: endpoints found through silences, pending approvals and the decisions of the last 24h; one held only by something older (a cooldown longer than a day, a ladder whose next check is a day away) or by the lock of its first event in a day shows with --endpoint NAME';
const HOUR_MS = 3600_000;

const nowOf = (io: Io) => (io.clock ?? { now: () => Date.now() }).now();

/** The state table, with a missing table named the way `history` names it. */
async function openTable(command: string, table: string | undefined, io: Io): Promise<Reader> {
  const name = table ?? io.env.MEDIC_TABLE;
  if (!name) {
    throw new UsageError(
      `${command} needs the state table: --table NAME or MEDIC_TABLE (see \`npx osls info\` for the deployed name)`,
      command,
    );
  }
  const { openDynamoStateStore } = await import('../../shared/state/open-dynamodb.js');
  const store = await openDynamoStateStore(io.env, name);
  const region = io.env.AWS_REGION || io.env.AWS_DEFAULT_REGION || 'this region';
  const wrap =
    <A extends unknown[], R>(read: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      read.apply(store, args).catch((error: unknown) => {
        if (error instanceof MedicError && error.kind === 'aws-not-found') {
          throw new MedicError(
            'aws-not-found',
            `the state table ${name} does not exist in ${region}: check --table or MEDIC_TABLE (\`npx osls info --stage STAGE\` shows the deployed name)`,
          );
        }
        throw error;
      });
  return {
    listSilences: wrap(store.listSilences),
    listPendingApprovals: wrap(store.listPendingApprovals),
    getEndpointSnapshot: wrap(store.getEndpointSnapshot),
    listOpenLadders: wrap(store.listOpenLadders),
    countRemediations: wrap(store.countRemediations),
    queryAudit: wrap(store.queryAudit),
  };
}

/** `in 42m`, `in 3h 10m`, `2d 4h ago`: how far a time is from now. */
export function relative(at: number, now: number): string {
  const span = Math.abs(at - now);
  const minutes = Math.round(span / 60_000);
  let text: string;
  if (minutes < 1) text = `${Math.round(span / 1000)}s`;
  else if (minutes < 60) text = `${minutes}m`;
  else if (minutes < 48 * 60) text = `${Math.floor(minutes / 60)}h${minutes % 60 ? ` ${minutes % 60}m` : ''}`;
  else text = `${Math.floor(minutes / 1440)}d${Math.floor((minutes % 1440) / 60) ? ` ${Math.floor((minutes % 1440) / 60)}h` : ''}`;
  return at >= now ? `in ${text}` : `${text} ago`;
}

function silenceLines(s: Silence, now: number, p: ReturnType<typeof paint>): string[] {
  const state =
    s.startsAt > now ? p.yellow(`upcoming, starts ${relative(s.startsAt, now)}`) : p.green(`active, ends ${relative(s.endsAt, now)}`);
  return [
    `${p.bold(s.silence)}  ${silenceMatchers(s)}${s.quiet ? '  (quiet)' : ''}`,
    `  ${isoTime(s.startsAt)} to ${isoTime(s.endsAt)} (${state})`,
    `  by ${s.by}: ${s.reason}`,
  ];
}

export async function silenceListCommand(options: { table?: string; json?: boolean }, io: Io): Promise<number> {
  const store = await openTable('silence list', options.table, io);
  const now = nowOf(io);
  const silences = await store.listSilences(now);
  if (options.json) {
    for (const s of silences) io.out(JSON.stringify(s));
    return 0;
  }
  if (silences.length === 0) {
    io.out('no active or upcoming silences');
    return 0;
  }
  const p = paint(io.color);
  for (const s of silences) for (const line of silenceLines(s, now, p)) io.out(line);
  const active = silences.filter((s) => s.startsAt <= now).length;
  io.out(`\n${active} active, ${silences.length - active} upcoming; \`medic silence expire ID --reason TEXT\` ends one early`);
  return 0;
}

function approvalLines(a: Approval, now: number, p: ReturnType<typeof paint>): string[] {
  return [
    `${p.bold(a.id)}  ${a.action.type} on ${a.endpoint ?? '(no endpoint)'}, rule ${a.rule}`,
    `  asked ${isoTime(a.createdAt)}, expires ${isoTime(a.expiresAt)} (${relative(a.expiresAt, now)})`,
    `  medic approve ${a.id}    medic reject ${a.id} --reason TEXT`,
  ];
}

export async function approvalsCommand(options: { table?: string; json?: boolean }, io: Io): Promise<number> {
  const store = await openTable('approvals', options.table, io);
  const now = nowOf(io);
  const approvals = await store.listPendingApprovals(now);
  if (options.json) {
    for (const a of approvals) io.out(JSON.stringify(a));
    return 0;
  }
  if (approvals.length === 0) {
    io.out('no approvals pending');
    return 0;
  }
  const p = paint(io.color);
  for (const a of approvals) for (const line of approvalLines(a, now, p)) io.out(line);
  io.out(`\n${approvals.length} pending, soonest to expire first`);
  return 0;
}

/** What `status --json` prints per endpoint (docs/cli.md#status---json). */
export interface EndpointStatus {
  endpoint: string;
  busy?: { status: string; since: number };
  circuit?: { openedAt: number; until: number; reason: string };
  cooldowns: Array<{ rule: string; until: number }>;
  lock?: { owner: string; until: number };
  silences: string[];
  approvals: string[];
  ladders: Array<{ rule: string; alarm: string; next?: { step: number; attempt: number; at: number } }>;
  remediationsLastHour: number;
  /** True when nothing above holds the endpoint back (busy, circuit, cooldowns, lock, silences, approvals, ladders). */
  clear: boolean;
}

async function endpointStatus(
  store: Reader,
  endpoint: string,
  silences: Silence[],
  approvals: Approval[],
  now: number,
): Promise<EndpointStatus> {
  const [snapshot, ladders, remediations] = await Promise.all([
    store.getEndpointSnapshot(endpoint, now) as Promise<EndpointSnapshot>,
    store.listOpenLadders(endpoint, now) as Promise<LadderState[]>,
    store.countRemediations(endpoint, now - HOUR_MS),
  ]);
  const status: EndpointStatus = {
    endpoint,
    // Which signal started a cooldown is the engine's business (a retry of it is not held): not shown.
    cooldowns: snapshot.cooldowns.map(({ rule, until }) => ({ rule, until })),
    silences: silences.filter((s) => silenceGlobMatches(s.endpoint, endpoint)).map((s) => s.silence),
    approvals: approvals.filter((a) => a.endpoint === endpoint).map((a) => a.id),
    ladders: ladders.map((l) => ({
      rule: l.rule,
      alarm: l.alarm,
      ...(l.next ? { next: { step: l.next.step, attempt: l.next.attempt, at: l.next.at } } : {}),
    })),
    remediationsLastHour: remediations,
    clear: false,
  };
  if (snapshot.status && isBusy(snapshot.status, now)) status.busy = { status: snapshot.status.status, since: snapshot.status.at };
  if (snapshot.circuit) status.circuit = snapshot.circuit;
  if (snapshot.lock) status.lock = snapshot.lock;
  status.clear =
    !status.busy &&
    !status.circuit &&
    !status.lock &&
    status.cooldowns.length === 0 &&
    status.silences.length === 0 &&
    status.approvals.length === 0 &&
    status.ladders.length === 0;
  return status;
}

function statusLines(
  s: EndpointStatus,
  silences: Map<string, Silence>,
  approvals: Map<string, Approval>,
  now: number,
  p: ReturnType<typeof paint>,
) {
  const lines = [p.bold(s.endpoint)];
  const at = (ms: number) => `${isoTime(ms)} (${relative(ms, now)})`;
  if (s.busy) lines.push(`  ${p.yellow('busy')}      ${s.busy.status} since ${at(s.busy.since)}`);
  if (s.circuit) lines.push(`  ${p.red('circuit')}   open until ${at(s.circuit.until)}: ${s.circuit.reason}`);
  for (const c of s.cooldowns) lines.push(`  cooldown  ${c.rule} until ${at(c.until)}`);
  if (s.lock) lines.push(`  lock      held by ${s.lock.owner} until ${at(s.lock.until)}`);
  for (const id of s.silences) {
    const silence = silences.get(id);
    const state = silence && silence.startsAt > now ? `from ${isoTime(silence.startsAt)} ` : '';
    lines.push(`  silence   ${id} (${silence ? silenceMatchers(silence) : ''}) ${state}until ${silence ? at(silence.endsAt) : '?'}`);
  }
  for (const id of s.approvals) {
    const approval = approvals.get(id);
    lines.push(
      `  approval  ${id}: ${approval?.action.type ?? '?'} (rule ${approval?.rule ?? '?'}) expires ${approval ? at(approval.expiresAt) : '?'}: medic approve ${id}`,
    );
  }
  for (const l of s.ladders) {
    const next = l.next ? `check ${l.next.step}.${l.next.attempt} due ${at(l.next.at)}` : 'no check due';
    lines.push(`  ladder    ${l.rule} on ${l.alarm}: ${next}`);
  }
  if (s.clear) lines.push(`  ${p.green('nothing held')}`);
  lines.push(`  ${s.remediationsLastHour} remediation${s.remediationsLastHour === 1 ? '' : 's'} in the last hour`);
  return lines;
}

export async function statusCommand(options: { endpoint?: string; table?: string; json?: boolean }, io: Io): Promise<number> {
  const store = await openTable('status', options.table, io);
  const now = nowOf(io);
  const [silences, approvals] = await Promise.all([store.listSilences(now), store.listPendingApprovals(now)]);

  let endpoints: string[];
  let globSilences: Silence[] = [];
  if (options.endpoint) endpoints = [options.endpoint];
  else {
    const named = new Set<string>();
    for (const s of silences) if (!isGlob(s.endpoint)) named.add(s.endpoint);
    for (const a of approvals) if (a.endpoint) named.add(a.endpoint);
    const audit = await store.queryAudit({ since: now - STATUS_AUDIT_WINDOW_MS, limit: STATUS_AUDIT_LIMIT });
    for (const record of audit) if (record.endpoint) named.add(record.endpoint);
    endpoints = [...named].sort();
    globSilences = silences.filter((s) => isGlob(s.endpoint));
  }
  const statuses = await Promise.all(endpoints.map((e) => endpointStatus(store, e, silences, approvals, now)));

  if (options.json) {
    for (const s of statuses) io.out(JSON.stringify(s));
    return 0;
  }
  const p = paint(io.color);
  if (!options.endpoint) io.err(STATUS_DISCOVERY_NOTE);
  if (statuses.length === 0 && globSilences.length === 0) {
    io.out('no endpoint has anything to show: no silences, no pending approvals, no decisions in the last 24h');
    return 0;
  }
  const silenceById = new Map(silences.map((s) => [s.silence, s]));
  const approvalById = new Map(approvals.map((a) => [a.id, a]));
  statuses.forEach((s, i) => {
    if (i > 0) io.out('');
    for (const line of statusLines(s, silenceById, approvalById, now, p)) io.out(line);
  });
  if (globSilences.length > 0) {
    if (statuses.length > 0) io.out('');
    io.out(p.bold('silences on endpoint patterns'));
    for (const s of globSilences) {
      const from = s.startsAt > now ? `from ${isoTime(s.startsAt)} ` : '';
      io.out(`  silence   ${s.silence} (${silenceMatchers(s)}) ${from}until ${isoTime(s.endsAt)} (${relative(s.endsAt, now)})`);
    }
  }
  return 0;
}
