/**
 * A small AWS-compatible endpoint on 127.0.0.1 for tests: point AWS_ENDPOINT_URL at `url`
 * and the real SDK clients (signing, retries, serialisation, error parsing) talk to it.
 * Reads are answered from a recorded state file (default events/aws-state.json); every
 * request is recorded with its decoded input, so a test can assert exactly which calls
 * `medic replay --live` made. Faults (an AWS error, a hang, a dropped connection) can be
 * injected per operation for a number of requests.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type DecodedRequest, decodeRequest, type EncodedResponse, encodeError, encodeSuccess } from './fake-aws-protocols.js';
import { FakeAwsError, FakeAwsWorld, type FakeService, WRITE_OPERATIONS } from './fake-aws-world.js';
import { AWS_STATE } from './samples.js';

export type { FakeService } from './fake-aws-world.js';

export interface FakeAwsRequest {
  service: FakeService;
  operation: string;
  input: Record<string, unknown>;
  /** A write (Publish, Update*, Start*, Register*): what `--live` may do and `--aws` must not. */
  write: boolean;
  /** The region of the request's SigV4 credential scope. */
  region: string;
  /** The injected fault this request was answered with, if any. */
  fault?: string;
}

export type Fault = { service?: FakeService; operation: string; times?: number } & (
  | { error: { status: number; code: string; message: string } }
  | { hang: true }
  | { reset: true }
);

export class FakeAws {
  readonly requests: FakeAwsRequest[] = [];
  private faults: Array<Fault & { left: number }> = [];

  private constructor(
    private readonly server: Server,
    private readonly world: FakeAwsWorld,
  ) {}

  static async start(stateFile: string = AWS_STATE): Promise<FakeAws> {
    const world = new FakeAwsWorld(stateFile);
    let fake: FakeAws | undefined;
    const server = createServer((req, res) => {
      fake?.handle(req, res).catch((error) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
    });
    fake = new FakeAws(server, world);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** The environment a CLI run or createSdkAdapters needs to talk to this endpoint. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      AWS_ENDPOINT_URL: this.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
      AWS_SECRET_ACCESS_KEY: 'fake-secret-access-key',
      ...extra,
    };
  }

  writes(): FakeAwsRequest[] {
    return this.requests.filter((r) => r.write && !r.fault);
  }

  /** The next `times` (default 1) matching requests get this fault instead of an answer. */
  fail(fault: Fault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  reset(): void {
    this.requests.length = 0;
    this.faults = [];
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
    const decoded = decodeRequest(raw);
    if ('unsupported' in decoded) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(`the fake AWS endpoint does not speak ${decoded.unsupported}`);
      return;
    }
    const region = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? 'unsigned';
    const record: FakeAwsRequest = {
      service: decoded.service,
      operation: decoded.operation,
      input: decoded.input,
      write: WRITE_OPERATIONS.has(decoded.operation),
      region,
    };
    this.requests.push(record);

    const fault = this.takeFault(decoded);
    if (fault) {
      if ('hang' in fault) {
        record.fault = 'hang';
        return; // never answered: the client's timeout ends it
      }
      if ('reset' in fault) {
        record.fault = 'reset';
        req.socket.destroy();
        return;
      }
      record.fault = fault.error.code;
      send(res, encodeError(decoded, fault.error.status, fault.error.code, fault.error.message, randomUUID()));
      return;
    }
    send(res, this.respond(decoded, region));
  }

  private respond(decoded: DecodedRequest, region: string): EncodedResponse {
    const requestId = randomUUID();
    try {
      return encodeSuccess(decoded, this.world.answer(decoded.service, decoded.operation, decoded.input, region), requestId);
    } catch (error) {
      if (error instanceof FakeAwsError) return encodeError(decoded, error.status, error.code, error.message, requestId);
      throw error;
    }
  }

  private takeFault(req: DecodedRequest): Fault | undefined {
    const fault = this.faults.find((f) => f.left > 0 && f.operation === req.operation && (!f.service || f.service === req.service));
    if (fault) fault.left -= 1;
    return fault;
  }
}

function send(res: ServerResponse, response: EncodedResponse): void {
  res.writeHead(response.status, { ...response.headers, 'content-length': String(Buffer.byteLength(response.body)) });
  res.end(response.body);
}

/** One fake per test file: started before its tests, reset after each, stopped at the end. */
export function useFakeAws(): () => FakeAws {
  let fake: FakeAws | undefined;
  beforeAll(async () => {
    fake = await FakeAws.start();
  });
  afterEach(() => fake?.reset());
  afterAll(() => fake?.stop());
  return () => {
    if (!fake) throw new Error('the fake AWS server is not running (use it inside a test)');
    return fake;
  };
}
