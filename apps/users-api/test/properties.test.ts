import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { ProxyEvent, ProxyHandler } from '@portico/http';
import { createProxyEvent, type ProxyEventInit } from '@portico/http/testing';
import fc from 'fast-check';
import { routes } from '../src/routes';
import { ALICE, BOB, REPORTS_SERVICE } from './support/callers';
import { startLocalDynamo, type LocalDynamo } from './support/dynalite';

let dynamo: LocalDynamo;
let handler: ProxyHandler;

beforeAll(async () => {
  dynamo = await startLocalDynamo('users-property-test');
  ({ handler } = await import('../src/handler'));
});

afterAll(async () => {
  await dynamo.stop();
});

async function storedCount(): Promise<number> {
  const { Count } = await dynamo.client.send(new ScanCommand({ TableName: dynamo.tableName, Select: 'COUNT' }));
  return Count ?? 0;
}

const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }));

const method = fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'HEAD', 'OPTIONS', 'get', 'BREW', '');

const path = fc.oneof(
  fc.constantFrom(
    '/hello',
    '/users',
    '/search',
    '/users/',
    '//users',
    '/users/%',
    '/users/%E0%A4%A',
    '/users/a/b',
    '/internal/stats',
    '/internal',
    '/',
  ),
  fc.uuid().map((id) => `/users/${id}`),
  text.map((segment) => `/users/${encodeURIComponent(segment)}`),
  text.map((rest) => `/${rest.replace(/\?/g, '')}`),
);

const queryValue = fc.oneof(
  fc.constantFrom('1', '10', '100', '101', '0', '-1', 'abc', '', '1e2', 'eyJpZCI6IngifQ', 'eyJpZCI6MX0'),
  text,
  fc.array(text, { minLength: 2, maxLength: 3 }),
);
const query = fc.dictionary(
  fc.oneof(fc.constantFrom('q', 'limit', 'cursor', '__proto__', 'constructor'), text),
  queryValue,
  {
    maxKeys: 4,
  },
);

const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'APPLICATION/JSON',
    'application/problem+json',
    'application/vnd.api+json',
    'text/plain',
    'multipart/form-data; boundary=x',
    '',
  ),
  text,
);
const headers = fc.dictionary(
  fc.oneof(fc.constantFrom('Content-Type', 'content-type', 'Origin', 'Content-Length', 'x-api-key', 'Accept'), text),
  fc.oneof(
    contentType,
    fc.constantFrom('http://localhost:5173', 'https://evil.example'),
    fc.array(text, { maxLength: 3 }),
  ),
  { maxKeys: 4 },
);

/** Bodies shaped like a user, nearly a user, JSON that is no user, and bytes that are not JSON at all. */
const userish = fc.record(
  {
    name: fc.oneof(text, fc.constant('   '), fc.string({ minLength: 101, maxLength: 120 }), fc.anything()),
    email: fc.oneof(fc.emailAddress(), text, fc.anything()),
    __proto__: fc.anything(),
    extra: fc.anything(),
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  fc.constant(undefined),
  userish.map((value) => JSON.stringify(value)),
  fc.json(),
  text,
  fc.constantFrom('{', '{"name":', 'null', '[]', '{"name":"x","constructor":{"prototype":{"polluted":1}}}'),
);

/** Nobody, or one of the callers the gateway lets through, so writes and the count are reached as well as refused. */
const auth = fc.constantFrom(undefined, BOB, ALICE, REPORTS_SERVICE);

const wellFormedEvent: fc.Arbitrary<ProxyEvent> = fc
  .record({ method, path, query, headers, body, binary: fc.boolean(), auth })
  .map(({ method, path, query, headers, body, binary, auth }) => {
    const init: ProxyEventInit = { routes, method, path, query, headers, ...(auth ? { auth } : {}) };
    if (body !== undefined) init.body = binary ? Buffer.from(body) : body;
    return createProxyEvent(init);
  });

/** A well-formed event with one field dropped, nulled, or replaced by something of the wrong type. */
const malformedEvent: fc.Arbitrary<ProxyEvent> = fc
  .tuple(
    wellFormedEvent,
    fc.constantFrom(
      'httpMethod',
      'path',
      'resource',
      'headers',
      'multiValueHeaders',
      'queryStringParameters',
      'multiValueQueryStringParameters',
      'pathParameters',
      'body',
      'isBase64Encoded',
      'requestContext',
    ),
    fc.oneof(fc.constant(undefined), fc.constant(null), fc.anything()),
  )
  .map(([event, field, value]) => {
    const broken: Record<string, unknown> = { ...event };
    if (value === undefined) delete broken[field];
    else broken[field] = value;
    return broken as ProxyEvent;
  });

function expectValidProxyResult(
  result: unknown,
): asserts result is { statusCode: number; body: string; headers?: Record<string, string> } {
  expect(result).toEqual(expect.any(Object));
  const { statusCode, body, headers, multiValueHeaders, isBase64Encoded } = result as Record<string, unknown>;
  expect(Number.isInteger(statusCode)).toBe(true);
  expect(statusCode).toBeGreaterThanOrEqual(200);
  expect(statusCode).toBeLessThan(500);
  expect(typeof body).toBe('string');
  for (const value of Object.values((headers ?? {}) as object)) expect(typeof value).toBe('string');
  for (const values of Object.values((multiValueHeaders ?? {}) as object)) {
    expect(Array.isArray(values) && values.every((v) => typeof v === 'string')).toBe(true);
  }
  if (isBase64Encoded !== undefined) expect(typeof isBase64Encoded).toBe('boolean');
}

describe('the handler under random and malformed events', () => {
  it('never throws, always returns a valid proxy result below 500, and stores nothing unless it answers 201', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(wellFormedEvent, malformedEvent), async (event) => {
        const before = await storedCount();

        const result = await handler(event, {});

        expectValidProxyResult(result);
        // HEAD answers carry GET's headers without the body, so only a non-empty JSON body must parse.
        const contentType = result.headers?.['content-type'] ?? '';
        if (/json/.test(contentType) && result.body !== '') expect(() => JSON.parse(result.body)).not.toThrow();
        expect(await storedCount()).toBe(result.statusCode === 201 ? before + 1 : before);
      }),
      { numRuns: 400 },
    );
  }, 60_000); // 400 runs, each with two table scans around the request, on a shared 2-core machine
});
