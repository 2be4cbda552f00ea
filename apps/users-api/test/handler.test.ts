import { createProxyEvent, invoke, type InvokeResult, type ProxyEventInit } from '@portico/http/testing';
import type { Problem, ProxyHandler } from '@portico/http';
import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { encodeCursor } from '../src/cursor';
import { MAX_LIMIT, routes, type User } from '../src/routes';
import { ALICE, BOB, REPORTS_SERVICE } from './support/callers';
import { startLocalDynamo, type LocalDynamo } from './support/dynalite';
import { seedRequestSuite } from './support/seed-suite';

let dynamo: LocalDynamo;
let handler: ProxyHandler;

beforeAll(async () => {
  dynamo = await startLocalDynamo('users-handler-test');
  delete process.env.CORS_ORIGINS; // the default dev allowlist
  // Imported only now: the handler builds its DynamoDB clients at import, from the environment set above.
  ({ handler } = await import('../src/handler'));
});

afterAll(async () => {
  await dynamo.stop();
});

function send(init: ProxyEventInit): Promise<InvokeResult> {
  return invoke(handler, createProxyEvent({ routes, ...init }));
}

async function createUser(name: string, email?: string): Promise<User> {
  const res = await send({ method: 'POST', path: '/users', json: email === undefined ? { name } : { name, email }, auth: BOB });
  expect(res.statusCode).toBe(201);
  return res.json<User>();
}

async function storedCount(): Promise<number> {
  const { Count } = await dynamo.client.send(new ScanCommand({ TableName: dynamo.tableName, Select: 'COUNT' }));
  return Count ?? 0;
}

/** Every page of GET /users at `limit`, following nextCursor to the end. */
async function allPages(limit: number): Promise<{ items: User[]; nextCursor?: string }[]> {
  const pages: { items: User[]; nextCursor?: string }[] = [];
  let cursor: string | undefined;
  do {
    const res = await send({
      path: '/users',
      query: cursor ? { limit: String(limit), cursor } : { limit: String(limit) },
    });
    expect(res.statusCode).toBe(200);
    const page = res.json<{ items: User[]; nextCursor?: string }>();
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor);
  return pages;
}

describe('the seed requests, through the handler from src', () => {
  seedRequestSuite(() => (event) => handler(event, {} as never));
});

