/**
 * The single DynamoDB table behind DynamoStateStore: attribute names, key patterns and the
 * CreateTable request. serverless.yml (StateTable) and the README describe the same table;
 * test/state/table-layout.test.ts checks serverless.yml against these constants.
 *
 * Record types (pk / sk), one item each unless noted:
 *   signal claim      SIGNAL#<key>            CLAIM                       TTL
 *   action record     SIGNAL#<key>            ACTION#<actionId>           TTL  (same partition: one Query reads a retry's state)
 *   cooldown          ENDPOINT#<endpoint|*>   COOLDOWN#<rule>             TTL at the cooldown's end (`by`: the signal that started it)
 *   lock              ENDPOINT#<endpoint>     LOCK                        TTL at the lease's end (`forKey`: the signal it is held for)
 *   circuit           ENDPOINT#<endpoint>     CIRCUIT                     TTL when it closes by itself
 *   config history    ENDPOINT#<endpoint>     CONFIG_HISTORY              no TTL (feeds rollback)
 *   scale change      ENDPOINT#<endpoint>     SCALE#<variant>             no TTL (needed until restore)
 *   endpoint status   ENDPOINT#<endpoint>     STATUS                      TTL  (busy endpoints; newer event wins)
 *   silence           SILENCES                SILENCE#<id>                TTL a week after its end (one partition: all read at once)
 *   approval          APPROVALS               APPROVAL#<id>               TTL a week after its deadline
 *   ladder            LADDER#<alarm ARN>      RULE#<rule>                 TTL  (escalation ladders)
 *                     while open, gsi1: gsi1pk = LADDERS#<endpoint>, gsi1sk = <startedAt, 16 digits>#<alarm ARN>#<rule>
 *                     (a sparse index: an ended ladder drops the gsi1 attributes, so it lists open ladders only)
 *   remediation       REMEDIATIONS#<endpoint> <at, 16 digits>#<id>        TTL  (count = Query sk >= since)
 *   audit             AUDIT#<endpoint> | AUDIT <at, 16 digits>#<event>    TTL
 *                     gsi1: gsi1pk = AUDIT, gsi1sk = the same <at>#<event>
 *                     (records of one ms: by event id, last first, as bytes; see auditSortKey)
 *
 * Audit queries never scan: by endpoint they Query the base table partition AUDIT#<endpoint>;
 * across all endpoints they Query gsi1's single partition AUDIT. A single partition instead of
 * day buckets because a day bucket needs the newest day to start from, and queryAudit has no
 * `now`; audit writes are at most one per event, far below one partition's 1,000 WCU/s.
 * The endpoint and rule live in different key parts (pk vs sk), so no name needs escaping.
 */
import type { CreateTableCommandInput, UpdateTimeToLiveCommandInput } from '@aws-sdk/client-dynamodb';

export const ATTR = {
  pk: 'pk',
  sk: 'sk',
  gsi1pk: 'gsi1pk',
  gsi1sk: 'gsi1sk',
  /** DynamoDB TTL: epoch SECONDS, rounded up so TTL never deletes an item before it expires. */
  expiresAt: 'expiresAt',
  /** The exact expiry in epoch ms: reads and conditions compare against this (TTL is lazy). */
  expiresAtMs: 'expiresAtMs',
} as const;

export const GSI1 = 'gsi1';

/** Config history keeps the last N configs: rollback only needs the one before the live one. */
export const CONFIG_HISTORY_LIMIT = 20;

/** DynamoDB refuses items over 400 KB; audit items are cut to this, leaving room for keys. */
export const AUDIT_ITEM_MAX_BYTES = 350 * 1024;

