/**
 * The client against `pnpm dev`: users-api served by `startDev` (its watch build, its dev stack, dynalite, the local
 * gateway) on a free port with private data and work folders, in a process of its own (`startDevProcess`), and every
 * route called through `createUsersApiClient`, signed in as the dev users (their ID tokens, as dev prints them).
 * Needs the apps built (`pnpm build`): the client's types come from users-api's build.
 */
import { startDevProcess, type DevProcess } from '@portico/cli/testing';
import { randomUUID } from 'node:crypto';
import { createUsersApiClient, type UsersApiClient } from '../src/index';

jest.setTimeout(120_000);

let dev: DevProcess | undefined;
let baseUrl: string;
let users: UsersApiClient;
let bobsToken: string;

/** The ID token `pnpm dev` printed for a dev user. */
function printedToken(log: string, username: string): string {
  const token = new RegExp(`dev: ID token for ${username}\\b[^:]*: (\\S+)`).exec(log)?.[1];
  if (!token) throw new Error(`pnpm dev printed no token for ${username}:\n${log}`);
  return token;
}

beforeAll(async () => {
  dev = await startDevProcess(['users-api']);
  baseUrl = dev.apis[0]!.url;
  bobsToken = printedToken(dev.log, 'bob');
  // alice is in admin: she may create and delete.
  users = createUsersApiClient({ baseUrl, apiKey: dev.apis[0]!.apiKeys[0]!, token: printedToken(dev.log, 'alice') });
});

afterAll(() => dev?.stop());

describe('the users API through its client, served by pnpm dev', () => {
  it('says hello', async () => {
    const { data, error, response } = await users.GET('/hello');

    expect(error).toBeUndefined();
    expect(response.status).toBe(200);
    expect(data).toEqual({ message: 'Hello, World!' });
  });

  it('lists the seeded users a page at a time, following nextCursor', async () => {
    const first = await users.GET('/users', { params: { query: { limit: '1' } } });
    expect(first.error).toBeUndefined();
    expect(first.data!.items).toHaveLength(1);
    expect(first.data!.nextCursor).toEqual(expect.any(String));

    const second = await users.GET('/users', { params: { query: { limit: '1', cursor: first.data!.nextCursor } } });

    expect(second.response.status).toBe(200);
    expect(second.data!.items).toHaveLength(1);
    expect(second.data!.items[0]!.id).not.toBe(first.data!.items[0]!.id);
  });

  it('creates with the key and a token, then gets, searches and deletes the user', async () => {
    const name = `Client ${randomUUID()}`;

    const created = await users.POST('/users', { body: { name, email: 'client@example.com' } });
    expect(created.error).toBeUndefined();
    expect(created.response.status).toBe(201);
    expect(created.data).toEqual({ id: expect.any(String), name, email: 'client@example.com', createdAt: expect.any(String) });
    const id = created.data!.id;
    expect(created.response.headers.get('location')).toBe(`users/${id}`);

    const got = await users.GET('/users/{id}', { params: { path: { id } } });
    expect(got.response.status).toBe(200);
    expect(got.data).toEqual(created.data);

    const found = await users.GET('/search', { params: { query: { q: name.toUpperCase(), limit: '5' } } });
    expect(found.response.status).toBe(200);
    expect(found.data).toEqual({ query: name.toUpperCase(), limit: 5, results: [created.data] });

    const deleted = await users.DELETE('/users/{id}', { params: { path: { id } } });
    expect(deleted.error).toBeUndefined();
    expect(deleted.response.status).toBe(204);

    // DELETE is never cached (GET /users/{id} may be, for the stage's TTL): a second delete shows it is gone.
    const again = await users.DELETE('/users/{id}', { params: { path: { id } } });
    expect(again.response.status).toBe(404);
    expect(again.error).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('answers a 404 problem for a user that does not exist', async () => {
    const { data, error, response } = await users.GET('/users/{id}', { params: { path: { id: randomUUID() } } });

    expect(data).toBeUndefined();
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(error).toMatchObject({ type: expect.any(String), title: expect.any(String), status: 404, code: 'NOT_FOUND' });
  });

  it('answers a 400 problem, with a pointer to the bad field, for a body the API rejects', async () => {
    const { data, error, response } = await users.POST('/users', { body: { name: '   ' } });

    expect(data).toBeUndefined();
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(error!.status).toBe(400);
    expect(error!.errors).toEqual([expect.objectContaining({ pointer: '/name', message: 'must not be blank' })]);
  });

  it('answers a 400 problem for a query the API rejects', async () => {
    const { error, response } = await users.GET('/users', { params: { query: { limit: '0' } } });

    expect(response.status).toBe(400);
    expect(error!.errors).toEqual([expect.objectContaining({ pointer: '/limit' })]);
  });

  it('sends path parameters percent-encoded: an id with a slash stays one segment', async () => {
    const { error, response } = await users.GET('/users/{id}', { params: { path: { id: 'a/b' } } });

    expect(new URL(response.url).pathname).toBe(`${new URL(baseUrl).pathname}/users/a%2Fb`);
    expect(response.status).toBe(404);
    expect(error).toMatchObject({ status: 404 });
  });

  it('takes a token function, asked before each call that needs one: bob creates, but may not delete', async () => {
    let asked = 0;
    const bob = createUsersApiClient({ baseUrl, apiKey: dev!.apis[0]!.apiKeys[0]!, token: async () => (asked++, bobsToken) });

    const created = await bob.POST('/users', { body: { name: 'Made by Bob' } });
    await bob.GET('/users/{id}', { params: { path: { id: created.data!.id } } });
    const deleted = await bob.DELETE('/users/{id}', { params: { path: { id: created.data!.id } } });

    expect(created.response.status).toBe(201);
    expect(deleted.response.status).toBe(403);
    expect(deleted.error).toMatchObject({ status: 403, code: 'MISSING_GROUP' });
    expect(asked).toBe(2);
    expect((await users.GET('/users/{id}', { params: { path: { id: created.data!.id } } })).response.status).toBe(200);
  });

  it('without a token, a route that takes one is refused by the gateway (401), in the same problem format', async () => {
    const anonymous = createUsersApiClient({ baseUrl, apiKey: dev!.apis[0]!.apiKeys[0]! });

    const { data, error, response } = await anonymous.POST('/users', { body: { name: 'Nobody' } });

    expect(data).toBeUndefined();
    expect(response.status).toBe(401);
    expect(error).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
  });

  it('without a key, a key-required route is refused by the gateway, in the same problem format', async () => {
    const keyless = createUsersApiClient({ baseUrl, token: bobsToken });

    const { data, error, response } = await keyless.POST('/users', { body: { name: 'Nobody' } });

    expect(data).toBeUndefined();
    expect(response.status).toBe(403);
    expect(error).toMatchObject({ status: 403, title: 'Forbidden', code: 'INVALID_API_KEY', detail: 'Forbidden' });
  });
});
