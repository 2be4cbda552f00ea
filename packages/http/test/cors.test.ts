import * as v from 'valibot';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createApp, createCors, defineRoute, json, type CorsOptions } from '../src/index';
import { invoke } from '../src/testing';

const ALLOWED = 'https://app.example.com';
const OTHER = 'https://evil.example.net';

function app(cors: CorsOptions, logger = { error: jest.fn() }) {
  const a = createApp({ cors, logger, bodyLimit: 64 });
  a.handle(defineRoute({ method: 'GET', path: '/users/{id}' }), (req) => json({ id: req.params.id }));
  a.handle(defineRoute({ method: 'POST', path: '/users', body: v.object({ name: v.string() }) }), () => json({}, 201));
  a.handle(defineRoute({ method: 'GET', path: '/boom' }), () => {
    throw new Error('kaput');
  });
  return a.lambda();
}

describe('CORS on responses', () => {
  it('echoes an allowed origin with Vary: Origin', async () => {
    const res = await invoke(app({ origins: [ALLOWED] }), { path: '/users/1', headers: { Origin: ALLOWED } });

    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(res.headers.vary).toBe('Origin');
  });

  it('sends no CORS headers to a disallowed origin, but still Vary: Origin', async () => {
    const res = await invoke(app({ origins: [ALLOWED] }), { path: '/users/1', headers: { Origin: OTHER } });

    expect(Object.keys(res.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    expect(res.headers.vary).toBe('Origin');
    expect(res.statusCode).toBe(200);
  });

  it('matches wildcard subdomain patterns, and nothing that merely ends the same way', async () => {
    const handler = app({ origins: ['https://*.example.com'] });

    const sub = await invoke(handler, { path: '/users/1', headers: { Origin: 'https://a.b.example.com' } });
    const lookalike = await invoke(handler, { path: '/users/1', headers: { Origin: 'https://a.evil-example.com' } });
    const suffix = await invoke(handler, { path: '/users/1', headers: { Origin: 'https://example.com.evil.net' } });

    expect(sub.headers['access-control-allow-origin']).toBe('https://a.b.example.com');
    expect(lookalike.headers['access-control-allow-origin']).toBeUndefined();
    expect(suffix.headers['access-control-allow-origin']).toBeUndefined();
  });

  it("answers any origin with '*' and no Vary", async () => {
    const res = await invoke(app({ origins: '*' }), { path: '/users/1', headers: { Origin: OTHER } });

    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers.vary).toBeUndefined();
  });

  it('sends credentials and exposed headers when configured', async () => {
    const handler = app({ origins: [ALLOWED], credentials: true, exposeHeaders: ['Location', 'X-Request-Id'] });

    const res = await invoke(handler, { path: '/users/1', headers: { Origin: ALLOWED } });

    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers['access-control-expose-headers']).toBe('Location, X-Request-Id');
  });

  it.each([
    ['404', { path: '/nope' }],
    ['405', { method: 'DELETE', path: '/users/1' }],
    ['413', { method: 'POST', path: '/users', json: { name: 'x'.repeat(100) } }],
    ['415', { method: 'POST', path: '/users', body: 'x', headers: { 'content-type': 'text/plain' } }],
    ['400', { method: 'POST', path: '/users', json: {} }],
    ['500', { path: '/boom' }],
  ])('adds CORS headers to a %s error', async (status, init) => {
    const res = await invoke(app({ origins: [ALLOWED] }), {
      ...init,
      headers: { ...(init as { headers?: Record<string, string> }).headers, Origin: ALLOWED },
    });

    expect(res.statusCode).toBe(Number(status));
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(res.headers['content-type']).toBe('application/problem+json');
  });
});

