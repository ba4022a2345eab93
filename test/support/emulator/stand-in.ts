/**
 * A stand-in in front of moto, for what moto lacks and nothing else. Point AWS_ENDPOINT_URL at
 * `url`: every request is recorded (service, operation, decoded input) and forwarded to moto,
 * except:
 *
 * - SageMaker `UpdateEndpoint`, which moto does not have: applied to moto's state as AWS ends it
 *   (the endpoint now runs the new EndpointConfig, its variants as that config creates them), by
 *   deleting and re-creating the endpoint under the same name. The request is kept for tests
 *   that assert on DeploymentConfig and the like, which moto cannot hold.
 * - CodePipeline `StartPipelineExecution`, `ListPipelineExecutions` and `GetPipelineExecution`,
 *   which moto does not have: a small in-memory pipeline history, idempotent on
 *   clientRequestToken as CodePipeline is.
 * - SageMaker `DescribeProcessingJob` answers without the job's `Environment` in moto: the
 *   stand-in adds the environment the job was created with (`processingJobEnvironments`), so a
 *   monitoring job is recognised by its endpoint and schedule as AWS lets it be. moto also ends
 *   every job `Completed` with no exit message: `processingJobOutcomes` gives a job the status,
 *   ExitMessage, FailureReason and schedule ARN SageMaker would report (in ListProcessingJobs too).
 * - CloudWatch `DescribeAlarmHistory`, which moto does not have (it answers 500): the StateUpdate
 *   items a test put in `alarmHistory`, by alarm, within the asked dates, on one page.
 * - Injected faults (an AWS error, a hang, a dropped connection, an unexpected answer) for the next N matching
 *   requests: moto has no way to fail on purpose.
 * - Concurrency: moto's DynamoDB checks a write's condition and stores the item without a lock
 *   between its request threads, so two racing conditional writes can both succeed there. The
 *   stand-in serves moto one request at a time, as DynamoDB's per-item serialisation would; the
 *   code under test still sends concurrently.
 */
import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { motoJson } from './moto-json.js';
import { type DecodedRequest, decodeRequest, type EncodedResponse, encodeError, encodeSuccess } from './protocols.js';

export interface StandInRequest {
  service: string;
  operation: string;
  input: Record<string, unknown>;
  /** The injected fault this request was answered with, if any. */
  fault?: string;
  /** Answered by the stand-in itself (an API moto lacks), not by moto. */
  standIn?: boolean;
  /**
   * When the request arrived and when its answer was sent (performance.now() of this process),
   * so a benchmark can tell requests sent one after another from requests sent together.
   */
  startedAt: number;
  endedAt?: number;
}

export type Fault = { service?: string; operation: string; times?: number } & (
  | { error: { status: number; code: string; message: string } }
  | { hang: true }
  | { reset: true }
  /** A 200 answer of this body: an API answer the code under test does not expect. */
  | { respond: Record<string, unknown> }
);

export interface CodePipelineExecution {
  pipelineExecutionId: string;
  status: string;
  startTime: string;
  lastUpdateTime?: string;
  trigger?: Record<string, unknown>;
  [key: string]: unknown;
}

/** What the stand-in needs of moto to apply UpdateEndpoint: its own calls, sent straight to moto. */
type MotoCall = (target: string, input: Record<string, unknown>) => Promise<Record<string, unknown>>;

