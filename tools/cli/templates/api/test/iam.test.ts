/**
 * Least privilege, checked by behaviour: every route driven through the handler against dynalite behind a recording
 * proxy; the DynamoDB operations the function called must be exactly the actions portico.config.ts grants its role —
 * none missing (the deployed function would get AccessDenied), none extra (the role would allow more than the code
 * needs).
 */
import type { ProxyHandler } from '@portico/http';
import { createProxyEvent, invoke, type ProxyEventInit } from '@portico/http/testing';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import api from '../portico.config';
import { routes, type Item } from '../src/routes';
import { startItemsDb, type ItemsDb } from './support/dynamo';

let db: ItemsDb;
let proxy: Server;
let handler: ProxyHandler;
const called = new Set<string>();

beforeAll(async () => {
  db = await startItemsDb('items-iam-test');
  const upstream = new URL(db.endpoint);
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
  await db.stop();
});

const send = (init: ProxyEventInit) => invoke(handler, createProxyEvent({ routes, ...init }));

it('calls exactly the DynamoDB actions its role is granted on the items table', async () => {
  // Act: every route, down each path that reaches the store (create, read, page, delete, delete again)
  const created = await send({ method: 'POST', path: '/items', json: { name: 'Lamp' } });
  expect(created.statusCode).toBe(201);
  const { id } = created.json<Item>();
  for (const path of ['/health', `/items/${id}`, '/items?limit=1']) expect((await send({ path })).statusCode).toBe(200);
  expect((await send({ method: 'DELETE', path: `/items/${id}` })).statusCode).toBe(204);
  expect((await send({ method: 'DELETE', path: `/items/${id}` })).statusCode).toBe(404);

  // Assert
  expect([...called].sort()).toEqual([...api.tables.items.actions].sort());
});
