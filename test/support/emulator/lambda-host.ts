/**
 * Runs a packaged function the way Lambda does, on this machine: each execution environment is
 * a child process (lambda-child.mjs) with the function's environment, running one invocation at
 * a time; concurrent invocations get environments of their own (each one's first invocation is
 * a cold start), idle ones are reused. An invocation that outlives the function's timeout ends
 * its environment, as Lambda ends it ("Task timed out").
 *
 * `invokeAsync` is what EventBridge's asynchronous invocation does with a failure: up to the
 * function's MaximumRetryAttempts more attempts, then the on-failure destination (the failure
 * queue) gets a Lambda destination record with the event. Retries run at once: Lambda waits
 * minutes between them, which changes nothing that a test here asserts.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { SAMPLE_ACCOUNT, SAMPLE_REGION } from './moto-server.js';
import type { PackagedFunction } from './packaged.js';
import type { MotoClients } from './world.js';

const CHILD = new URL('./lambda-child.mjs', import.meta.url).pathname;

export type InvokeResult = { ok: true; result: unknown } | { ok: false; error: { errorType: string; errorMessage: string; kind?: string } };

interface Environment {
  child: ChildProcess;
  busy: boolean;
  pending?: { id: string; resolve: (r: InvokeResult) => void; timer: NodeJS.Timeout };
}

export interface AsyncInvokeOutcome {
  attempts: InvokeResult[];
  /** Where the event ended: handled by an attempt, or in the on-failure destination. */
  outcome: 'succeeded' | 'failure-queue';
}

export class FunctionHost {
  private readonly environments: Environment[] = [];
  /** Every JSON log line the function printed, in order. */
  readonly logs: Array<Record<string, unknown>> = [];
  /** Log lines that were not JSON (a Lambda log line should always be JSON). */
  readonly plainLogs: string[] = [];
  /** Execution environments started (cold starts). */
  coldStarts = 0;

  constructor(
    readonly fn: PackagedFunction,
    private readonly env: Record<string, string>,
    private readonly onFailure?: { clients: MotoClients; queueUrl: string },
  ) {}

  /** One synchronous invocation in an idle environment, or a new one. */
  async invoke(event: unknown): Promise<InvokeResult> {
    let environment = this.environments.find((e) => !e.busy && e.child.exitCode === null);
    if (environment) environment.busy = true;
    else environment = await this.start(); // started busy: no other invocation can take it
    const env = environment;
    const id = randomUUID();
    const deadline = Date.now() + this.fn.timeoutSeconds * 1000;
    return new Promise<InvokeResult>((resolve) => {
      const timer = setTimeout(() => {
        env.child.kill('SIGKILL');
        resolve({
          ok: false,
          error: { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${this.fn.timeoutSeconds}.00 seconds` },
        });
      }, this.fn.timeoutSeconds * 1000);
      env.pending = {
        id,
        timer,
        resolve: (r) => {
          clearTimeout(timer);
          env.busy = false;
          env.pending = undefined;
          resolve(r);
        },
      };
      env.child.send({
        id,
        event,
        context: {
          awsRequestId: id,
          functionName: this.fn.name,
          functionVersion: '$LATEST',
          invokedFunctionArn: `arn:aws:lambda:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:function:${this.fn.name}`,
          memoryLimitInMB: String(this.fn.memoryMb),
          logGroupName: `/aws/lambda/${this.fn.name}`,
          logStreamName: `2026/12/01/[$LATEST]${id.replace(/-/g, '')}`,
          deadline,
        },
      });
    });
  }

  /** EventBridge's asynchronous invocation: retries, then the on-failure destination. */
  async invokeAsync(event: unknown): Promise<AsyncInvokeOutcome> {
    const attempts: InvokeResult[] = [];
    for (let i = 0; i <= this.fn.maximumRetryAttempts; i++) {
      const result = await this.invoke(event);
      attempts.push(result);
      if (result.ok) return { attempts, outcome: 'succeeded' };
    }
    if (!this.onFailure) throw new Error('invokeAsync needs the failure queue of the stack');
    const last = attempts[attempts.length - 1] as Extract<InvokeResult, { ok: false }>;
    await this.onFailure.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.onFailure.queueUrl,
        MessageBody: JSON.stringify({
          version: '1.0',
          timestamp: new Date().toISOString(),
          requestContext: {
            requestId: randomUUID(),
            functionArn: `arn:aws:lambda:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:function:${this.fn.name}:$LATEST`,
            condition: 'RetriesExhausted',
            approximateInvokeCount: attempts.length,
          },
          requestPayload: event,
          responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
          responsePayload: last.error,
        }),
      }),
    );
    return { attempts, outcome: 'failure-queue' };
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.environments.map(
        (e) =>
          new Promise<void>((resolve) => {
            if (e.child.exitCode !== null || e.child.signalCode !== null) return resolve();
            e.child.once('exit', () => resolve());
            e.child.kill('SIGTERM');
          }),
      ),
    );
    this.environments.length = 0;
  }

  private async start(): Promise<Environment> {
    this.coldStarts += 1;
    const child = fork(CHILD, [this.fn.taskRoot, this.fn.handler], {
      cwd: this.fn.taskRoot,
      env: {
        PATH: process.env.PATH ?? '',
        ...this.env,
        LAMBDA_TASK_ROOT: this.fn.taskRoot,
        AWS_LAMBDA_FUNCTION_NAME: this.fn.name,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(this.fn.memoryMb),
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
        _HANDLER: this.fn.handler,
        TZ: ':UTC',
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const environment: Environment = { child, busy: true };
    let buffered = '';
    const collect = (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        try {
          this.logs.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          this.plainLogs.push(line);
        }
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.on('message', (message: { id?: string; ok?: boolean; result?: unknown; error?: never }) => {
      const pending = environment.pending;
      if (!pending || message.id !== pending.id) return;
      pending.resolve(message.ok ? { ok: true, result: message.result } : { ok: false, error: message.error as never });
    });
    child.on('exit', (code, signal) => {
      environment.pending?.resolve({
        ok: false,
        error: { errorType: 'Runtime.ExitError', errorMessage: `RequestId: exited with ${signal ?? `code ${code}`}` },
      });
      const index = this.environments.indexOf(environment);
      if (index >= 0) this.environments.splice(index, 1);
    });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('error', reject);
    });
    this.environments.push(environment);
    return environment;
  }
}