export class StandIn {
  readonly requests: StandInRequest[] = [];
  /** CodePipeline executions by pipeline name, newest first (as ListPipelineExecutions answers). */
  readonly codePipelines = new Map<string, CodePipelineExecution[]>();
  /** Environment of each processing job, by name, as created (moto does not return it). */
  readonly processingJobEnvironments = new Map<string, Record<string, string>>();
  /** What SageMaker would report of each job's end, by name (moto ends every job Completed, silently). */
  readonly processingJobOutcomes = new Map<string, Record<string, unknown>>();
  /** DescribeAlarmHistory items by alarm name, Timestamp as a Date. */
  readonly alarmHistory = new Map<string, Array<Record<string, unknown>>>();
  private faults: Array<Fault & { left: number }> = [];
  private queue: Promise<unknown> = Promise.resolve();
  private readonly tokens = new Map<string, string>();
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly motoUrl: string,
  ) {}

  static async start(motoUrl: string): Promise<StandIn> {
    let standIn: StandIn | undefined;
    const server = createServer((req, res) => {
      standIn?.handle(req, res).catch((error) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`stand-in failure: ${String(error)}`);
      });
    });
    standIn = new StandIn(server, motoUrl);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return standIn;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next `times` (default 1) matching requests get this fault instead of an answer. */
  fail(fault: Fault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  /** Requests of one service (and operation), in the order they arrived. */
  calls(service: string, operation?: string): StandInRequest[] {
    return this.requests.filter((r) => r.service === service && (!operation || r.operation === operation));
  }

  /** Forget requests, faults and CodePipeline history (moto is reset separately). */
  clear(): void {
    this.requests.length = 0;
    this.faults = [];
    this.codePipelines.clear();
    this.processingJobEnvironments.clear();
    this.processingJobOutcomes.clear();
    this.alarmHistory.clear();
    this.tokens.clear();
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = performance.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const decoded = decodeRequest({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: body.toString('utf8') });
    const known: DecodedRequest | undefined = 'unsupported' in decoded ? undefined : decoded;
    const record: StandInRequest = known
      ? { service: known.service, operation: known.operation, input: known.input, startedAt }
      : { service: 'unknown', operation: (decoded as { unsupported: string }).unsupported, input: {}, startedAt };
    this.requests.push(record);
    res.once('finish', () => {
      record.endedAt = performance.now();
    });

    const fault = known && this.takeFault(known);
    if (fault && known) {
      if ('hang' in fault) {
        record.fault = 'hang';
        this.hanging.add(res);
        res.once('close', () => this.hanging.delete(res));
        return; // never answered: the client's timeout must end it
      }
      if ('reset' in fault) {
        record.fault = 'reset';
        req.socket.destroy();
        return;
      }
      if ('respond' in fault) {
        record.fault = 'respond';
        send(res, encodeSuccess(known, fault.respond, randomUUID()));
        return;
      }
      record.fault = fault.error.code;
      send(res, encodeError(known, fault.error.status, fault.error.code, fault.error.message, randomUUID()));
      return;
    }

    const answer = known && (await this.serialized(() => this.answerMissingApi(known)));
    if (answer) {
      record.standIn = true;
      send(res, answer);
      return;
    }
    const forwarded = await this.serialized(() => this.forward(req, body));
    if (known?.service === 'sagemaker' && known.operation === 'DescribeProcessingJob' && forwarded.status === 200) {
      const name = String(known.input.ProcessingJobName);
      const environment = this.processingJobEnvironments.get(name);
      const job = JSON.parse(forwarded.body.toString('utf8')) as Record<string, unknown>;
      const outcome = this.processingJobOutcomes.get(name);
      if ((environment && !job.Environment) || outcome) {
        forwarded.body = Buffer.from(
          JSON.stringify({ ...job, ...(environment && !job.Environment ? { Environment: environment } : {}), ...outcome }),
        );
        delete forwarded.headers['content-length'];
      }
    }
    if (
      known?.service === 'sagemaker' &&
      known.operation === 'ListProcessingJobs' &&
      forwarded.status === 200 &&
      this.processingJobOutcomes.size > 0
    ) {
      const page = JSON.parse(forwarded.body.toString('utf8')) as { ProcessingJobSummaries?: Array<Record<string, unknown>> };
      for (const summary of page.ProcessingJobSummaries ?? []) {
        const outcome = this.processingJobOutcomes.get(String(summary.ProcessingJobName));
        if (outcome?.ProcessingJobStatus) summary.ProcessingJobStatus = outcome.ProcessingJobStatus;
        if (outcome?.ExitMessage) summary.ExitMessage = outcome.ExitMessage;
        if (outcome?.FailureReason) summary.FailureReason = outcome.FailureReason;
      }
      forwarded.body = Buffer.from(JSON.stringify(page));
      delete forwarded.headers['content-length'];
    }
    res.writeHead(forwarded.status, forwarded.headers);
    res.end(forwarded.body);
  }

  private takeFault(req: DecodedRequest): (Fault & { left: number }) | undefined {
    const fault = this.faults.find((f) => f.left > 0 && f.operation === req.operation && (!f.service || f.service === req.service));
    if (fault) fault.left -= 1;
    return fault;
  }

  /** One request at a time to moto (see the top of this file). */
  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private forward(
    req: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }> {
    const target = new URL(this.motoUrl);
    return new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: target.host };
      const out = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          const headers: Record<string, string | string[]> = {};
          for (const [k, v] of Object.entries(answer.headers)) if (v !== undefined && k !== 'transfer-encoding') headers[k] = v;
          resolve({ status: answer.statusCode ?? 502, headers, body: Buffer.concat(chunks) });
        });
        answer.on('error', reject);
      });
      out.on('error', reject);
      out.end(body);
    });
  }

  /** The answer to an API moto lacks, or undefined to forward the request to moto. */
  private async answerMissingApi(req: DecodedRequest): Promise<EncodedResponse | undefined> {
    const id = randomUUID();
    const input = req.input;
    if (req.service === 'sagemaker' && req.operation === 'UpdateEndpoint') {
      const name = String(input.EndpointName);
      const config = String(input.EndpointConfigName);
      const described = await this.moto('SageMaker.DescribeEndpoint', { EndpointName: name }).catch(() => undefined);
      if (!described) return encodeError(req, 400, 'ValidationException', `Could not find endpoint "${name}".`, id);
      const exists = await this.moto('SageMaker.DescribeEndpointConfig', { EndpointConfigName: config }).catch(() => undefined);
      if (!exists) return encodeError(req, 400, 'ValidationException', `Could not find endpoint configuration "${config}".`, id);
      await this.moto('SageMaker.DeleteEndpoint', { EndpointName: name });
      await this.moto('SageMaker.CreateEndpoint', { EndpointName: name, EndpointConfigName: config });
      return encodeSuccess(req, { EndpointArn: described.EndpointArn }, id);
    }
    if (req.service === 'cloudwatch' && req.operation === 'DescribeAlarmHistory') {
      // JSON protocol: dates are epoch seconds both ways.
      const seconds = (v: unknown, fallback: number) => (v === undefined ? fallback : Number(v) * 1000);
      const [from, to] = [seconds(input.StartDate, 0), seconds(input.EndDate, Number.POSITIVE_INFINITY)];
      const items = (this.alarmHistory.get(String(input.AlarmName)) ?? [])
        .filter((i) => (i.Timestamp as Date).getTime() >= from && (i.Timestamp as Date).getTime() <= to)
        .map((i) => ({ ...i, Timestamp: (i.Timestamp as Date).getTime() / 1000 }));
      return encodeSuccess(req, { AlarmHistoryItems: items }, id);
    }
    if (req.service !== 'codepipeline') return undefined;
    const name = String(input.name ?? input.pipelineName ?? '');
    if (req.operation === 'StartPipelineExecution') {
      const token = typeof input.clientRequestToken === 'string' ? `${name}|${input.clientRequestToken}` : undefined;
      const earlier = token ? this.tokens.get(token) : undefined;
      if (earlier) return encodeSuccess(req, { pipelineExecutionId: earlier }, id);
      const execution: CodePipelineExecution = {
        pipelineExecutionId: randomUUID(),
        status: 'InProgress',
        startTime: new Date().toISOString(),
        trigger: { triggerType: 'StartPipelineExecution' },
        variables: input.variables ?? [],
      };
      this.codePipelines.set(name, [execution, ...(this.codePipelines.get(name) ?? [])]);
      if (token) this.tokens.set(token, execution.pipelineExecutionId);
      return encodeSuccess(req, { pipelineExecutionId: execution.pipelineExecutionId }, id);
    }
    const executions = this.codePipelines.get(name);
    if (!executions) return encodeError(req, 400, 'PipelineNotFoundException', `Pipeline ${name} not found`, id);
    if (req.operation === 'ListPipelineExecutions') {
      const max = typeof input.maxResults === 'number' ? input.maxResults : 100;
      return encodeSuccess(req, { pipelineExecutionSummaries: executions.slice(0, max) }, id);
    }
    if (req.operation === 'GetPipelineExecution') {
      const found = executions.find((e) => e.pipelineExecutionId === input.pipelineExecutionId);
      if (!found) return encodeError(req, 400, 'PipelineExecutionNotFoundException', 'not found', id);
      return encodeSuccess(req, { pipelineExecution: { pipelineName: name, ...found } }, id);
    }
    return undefined;
  }

  /** A JSON 1.1 call straight to moto (the stand-in's own reads and writes for UpdateEndpoint). */
  private readonly moto: MotoCall = (target, input) => motoJson(this.motoUrl, target, input, { signingName: 'sagemaker' });
}

function send(res: ServerResponse, encoded: EncodedResponse): void {
  res.writeHead(encoded.status, encoded.headers);
  res.end(encoded.body);
}
