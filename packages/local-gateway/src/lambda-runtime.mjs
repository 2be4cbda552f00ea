// @ts-check
// One Lambda execution environment: a child process of the gateway, talking to it over the IPC channel. Plain
// JavaScript on purpose: the process starts without the test transform or tsx, so this file must run as-is under Node.
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';

/** @type {{ handlerFile: string, exportName: string, functionName: string, memoryMb: number, arn: string, logGroupName: string, logStreamName: string, maxResponseBytes: number }} */
const meta = JSON.parse(process.argv[2] ?? '{}');
/** @param {unknown} message */
const send = (message) => {
  if (process.connected) process.send?.(message);
};
/** The IPC channel keeps an idle environment alive; `unref()` lets the loop drain to 'beforeExit'. */
const channel = /** @type {{ ref(): void, unref(): void } | undefined} */ (/** @type {any} */ (process).channel);
// The gateway went away (closed, crashed, killed): an environment has no reason to outlive it.
process.on('disconnect', () => process.exit(0));
/** @type {string | undefined} */
let currentRequestId;

// Lambda prefixes every console line with time, request id and level; keep that so local logs read like CloudWatch.
for (const [method, level] of /** @type {const} */ ([
  ['log', 'INFO'],
  ['info', 'INFO'],
  ['warn', 'WARN'],
  ['error', 'ERROR'],
  ['debug', 'DEBUG'],
  ['trace', 'TRACE'],
])) {
  const stream = level === 'ERROR' || level === 'WARN' ? process.stderr : process.stdout;
  console[method] = (...args) => {
    stream.write(`${new Date().toISOString()}\t${currentRequestId ?? 'undefined'}\t${level}\t${format(...args)}\n`);
  };
}

/** @param {unknown} error */
function serializeError(error) {
  if (error instanceof Error) {
    return { errorType: error.name, errorMessage: error.message, trace: (error.stack ?? '').split('\n') };
  }
  return { errorType: 'Error', errorMessage: typeof error === 'string' ? error : JSON.stringify(error) ?? String(error), trace: [] };
}

/** @type {Function | undefined} */
let handler;
try {
  const mod = await import(pathToFileURL(meta.handlerFile).href);
  /** @type {any} */
  let target = mod;
  const path = meta.exportName.split('.');
  for (const [i, key] of path.entries()) {
    target = target?.[key] ?? (i === 0 ? mod.default?.[key] : undefined);
  }
  if (typeof target !== 'function') {
    const error = new Error(`${meta.handlerFile.split('/').pop()}.${meta.exportName} is undefined or not exported`);
    error.name = 'Runtime.HandlerNotFound';
    throw error;
  }
  handler = target;
  send({ type: 'ready' });
} catch (error) {
  const serialized = serializeError(error);
  if (serialized.errorType === 'Error' || serialized.errorType === 'SyntaxError') serialized.errorType = 'Runtime.ImportModuleError';
  send({ type: 'init-error', error: serialized });
}

/**
 * What to do once the event loop has nothing left to run, as Lambda's Node.js runtime does: send a callback's result
 * (while `callbackWaitsForEmptyEventLoop`), or end an invocation whose handler neither returned a promise nor called
 * back with a `null` result. Only set while such an invocation is open.
 * @type {(() => void) | undefined}
 */
let onEmptyLoop;
process.on('beforeExit', () => {
  const run = onEmptyLoop;
  onEmptyLoop = undefined;
  // The port is what keeps an idle environment alive; take it back before anything else.
  channel?.ref();
  run?.();
});

/** @param {() => void} run */
function whenLoopEmpties(run) {
  onEmptyLoop = run;
  // Let the loop drain: with the port unreferenced, 'beforeExit' fires once only the function's own work is gone.
  channel?.unref();
}

process.on('message', (/** @type {{ type: string, id: number, event: unknown, deadline: number, awsRequestId: string }} */ msg) => {
  if (msg.type !== 'invoke' || !handler) return;
  // A fresh object parsed from the invocation's JSON (the IPC channel's own serialization), as Lambda hands it over.
  const event = msg.event;
  currentRequestId = msg.awsRequestId;
  onEmptyLoop = undefined;
  let settled = false;
  /** @param {unknown} error @param {unknown} [result] */
  const finish = (error, result) => {
    if (settled) return;
    settled = true;
    if (onEmptyLoop) {
      onEmptyLoop = undefined;
      channel?.ref();
    }
    if (error !== undefined && error !== null) {
      send({ type: 'error', id: msg.id, error: serializeError(error) });
      return;
    }
    let payload;
    try {
      // A function or symbol serializes to nothing: Lambda then answers null, as for no result at all.
      payload = JSON.stringify(result === undefined ? null : result) ?? 'null';
    } catch (cause) {
      send({ type: 'error', id: msg.id, error: { ...serializeError(cause), errorType: 'Runtime.UnmarshalError' } });
      return;
    }
    // Serialized here to find what cannot be and to measure it as Lambda does; the channel's own JSON carries the
    // value itself (the same text), so the gateway parses it once. Over Lambda's limit only the size travels.
    const bytes = payload.length * 3 > meta.maxResponseBytes ? Buffer.byteLength(payload) : 0;
    if (bytes > meta.maxResponseBytes) send({ type: 'too-large', id: msg.id, bytes });
    else send({ type: 'result', id: msg.id, result: payload === 'null' ? null : result });
  };
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: meta.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: meta.arn,
    memoryLimitInMB: String(meta.memoryMb),
    awsRequestId: msg.awsRequestId,
    logGroupName: meta.logGroupName,
    logStreamName: meta.logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, msg.deadline - Date.now()),
    done: finish,
    succeed: (/** @type {unknown} */ result) => finish(null, result),
    fail: (/** @type {unknown} */ error) => finish(error ?? new Error('handled')),
  };
  /**
   * The handler's third argument. An error goes back at once; a result, while `callbackWaitsForEmptyEventLoop` is
   * true (the default), only when the event loop is empty — a pending timer or open socket holds the response, as on
   * Lambda. `context.done/succeed/fail` and a returned promise answer at once.
   * @param {unknown} error @param {unknown} [result]
   */
  const callback = (error, result) => {
    if (settled) return;
    if (error !== undefined && error !== null) finish(error);
    else if (context.callbackWaitsForEmptyEventLoop) whenLoopEmpties(() => finish(null, result));
    else finish(null, result);
  };
  try {
    const returned = /** @type {Function} */ (handler)(event, context, callback);
    if (returned && typeof returned.then === 'function') {
      returned.then((/** @type {unknown} */ value) => finish(null, value), (/** @type {unknown} */ error) => finish(error ?? new Error('rejected')));
    } else if (!settled && !onEmptyLoop) {
      // Neither a promise nor (yet) a callback: the invocation ends with null when nothing is left to run.
      whenLoopEmpties(() => finish(null, undefined));
    }
  } catch (error) {
    finish(error);
  }
});
