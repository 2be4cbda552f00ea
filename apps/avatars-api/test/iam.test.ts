/**
 * Least privilege, checked by behaviour: every route driven through the handler, and every answer of the partner
 * authorizer, against dynalite behind a recording proxy; the DynamoDB operations each function called on each table
 * must be exactly the actions portico.config.ts grants it there (the handler: `tables.<key>.actions`; the authorizer:
 * `auth.authorizers.partner.tables`, nothing on a table it does not list).
 */
import type { ProxyHandler } from '@portico/http';
import type { AuthorizerHandler, TokenAuthorizerEvent } from '@portico/http/authorizer';
import { createProxyEvent, invoke, type ProxyEventInit } from '@portico/http/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import avatarsApi from '../portico.config';
import { createPartnerStore, mintPartnerToken } from '../src/partners';
import { routes } from '../src/routes';
import { startAvatarsDb, type AvatarsDb } from './support/dynamo';
import { startRecordingProxy, type RecordingProxy } from './support/recording-proxy';

let db: AvatarsDb;
let proxy: RecordingProxy;
let handler: ProxyHandler;
let authorizer: AuthorizerHandler<TokenAuthorizerEvent>;

beforeAll(async () => {
  db = await startAvatarsDb('avatars-iam-test');
  proxy = await startRecordingProxy(db.endpoint);
  process.env.AWS_ENDPOINT_URL_DYNAMODB = proxy.endpoint;
  ({ handler } = await import('../src/handler'));
  ({ handler: authorizer } = await import('../src/authorizers/partner'));
});

afterAll(async () => {
  await proxy.stop();
  await db.stop();
});

const TABLES = Object.keys(avatarsApi.tables) as (keyof typeof avatarsApi.tables)[];
const PARTNER = { principalId: 'iam-partner', context: { partnerId: 'iam-partner', partnerName: 'IAM' } };
const send = (init: ProxyEventInit) => invoke(handler, createProxyEvent({ routes, ...init }));

it('the handler calls exactly the DynamoDB actions its role is granted, table by table', async () => {
  proxy.calls.length = 0;
  const png = readFileSync(join(__dirname, 'fixtures', 'avatar.png'));
  const put = (body: Buffer) => send({ method: 'PUT', path: '/avatars/u1', body, headers: { 'Content-Type': 'image/png' }, auth: { lambda: PARTNER } });
  expect((await put(png)).statusCode).toBe(201);
  expect((await put(png)).statusCode).toBe(200);
  for (const path of ['/avatars/u1', '/avatars/u1/info']) expect((await send({ path })).statusCode).toBe(200);
  expect((await send({ method: 'DELETE', path: '/avatars/u1', auth: { lambda: PARTNER } })).statusCode).toBe(204);
  expect((await send({ method: 'DELETE', path: '/avatars/u1', auth: { lambda: PARTNER } })).statusCode).toBe(404);

  for (const key of TABLES) expect([key, proxy.actionsOn(db.tables[key])]).toEqual([key, [...avatarsApi.tables[key].actions].sort()]);
});

it('the partner authorizer calls exactly the actions it declares, and nothing on the tables it does not list', async () => {
  // Arrange: an active and an inactive partner, written around the proxy (the authorizer's role never writes)
  const partners = createPartnerStore({ env: { ...process.env, AWS_ENDPOINT_URL_DYNAMODB: db.endpoint } });
  const active = await partners.add({ partnerId: 'iam-active', name: 'Active' });
  const inactive = await partners.add({ partnerId: 'iam-inactive', name: 'Inactive' });
  await partners.setActive(inactive.tokenHash, false);
  proxy.calls.length = 0;
  const event = (token: string): TokenAuthorizerEvent => ({
    type: 'TOKEN',
    authorizationToken: `Bearer ${token}`,
    methodArn: 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/PUT/avatars/u1',
  });

  // Act: every answer it gives — Allow, unknown, inactive
  await expect(authorizer(event(active.token))).resolves.toMatchObject({ principalId: 'iam-active' });
  await expect(authorizer(event(mintPartnerToken()))).rejects.toThrow('Unauthorized');
  await expect(authorizer(event(inactive.token))).rejects.toThrow('Unauthorized');

  // Assert
  const declared: Readonly<Record<string, readonly string[]>> = avatarsApi.auth.authorizers.partner.tables;
  for (const key of TABLES) expect([key, proxy.actionsOn(db.tables[key])]).toEqual([key, [...(declared[key] ?? [])].sort()]);
});
