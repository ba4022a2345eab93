/**
 * medic history [--endpoint X] [--since 24h] [--limit N] [--table T] [--json]: the audit trail
 * from the DynamoDB state table (MEDIC_TABLE, or --table), newest first, each record with the
 * runbook that decided (content hash, SSM parameter version). Reads only.
 * AWS_ENDPOINT_URL points it at any DynamoDB-compatible endpoint.
 */
import { MedicError } from '../../shared/errors.js';
import { parseDuration, type RunbookIdentity } from '../../shared/runbook/index.js';
import type { AuditRecord } from '../../shared/state/store.js';
import { type Io, paint } from '../io.js';
import { describeSignal } from '../render.js';
import { UsageError } from '../usage-error.js';

export interface HistoryOptions {
  endpoint?: string;
  since?: string;
  limit?: string;
  table?: string;
  json?: boolean;
}

export async function historyCommand(options: HistoryOptions, io: Io): Promise<number> {
  const table = options.table ?? io.env.MEDIC_TABLE;
  if (!table)
    throw new UsageError('history needs the state table: --table NAME or MEDIC_TABLE (see `npx osls info` for the deployed name)');
  const since = parseDuration(options.since ?? '24h');
  if (!since.ok) throw new UsageError(`--since: ${since.error}`);
  const limit = options.limit === undefined ? 100 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a whole number ≥ 1, got "${options.limit}"`);

  // Loaded only for this command: the other commands never touch DynamoDB.
  const { openDynamoStateStore } = await import('../../shared/state/open-dynamodb.js');
  const store = await openDynamoStateStore(io.env, table);
  const now = (io.clock ?? { now: () => Date.now() }).now();
  const query: { endpoint?: string; since: number; limit: number } = { since: now - since.ms, limit };
  if (options.endpoint) query.endpoint = options.endpoint;
  const records = await store.queryAudit(query).catch((error: unknown) => {
    if (error instanceof MedicError && error.kind === 'aws-not-found') {
      const region = io.env.AWS_REGION || io.env.AWS_DEFAULT_REGION || 'this region';
      throw new MedicError(
        'aws-not-found',
        `the state table ${table} does not exist in ${region}: check --table or MEDIC_TABLE (\`npx osls info --stage STAGE\` shows the deployed name)`,
      );
    }
    throw error;
  });

  if (options.json) {
    for (const record of records) io.out(JSON.stringify(record));
    return 0;
  }
  const p = paint(io.color);
  const scope = options.endpoint ? ` for ${options.endpoint}` : '';
  if (records.length === 0) {
    io.out(`no decisions recorded${scope} in the last ${options.since ?? '24h'}`);
    return 0;
  }
  for (const record of records) for (const line of renderAuditRecord(record, p)) io.out(line);
  io.out(`\n${records.length} decision${records.length === 1 ? '' : 's'}${scope} in the last ${options.since ?? '24h'}, newest first`);
  return 0;
}

function renderAuditRecord(record: AuditRecord, p: ReturnType<typeof paint>): string[] {
  const lines = [`${p.bold(new Date(record.at).toISOString())}  ${describeSubject(record)}`];
  if (record.recorded) lines.push(`  ${p.dim('recorded')} ${record.recorded}`);
  if (record.error) lines.push(`  ${p.red('error')} ${record.error}`);
  if (record.ignored) lines.push(`  ${p.dim('ignored')} ${record.ignored}`);
  if (record.rule) lines.push(`  ${p.dim('rule')} ${record.rules?.join(' + ') ?? record.rule}`);
  for (const a of record.actions) {
    lines.push(`  ${a.type} ${a.status}${a.suppressedBy ? ` (${a.suppressedBy})` : ''}: ${a.reason}`);
  }
  if (record.runbook) lines.push(`  ${p.dim('runbook')} ${describeRunbook(record.runbook)}`);
  return lines;
}

/** The signal, the endpoint state change, or (neither known) the event id. */
function describeSubject(record: AuditRecord): string {
  if (record.signal) return describeSignal(record.signal);
  const state = record.endpointState;
  if (!state) return record.event;
  return `endpoint ${record.endpoint} ${state.status}${state.endpointConfig ? ` with ${state.endpointConfig}` : ''}`;
}

/** `3f2a9c1d0b7e`, or `3f2a9c1d0b7e (ssm v4)` for a runbook read from an SSM parameter. */
function describeRunbook(runbook: RunbookIdentity): string {
  return runbook.version === undefined ? runbook.hash : `${runbook.hash} (ssm v${runbook.version})`;
}
