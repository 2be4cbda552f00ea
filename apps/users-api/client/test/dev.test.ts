/**
 * The client against `pnpm dev`: users-api served by `startDev` (its watch build, its dev stack, dynalite, the local
 * gateway) on a free port with private data and work folders, in a process of its own (`startDevProcess`), and every
 * route called through `createUsersApiClient`. Needs the apps built (`pnpm build`): the client's types come from
 * users-api's build.
 */
import { startDevProcess, type DevProcess } from '@portico/cli/testing';
import { randomUUID } from 'node:crypto';
import { createUsersApiClient, type UsersApiClient } from '../src/index';

jest.setTimeout(120_000);

let dev: DevProcess | undefined;
let baseUrl: string;
let users: UsersApiClient;

beforeAll(async () => {
  dev = await startDevProcess(['users-api']);
  baseUrl = dev.apis[0]!.url;
  users = createUsersApiClient({ baseUrl, apiKey: dev.apis[0]!.apiKeys[0]! });
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

  it('creates with the key, then gets, searches and deletes the user', async () => {
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

  it('without a key, a key-required route is refused by the gateway, in the same problem format', async () => {
    const anonymous = createUsersApiClient({ baseUrl });

    const { data, error, response } = await anonymous.POST('/users', { body: { name: 'Nobody' } });

    expect(data).toBeUndefined();
    expect(response.status).toBe(403);
    expect(error).toMatchObject({ status: 403, title: 'Forbidden', code: 'INVALID_API_KEY', detail: 'Forbidden' });
  });
});
