/**
 * Operator events (docs/operator-controls.md): every change an operator makes to the automation
 * is an EventBridge event on the stack's own bus, source `model-medic.operator`, handled by the
 * same engine entry, validated like any event and audited with who sent it (`by`) and why.
 * This module parses them (the Lambda and replay) and builds them (the CLI's sending commands).
 */
import { randomUUID } from 'node:crypto';
import { InvalidEventError } from '../errors.js';
import { formatDuration } from '../runbook/duration.js';
import { isGlob } from '../runbook/glob.js';
import type { Envelope } from './envelope.js';
import { parseIsoWithZone } from './iso-time.js';
import { checked, oneOf, optionalString, ROOT, ShapeError } from './shape.js';

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
function isoTime(detail: Record<string, unknown>, what: string): string {
  const value = detail[what];
  if (typeof value !== 'string') throw new ShapeError([what], `missing ${what}`);
  const time = parseIsoWithZone(value);
  if (!time.ok) throw new ShapeError([what], time.error);
  return value;
}

/** A non-blank string, trimmed. */
function text(detail: Record<string, unknown>, what: string): string {
  const value = detail[what];
  if (typeof value !== 'string' || value.trim() === '') throw new ShapeError([what], `missing ${what}`);
  return value.trim();
}

function optionalText(detail: Record<string, unknown>, what: string): string | undefined {
  return detail[what] === undefined ? undefined : text(detail, what);
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
function id(detail: Record<string, unknown>, what: string): string {
  const value = detail[what];
  if (typeof value !== 'string') throw new ShapeError([what], `missing ${what}`);
  if (!ID.test(value)) throw new ShapeError([what], 'expected letters, digits, ".", "_" or "-"');
  return value;
}

/** An optional free-text reason: blank is as good as none. */
function optionalReason(detail: Record<string, unknown>): string | undefined {
  const value = optionalString(detail.reason, ROOT, 'reason');
  return value !== undefined && value.trim() !== '' ? value : undefined;
}

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

export function isOperatorDetailType(type: string): type is OperatorDetailType {
  return (OPERATOR_DETAIL_TYPES as readonly string[]).includes(type);
}

export function parseOperatorEvent(envelope: Envelope): OperatorEvent {
  const type = envelope['detail-type'];
  if (!isOperatorDetailType(type)) {
    throw new InvalidEventError(`operator event: unknown detail-type "${type}" (known: ${OPERATOR_DETAIL_TYPES.join(', ')})`);
  }
  return checked(`operator event ${type}: `, 'detail', () => readDetail(type, envelope.detail));
}

/** The detail of each operator event, field by field in the documented order: the first wrong one is named. */
function readDetail(type: OperatorDetailType, detail: Record<string, unknown>): OperatorEvent {
  switch (type) {
    case 'Silence Created': {
      const silence = id(detail, 'silence');
      const endpoint = text(detail, 'endpoint');
      const rule = optionalText(detail, 'rule');
      const kind =
        detail.kind === undefined
          ? undefined
          : oneOf(detail.kind, ['alarm', 'monitoring'] as const, ROOT, 'kind', () => 'expected alarm or monitoring');
      const startsAt = isoTime(detail, 'startsAt');
      const endsAt = isoTime(detail, 'endsAt');
      if (detail.quiet !== undefined && typeof detail.quiet !== 'boolean') throw new ShapeError(['quiet'], 'expected true or false');
      const by = text(detail, 'by');
      const reason = text(detail, 'reason');
      const length = silenceLengthError(Date.parse(endsAt) - Date.parse(startsAt));
      if (length) throw new ShapeError(['endsAt'], length);
      return {
        type,
        spec: {
          silence,
          endpoint,
          ...(rule ? { rule } : {}),
          ...(kind ? { kind } : {}),
          startsAt: Date.parse(startsAt),
          endsAt: Date.parse(endsAt),
          quiet: detail.quiet === true,
        },
        by,
        reason,
      };
    }
    case 'Silence Expired': {
      const silence = id(detail, 'silence');
      const by = text(detail, 'by');
      const reason = optionalReason(detail);
      return { type, silence, by, ...(reason ? { reason } : {}) };
    }
    case 'Approval Granted':
    case 'Approval Rejected': {
      const approval = id(detail, 'approval');
      const by = text(detail, 'by');
      const reason = optionalReason(detail);
      return { type, approval, by, ...(reason ? { reason } : {}) };
    }
    case 'Circuit Closed': {
      const endpoint = text(detail, 'endpoint');
      if (isGlob(endpoint)) throw new ShapeError(['endpoint'], CIRCUIT_ENDPOINT_ERROR);
      return { type, endpoint, by: text(detail, 'by'), reason: text(detail, 'reason') };
    }
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