describe('POST /users', () => {
  it('trims the name and leaves email out when none is given', async () => {
    const res = await send({ method: 'POST', path: '/users', json: { name: '  Grace Hopper  ' }, auth: BOB });

    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ id: expect.any(String), name: 'Grace Hopper', createdAt: expect.any(String) });
  });

  it.each([
    ['60 emoji (120 UTF-16 units, 60 characters)', '😀'.repeat(60)],
    ['100 astral characters', '𝔘'.repeat(100)],
    ['an emoji sequence joined by zero-width joiners', 'Family 👨‍👩‍👧'],
    ['letters with combining marks', 'Zoë Åsa'],
  ])('stores a name of %s as given', async (_, name) => {
    const res = await send({ method: 'POST', path: '/users', json: { name }, auth: BOB });

    expect(res.statusCode).toBe(201);
    expect((await send({ path: `/users/${res.json<User>().id}` })).json<User>().name).toBe(name);
  });

  it('says why a name is refused', async () => {
    const [controls, invisible] = [
      await send({ method: 'POST', path: '/users', json: { name: 'Ada\u0000' }, auth: BOB }),
      await send({ method: 'POST', path: '/users', json: { name: '\u200b' }, auth: BOB }),
    ];

    expect(controls.json<Problem>().errors).toEqual([
      expect.objectContaining({ pointer: '/name', message: expect.stringMatching(/printable text.*control characters.*U\+FFFD/) }),
    ]);
    expect(invisible.json<Problem>().errors).toEqual([
      expect.objectContaining({ pointer: '/name', message: 'must contain a visible character' }),
    ]);
  });

  it('gives every user its own id', async () => {
    const [a, b] = [await createUser('Twin'), await createUser('Twin')];

    expect(a.id).not.toBe(b.id);
  });

  it.each<[string, number, Omit<ProxyEventInit, 'path' | 'method'>, Partial<Problem>, string[]]>([
    [
      'malformed JSON',
      400,
      { body: '{"name": "Ada"', headers: { 'content-type': 'application/json' } },
      { code: 'MALFORMED_JSON' },
      [],
    ],
    [
      'a non-JSON content type',
      415,
      { body: 'name=Ada', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      { code: 'UNSUPPORTED_MEDIA_TYPE' },
      [],
    ],
    [
      'text/plain JSON',
      415,
      { body: '{"name":"Ada"}', headers: { 'content-type': 'text/plain' } },
      { code: 'UNSUPPORTED_MEDIA_TYPE' },
      [],
    ],
    ['an unknown key', 400, { json: { name: 'Ada', admin: true } }, { code: 'VALIDATION_FAILED' }, ['/admin']],
    ['a missing name', 400, { json: { email: 'ada@example.com' } }, { code: 'VALIDATION_FAILED' }, ['/name']],
    ['a blank name', 400, { json: { name: '   ' } }, { code: 'VALIDATION_FAILED' }, ['/name']],
    ['a name over 100 characters', 400, { json: { name: 'x'.repeat(101) } }, { code: 'VALIDATION_FAILED' }, ['/name']],
    ['a name that is not text', 400, { json: { name: 42 } }, { code: 'VALIDATION_FAILED' }, ['/name']],
    ['a name with a lone surrogate', 400, { json: { name: 'Ada \ud800' } }, { code: 'VALIDATION_FAILED' }, ['/name']],
    ['a name of 101 emoji', 400, { json: { name: '😀'.repeat(101) } }, { code: 'VALIDATION_FAILED' }, ['/name']],
    ['a name of zero-width spaces only', 400, { json: { name: '\u200b\u200b\u200b' } }, { code: 'VALIDATION_FAILED' }, ['/name']],
    ['a name of Hangul fillers only', 400, { json: { name: '\u3164\u3164' } }, { code: 'VALIDATION_FAILED' }, ['/name']],
    ['a name with a NUL', 400, { json: { name: 'Ada\u0000Lovelace' } }, { code: 'VALIDATION_FAILED' }, ['/name']],
    ['a name with a line break', 400, { json: { name: 'Ada\nLovelace' } }, { code: 'VALIDATION_FAILED' }, ['/name']],
    [
      'a name with a byte that is not UTF-8 (decoded as U+FFFD)',
      400,
      {
        body: Buffer.concat([Buffer.from('{"name":"Ad'), Buffer.from([0xff]), Buffer.from('"}')]),
        headers: { 'content-type': 'application/json' },
      },
      { code: 'VALIDATION_FAILED' },
      ['/name'],
    ],
    [
      'a bad email, and a missing name',
      400,
      { json: { email: 'not-an-email' } },
      { code: 'VALIDATION_FAILED' },
      ['/email', '/name'],
    ],
    // valibot reads an array as an object with index keys: the array's "0" is an unknown key, and name is missing.
    ['an array body', 400, { json: [{ name: 'Ada' }] }, { code: 'VALIDATION_FAILED' }, ['/0', '/name']],
    ['a null body', 400, { json: null }, { code: 'VALIDATION_FAILED' }, ['']],
    ['no body', 400, {}, {}, []],
    [
      'a __proto__ key',
      400,
      { body: '{"name":"Ada","__proto__":{"admin":true}}', headers: { 'content-type': 'application/json' } },
      { code: 'FORBIDDEN_KEY' },
      [],
    ],
    [
      'a nested constructor key',
      400,
      { body: '{"name":"Ada","constructor":{"prototype":{}}}', headers: { 'content-type': 'application/json' } },
      { code: 'FORBIDDEN_KEY' },
      [],
    ],
  ])('rejects %s with a %i problem and stores nothing', async (_, status, init, problem, pointers) => {
    const before = await storedCount();

    const res = await send({ method: 'POST', path: '/users', auth: BOB, ...init });

    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.json()).toMatchObject({ status, ...problem });
    expect((res.json<Problem>().errors ?? []).map((e) => e.pointer).sort()).toEqual(pointers);
    expect(await storedCount()).toBe(before);
  });
});

