import { binary, created, createApp, defineRoute, json, noContent, text, toProxyResult, type LogEntry } from '../src/index';
import { invoke } from '../src/testing';

describe('response helpers', () => {
  it('json serialises with a JSON content type and status', () => {
    expect(json({ a: 1 }, 202, { 'x-extra': 'y' })).toEqual({
      statusCode: 202,
      headers: { 'content-type': 'application/json', 'x-extra': 'y' },
      body: '{"a":1}',
    });
  });

  it('created answers 201 with Location', () => {
    expect(created({ id: '1' }, '/users/1')).toEqual({
      statusCode: 201,
      headers: { 'content-type': 'application/json', location: '/users/1' },
      body: '{"id":"1"}',
    });
  });

  it('noContent answers 204 with an empty body', () => {
    expect(noContent()).toEqual({ statusCode: 204, body: '' });
  });

  it('binary base64-encodes and flags isBase64Encoded', () => {
    const bytes = new Uint8Array([0, 255, 1, 2]);

    const result = binary(bytes, 'image/png');

    expect(result).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'image/png' },
      body: 'AP8BAg==',
      isBase64Encoded: true,
    });
  });

  it('binary respects a view into a larger buffer', () => {
    const view = new Uint8Array([9, 9, 1, 2, 9]).subarray(2, 4);

    expect(Buffer.from(binary(view, 'application/octet-stream').body!, 'base64')).toEqual(Buffer.from([1, 2]));
  });

  it('text sends plain UTF-8 text', () => {
    expect(text('pong', 200)).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: 'pong',
    });
  });
});

describe('toProxyResult (the final guard)', () => {
  it('fills an omitted body with an empty string and stringifies number and boolean headers', () => {
    const result = toProxyResult({ statusCode: 200, headers: { 'x-n': 3, 'x-b': true } });

    expect(result).toEqual({ statusCode: 200, headers: { 'x-n': '3', 'x-b': 'true' }, body: '' });
  });

  it('says what was expected and what came back', () => {
    expect(() => toProxyResult({ statusCode: 200, body: { a: 1 } })).toThrow(
      'Handler result needs a string body (use json(...) for objects); got {"a":1}',
    );
  });

  it.each([
    ['undefined', undefined],
    ['a string', 'ok'],
    ['a status of 0', { statusCode: 0 }],
    ['a string status', { statusCode: '200' }],
    ['a fractional status', { statusCode: 200.5 }],
    ['a status of 600', { statusCode: 600 }],
    ['an object body', { statusCode: 200, body: { a: 1 } }],
    ['an object header', { statusCode: 200, headers: { x: { y: 1 } } }],
    ['an array of headers', { statusCode: 200, headers: ['x'] }],
    ['a non-array multi header', { statusCode: 200, multiValueHeaders: { x: 'y' } }],
    ['a header value with a line break', { statusCode: 200, headers: { x: 'a\r\nSet-Cookie: s=1' } }],
    ['an array result', [200]],
  ])('refuses %s', (_label, value) => {
    expect(() => toProxyResult(value)).toThrow();
  });

  it('turns a garbage handler result into a logged 500 problem', async () => {
    const logged: LogEntry[] = [];
    const app = createApp({ logger: { error: (entry) => logged.push(entry) } });
    app.handle(defineRoute({ method: 'GET', path: '/bad' }), () => ({ statusCode: 'teapot' }) as never);

    const res = await invoke(app.lambda(), { path: '/bad' });

    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(logged[0]?.error.name).toBe('InvalidResultError');
  });

  it('drops the body of a HEAD answer', async () => {
    const app = createApp();
    app.handle(defineRoute({ method: 'GET', path: '/h' }), () => json({ big: 'payload' }));

    const res = await invoke(app.lambda(), { method: 'HEAD', path: '/h' });

    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
    expect(res.headers['content-type']).toBe('application/json');
  });
});
