// One Lambda execution environment for the emulator suite: a Node process whose environment is
// the function's (as CloudFormation sets it), whose working directory is the unpacked zip, and
// which runs one invocation at a time, as Lambda does. The parent sends invocations over IPC
// ({ id, event, context }) and gets { id, ok, result | error } back. The handler module is
// imported on the first invocation (the cold start), from the zip's own files.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [taskRoot, handlerSpec] = process.argv.slice(2);
const dot = handlerSpec.lastIndexOf('.');
const file = handlerSpec.slice(0, dot);
const exportName = handlerSpec.slice(dot + 1);
let handler;

process.on('message', async ({ id, event, context }) => {
  try {
    handler ??= (await import(pathToFileURL(join(taskRoot, `${file}.mjs`)).href))[exportName];
    const deadline = context.deadline;
    const lambdaContext = {
      ...context,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done() {},
      fail() {},
      succeed() {},
    };
    const result = await handler(event, lambdaContext);
    process.send({ id, ok: true, result: result === undefined ? null : JSON.parse(JSON.stringify(result)) });
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    process.send({ id, ok: false, error: { errorType: e.name, errorMessage: e.message, kind: e.kind } });
  }
});
process.send({ ready: true });