describe('GET and DELETE /users/{id}', () => {
  it.each([
    ['an unknown uuid', '0b1c9a3e-1111-4222-8333-444455556666'],
    ['an id that is not a uuid', 'ada'],
    ['an id longer than a DynamoDB key may be', 'x'.repeat(3000)],
    ['an encoded slash', 'a%2Fb'],
  ])('answers 404 problem for %s', async (_, id) => {
    const get = await send({ path: `/users/${id}` });
    const del = await send({ method: 'DELETE', path: `/users/${id}`, auth: ALICE });

    expect([get.statusCode, del.statusCode]).toEqual([404, 404]);
    expect(get.json()).toMatchObject({ type: 'about:blank', title: 'Not Found', status: 404, code: 'NOT_FOUND' });
  });

  it('deletes only the named user', async () => {
    const [keep, drop] = [await createUser('Keep'), await createUser('Drop')];

    await send({ method: 'DELETE', path: `/users/${drop.id}`, auth: ALICE });

    expect((await send({ path: `/users/${keep.id}` })).json()).toEqual(keep);
    expect((await send({ path: `/users/${drop.id}` })).statusCode).toBe(404);
  });
});

describe('GET /users', () => {
  beforeAll(async () => {
    for (let i = 0; i < 25; i++) await createUser(`Page user ${i}`);
  });

  it('pages through every stored user exactly once, no page over the limit, no cursor after the last', async () => {
    const total = await storedCount();

    const pages = await allPages(7);

    const ids = pages.flatMap((p) => p.items.map((u) => u.id));
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
    expect(pages.every((p) => p.items.length <= 7)).toBe(true);
    expect(pages.slice(0, -1).every((p) => p.items.length === 7 && typeof p.nextCursor === 'string')).toBe(true);
    expect(pages.at(-1)).not.toHaveProperty('nextCursor');
    expect(pages.at(-1)!.items.length).toBeGreaterThan(0);
  });

  it('answers 10 users and a cursor without a limit', async () => {
    const res = await send({ path: '/users' });

    const page = res.json<{ items: User[]; nextCursor?: string }>();
    expect(page.items).toHaveLength(10);
    expect(page.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it(`accepts limit=${MAX_LIMIT} and limit=1`, async () => {
    const [max, one] = [
      await send({ path: '/users', query: { limit: String(MAX_LIMIT) } }),
      await send({ path: '/users', query: { limit: '1' } }),
    ];

    expect([max.statusCode, one.statusCode]).toEqual([200, 200]);
    expect(max.json<{ items: User[] }>().items.length).toBe(Math.min(MAX_LIMIT, await storedCount()));
    expect(one.json<{ items: User[] }>().items).toHaveLength(1);
  });

  it.each(['0', String(MAX_LIMIT + 1), '-1', '1.5', 'ten', '', '007', '1e2', ' 5'])(
    'rejects limit=%j with a 400 problem',
    async (limit) => {
      const res = await send({ path: '/users', query: { limit } });

      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ status: 400, errors: [expect.objectContaining({ pointer: '/limit' })] });
    },
  );

  it.each([
    ['not base64url', 'abc+/=='],
    ['base64url of text', Buffer.from('hello').toString('base64url')],
    ['a number id', Buffer.from('{"id":1}').toString('base64url')],
    ['an extra key', Buffer.from('{"id":"x","admin":true}').toString('base64url')],
    ['an empty id', Buffer.from('{"id":""}').toString('base64url')],
    ['a __proto__ key', Buffer.from('{"__proto__":{"id":"x"}}').toString('base64url')],
    ['a non-canonical spelling', Buffer.from('{ "id": "x" }').toString('base64url')],
    ['a lone surrogate id', Buffer.from('{"id":"\\ud800"}').toString('base64url')],
    ['an array', Buffer.from('[]').toString('base64url')],
  ])('rejects a cursor that is %s with a 400 problem', async (_, cursor) => {
    const res = await send({ path: '/users', query: { cursor } });

    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ status: 400, errors: [expect.objectContaining({ pointer: '/cursor' })] });
  });

  it('continues after the key in a cursor even when that user was deleted since', async () => {
    const gone = await createUser('Gone');
    await send({ method: 'DELETE', path: `/users/${gone.id}`, auth: ALICE });

    const res = await send({ path: '/users', query: { cursor: encodeCursor({ id: gone.id }), limit: '100' } });

    expect(res.statusCode).toBe(200);
    expect(res.json<{ items: User[] }>().items.map((u) => u.id)).not.toContain(gone.id);
  });
});

