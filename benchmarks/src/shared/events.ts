/**
 * The 8-event mix every variant answers, built once with `createProxyEvent` from `@portico/http/testing` so all
 * variants see identical, realistic v1 proxy events (requestContext included), the same ones the tests use.
 */
import { createProxyEvent } from '@portico/http/testing';
import { CORS } from './store';

export interface MixEntry {
  name: string;
  /** The status a correct REST API answers; mismatches are reported per variant, never fixed in the peer code. */
  expected: number;
  event: unknown;
}

const STAGE = 'dev';
// A browser app on the allowed origin: every request carries Origin, so every response pays for CORS.
const BROWSER = { origin: CORS.origin, accept: 'application/json', 'user-agent': 'Mozilla/5.0 (bench)' };

export function buildMix(): MixEntry[] {
  return [
    { name: 'hello', expected: 200, event: createProxyEvent({ method: 'GET', path: '/hello', stage: STAGE, headers: BROWSER }) },
    {
      name: 'list users',
      expected: 200,
      event: createProxyEvent({ method: 'GET', path: '/users', stage: STAGE, headers: BROWSER }),
    },
    {
      name: 'create user',
      expected: 201,
      event: createProxyEvent({
        method: 'POST',
        path: '/users',
        stage: STAGE,
        headers: { ...BROWSER, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Ada Lovelace', email: 'ada@example.com' }),
      }),
    },
    {
      name: 'malformed JSON',
      expected: 400,
      event: createProxyEvent({
        method: 'POST',
        path: '/users',
        stage: STAGE,
        headers: { ...BROWSER, 'content-type': 'application/json' },
        body: '{"name": "Ada", ',
      }),
    },
    {
      name: 'get by id',
      expected: 200,
      event: createProxyEvent({ method: 'GET', path: '/users/u-1', resource: '/users/{id}', stage: STAGE, headers: BROWSER }),
    },
    {
      name: 'search',
      expected: 200,
      event: createProxyEvent({ method: 'GET', path: '/search', query: { q: 'ali', limit: '5' }, stage: STAGE, headers: BROWSER }),
    },
    {
      name: 'unknown route',
      expected: 404,
      event: createProxyEvent({ method: 'GET', path: '/nope', stage: STAGE, headers: BROWSER }),
    },
    {
      name: 'CORS preflight',
      expected: 204,
      event: createProxyEvent({
        method: 'OPTIONS',
        path: '/users',
        stage: STAGE,
        headers: {
          origin: CORS.origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      }),
    },
  ];
}
