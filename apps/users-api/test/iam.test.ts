/**
 * Least privilege, checked by behaviour: every route of the API is driven through the handler against dynalite behind
 * a recording proxy, and the DynamoDB operations the function actually called must be exactly the actions
 * portico.config.ts grants its role on the table — none missing (the deployed function would get AccessDenied), none
 * extra (the role would allow more than the code needs).
 */
import type { ProxyHandler } from '@portico/http';
import { createProxyEvent, invoke, type ProxyEventInit } from '@portico/http/testing';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import usersApi from '../portico.config';
import { routes } from '../src/routes';
import { ALICE, BOB, REPORTS_SERVICE } from './support/callers';
import { startLocalDynamo, type LocalDynamo } from './support/dynalite';

let dynamo: LocalDynamo;
let proxy: Server;
let handler: ProxyHandler;
const called = new Set<string>();

beforeAll(async () => {
  dynamo = await startLocalDynamo('users-iam-test');
  const upstream = new URL(dynamo.endpoint);
  // Forwards every request to dynalite unchanged, noting its X-Amz-Target (`DynamoDB_20120810.<Operation>`).
  proxy = createServer((req, res) => {
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string') called.add(`dynamodb:${target.split('.').pop()}`);
    const forward = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 500, answer.headers);
      answer.pipe(res);
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  process.env.AWS_ENDPOINT_URL_DYNAMODB = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  ({ handler } = await import('../src/handler'));
});

afterAll(async () => {
  proxy.closeAllConnections();
  await new Promise((resolve) => proxy.close(resolve));
  await dynamo.stop();
});

const send = (init: ProxyEventInit) => invoke(handler, createProxyEvent({ routes, ...init }));

it('calls exactly the DynamoDB actions its role is granted on the users table', async () => {
  // Act: every route, each down the paths that reach the store (create, read, page, search, count, delete, delete
  // again), as the callers the gateway lets through
  const created = await send({ method: 'POST', path: '/users', json: { name: 'Ada', email: 'ada@example.com' }, auth: BOB });
  expect(created.statusCode).toBe(201);
  const { id } = created.json<{ id: string }>();
  for (const path of ['/hello', `/users/${id}`, '/users?limit=1', '/search?q=ad']) expect((await send({ path })).statusCode).toBe(200);
  expect((await send({ path: '/internal/stats', auth: REPORTS_SERVICE })).statusCode).toBe(200);
  expect((await send({ method: 'DELETE', path: `/users/${id}`, auth: ALICE })).statusCode).toBe(204);
  expect((await send({ method: 'DELETE', path: `/users/${id}`, auth: ALICE })).statusCode).toBe(404);

  // Assert
  expect([...called].sort()).toEqual([...usersApi.tables.users.actions].sort());
});
