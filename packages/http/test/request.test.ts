import * as v from 'valibot';
import { createApp, defineRoute, json, type PorticoRequest } from '../src/index';
import { readBody, readHeaders, readQuery, toRequest } from '../src/aws/converters';
import { createProxyEvent, invoke } from '../src/testing';

/** An app whose single route echoes what the handler saw. */
function echoApp(options: Parameters<typeof createApp>[0] = {}) {
  const seen: PorticoRequest[] = [];
  const app = createApp(options);
  const echo = defineRoute({ method: 'ANY', path: '/echo/{id}' });
  const body = defineRoute({ method: 'POST', path: '/json', body: v.object({ name: v.string() }) });
  const optionalBody = defineRoute({ method: 'PUT', path: '/json', body: v.optional(v.object({ name: v.string() })) });
  app.handle(echo, (req) => {
    seen.push(req);
    return json({ ok: true });
  });
  app.handle(body, (req) => json(req.body));
  app.handle(optionalBody, (req) => json({ body: req.body ?? null }));
  return { handler: app.lambda(), seen };
}

describe('headers', () => {
  it('are case-insensitive', () => {
    const headers = readHeaders(createProxyEvent({ path: '/', headers: { 'X-Custom-Thing': 'yes' } }));

    expect(headers.get('x-custom-thing')).toBe('yes');
    expect(headers.get('X-CUSTOM-THING')).toBe('yes');
    expect(headers.has('x-Custom-thing')).toBe(true);
  });

  it('honour multiValueHeaders: repeated values are all kept', () => {
    const event = createProxyEvent({ path: '/', headers: { Accept: ['text/html', 'application/json'] } });

    const headers = readHeaders(event);

    expect(event.headers?.Accept).toBe('application/json');
    expect(headers.getAll('accept')).toEqual(['text/html', 'application/json']);
    expect(headers.get('accept')).toBe('text/html, application/json');
  });

  it('fall back to the single-value map when multiValueHeaders is absent', () => {
    const headers = readHeaders({ headers: { 'Content-Type': 'text/plain' }, multiValueHeaders: null });

    expect(headers.get('content-type')).toBe('text/plain');
  });

  it('merge names that differ only in case', () => {
    const headers = readHeaders({ multiValueHeaders: { 'X-A': ['1'], 'x-a': ['2'] } });

    expect(headers.getAll('x-a')).toEqual(['1', '2']);
  });
});

describe('query string', () => {
  it('keeps the last value per key and every value in multiQuery', () => {
    const event = createProxyEvent({ path: '/search?q=ada&q=bob&limit=5' });

    const { query, multiQuery } = readQuery(event);

    expect(query).toEqual({ q: 'bob', limit: '5' });
    expect(multiQuery).toEqual({ q: ['ada', 'bob'], limit: ['5'] });
  });

  it('is empty, not null, when the event has none', () => {
    expect(readQuery(createProxyEvent({ path: '/' }))).toEqual({ query: {}, multiQuery: {} });
  });

  it('treats __proto__ as an ordinary key', () => {
    const { query, multiQuery } = readQuery(createProxyEvent({ path: '/s?__proto__=x&a=1' }));

    expect(query['__proto__']).toBe('x');
    expect(multiQuery['__proto__']).toEqual(['x']);
    expect(Object.keys(query)).toEqual(['__proto__', 'a']);
  });

  it('works from the single-value map alone', () => {
    expect(readQuery({ queryStringParameters: { a: '1' } })).toEqual({ query: { a: '1' }, multiQuery: { a: ['1'] } });
  });
});

describe('body', () => {
  it('decodes base64 bodies', () => {
    const raw = readBody({ body: Buffer.from('héllo').toString('base64'), isBase64Encoded: true }, 1024);

    expect(raw?.toString('utf8')).toBe('héllo');
  });

  it('is undefined for a null or empty body', () => {
    expect(readBody({ body: null }, 10)).toBeUndefined();
    expect(readBody({ body: '' }, 10)).toBeUndefined();
  });

  it('measures the limit on decoded bytes (multi-byte UTF-8 counts per byte)', () => {
    expect(() => readBody({ body: 'ü'.repeat(6) }, 11)).toThrow('larger than 11 bytes');
    expect(readBody({ body: 'ü'.repeat(6) }, 12)?.length).toBe(12);
  });

  it('measures base64 bodies after decoding', () => {
    const encoded = Buffer.alloc(12).toString('base64'); // 16 characters, 12 bytes

    expect(readBody({ body: encoded, isBase64Encoded: true }, 12)?.length).toBe(12);
    expect(() => readBody({ body: encoded, isBase64Encoded: true }, 11)).toThrow('larger than 11 bytes');
  });
});

describe('toRequest', () => {
  it('maps the event to a PorticoRequest', () => {
    const event = createProxyEvent({
      method: 'post',
      path: '/users/J%C3%BCrgen?x=1',
      resource: '/users/{id}',
      stage: 'prod',
      apiKey: 'k-1',
      sourceIp: '203.0.113.9',
      requestId: 'req-1',
      body: 'hi',
    });

    const req = toRequest(event, readHeaders(event), { resource: '/users/{id}', params: { id: 'Jürgen' } });

    expect(req).toMatchObject({
      method: 'POST',
      path: '/users/Jürgen',
      resource: '/users/{id}',
      params: { id: 'Jürgen' },
      query: { x: '1' },
      requestId: 'req-1',
      stage: 'prod',
      sourceIp: '203.0.113.9',
    });
    expect(req.apiKeyId).toEqual(expect.any(String));
    expect(req.rawBody?.toString()).toBe('hi');
  });
});

