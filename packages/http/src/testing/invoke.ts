import type { ProxyEvent, ProxyResult } from '../aws/types';
import { createProxyEvent, type ProxyEventInit } from './create-proxy-event';

/** A Lambda handler as `invoke` calls it. */
export type InvokableHandler = (event: ProxyEvent, context: LambdaContextLike) => unknown;

/** The parts of a Lambda context handlers commonly read. */
export interface LambdaContextLike {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

/** A proxy result made easy to assert on. */
export interface InvokeResult {
  statusCode: number;
  /** Single and multi-value headers merged, names lower-cased, repeats joined with ", ". */
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
  /** The raw result, as the handler returned it. */
  raw: ProxyResult;
  /** The body parsed as JSON. */
  json<T = unknown>(): T;
}

/**
 * Calls a Lambda handler with an event (built by {@link createProxyEvent} when given an init) and a Lambda-like
 * context, and returns the result with lower-cased headers and a `json()` helper.
 *
 * @example
 * const res = await invoke(handler, { method: 'GET', path: '/users/42', resource: '/users/{id}' });
 * expect(res.statusCode).toBe(200);
 * expect(res.json<User>().id).toBe('42');
 */
export async function invoke(handler: InvokableHandler, input: ProxyEventInit | ProxyEvent): Promise<InvokeResult> {
  const event = isEvent(input) ? input : createProxyEvent(input);
  const requestId = typeof event.requestContext?.requestId === 'string' ? event.requestContext.requestId : 'invoke';
  const deadline = Date.now() + 29_000;
  const raw = (await handler(event, {
    functionName: 'portico-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:portico-test',
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: '/aws/lambda/portico-test',
    logStreamName: '2026/01/01/[$LATEST]portico',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  })) as ProxyResult;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw?.headers ?? {})) headers[name.toLowerCase()] = String(value);
  for (const [name, values] of Object.entries(raw?.multiValueHeaders ?? {})) {
    const key = name.toLowerCase();
    const joined = values.map(String).join(', ');
    headers[key] = headers[key] === undefined ? joined : `${headers[key]}, ${joined}`;
  }
  const body = typeof raw?.body === 'string' ? raw.body : '';
  return {
    statusCode: raw?.statusCode,
    headers,
    body,
    isBase64Encoded: raw?.isBase64Encoded === true,
    raw,
    json<T>() {
      return JSON.parse(body) as T;
    },
  };
}

function isEvent(input: ProxyEventInit | ProxyEvent): input is ProxyEvent {
  return typeof (input as ProxyEvent).httpMethod === 'string' && (input as ProxyEvent).requestContext != null;
}
