import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp, defineRoute, json } from '../src/index';
import { createProxyEvent, invoke, matchResource } from '../src/testing';

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as Record<string, unknown>;
}

/** The shape of a value: keys, and null vs object vs scalar, recursively (values themselves ignored). */
function shape(value: unknown): unknown {
  if (value === null) return null;
  if (Array.isArray(value)) return value.length > 0 ? [shape(value[0])] : [];
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((key) => [key, shape((value as Record<string, unknown>)[key])]),
    );
  }
  return typeof value;
}

/** Header names compared case-insensitively; values are free-form. */
function headerNames(headers: unknown): string[] {
  return Object.keys((headers ?? {}) as object)
    .map((name) => name.toLowerCase())
    .sort();
}

const routes = [
  defineRoute({ method: 'GET', path: '/users/{id}' }),
  defineRoute({ method: 'POST', path: '/users' }),
  defineRoute({ method: 'GET', path: '/search' }),
  defineRoute({ method: 'GET', path: '/files/{proxy+}' }),
];

describe('createProxyEvent matches captured-shape events', () => {
  it.each([
    ['get-user.json', { path: '/users/J%C3%BCrgen%20K', routes, headers: { accept: '*/*' } }],
    ['create-user.json', { method: 'POST', path: '/users', routes, json: { name: 'Ada' }, apiKey: 'k', headers: { accept: '*/*' } }],
    [
      'search-repeated-query.json',
      {
        path: '/search?q=ada&q=J%C3%BCrgen%20K&limit=5',
        routes,
        headers: { accept: 'application/json', origin: 'https://app.example.com' },
      },
    ],
  ])('%s', (name, init) => {
    const captured = fixture(name);

    const event = createProxyEvent(init);

    const { headers: capturedHeaders, multiValueHeaders: capturedMulti, ...capturedRest } = captured;
    const { headers, multiValueHeaders, ...rest } = event;
    expect(shape(rest)).toEqual(shape(capturedRest));
    expect(headerNames(headers)).toEqual(headerNames(capturedHeaders));
    expect(headerNames(multiValueHeaders)).toEqual(headerNames(capturedMulti));
    expect(event.resource).toBe(captured.resource);
    expect(event.path).toBe(captured.path);
    expect(event.pathParameters).toEqual(captured.pathParameters);
    expect(event.queryStringParameters).toEqual(captured.queryStringParameters);
    expect(event.multiValueQueryStringParameters).toEqual(captured.multiValueQueryStringParameters);
    expect(event.body).toEqual(captured.body);
    expect((event.requestContext as { path: string }).path).toBe((captured.requestContext as { path: string }).path);
  });
});

describe('createProxyEvent', () => {
  it('keeps path and pathParameters percent-encoded, and escapes what a client would', () => {
    const event = createProxyEvent({ path: '/users/Jürgen K', resource: '/users/{id}' });

    expect(event.path).toBe('/users/J%C3%BCrgen%20K');
    expect(event.pathParameters).toEqual({ id: 'J%C3%BCrgen%20K' });
  });

  it('decodes query values and keeps the last repeated value in the single map', () => {
    const event = createProxyEvent({ path: '/s?tag=a%20b&tag=c', query: { extra: ['1', '2'] } });

    expect(event.queryStringParameters).toEqual({ tag: 'c', extra: '2' });
    expect(event.multiValueQueryStringParameters).toEqual({ tag: ['a b', 'c'], extra: ['1', '2'] });
  });

  it('uses null for absent maps and body', () => {
    const event = createProxyEvent({ path: '/hello' });

    expect(event).toMatchObject({
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: null,
      stageVariables: null,
      body: null,
      isBase64Encoded: false,
    });
  });

  it('puts the stage in requestContext.path only', () => {
    const event = createProxyEvent({ path: '/hello', stage: 'prod' });

    expect(event.path).toBe('/hello');
    expect(event.requestContext).toMatchObject({ path: '/prod/hello', stage: 'prod', resourcePath: '/hello' });
  });

  it('serialises json bodies with a content type, and base64-encodes bytes', () => {
    const jsonEvent = createProxyEvent({ method: 'POST', path: '/u', json: { a: 1 } });
    const bytesEvent = createProxyEvent({ method: 'PUT', path: '/u', body: Buffer.from([1, 2, 3]) });

    expect(jsonEvent).toMatchObject({ body: '{"a":1}', headers: { 'Content-Type': 'application/json' } });
    expect(bytesEvent).toMatchObject({ body: 'AQID', isBase64Encoded: true });
  });

  it('fills the api key header and identity', () => {
    const event = createProxyEvent({ path: '/u', apiKey: 'secret', sourceIp: '203.0.113.1' });

    expect(event.headers?.['x-api-key']).toBe('secret');
    expect(event.requestContext).toMatchObject({ identity: { apiKey: 'secret', sourceIp: '203.0.113.1' } });
  });

  it('mirrors repeated headers in multiValueHeaders and keeps the last in headers', () => {
    const event = createProxyEvent({ path: '/', headers: { Cookie: ['a=1', 'b=2'] } });

    expect(event.headers?.Cookie).toBe('b=2');
    expect(event.multiValueHeaders?.Cookie).toEqual(['a=1', 'b=2']);
  });

  it('formats requestTime like API Gateway', () => {
    const event = createProxyEvent({ path: '/' });

    expect(event.requestContext.requestTime).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(typeof event.requestContext.requestTimeEpoch).toBe('number');
  });
});

describe('matchResource', () => {
  it('finds the most specific resource and keeps params encoded', () => {
    expect(matchResource(routes, '/users/a%2Fb')).toEqual({ resource: '/users/{id}', pathParameters: { id: 'a%2Fb' } });
    expect(matchResource(routes, '/files/a/b')).toEqual({ resource: '/files/{proxy+}', pathParameters: { proxy: 'a/b' } });
    expect(matchResource(routes, '/users')).toEqual({ resource: '/users', pathParameters: undefined });
  });

  it('returns undefined for an unknown path', () => {
    expect(matchResource(routes, '/nope')).toBeUndefined();
  });
});

describe('invoke', () => {
  it('builds the event, merges headers lower-cased and parses JSON', async () => {
    const app = createApp();
    app.handle(defineRoute({ method: 'GET', path: '/users/{id}' }), (req) => ({
      statusCode: 200,
      headers: { 'Content-Type': 'application/json' },
      multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] },
      body: JSON.stringify({ id: req.params.id }),
    }));

    const res = await invoke(app.lambda(), { path: '/users/42', routes });

    expect(res.statusCode).toBe(200);
    expect(res.headers).toEqual({ 'content-type': 'application/json', 'set-cookie': 'a=1, b=2' });
    expect(res.json()).toEqual({ id: '42' });
    expect(res.isBase64Encoded).toBe(false);
  });

  it('accepts a ready-made event', async () => {
    const app = createApp();
    app.handle(defineRoute({ method: 'GET', path: '/users/{id}' }), (req) => json({ id: req.params.id }));

    const res = await invoke(app.lambda(), fixture('get-user.json'));

    expect(res.json()).toEqual({ id: 'Jürgen K' });
  });
});
