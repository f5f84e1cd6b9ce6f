// One Lambda execution environment, as a worker thread: loads the function's code once (the TypeScript handler
// through tsx, or the bundle CDK synthesized), then runs one invocation at a time, as the Lambda runtime does.
// Its log lines go to the host with each invocation's result, in order. Plain JavaScript: a bundle needs no tsx.
'use strict';
const { parentPort, workerData } = require('node:worker_threads');

const { entry, exportName, functionName, invokedFunctionArn, memoryMb, typescript, preload } = workerData;

// Every line the function writes (logger, metrics, console) goes to the host, in order with the results.
for (const stream of ['stdout', 'stderr']) {
  process[stream].write = (chunk, encoding, callback) => {
    parentPort.postMessage({ type: 'log', stream, text: typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8') });
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') done();
    return true;
  };
}

/** The init phase: its failure fails every invocation of this environment, as a Lambda init error does. */
let handler;
let initError;
/** A measuring module the bench loads before the code (its `snapshot()` answers the host); none otherwise. */
let instrument;
try {
  // Stack traces point at the TypeScript lines (the compiled sources and the bundles carry source maps).
  process.setSourceMapsEnabled(true);
  if (typescript || preload?.endsWith('.ts')) require('tsx/cjs/api').register();
  if (preload) instrument = require(preload);
  const loaded = require(entry);
  handler = loaded[exportName];
  if (typeof handler !== 'function') throw new Error(`${entry} exports no function "${exportName}"`);
} catch (error) {
  initError = error;
}

let invocations = 0;

function contextFor(timeoutMs) {
  invocations += 1;
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: `local-${functionName}-${process.pid}-${invocations}-${Date.now().toString(36)}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** What Lambda reports of an error: its name (errorType), message and own fields, as plain data. */
function errorData(error) {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields = {};
  for (const [key, value] of Object.entries(error)) {
    try {
      fields[key] = JSON.parse(JSON.stringify(value));
    } catch {
      // a field that is not data (a socket, a cycle) is left out, as Lambda's JSON would leave it
    }
  }
  return { name: error.name, message: error.message, stack: error.stack, fields };
}

parentPort.on('message', async (message) => {
  if (message.type === 'snapshot') {
    parentPort.postMessage({ type: 'snapshot', id: message.id, value: instrument?.snapshot?.() ?? null });
    return;
  }
  if (message.type !== 'invoke') return;
  try {
    if (initError) throw initError;
    const result = await handler(message.event, contextFor(message.timeoutMs));
    // Lambda hands the caller the result as JSON.
    parentPort.postMessage({
      type: 'result',
      id: message.id,
      ok: true,
      value: result === undefined ? null : JSON.parse(JSON.stringify(result)),
    });
  } catch (error) {
    parentPort.postMessage({ type: 'result', id: message.id, ok: false, error: errorData(error) });
  }
});
parentPort.postMessage({ type: 'ready' });