describe('GET /search', () => {
  beforeAll(async () => {
    for (const name of ['Quentin Zebra', 'ZEBRA crossing', 'zebrafish', 'Unrelated']) await createUser(name);
  });

  it('finds every user whose name contains q, in any case, and echoes query and limit', async () => {
    const res = await send({ path: '/search', query: { q: 'zEbRa' } });

    const body = res.json<{ query: string; limit: number; results: User[] }>();
    expect(res.statusCode).toBe(200);
    expect(body.query).toBe('zEbRa');
    expect(body.limit).toBe(10);
    expect(body.results.map((u) => u.name).sort()).toEqual(['Quentin Zebra', 'ZEBRA crossing', 'zebrafish']);
  });

  it('stops at the limit', async () => {
    const res = await send({ path: '/search', query: { q: 'zebra', limit: '2' } });

    expect(res.json()).toMatchObject({ limit: 2, results: [expect.anything(), expect.anything()] });
    expect(res.json<{ results: User[] }>().results).toHaveLength(2);
  });

  it('answers an empty list when nothing matches', async () => {
    const res = await send({ path: '/search', query: { q: 'no such name anywhere' } });

    expect(res.json()).toEqual({ query: 'no such name anywhere', limit: 10, results: [] });
  });

  it.each([
    ['no q', {}, '/q'],
    ['an empty q', { q: '' }, '/q'],
    ['a q over 100 characters', { q: 'z'.repeat(101) }, '/q'],
    ['limit=0', { q: 'zebra', limit: '0' }, '/limit'],
    [`limit=${MAX_LIMIT + 1}`, { q: 'zebra', limit: String(MAX_LIMIT + 1) }, '/limit'],
    ['limit=abc', { q: 'zebra', limit: 'abc' }, '/limit'],
  ])('rejects %s with a 400 problem', async (_, query, pointer) => {
    const res = await send({ path: '/search', query });

    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ status: 400, errors: [expect.objectContaining({ pointer })] });
  });
});

describe('who may call', () => {
  it('answers a write without an identity (a direct invoke, no authorizer) 401, asking for a bearer token, and stores nothing', async () => {
    const before = await storedCount();

    const res = await send({ method: 'POST', path: '/users', json: { name: 'Nobody' } });

    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.json()).toMatchObject({ status: 401, title: 'Unauthorized', code: 'UNAUTHENTICATED' });
    expect(await storedCount()).toBe(before);
  });

  it('lets bob, signed in, create a user and records him as its creator, without showing it to readers', async () => {
    const res = await send({ method: 'POST', path: '/users', json: { name: 'Made by Bob' }, auth: BOB });

    const user = res.json<User>();
    const { Item } = await dynamo.client.send(new GetItemCommand({ TableName: dynamo.tableName, Key: { id: { S: user.id } } }));
    expect(res.statusCode).toBe(201);
    expect(Object.keys(user).sort()).toEqual(['createdAt', 'id', 'name']);
    expect(Item?.createdBy).toEqual({ S: BOB.cognito.sub });
    expect((await send({ path: `/users/${user.id}` })).json()).toEqual(user);
  });

  it('refuses bob a delete with a 403 MISSING_GROUP problem, and the user stays', async () => {
    const user = await createUser('Not for Bob');

    const res = await send({ method: 'DELETE', path: `/users/${user.id}`, auth: BOB });

    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ status: 403, title: 'Forbidden', code: 'MISSING_GROUP', detail: 'The user is in none of the groups this route requires' });
    expect((await send({ path: `/users/${user.id}` })).statusCode).toBe(200);
  });

  it('lets alice, in admin, delete: 204, then the user is gone', async () => {
    const user = await createUser('For Alice');

    const res = await send({ method: 'DELETE', path: `/users/${user.id}`, auth: ALICE });

    expect(res.statusCode).toBe(204);
    expect((await send({ path: `/users/${user.id}` })).statusCode).toBe(404);
  });

  it('answers an anonymous delete 401 before looking the user up', async () => {
    const user = await createUser('Anonymous target');

    const res = await send({ method: 'DELETE', path: `/users/${user.id}` });

    expect(res.statusCode).toBe(401);
    expect((await send({ path: `/users/${user.id}` })).statusCode).toBe(200);
  });

  it('keeps the reads public', async () => {
    const answers = await Promise.all(['/hello', '/users', '/search?q=a', `/users/${(await createUser('Public')).id}`].map((path) => send({ path })));

    expect(answers.map((res) => res.statusCode)).toEqual([200, 200, 200, 200]);
  });
});

