/**
 * Least privilege, checked by behaviour: every route driven through the handler against dynalite behind a recording
 * proxy; the DynamoDB operations the function called must be exactly the actions portico.config.ts grants.
 */
import type { ProxyHandler } from '@portico/http';
import { createProxyEvent, invoke, type ProxyEventInit } from '@portico/http/testing';
import { readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import avatarsApi from '../portico.config';
import { routes } from '../src/routes';
import { startAvatarsDb, type AvatarsDb } from './support/dynamo';

let db: AvatarsDb;
let proxy: Server;
let handler: ProxyHandler;
const called = new Set<string>();

beforeAll(async () => {
  db = await startAvatarsDb('avatars-iam-test');
  const upstream = new URL(db.endpoint);
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

it('calls exactly the DynamoDB actions its role is granted on the avatars table', async () => {
  const png = readFileSync(join(__dirname, 'fixtures', 'avatar.png'));
  const put = (body: Buffer) => send({ method: 'PUT', path: '/avatars/u1', body, headers: { 'Content-Type': 'image/png' } });
  expect((await put(png)).statusCode).toBe(201);
  expect((await put(png)).statusCode).toBe(200);
  for (const path of ['/avatars/u1', '/avatars/u1/info']) expect((await send({ path })).statusCode).toBe(200);
  expect((await send({ method: 'DELETE', path: '/avatars/u1' })).statusCode).toBe(204);
  expect((await send({ method: 'DELETE', path: '/avatars/u1' })).statusCode).toBe(404);

  expect([...called].sort()).toEqual([...avatarsApi.tables.avatars.actions].sort());
});
