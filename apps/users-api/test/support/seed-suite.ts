import { createProxyEvent, invoke, type InvokeResult, type ProxyEventInit } from '@portico/http/testing';
import type { ProxyEvent } from '@portico/http';
import { routes, type User } from '../../src/routes';
import { ALICE, BOB } from './callers';

/** Calls a users-api handler (from src, or the bundle in a child process) with one event. */
export type CallHandler = (event: ProxyEvent) => Promise<unknown>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * The seed tutorial's requests, as API Gateway would send them, and the exact answers expected. Registered once
 * per implementation (the handler from src, the built bundle) so both are held to the same answers. Writes come from
 * signed-in users, as the gateway lets them through: bob creates, alice (admin) deletes.
 */
export function seedRequestSuite(call: () => CallHandler): void {
  const send = (init: ProxyEventInit): Promise<InvokeResult> =>
    invoke((event) => call()(event), createProxyEvent({ routes, ...init }));

  it('GET /hello says hello', async () => {
    const res = await send({ path: '/hello' });

    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body).toBe('{"message":"Hello, World!"}');
  });

  it('POST /users stores the user, answers 201 with it and its Location, and GET /users/{id} returns it', async () => {
    const created = await send({
      method: 'POST',
      path: '/users',
      json: { name: 'Ada Lovelace', email: 'ada@example.com' },
      auth: BOB,
    });
    const user = created.json<User>();
    const read = await send({ path: `/users/${user.id}` });

    expect(created.statusCode).toBe(201);
    expect(user).toEqual({
      id: expect.stringMatching(UUID),
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      createdAt: expect.any(String),
    });
    expect(new Date(user.createdAt).toISOString()).toBe(user.createdAt);
    // Relative to the request URL: under a stage prefix and behind CloudFront it names the same user.
    expect(new URL(String(created.headers.location), 'https://api.example.com/dev/users').pathname).toBe(`/dev/users/${user.id}`);
    expect(new URL(String(created.headers.location), 'https://d1.cloudfront.net/users').pathname).toBe(`/users/${user.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.body).toBe(created.body);
  });

  it('GET /users lists stored users', async () => {
    const { body } = await send({ method: 'POST', path: '/users', json: { name: 'Listed' }, auth: BOB });

    const res = await send({ path: '/users', query: { limit: '100' } });

    expect(res.statusCode).toBe(200);
    expect(res.json<{ items: User[] }>().items).toContainEqual(JSON.parse(body));
  });

  it('GET /search finds users by part of the name, ignoring case', async () => {
    const { body } = await send({ method: 'POST', path: '/users', json: { name: 'Seed Searchable' }, auth: BOB });

    const res = await send({ path: '/search', query: { q: 'SEARCHABLE', limit: '5' } });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ query: 'SEARCHABLE', limit: 5, results: [JSON.parse(body)] });
  });

  it('DELETE /users/{id} answers 204, after which the user is gone (404 problem)', async () => {
    const id = (await send({ method: 'POST', path: '/users', json: { name: 'Short-lived' }, auth: BOB })).json<User>().id;

    const deleted = await send({ method: 'DELETE', path: `/users/${id}`, auth: ALICE });
    const read = await send({ path: `/users/${id}` });

    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    expect(read.statusCode).toBe(404);
    expect(read.headers['content-type']).toBe('application/problem+json');
    expect(read.json()).toMatchObject({ status: 404, title: 'Not Found', detail: `User ${id} not found` });
  });

  it('answers a malformed JSON body with a 400 problem', async () => {
    const res = await send({
      method: 'POST',
      path: '/users',
      body: '{"name":',
      headers: { 'content-type': 'application/json' },
      auth: BOB,
    });

    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ status: 400, code: 'MALFORMED_JSON' });
  });

  it('refuses a write that carries no identity (a direct invoke) with a 401 problem, and a user outside admin a delete', async () => {
    const anonymous = await send({ method: 'POST', path: '/users', json: { name: 'Nobody' } });
    const id = (await send({ method: 'POST', path: '/users', json: { name: 'Kept' }, auth: BOB })).json<User>().id;
    const notAdmin = await send({ method: 'DELETE', path: `/users/${id}`, auth: BOB });

    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(notAdmin.statusCode).toBe(403);
    expect(notAdmin.json()).toMatchObject({ status: 403, code: 'MISSING_GROUP' });
    expect((await send({ path: `/users/${id}` })).statusCode).toBe(200);
  });
}
