/**
 * A database that stops answering, refuses connections or throttles: the function answers 503 problem JSON with
 * Retry-After within its budget — never a hang (the gateway's 504/502), never a 500.
 */
import type { ProxyHandler } from '@portico/http';
import { createProxyEvent, invoke } from '@portico/http/testing';
import { closedEndpoint, dynamoError, startScriptedServer, startSilentServer, type FakeDynamo } from '@portico/dynamodb/testing';
import { routes } from '../src/routes';

const servers: FakeDynamo[] = [];
afterAll(async () => {
  for (const server of servers) await server.stop();
});

/** The handler module, fresh, with its client pointed at `endpoint` and a short budget. */
async function handlerAt(endpoint: string): Promise<ProxyHandler> {
  Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 't', AWS_SECRET_ACCESS_KEY: 't', AWS_ENDPOINT_URL_DYNAMODB: endpoint, AVATARS_TABLE: 'avatars' });
  jest.resetModules();
  return (await import('../src/handler')).handler;
}

/** The invocation's remaining time bounds every call: 2.5 s leaves the client 1.5 s after its 1 s reserve. */
const withBudget = (handler: ProxyHandler): ProxyHandler => (event) => handler(event, { getRemainingTimeInMillis: () => 2_500 });

let logged: jest.SpyInstance;
beforeEach(() => {
  // The app logs one structured line per 5xx; expected here.
  logged = jest.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => logged.mockRestore());

it.each([
  ['does not answer', async () => (servers[servers.push(await startSilentServer()) - 1]!).endpoint, '5'],
  ['refuses connections', () => closedEndpoint(), '5'],
  ['throttles', async () => (servers[servers.push(await startScriptedServer(Array(5).fill(dynamoError(400, 'ThrottlingException')))) - 1]!).endpoint, '1'],
])('answers 503 with Retry-After when DynamoDB %s', async (_, endpoint, retryAfter) => {
  const handler = await handlerAt(await endpoint());
  const res = await invoke(withBudget(handler), createProxyEvent({ routes, path: '/avatars/u1' }));
  expect(res.statusCode).toBe(503);
  expect(res.headers['content-type']).toBe('application/problem+json');
  expect(res.headers['retry-after']).toBe(retryAfter);
});
