// One cold start, in a fresh Node process: import a bundled handler and serve one event, as
// the Lambda runtime would (import the module, then call the export with event and context).
// Prints one line `@@bench {...}` with the times measured inside the process.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [handlerFile, eventFile] = process.argv.slice(2);
const started = performance.now(); // ms since this process began
const module = await import(pathToFileURL(handlerFile).href);
const imported = performance.now();
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const context = {
  awsRequestId: 'c0ld-1n17-0000-0000-bench',
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'bench',
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:111122223333:function:${process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'bench'}`,
  memoryLimitInMB: '512',
  logGroupName: '/aws/lambda/bench',
  logStreamName: 'bench',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 60_000,
  done() {},
  fail() {},
  succeed() {},
};
let outcome;
try {
  const result = await module.handler(event, context);
  outcome = { ok: true, summary: summarize(result) };
} catch (error) {
  outcome = { ok: false, error: String(error?.message ?? error) };
}
const served = performance.now();
// CPU the process used until then (every thread, node's own start-up included): the cold start
// without the time spent waiting for AWS to answer.
const cpu = process.cpuUsage();
process.stdout.write(
  `\n@@bench ${JSON.stringify({ startedMs: started, importMs: imported - started, firstEventMs: served - imported, totalMs: served, cpuMs: (cpu.user + cpu.system) / 1000, ...outcome })}\n`,
);
process.exit(0);

function summarize(result) {
  if (!result || typeof result !== 'object') return result;
  if ('actions' in result) {
    return {
      rule: result.rule ?? null,
      ignored: result.ignored ?? null,
      recorded: result.recorded ?? null,
      error: result.error ?? null,
      actions: result.actions.map((a) => `${a.type}:${a.status}`),
    };
  }
  return result;
}
