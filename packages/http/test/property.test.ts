import fc from 'fast-check';
import * as v from 'valibot';
import { createApp, created, defineRoute, json, noContent, type ProxyResult } from '../src/index';
import { createProxyEvent } from '../src/testing';

const routes = {
  hello: defineRoute({ method: 'GET', path: '/hello' }),
  create: defineRoute({
    method: 'POST',
    path: '/users',
    body: v.strictObject({ name: v.pipe(v.string(), v.minLength(1)), email: v.optional(v.pipe(v.string(), v.email())) }),
  }),
  get: defineRoute({ method: 'GET', path: '/users/{id}' }),
  remove: defineRoute({ method: 'DELETE', path: '/users/{id}' }),
  search: defineRoute({ method: 'GET', path: '/search', query: v.object({ q: v.string(), limit: v.optional(v.string()) }) }),
  files: defineRoute({ method: 'ANY', path: '/files/{proxy+}' }),
};

function buildHandler() {
  const app = createApp({ cors: { origins: ['https://app.example.com'] }, bodyLimit: 4096, logger: { error: () => {} } });
  app.use(async (_req, next) => next());
  app.handle(routes.hello, () => json({ message: 'Hello, World!' }));
  app.handle(routes.create, (req) => created({ id: '1', ...req.body }, '/users/1'));
  app.handle(routes.get, (req) => json({ id: req.params.id }));
  app.handle(routes.remove, () => noContent());
  app.handle(routes.search, (req) => json({ q: req.query.q }));
  app.handle(routes.files, (req) => json({ path: req.params.proxy, query: req.multiQuery }));
  return app.lambda();
}

function assertValid(result: ProxyResult): void {
  expect(Number.isInteger(result.statusCode)).toBe(true);
  expect(result.statusCode).toBeGreaterThanOrEqual(100);
  expect(result.statusCode).toBeLessThan(500);
  expect(typeof result.body).toBe('string');
  for (const value of Object.values(result.headers ?? {})) expect(typeof value).toBe('string');
  for (const values of Object.values(result.multiValueHeaders ?? {})) {
    for (const value of values) expect(typeof value).toBe('string');
  }
}

const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'get', 'BREW', '');
const segment = fc.oneof(
  fc.constantFrom('hello', 'users', 'search', 'files', '', '%', '%E0%A4%A', '%2F', '__proto__', 'constructor', '..'),
  fc.string({ maxLength: 8 }),
  fc.webSegment(),
);
const path = fc.array(segment, { maxLength: 5 }).map((parts) => '/' + parts.join('/'));
const headerValue = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('application/json', 'text/plain', 'application/problem+json; charset=utf-8', 'https://app.example.com'));
const headers = fc.dictionary(
  fc.constantFrom('Content-Type', 'content-type', 'Origin', 'Access-Control-Request-Method', 'x-api-key', 'Accept', '__proto__', 'constructor'),
  fc.oneof(headerValue, fc.array(headerValue, { maxLength: 3 })),
);
const body = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 200 }),
  fc.json({ maxDepth: 3 }),
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
  fc.constantFrom('{"name":"Ada"}', '{"name":"x","__proto__":{"a":1}}', '{"name":', 'null', '[]', '"str"', 'x'.repeat(5000)),
  fc.uint8Array({ maxLength: 64 }),
);
const query = fc.dictionary(fc.constantFrom('q', 'limit', 'x', '__proto__'), fc.oneof(fc.string({ maxLength: 10 }), fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 })));

describe('property: the Lambda handler never throws, never returns an invalid result, never answers 5xx', () => {
  const handler = buildHandler();

  it('for realistic events with random methods, paths, headers, queries and bodies', async () => {
    await fc.assert(
      fc.asyncProperty(method, path, headers, query, body, fc.boolean(), async (m, p, h, q, b, base64) => {
        const event = createProxyEvent({
          method: m,
          path: p,
          headers: h,
          query: q,
          ...(b === undefined ? {} : { body: b }),
          ...(typeof b === 'string' && base64 ? { isBase64Encoded: true } : {}),
          routes,
        });

        const result = await handler(event);

        assertValid(result);
      }),
      { numRuns: 400 },
    );
  });

  it('for malformed events of any shape', async () => {
    const field = fc.oneof(fc.anything({ maxDepth: 2 }), fc.constant(null), fc.constant(undefined));
    const malformed = fc.oneof(
      fc.anything({ maxDepth: 3 }),
      fc.record(
        {
          httpMethod: fc.oneof(method, field),
          path: fc.oneof(path, field),
          headers: fc.oneof(fc.dictionary(fc.string(), field), field),
          multiValueHeaders: fc.oneof(fc.dictionary(fc.string(), fc.oneof(fc.array(field), field)), field),
          queryStringParameters: field,
          multiValueQueryStringParameters: fc.oneof(fc.dictionary(fc.string(), fc.oneof(fc.array(field), field)), field),
          pathParameters: field,
          requestContext: fc.oneof(field, fc.record({ requestId: field, identity: field, stage: field })),
          body: fc.oneof(field, fc.string()),
          isBase64Encoded: field,
        },
        { requiredKeys: [] },
      ),
    );

    await fc.assert(
      fc.asyncProperty(malformed, async (event) => {
        const result = await handler(event as never);

        assertValid(result);
      }),
      { numRuns: 400 },
    );
  });
});
