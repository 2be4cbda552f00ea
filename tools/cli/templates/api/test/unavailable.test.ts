/**
 * A database that stops answering, refuses connections or throttles: the function answers 503 problem JSON with
 * `Retry-After` within its time budget — never a hang (the gateway's 504), never a 500.
 */
import type { ProxyHandler } from '@portico/http';
import { createProxyEvent, invoke } from '@portico/http/testing';
import { closedEndpoint, dynamoError, startScriptedServer, startSilentServer, type FakeDynamo } from '@portico/dynamodb/testing';
import { routes } from '../src/routes';
import { ITEMS_TABLE_ENV } from '../src/store';

const servers: FakeDynamo[] = [];
afterAll(async () => {
  for (const server of servers) await server.stop();
});

/** The handler module, fresh, with its client pointed at `endpoint`. */
async function handlerAt(endpoint: string): Promise<ProxyHandler> {
  Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 't', AWS_SECRET_ACCESS_KEY: 't', AWS_ENDPOINT_URL_DYNAMODB: endpoint, [ITEMS_TABLE_ENV]: 'items' });
  jest.resetModules();
  return (await import('../src/handler')).handler;
}

/** 2.5 s left in the invocation leaves the client 1.5 s of calls after the 1 s it keeps to answer in. */
const withBudget = (handler: ProxyHandler): ProxyHandler => (event) => handler(event, { getRemainingTimeInMillis: () => 2_500 });

let logged: jest.SpyInstance;
beforeEach(() => {
  // The app logs one structured line per 5xx: expected here.
  logged = jest.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => logged.mockRestore());

const started = async (server: Promise<FakeDynamo>) => servers[servers.push(await server) - 1]!.endpoint;

it.each([
  ['does not answer', () => started(startSilentServer()), '5'],
  ['refuses connections', () => closedEndpoint(), '5'],
  ['throttles', () => started(startScriptedServer(Array(5).fill(dynamoError(400, 'ThrottlingException')))), '1'],
])('answers 503 with Retry-After when DynamoDB %s', async (_, endpoint, retryAfter) => {
  const handler = await handlerAt(await endpoint());

  const res = await invoke(withBudget(handler), createProxyEvent({ routes, path: '/items' }));

  expect(res.statusCode).toBe(503);
  expect(res.headers['content-type']).toBe('application/problem+json');
  expect(res.headers['retry-after']).toBe(retryAfter);
});
