/**
 * The handler when DynamoDB is down or throttling: a 503 problem with Retry-After, never a hang (which Lambda would
 * end at its timeout and the gateway answer 502) and never a 500. Real sockets on loopback stand in for the failing
 * database; the handler is imported afresh for each, as a Lambda cold start would build it from its environment.
 */
import type { ProxyHandler } from '@portico/http';
import { createProxyEvent, invoke, type InvokeResult, type ProxyEventInit } from '@portico/http/testing';
import { routes } from '../src/routes';
import { closedEndpoint, dynamoError, startScriptedServer, startSilentServer, type FakeDynamo } from '@portico/dynamodb/testing';
import { BOB, REPORTS_SERVICE } from './support/callers';

const USER = '/users/6f1c2c3a-8f1e-4b7a-9a51-2b0d1c1e0a01';

let server: FakeDynamo | undefined;
let logged: jest.SpyInstance;
beforeEach(() => {
  // The app logs one structured line per 5xx; here they are expected, and checked where they matter.
  logged = jest.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(async () => {
  logged.mockRestore();
  await server?.stop();
  server = undefined;
});

/** The handler module, built from an environment whose DynamoDB is `endpoint`. */
async function handlerAgainst(endpoint: string): Promise<ProxyHandler> {
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    USERS_TABLE: 'users',
  });
  jest.resetModules();
  return (await import('../src/handler')).handler;
}

/** Invokes with a Lambda context whose remaining time is `remainingMs`. */
async function send(handler: ProxyHandler, init: ProxyEventInit, remainingMs = 29_000): Promise<InvokeResult> {
  const deadline = Date.now() + remainingMs;
  const context = { getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) };
  return invoke((event) => handler(event, context), createProxyEvent({ routes, ...init }));
}

function expectUnavailable(res: InvokeResult, retryAfter: string): void {
  expect(res.statusCode).toBe(503);
  expect(res.headers['content-type']).toBe('application/problem+json');
  expect(res.headers['retry-after']).toBe(retryAfter);
  expect(res.json()).toMatchObject({ status: 503, title: 'Service Unavailable', code: 'SERVICE_UNAVAILABLE' });
}

describe('when DynamoDB accepts connections and never answers', () => {
  it("answers 503 with Retry-After within the invocation's remaining time", async () => {
    server = await startSilentServer();
    const handler = await handlerAgainst(server.endpoint);

    // 1.4 s left, 1 s of it kept back to answer: DynamoDB gets 400 ms, not the 10 s a Lambda timeout would take.
    const res = await send(handler, { path: USER }, 1400);

    expectUnavailable(res, '5');
    // One attempt, cut at the budget; at the default one second per attempt there would have been no time for it.
    expect(server.connections).toBe(1);
    expect(logged).toHaveBeenCalledTimes(1);
    expect(JSON.parse(String(logged.mock.calls[0]![0]))).toMatchObject({ status: 503, error: { name: 'ServiceUnavailableError' } });
  });

  it('answers writes, lists and counts the same way', async () => {
    server = await startSilentServer();
    const handler = await handlerAgainst(server.endpoint);

    const create = await send(handler, { method: 'POST', path: '/users', json: { name: 'Ada' }, auth: BOB }, 1300);
    const list = await send(handler, { path: '/users' }, 1300);
    const stats = await send(handler, { path: '/internal/stats', auth: REPORTS_SERVICE }, 1300);

    expectUnavailable(create, '5');
    expectUnavailable(list, '5');
    expectUnavailable(stats, '5');
  });
});

describe('when DynamoDB refuses connections', () => {
  it('answers 503 with Retry-After, not 500', async () => {
    const handler = await handlerAgainst(await closedEndpoint());

    const res = await send(handler, { path: USER });

    expectUnavailable(res, '5');
  });
});

describe('when DynamoDB throttles', () => {
  it.each(['ProvisionedThroughputExceededException', 'ThrottlingException'])(
    'retries %s, then answers 503 with Retry-After: 1',
    async (code) => {
      server = await startScriptedServer([dynamoError(400, code)]);
      const handler = await handlerAgainst(server.endpoint);

      const res = await send(handler, { path: '/search', query: { q: 'ada' } });

      expectUnavailable(res, '1');
      expect(server.requests).toBe(3);
    },
  );

  it('answers normally once a retry gets through', async () => {
    server = await startScriptedServer([dynamoError(400, 'ThrottlingException'), { status: 200, body: {} }]);
    const handler = await handlerAgainst(server.endpoint);

    const res = await send(handler, { path: USER });

    expect(res.statusCode).toBe(404);
    expect(server.requests).toBe(2);
  });
});

describe('when DynamoDB rejects the request itself', () => {
  it('answers 500: a bug or a misconfiguration, not something to retry', async () => {
    server = await startScriptedServer([dynamoError(400, 'ResourceNotFoundException', 'Requested resource not found')]);
    const handler = await handlerAgainst(server.endpoint);

    const res = await send(handler, { path: USER });

    expect(res.statusCode).toBe(500);
    expect(res.headers['retry-after']).toBeUndefined();
    expect(server.requests).toBe(1);
    expect(logged).toHaveBeenCalledTimes(1);
  });
});