describe('request parsing through the app', () => {
  it('gives the handler decoded params, the decoded path and the matched resource', async () => {
    const { handler, seen } = echoApp();

    await invoke(handler, { method: 'GET', path: '/echo/a%2Fb%20c' });

    expect(seen[0]).toMatchObject({ params: { id: 'a/b c' }, path: '/echo/a/b c', resource: '/echo/{id}' });
  });

  it('answers 400 for a malformed percent-escape in the path', async () => {
    const { handler } = echoApp();

    const res = await invoke(handler, { path: '/echo/%ZZ' });

    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'MALFORMED_PATH' });
  });

  it.each([
    'application/json',
    'application/json; charset=utf-8',
    'Application/JSON;charset=UTF-8',
    'application/merge-patch+json',
    'application/vnd.api+json; charset=utf-8',
  ])('parses JSON sent as %s', async (contentType) => {
    const { handler } = echoApp();

    const res = await invoke(handler, {
      method: 'POST',
      path: '/json',
      body: '{"name":"Ada"}',
      headers: { 'Content-Type': contentType },
    });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ name: 'Ada' });
  });

  it.each(['text/plain', 'application/jsonp', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    'answers 415 for %s',
    async (contentType) => {
      const { handler } = echoApp();

      const res = await invoke(handler, {
        method: 'POST',
        path: '/json',
        body: '{"name":"Ada"}',
        headers: { 'Content-Type': contentType },
      });

      expect(res.statusCode).toBe(415);
      expect(res.headers['content-type']).toBe('application/problem+json');
    },
  );

  it('answers 415 when the content type is missing', async () => {
    const { handler } = echoApp();

    const res = await invoke(handler, { method: 'POST', path: '/json', body: '{"name":"Ada"}' });

    expect(res.statusCode).toBe(415);
  });

  it('answers 400 for unparseable JSON', async () => {
    const { handler } = echoApp();

    const res = await invoke(handler, {
      method: 'POST',
      path: '/json',
      body: '{"name":',
      headers: { 'content-type': 'application/json' },
    });

    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'MALFORMED_JSON', detail: 'Request body is not valid JSON' });
  });

  it('answers 400 with a clear message when a required body is missing', async () => {
    const { handler } = echoApp();

    const res = await invoke(handler, { method: 'POST', path: '/json' });

    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'BODY_REQUIRED', detail: expect.stringContaining('body is required') });
  });

  it('accepts a missing body when the schema is optional', async () => {
    const { handler } = echoApp();

    const res = await invoke(handler, { method: 'PUT', path: '/json' });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ body: null });
  });

  it('decodes base64-encoded JSON bodies', async () => {
    const { handler } = echoApp();

    const res = await invoke(handler, {
      method: 'POST',
      path: '/json',
      body: Buffer.from('{"name":"Zoë"}'),
      headers: { 'content-type': 'application/json' },
    });

    expect(res.json()).toEqual({ name: 'Zoë' });
  });

  it.each([
    ['__proto__', '{"name":"x","__proto__":{"admin":true}}'],
    ['constructor', '{"name":"x","nested":{"constructor":{"prototype":{}}}}'],
    ['prototype', '{"name":"x","list":[{"prototype":1}]}'],
    ['an escaped __proto__', '{"name":"x","\\u005f_proto__":{"admin":true}}'],
  ])('answers 400 for a body containing %s', async (_label, body) => {
    const { handler } = echoApp();

    const res = await invoke(handler, { method: 'POST', path: '/json', body, headers: { 'content-type': 'application/json' } });

    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'FORBIDDEN_KEY' });
  });

  it('allows those words as values', async () => {
    const { handler } = echoApp();

    const res = await invoke(handler, { method: 'POST', path: '/json', json: { name: '__proto__ constructor prototype' } });

    expect(res.statusCode).toBe(200);
  });

  it('answers 413 above the body limit and accepts exactly the limit', async () => {
    const { handler } = echoApp({ bodyLimit: 16 });
    const body = '{"name":"12345"}'; // 16 bytes

    const atLimit = await invoke(handler, { method: 'POST', path: '/json', body, headers: { 'content-type': 'application/json' } });
    const over = await invoke(handler, { method: 'POST', path: '/json', body: body + ' ', headers: { 'content-type': 'application/json' } });

    expect(atLimit.statusCode).toBe(200);
    expect(over.statusCode).toBe(413);
    expect(over.json()).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('applies the default 1 MiB limit', async () => {
    const { handler } = echoApp();

    const res = await invoke(handler, { method: 'POST', path: '/echo/1', body: 'x'.repeat(1_048_577) });

    expect(res.statusCode).toBe(413);
  });

  it('answers 400 for an event that is not an object', async () => {
    const { handler } = echoApp();

    const res = await handler('nonsense' as never);

    expect(res.statusCode).toBe(400);
  });
});
