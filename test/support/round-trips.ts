/**
 * Counts sequential DynamoDB round trips: a DynamoDB client wrapped to log when each request
 * starts and ends, in the order those moments happen (a sequence, never the wall clock). A
 * request that starts after every earlier request has ended begins a new round trip; one that
 * starts while an earlier one is still in flight shares its round.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

interface Request {
  /** e.g. `PutItem SIGNAL#...` or `TransactWriteItems[Put SIGNAL#..., Put ENDPOINT#...]`. */
  label: string;
  /** Position of its start and its end in the log of moments. */
  start: number;
  end?: number;
}

export interface RoundTripLog {
  /** The client to hand to DynamoStateStore: every request goes through the log. */
  client: DynamoDBClient;
  /** Forgets what was logged so far (setup writes). */
  reset(): void;
  /** The requests grouped by round trip, in order. */
  rounds(): string[][];
  /** Total requests logged. */
  requests(): number;
  /** One line per round, for a failure message. */
  describe(): string;
}

export function logRoundTrips(client: DynamoDBClient): RoundTripLog {
  let requests: Request[] = [];
  let moment = 0;
  const wrapped = new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return async (command: { constructor: { name: string }; input: unknown }, ...rest: unknown[]) => {
        const request: Request = { label: labelOf(command), start: moment++ };
        requests.push(request);
        try {
          return await (target.send as (...args: unknown[]) => Promise<unknown>).call(target, command, ...rest);
        } finally {
          request.end = moment++;
        }
      };
    },
  });
  const rounds = (): string[][] => {
    const out: string[][] = [];
    let lastEnd = -1;
    for (const request of [...requests].sort((a, b) => a.start - b.start)) {
      if (request.start > lastEnd || out.length === 0) out.push([]);
      out[out.length - 1]?.push(request.label);
      lastEnd = Math.max(lastEnd, request.end ?? Number.POSITIVE_INFINITY);
    }
    return out;
  };
  return {
    client: wrapped,
    reset: () => {
      requests = [];
    },
    rounds,
    requests: () => requests.length,
    describe: () =>
      rounds()
        .map((round, i) => `  ${i + 1}: ${round.join(' | ')}`)
        .join('\n'),
  };
}

type Attr = { S?: string } | undefined;
type Keyed = { Item?: { pk?: Attr; sk?: Attr }; Key?: { pk?: Attr; sk?: Attr }; ExpressionAttributeValues?: { ':pk'?: Attr } };

/** The operation and the partition it touches: enough to read which record a round trip was for. */
function labelOf(command: { constructor: { name: string }; input: unknown }): string {
  const operation = command.constructor.name.replace(/Command$/, '');
  const input = command.input as Keyed & { TransactItems?: Array<Record<string, Keyed>> };
  if (input.TransactItems) {
    const items = input.TransactItems.map((item) => {
      const [kind, body] = Object.entries(item)[0] ?? ['?', {}];
      return `${kind} ${partitionOf(body)}`;
    });
    return `${operation}[${items.join(', ')}]`;
  }
  return `${operation} ${partitionOf(input)}`;
}

function partitionOf(input: Keyed): string {
  const pk = input.Item?.pk?.S ?? input.Key?.pk?.S ?? input.ExpressionAttributeValues?.[':pk']?.S ?? '?';
  const sk = input.Item?.sk?.S ?? input.Key?.sk?.S;
  // Signal keys are long ARNs: the record type and the start of the key say enough.
  const short = (text: string) => (text.length > 40 ? `${text.slice(0, 37)}...` : text);
  return sk === undefined ? short(pk) : `${short(pk)} ${short(sk)}`;
}