describe('GET /internal/stats', () => {
  it('counts the stored users for a SigV4-signed service', async () => {
    await createUser('Counted');
    const stored = await storedCount();

    const res = await send({ path: '/internal/stats', auth: REPORTS_SERVICE });

    expect(res.statusCode).toBe(200);
    const stats = res.json<{ users: number; countedAt: string }>();
    expect(stats.users).toBe(stored);
    expect(new Date(stats.countedAt).toISOString()).toBe(stats.countedAt);
  });

  it('follows the table: one more user, one more counted', async () => {
    const before = (await send({ path: '/internal/stats', auth: REPORTS_SERVICE })).json<{ users: number }>().users;

    await createUser('One more');

    expect((await send({ path: '/internal/stats', auth: REPORTS_SERVICE })).json()).toMatchObject({ users: before + 1 });
  });

  it.each([
    ['an anonymous caller', undefined],
    ['a signed-in user, even an admin (a user pool token is not a signature)', ALICE],
  ])('answers %s 401', async (_, auth) => {
    const res = await send({ path: '/internal/stats', ...(auth ? { auth } : {}) });

    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(res.headers).not.toHaveProperty('www-authenticate');
  });
});

describe('routing and CORS', () => {
  it('answers 404 problem for an unknown path and 405 with Allow for an unknown method', async () => {
    const unknown = await send({ path: '/nope' });
    const wrongMethod = await send({ method: 'PATCH', path: '/users' });

    expect(unknown.statusCode).toBe(404);
    expect(wrongMethod.statusCode).toBe(405);
    expect(wrongMethod.headers.allow?.split(', ').sort()).toEqual(['GET', 'HEAD', 'POST']);
  });

  it('echoes an allowed dev origin, on errors too, with Vary: Origin and Location exposed', async () => {
    const ok = await send({ path: '/hello', headers: { Origin: 'http://localhost:5173' } });
    const problem = await send({ path: '/users/nobody', headers: { Origin: 'http://127.0.0.1:5173' } });

    expect(ok.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(ok.headers.vary).toMatch(/Origin/);
    expect(ok.headers['access-control-expose-headers']).toBe('Location');
    expect(problem.headers['access-control-allow-origin']).toBe('http://127.0.0.1:5173');
  });

  it('sends no CORS headers to an origin not on the list', async () => {
    const res = await send({ path: '/hello', headers: { Origin: 'https://evil.example' } });

    expect(res.statusCode).toBe(200);
    expect(res.headers).not.toHaveProperty('access-control-allow-origin');
  });

  it('answers a preflight from an allowed origin with the API methods', async () => {
    const res = await send({
      method: 'OPTIONS',
      path: '/users',
      headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST' },
    });

    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(res.headers['access-control-allow-methods']).toBe('GET, HEAD, POST, DELETE');
  });
});
