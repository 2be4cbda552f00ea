/**
 * Hono 4 behind its aws-lambda adapter: the adapter turns the v1 event into a Web Request and the Response back into
 * a proxy result. Idiomatic Hono: `cors()` middleware, `c.req.json()`, `HTTPException` for client errors.
 */
import * as v from 'valibot';
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { CORS, CreateUser, parseLimit, store } from '../../shared/users';

const app = new Hono();

app.use('*', cors({ origin: [CORS.origin], allowMethods: [...CORS.methods], allowHeaders: [...CORS.headers], maxAge: CORS.maxAge }));

app.get('/hello', (c) => c.json({ message: 'Hello, World!' }));
app.get('/users', (c) => {
  const limit = parseLimit(c.req.query('limit'));
  if (limit === undefined) throw new HTTPException(400, { message: 'limit must be an integer between 1 and 100' });
  return c.json(store.list(limit));
});
app.post('/users', async (c) => {
  const result = v.safeParse(CreateUser, await c.req.json());
  if (!result.success) return c.json({ message: 'Request body is invalid', issues: result.issues }, 400);
  const user = store.create(result.output);
  return c.json(user, 201, { location: `/users/${user.id}` });
});
app.get('/users/:id', (c) => {
  const id = c.req.param('id');
  const user = store.get(id);
  if (!user) return c.json({ message: `User ${id} not found` }, 404);
  return c.json(user);
});
app.get('/search', (c) => {
  const q = c.req.query('q') ?? '';
  const limit = parseLimit(c.req.query('limit'));
  if (limit === undefined) throw new HTTPException(400, { message: 'limit must be an integer between 1 and 100' });
  return c.json({ query: q, limit, results: store.search(q, limit) });
});

export const handler = handle(app);
