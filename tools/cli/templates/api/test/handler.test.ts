/**
 * The {{name}} API through its Lambda handler, against dynalite: what each route answers, the problem JSON a client
 * gets for bad input, and that nothing is stored when a request is refused.
 */
import type { ProxyHandler } from '@portico/http';
import { createProxyEvent, invoke, type InvokeResult, type ProxyEventInit } from '@portico/http/testing';
import { routes, type Item, type ItemPage } from '../src/routes';
import { startItemsDb, type ItemsDb } from './support/dynamo';

let db: ItemsDb;
let handler: ProxyHandler;

beforeAll(async () => {
  db = await startItemsDb('items-handler-test');
  process.env.CORS_ORIGINS = 'http://localhost:5173';
  // Imported only now: the handler builds its client and CORS policy at import, from the environment set above.
  ({ handler } = await import('../src/handler'));
});
afterAll(() => db.stop());

const send = (init: ProxyEventInit): Promise<InvokeResult> => invoke(handler, createProxyEvent({ routes, ...init }));
const post = (json: unknown) => send({ method: 'POST', path: '/items', json });

async function createItem(name: string): Promise<Item> {
  const res = await post({ name });
  expect(res.statusCode).toBe(201);
  return res.json<Item>();
}

/** Every page of `GET /items` at `limit`, following `nextCursor` to the end. */
async function allPages(limit: number): Promise<ItemPage[]> {
  const pages: ItemPage[] = [];
  let cursor: string | undefined;
  do {
    const res = await send({ path: '/items', query: cursor ? { limit: String(limit), cursor } : { limit: String(limit) } });
    expect(res.statusCode).toBe(200);
    pages.push(res.json<ItemPage>());
    cursor = pages[pages.length - 1]!.nextCursor;
  } while (cursor);
  return pages;
}

describe('what each route answers', () => {
  it('GET /health answers 200 without touching the table', async () => {
    const res = await send({ path: '/health' });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('POST /items stores the item and answers 201 with it and where it lives; GET /items/{id} returns it', async () => {
    // Act
    const res = await post({ name: '  Lamp  ', description: 'Brass' });
    const item = res.json<Item>();
    const read = await send({ path: `/items/${item.id}` });

    // Assert
    expect(res.statusCode).toBe(201);
    expect(item).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'Lamp', description: 'Brass', createdAt: expect.any(String) });
    expect(new Date(item.createdAt).toISOString()).toBe(item.createdAt);
    expect(new URL(String(res.headers.location), 'https://api.example.com/dev/items').pathname).toBe(`/dev/items/${item.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.body).toBe(res.body);
  });

  it('GET /items pages through every item once, with a nextCursor only while more follow', async () => {
    // Arrange
    const names = ['a', 'b', 'c', 'd', 'e'];
    for (const name of names) await createItem(`page ${name}`);
    const total = await db.count();

    // Act
    const pages = await allPages(2);

    // Assert
    const ids = pages.flatMap((page) => page.items.map((item) => item.id));
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
    expect(pages.slice(0, -1).every((page) => page.items.length === 2 && page.nextCursor)).toBe(true);
    expect(pages[pages.length - 1]!.nextCursor).toBeUndefined();
  });

  it('DELETE /items/{id} answers 204 once, then the item is gone (404 problem)', async () => {
    const { id } = await createItem('short-lived');

    const deleted = await send({ method: 'DELETE', path: `/items/${id}` });
    const again = await send({ method: 'DELETE', path: `/items/${id}` });
    const read = await send({ path: `/items/${id}` });

    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    expect(again.statusCode).toBe(404);
    expect(read.statusCode).toBe(404);
    expect(read.headers['content-type']).toBe('application/problem+json');
    expect(read.json()).toMatchObject({ status: 404, detail: `Item ${id} not found` });
  });

  it('answers 404 for an id it could not have minted, without asking DynamoDB', async () => {
    for (const id of ['nope', 'x'.repeat(3000), '%F0%9F%98%80']) {
      expect((await send({ path: `/items/${id}` })).statusCode).toBe(404);
      expect((await send({ method: 'DELETE', path: `/items/${id}` })).statusCode).toBe(404);
    }
  });

  it('lets the dev front end read its answers (CORS) and where a new item lives', async () => {
    const res = await send({ method: 'POST', path: '/items', json: { name: 'cors' }, headers: { Origin: 'http://localhost:5173' } });

    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(res.headers['access-control-expose-headers']).toBe('Location');
  });
});

describe('bad input: a 400 problem that says what is wrong, and nothing stored', () => {
  it.each([
    ['no name', { description: 'no name' }, '/name'],
    ['a blank name', { name: '   ' }, '/name'],
    ['a name of 101 characters', { name: 'x'.repeat(101) }, '/name'],
    ['a name that is not text', { name: 42 }, '/name'],
    ['a lone surrogate', { name: 'bad \ud800' }, '/name'],
    ['an unknown key', { name: 'ok', colour: 'red' }, '/colour'],
    ['a string instead of an object', 'Lamp', ''],
  ])('refuses a body with %s', async (_, body, pointer) => {
    const before = await db.count();

    const res = await post(body);

    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.json<{ errors: Array<{ pointer: string }> }>().errors.map((e) => e.pointer)).toContain(pointer);
    expect(await db.count()).toBe(before);
  });

  it('refuses malformed JSON with 400 and a body that is not JSON with 415, storing nothing', async () => {
    const before = await db.count();

    const malformed = await send({ method: 'POST', path: '/items', body: '{"name":', headers: { 'Content-Type': 'application/json' } });
    const notJson = await send({ method: 'POST', path: '/items', body: 'name=lamp', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });

    expect([malformed.statusCode, malformed.json<{ code: string }>().code]).toEqual([400, 'MALFORMED_JSON']);
    expect(notJson.statusCode).toBe(415);
    expect(notJson.headers['content-type']).toBe('application/problem+json');
    expect(await db.count()).toBe(before);
  });

  it.each([['0'], ['101'], ['1.5'], ['ten'], ['007']])('refuses limit=%s with a 400 problem pointing at it', async (limit) => {
    const res = await send({ path: '/items', query: { limit } });

    expect(res.statusCode).toBe(400);
    expect(res.json<{ errors: Array<{ pointer: string }> }>().errors.map((e) => e.pointer)).toContain('/limit');
  });

  it('refuses a cursor it did not issue with 400 INVALID_CURSOR', async () => {
    const forged = Buffer.from(JSON.stringify({ id: 'not-a-uuid' })).toString('base64url');
    for (const cursor of ['not-base64!', 'e30', forged]) {
      const res = await send({ path: '/items', query: { cursor } });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toBe('application/problem+json');
    }
    expect((await send({ path: '/items', query: { cursor: forged } })).json<{ code: string }>().code).toBe('INVALID_CURSOR');
  });
});
