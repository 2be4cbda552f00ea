/**
 * The two event mixes, built with `createProxyEvent` from `@portico/http/testing` so every variant sees identical,
 * realistic v1 proxy events (requestContext included), the same ones the tests use.
 *
 * - `users`: the users API as infra deploys it, one gateway resource per route, so events carry the matched
 *   `resource` and percent-encoded `pathParameters`. Browser requests over HTTP/2 (lower-case header names).
 * - `orders`: an independent API behind `ANY /{proxy+}`, so each variant routes the path; HTTP/1.1 header casing,
 *   two allowed origins, credentials, a query schema and nested body schemas.
 *
 * Both are meant to be what a function really sees: most requests from the allowed browser origin (so CORS is paid
 * on most responses), some server-to-server without Origin, one from a foreign origin; validation failures next to
 * successes, path parameters, query strings, a preflight and 404s.
 */
import { defineRoute } from '@portico/http';
import { createProxyEvent, type ProxyEventInit } from '@portico/http/testing';
import { CORS } from './users';
import { ORDERS_CORS } from './orders';

export interface MixEntry {
  name: string;
  /** The status a correct REST API answers; mismatches are reported per variant, never fixed in the peer code. */
  expected: number;
  event: unknown;
}

/** The two harnesses: each is its own API, written once per variant, with its own event mix. */
export const HARNESSES = [
  { id: 'users', label: 'users API: a gateway resource per route' },
  { id: 'orders', label: 'orders API: behind ANY /{proxy+}' },
] as const;
export type HarnessId = (typeof HARNESSES)[number]['id'];

const STAGE = 'dev';

/** The users API's gateway resources, so the factory fills in `resource` and `pathParameters` as API Gateway does. */
const USERS_RESOURCES = ['/hello', '/users', '/users/{id}', '/search'].map((path) => defineRoute({ method: 'ANY', path }));
const BROWSER = { origin: CORS.origin, accept: 'application/json', 'user-agent': 'Mozilla/5.0 (bench)' };
const JSON_POST = { ...BROWSER, 'content-type': 'application/json' };

function users(init: ProxyEventInit): unknown {
  return createProxyEvent({ stage: STAGE, routes: USERS_RESOURCES, headers: BROWSER, ...init });
}

function usersMix(): MixEntry[] {
  return [
    { name: 'hello', expected: 200, event: users({ path: '/hello' }) },
    { name: 'list users', expected: 200, event: users({ path: '/users?limit=2' }) },
    {
      name: 'create user',
      expected: 201,
      event: users({ method: 'POST', path: '/users', headers: JSON_POST, body: JSON.stringify({ name: 'Ada Lovelace', email: 'ada@example.com' }) }),
    },
    {
      name: 'create user, invalid',
      expected: 400,
      event: users({ method: 'POST', path: '/users', headers: JSON_POST, body: JSON.stringify({ name: '', email: 'not-an-email' }) }),
    },
    { name: 'malformed JSON', expected: 400, event: users({ method: 'POST', path: '/users', headers: JSON_POST, body: '{"name": "Ada", ' }) },
    { name: 'get by id', expected: 200, event: users({ path: '/users/u-1' }) },
    { name: 'get by id, missing', expected: 404, event: users({ path: '/users/u-404' }) },
    { name: 'search', expected: 200, event: users({ path: '/search?q=ali&limit=5' }) },
    { name: 'search, bad limit', expected: 400, event: users({ path: '/search?q=ali&limit=500' }) },
    {
      name: 'CORS preflight',
      expected: 204,
      event: users({
        method: 'OPTIONS',
        path: '/users',
        headers: { origin: CORS.origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      }),
    },
    { name: 'unknown route', expected: 404, event: users({ path: '/nope' }) },
    { name: 'get by id, no Origin', expected: 200, event: users({ path: '/users/u-2', headers: { accept: '*/*', 'user-agent': 'curl/8.5.0' } }) },
    { name: 'hello, foreign origin', expected: 200, event: users({ path: '/hello', headers: { ...BROWSER, origin: 'https://evil.example.net' } }) },
  ];
}

const SHOP = { Origin: ORDERS_CORS.origins[0], Accept: 'application/json', 'User-Agent': 'Mozilla/5.0 (bench)', Cookie: 'session=abc123' };
const ADMIN = { ...SHOP, Origin: ORDERS_CORS.origins[1], Authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig' };

function orders(init: ProxyEventInit): unknown {
  return createProxyEvent({ stage: STAGE, resource: '/{proxy+}', headers: SHOP, ...init });
}

function ordersMix(): MixEntry[] {
  const json = (headers: Record<string, string>) => ({ ...headers, 'Content-Type': 'application/json' });
  return [
    { name: 'list open orders', expected: 200, event: orders({ path: '/orders?status=open&limit=20' }) },
    { name: 'health, no Origin', expected: 200, event: orders({ path: '/health', headers: { 'User-Agent': 'ELB-HealthChecker/2.0' } }) },
    { name: 'list, bad status', expected: 400, event: orders({ path: '/orders?status=bogus', headers: ADMIN }) },
    {
      name: 'create order',
      expected: 201,
      event: orders({ method: 'POST', path: '/orders', headers: json(SHOP), body: JSON.stringify({ customerId: 'c-1', items: [{ sku: 'sku-1', qty: 2 }, { sku: 'sku-9', qty: 1 }], note: 'gift wrap' }) }),
    },
    {
      name: 'create order, invalid',
      expected: 400,
      event: orders({ method: 'POST', path: '/orders', headers: json(SHOP), body: JSON.stringify({ customerId: '', items: [{ sku: 'sku-1', qty: 0 }] }) }),
    },
    {
      name: 'create order, text/plain',
      expected: 415,
      event: orders({ method: 'POST', path: '/orders', headers: { ...SHOP, 'Content-Type': 'text/plain' }, body: 'customer=c-1' }),
    },
    { name: 'get order', expected: 200, event: orders({ path: '/orders/o-1' }) },
    { name: 'get order, missing', expected: 404, event: orders({ path: '/orders/o-404' }) },
    { name: 'update order', expected: 200, event: orders({ method: 'PATCH', path: '/orders/o-2', headers: json(ADMIN), body: JSON.stringify({ status: 'shipped' }) }) },
    { name: 'remove item', expected: 204, event: orders({ method: 'DELETE', path: '/orders/o-1/items/sku-1', headers: ADMIN }) },
    { name: 'PUT, not allowed', expected: 405, event: orders({ method: 'PUT', path: '/orders/o-1', headers: json(SHOP), body: '{}' }) },
    {
      name: 'CORS preflight',
      expected: 204,
      event: orders({
        method: 'OPTIONS',
        path: '/orders/o-2',
        headers: { Origin: ORDERS_CORS.origins[1], 'Access-Control-Request-Method': 'PATCH', 'Access-Control-Request-Headers': 'content-type,authorization' },
      }),
    },
    { name: 'unknown route', expected: 404, event: orders({ path: '/customers' }) },
    { name: 'get order, foreign origin', expected: 200, event: orders({ path: '/orders/o-2', headers: { ...SHOP, Origin: 'https://evil.example.net' } }) },
  ];
}

/** The mix of a harness; its first event is the cold start's first call. */
export function buildMix(harness: HarnessId): MixEntry[] {
  return harness === 'users' ? usersMix() : ordersMix();
}
