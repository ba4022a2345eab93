/**
 * Operator events (docs/operator-controls.md): every change an operator makes to the automation
 * is an EventBridge event on the stack's own bus, source `model-medic.operator`, handled by the
 * same engine entry, validated like any event and audited with who sent it (`by`) and why.
 * This module parses them (the Lambda and replay) and builds them (the CLI's sending commands).
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { InvalidEventError } from '../errors.js';
import { formatDuration } from '../runbook/duration.js';
import { isGlob } from '../runbook/glob.js';
import type { Envelope } from './envelope.js';
import { parseIsoWithZone } from './iso-time.js';
import { firstIssueLine } from './zod-message.js';

export const OPERATOR_SOURCE = 'model-medic.operator';
export const OPERATOR_DETAIL_TYPES = [
  'Silence Created',
  'Silence Expired',
  'Approval Granted',
  'Approval Rejected',
  'Circuit Closed',
] as const;
export type OperatorDetailType = (typeof OPERATOR_DETAIL_TYPES)[number];

export interface SilenceSpec {
  silence: string;
  /** Glob on the endpoint name. */
  endpoint: string;
  rule?: string;
  kind?: 'alarm' | 'monitoring';
  /** Epoch ms. */
  startsAt: number;
  endsAt: number;
  quiet: boolean;
}

export type OperatorEvent =
  | { type: 'Silence Created'; spec: SilenceSpec; by: string; reason: string }
  | { type: 'Silence Expired'; silence: string; by: string; reason?: string }
  | { type: 'Approval Granted' | 'Approval Rejected'; approval: string; by: string; reason?: string }
  | { type: 'Circuit Closed'; endpoint: string; by: string; reason: string };

/** A full ISO 8601 time with its zone (a zone-less one would mean the reader's local time), every field a real one. */
const isoTime = (what: string) =>
  z.string({ error: `missing ${what}` }).superRefine((value, ctx) => {
    const time = parseIsoWithZone(value);
    if (!time.ok) ctx.addIssue({ code: 'custom', message: time.error });
  });
const text = (what: string) =>
  z
    .string({ error: `missing ${what}` })
    .trim()
    .min(1, `missing ${what}`);
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const id = (what: string) => z.string({ error: `missing ${what}` }).regex(ID, 'expected letters, digits, ".", "_" or "-"');

/**
 * How long a silence may last. Under a minute it is a typo (`--for 1500ms`, seconds meant as
 * minutes): it would be over before anyone read it back, holding nothing while looking set. Over
 * 30 days it is no longer "hands off while I work" but a change to the runbook, which is reviewed
 * and versioned; a forgotten silence would otherwise hide an endpoint for months. The CLI and the
 * event parser both hold silences to this, so one sent with the aws CLI gets no further.
 */
export const MIN_SILENCE_MS = 60_000;
export const MAX_SILENCE_MS = 30 * 24 * 3600_000;

/** Why a silence of this length (endsAt - startsAt) is refused, or undefined: it lasts 1m to 30d. */
export function silenceLengthError(ms: number): string | undefined {
  if (!(ms >= 0)) return 'must be after startsAt';
  if (ms < MIN_SILENCE_MS) return `a silence lasts at least 1m; this one would last ${formatDuration(ms)}`;
  if (ms > MAX_SILENCE_MS) return `a silence lasts at most 30d; this one would last ${formatDuration(ms)}`;
  return undefined;
}

/** A circuit is kept per endpoint name: a pattern would name none of them (or, read as a set, too many). */
export const CIRCUIT_ENDPOINT_ERROR =
  'expected one endpoint name, not a pattern: a circuit is per endpoint, so close each one by its exact name (`medic status` shows the open ones)';

const SCHEMAS = {
  'Silence Created': z
    .looseObject({
      silence: id('silence'),
      endpoint: text('endpoint'),
      rule: text('rule').optional(),
      kind: z.enum(['alarm', 'monitoring'], { error: 'expected alarm or monitoring' }).optional(),
      startsAt: isoTime('startsAt'),
      endsAt: isoTime('endsAt'),
      quiet: z.boolean({ error: 'expected true or false' }).optional(),
      by: text('by'),
      reason: text('reason'),
    })
    .superRefine((d, ctx) => {
      const error = silenceLengthError(Date.parse(d.endsAt) - Date.parse(d.startsAt));
      if (error) ctx.addIssue({ code: 'custom', message: error, path: ['endsAt'] });
    }),
  'Silence Expired': z.looseObject({ silence: id('silence'), by: text('by'), reason: z.string().optional() }),
  'Approval Granted': z.looseObject({ approval: id('approval'), by: text('by'), reason: z.string().optional() }),
  'Approval Rejected': z.looseObject({ approval: id('approval'), by: text('by'), reason: z.string().optional() }),
  'Circuit Closed': z.looseObject({
    endpoint: text('endpoint').refine((name) => !isGlob(name), CIRCUIT_ENDPOINT_ERROR),
    by: text('by'),
    reason: text('reason'),
  }),
} as const;

export function isOperatorDetailType(type: string): type is OperatorDetailType {
  return (OPERATOR_DETAIL_TYPES as readonly string[]).includes(type);
}

export function parseOperatorEvent(envelope: Envelope): OperatorEvent {
  const type = envelope['detail-type'];
  if (!isOperatorDetailType(type)) {
    throw new InvalidEventError(`operator event: unknown detail-type "${type}" (known: ${OPERATOR_DETAIL_TYPES.join(', ')})`);
  }
  const parsed = SCHEMAS[type].safeParse(envelope.detail);
  if (!parsed.success) throw new InvalidEventError(`operator event ${type}: ${firstIssueLine(parsed.error, 'detail')}`);
  const d = parsed.data as Record<string, unknown>;
  const reason = typeof d.reason === 'string' && d.reason.trim() !== '' ? d.reason : undefined;
  switch (type) {
    case 'Silence Created':
      return {
        type,
        spec: {
          silence: String(d.silence),
          endpoint: String(d.endpoint),
          ...(d.rule ? { rule: String(d.rule) } : {}),
          ...(d.kind ? { kind: d.kind as 'alarm' | 'monitoring' } : {}),
          startsAt: Date.parse(String(d.startsAt)),
          endsAt: Date.parse(String(d.endsAt)),
          quiet: d.quiet === true,
        },
        by: String(d.by),
        reason: String(d.reason),
      };
    case 'Silence Expired':
      return { type, silence: String(d.silence), by: String(d.by), ...(reason ? { reason } : {}) };
    case 'Approval Granted':
    case 'Approval Rejected':
      return { type, approval: String(d.approval), by: String(d.by), ...(reason ? { reason } : {}) };
    case 'Circuit Closed':
      return { type, endpoint: String(d.endpoint), by: String(d.by), reason: String(d.reason) };
  }
}

/** The event a sending command puts on the bus (PutEvents takes Source, DetailType and Detail of it). */
export function operatorEvent(
  type: OperatorDetailType,
  detail: Record<string, unknown>,
  where: { account: string; region: string; time?: Date; id?: string },
): Record<string, unknown> {
  return {
    version: '0',
    id: where.id ?? randomUUID(),
    'detail-type': type,
    source: OPERATOR_SOURCE,
    account: where.account,
    time: (where.time ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: where.region,
    resources: [],
    detail,
  };
}

/** A new silence id: short, readable, unique enough for a person to type (`sil-3f9a2c1b`). */
export function newSilenceId(): string {
  return `sil-${randomUUID().replace(/-/g, '').slice(0, 8)}`;
}