export const keys = {
  signal: (key: string) => ({ pk: `SIGNAL#${key}`, sk: 'CLAIM' }),
  actionSkPrefix: 'ACTION#',
  action: (key: string, actionId: string) => ({ pk: `SIGNAL#${key}`, sk: `ACTION#${actionId}` }),
  cooldown: (rule: string, endpoint: string) => ({ pk: `ENDPOINT#${endpoint}`, sk: `COOLDOWN#${rule}` }),
  lock: (endpoint: string) => ({ pk: `ENDPOINT#${endpoint}`, sk: 'LOCK' }),
  circuit: (endpoint: string) => ({ pk: `ENDPOINT#${endpoint}`, sk: 'CIRCUIT' }),
  configHistory: (endpoint: string) => ({ pk: `ENDPOINT#${endpoint}`, sk: 'CONFIG_HISTORY' }),
  scaleChange: (endpoint: string, variant: string) => ({ pk: `ENDPOINT#${endpoint}`, sk: `SCALE#${variant}` }),
  remediations: (endpoint: string) => `REMEDIATIONS#${endpoint}`,
  endpointStatus: (endpoint: string) => ({ pk: `ENDPOINT#${endpoint}`, sk: 'STATUS' }),
  ladder: (alarmArn: string, rule: string) => ({ pk: `LADDER#${alarmArn}`, sk: `RULE#${rule}` }),
  ladders: (alarmArn: string) => `LADDER#${alarmArn}`,
  openLadders: (endpoint: string) => `LADDERS#${endpoint}`,
  silences: 'SILENCES',
  silence: (id: string) => ({ pk: 'SILENCES', sk: `SILENCE#${id}` }),
  approvals: 'APPROVALS',
  approval: (id: string) => ({ pk: 'APPROVALS', sk: `APPROVAL#${id}` }),
  endpoint: (endpoint: string) => `ENDPOINT#${endpoint}`,
  /** Records without an endpoint: `AUDIT` cannot collide with `AUDIT#<name>`. */
  audit: (endpoint: string | undefined) => (endpoint === undefined ? 'AUDIT' : `AUDIT#${endpoint}`),
  auditAll: 'AUDIT',
} as const;

/**
 * Epoch ms as a fixed-width string so string order is time order in sort keys. Times are
 * non-negative integers (a clock's ms); a negative `since` means "everything" and pads to 0.
 */
export function timeKey(ms: number): string {
  return String(Math.max(0, Math.floor(ms))).padStart(16, '0');
}

/**
 * An audit record's sort key: its time, then the event id (Lambda) or path (CLI), which keeps two
 * events of one ms apart and orders them the same way every time. Capped so the key stays far
 * below DynamoDB's 1 KB limit. The in-memory store sorts by the same key (compareKeyBytes).
 */
export function auditSortKey(record: { at: number; event: string }): string {
  return `${timeKey(record.at)}#${record.event.slice(0, AUDIT_EVENT_KEPT)}`;
}

/** How much of the event id or path an audit record's sort key keeps. */
export const AUDIT_EVENT_KEPT = 200;

/**
 * DynamoDB's order of string keys: by their UTF-8 bytes, i.e. by code point. That is JavaScript's
 * UTF-16 code-unit order except that a surrogate (half of a code point above U+FFFF) sorts after
 * U+E000-U+FFFF. Compared in place: the stores sort with it on every read of an endpoint.
 */
export function compareKeyBytes(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** U+0000-U+D7FF stay, U+E000-U+FFFF move down over the surrogates, the surrogates go last. */
function codePointRank(unit: number): number {
  return unit < 0xd800 ? unit : unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

/** DynamoDB TTL wants epoch seconds; round up so the item outlives its exact expiry. */
export function ttlSeconds(expiresAtMs: number): number {
  return Math.ceil(expiresAtMs / 1000);
}

/** The CreateTable request matching serverless.yml's StateTable (TTL is a separate call). */
export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: ATTR.pk, AttributeType: 'S' },
      { AttributeName: ATTR.sk, AttributeType: 'S' },
      { AttributeName: ATTR.gsi1pk, AttributeType: 'S' },
      { AttributeName: ATTR.gsi1sk, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: ATTR.pk, KeyType: 'HASH' },
      { AttributeName: ATTR.sk, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: GSI1,
        KeySchema: [
          { AttributeName: ATTR.gsi1pk, KeyType: 'HASH' },
          { AttributeName: ATTR.gsi1sk, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}

/** UpdateTimeToLive for a table created by hand (CreateTable cannot enable TTL). */
export function timeToLiveInput(tableName: string): UpdateTimeToLiveCommandInput {
  return { TableName: tableName, TimeToLiveSpecification: { AttributeName: ATTR.expiresAt, Enabled: true } };
}