describe('CORS preflight', () => {
  it('answers 204 with the policy, even where OPTIONS is not registered', async () => {
    const handler = app({ origins: [ALLOWED], maxAge: 300, allowHeaders: ['Content-Type', 'X-Api-Key'] });

    const res = await invoke(handler, {
      method: 'OPTIONS',
      path: '/users/1',
      headers: { Origin: ALLOWED, 'Access-Control-Request-Method': 'DELETE' },
    });

    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(res.headers).toMatchObject({
      'access-control-allow-origin': ALLOWED,
      'access-control-allow-methods': 'GET, HEAD, PUT, PATCH, POST, DELETE',
      'access-control-allow-headers': 'Content-Type, X-Api-Key',
      'access-control-max-age': '300',
      vary: 'Origin',
    });
  });

  it('answers even for paths the app does not know (the browser needs an answer to learn it is not allowed)', async () => {
    const res = await invoke(app({ origins: [ALLOWED] }), {
      method: 'OPTIONS',
      path: '/unknown',
      headers: { Origin: ALLOWED, 'Access-Control-Request-Method': 'GET' },
    });

    expect(res.statusCode).toBe(204);
  });

  it('gives a disallowed origin a 204 without CORS headers', async () => {
    const res = await invoke(app({ origins: [ALLOWED] }), {
      method: 'OPTIONS',
      path: '/users/1',
      headers: { Origin: OTHER, 'Access-Control-Request-Method': 'GET' },
    });

    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-methods']).toBeUndefined();
  });

  it('leaves a plain OPTIONS request (no Access-Control-Request-Method) to the router', async () => {
    const res = await invoke(app({ origins: [ALLOWED] }), { method: 'OPTIONS', path: '/users/1' });

    expect(res.statusCode).toBe(405);
  });

  it('is not answered without a CORS policy', async () => {
    const a = createApp();
    a.handle(defineRoute({ method: 'GET', path: '/x' }), () => json({}));

    const res = await invoke(a.lambda(), {
      method: 'OPTIONS',
      path: '/x',
      headers: { Origin: ALLOWED, 'Access-Control-Request-Method': 'GET' },
    });

    expect(res.statusCode).toBe(405);
  });
});

describe('createCors', () => {
  it("refuses credentials with '*' at configuration time", () => {
    expect(() => createCors({ origins: '*', credentials: true })).toThrow('credentials cannot be combined');
    expect(() => createCors({ origins: ['*'], credentials: true })).toThrow('credentials cannot be combined');
  });

  it('merges a handler Vary header with Origin', async () => {
    const a = createApp({ cors: { origins: [ALLOWED] } });
    a.handle(defineRoute({ method: 'GET', path: '/v' }), () => json({}, 200, { Vary: 'Accept-Encoding' }));

    const res = await invoke(a.lambda(), { path: '/v', headers: { Origin: ALLOWED } });

    expect(res.headers.vary).toBe('Accept-Encoding, Origin');
  });

  it('does not repeat Origin in a handler Vary that already has it', async () => {
    const a = createApp({ cors: { origins: [ALLOWED] } });
    a.handle(defineRoute({ method: 'GET', path: '/v' }), () => json({}, 200, { vary: 'Origin' }));

    const res = await invoke(a.lambda(), { path: '/v', headers: { Origin: ALLOWED } });

    expect(res.headers.vary).toBe('Origin');
  });

  it('computes headers once: the same object is returned for the same origin', () => {
    const cors = createCors({ origins: [ALLOWED] });

    expect(cors.headersFor(ALLOWED)).toBe(cors.headersFor(ALLOWED));
  });
});

describe('the answer cache', () => {
  /** Heap in use after a full collection; `--expose-gc` switched on from inside, since jest runs without it. */
  function heapAfterGc(): number {
    setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
    return process.memoryUsage().heapUsed;
  }

  it('stays bounded whatever origins a client invents, and still echoes each as sent', () => {
    // Arrange: case variants of an exact origin and subdomains matching a pattern, all allowed.
    const cors = createCors({ origins: [ALLOWED, 'https://*.example.org'] });
    const variants = 100_000;
    const origin = (i: number) =>
      i % 2 ? `https://tenant-${i}.example.org` : ALLOWED.replace(/[a-z]/g, (c, at: number) => ((i >> at % 17) & 1 ? c.toUpperCase() : c));
    const before = heapAfterGc();

    // Act
    let echoed = 0;
    for (let i = 0; i < variants; i++) {
      const sent = origin(i);
      if (cors.headersFor(sent)['access-control-allow-origin'] === sent) echoed++;
    }
    const grown = heapAfterGc() - before;

    // Assert: a cache keyed on every origin sent holds over 16 MB here; a bounded one nothing measurable.
    expect(echoed).toBe(variants);
    expect(grown).toBeLessThan(4 * 1024 * 1024);
    expect(cors.preflightFor('https://Tenant-7.example.org')['access-control-allow-origin']).toBe('https://Tenant-7.example.org');
  });

  it('refuses what the allowlist does not cover, and answers a configured spelling browsers would send', () => {
    const cors = createCors({ origins: ['https://App.Example.com'] });

    expect(cors.headersFor('https://app.example.com')['access-control-allow-origin']).toBe('https://app.example.com');
    expect(cors.headersFor('https://App.Example.com')['access-control-allow-origin']).toBe('https://App.Example.com');
    expect(cors.headersFor('https://app.example.com.evil.net')).toEqual({ vary: 'Origin' });
  });
});
