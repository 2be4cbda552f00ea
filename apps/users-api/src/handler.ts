/**
 * The users API Lambda: binds a handler to each route of the route table.
 *
 * Everything expensive happens once, at module init (Lambda's init phase, which also runs before the first
 * request locally): the DynamoDB clients, the CORS policy and the router. A missing `USERS_TABLE` fails here.
 *
 * Responses:
 * - `GET /hello` → 200 `{ message: "Hello, World!" }`
 * - `GET /users?limit=&cursor=` → 200 `{ items: User[], nextCursor?: string }`; `nextCursor` is present only when
 *   more users follow; pass it back unchanged as `cursor`
 * - `POST /users` `{ name, email? }` → 201 the stored `User`, `Location: users/{id}` (relative: resolves under the stage path)
 * - `GET /users/{id}` → 200 `User`, or 404 problem
 * - `DELETE /users/{id}` → 204, or 404 problem
 * - `GET /search?q=&limit=` → 200 `{ query, limit, results: User[] }`
 * Errors are `application/problem+json` (see @portico/http).
 */
import { ConflictError, NotFoundError, created, createApp, json, noContent } from '@portico/http';
import { corsFromEnv } from './cors-config';
import { decodeCursor, encodeCursor } from './cursor';
import { DEFAULT_LIMIT, routes } from './routes';
import { UserExistsError, createUserStore } from './store';

const store = createUserStore();
const app = createApp({ cors: corsFromEnv() });

/**
 * Ids are only ever minted here, as UUIDs, so anything else names no user. Answering 404 without asking DynamoDB
 * also keeps arbitrary path text (empty, over the 2 KB key limit, not valid Unicode) away from the key, where
 * DynamoDB would reject it with a validation error and the client would see a 500 for its own typo.
 */
const USER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function userNotFound(id: string): never {
  throw new NotFoundError(`User ${id} not found`);
}

/** The validated `limit` (the route schema already bounds it to 1..MAX_LIMIT). */
function pageSize(limit: string | undefined): number {
  return limit === undefined ? DEFAULT_LIMIT : Number(limit);
}

app.handle(routes.hello, () => json({ message: 'Hello, World!' }));

app.handle(routes.listUsers, async (req) => {
  const startKey = req.query.cursor === undefined ? undefined : decodeCursor(req.query.cursor);
  const page = await store.list(pageSize(req.query.limit), startKey);
  return json(page.nextKey ? { items: page.items, nextCursor: encodeCursor(page.nextKey) } : { items: page.items });
});

app.handle(routes.createUser, async (req) => {
  try {
    const user = await store.create(req.body);
    // Relative to the request URL (`…/users`), so it resolves under the stage prefix and behind CloudFront alike.
    return created(user, `users/${encodeURIComponent(user.id)}`);
  } catch (error) {
    // A UUID collision: practically never, but if it happens the client may simply retry.
    if (error instanceof UserExistsError) throw new ConflictError(error.message, { cause: error });
    throw error;
  }
});

app.handle(routes.getUser, async (req) => {
  const { id } = req.params;
  if (!USER_ID.test(id)) userNotFound(id);
  return json((await store.get(id)) ?? userNotFound(id));
});

app.handle(routes.deleteUser, async (req) => {
  const { id } = req.params;
  if (!USER_ID.test(id) || !(await store.delete(id))) userNotFound(id);
  return noContent();
});

app.handle(routes.search, async (req) => {
  const { q } = req.query;
  const limit = pageSize(req.query.limit);
  return json({ query: q, limit, results: await store.search(q, limit) });
});

/**
 * The Lambda entry point (`handler.handler` in the bundle): API Gateway REST proxy event in, proxy result out.
 *
 * @example
 * const res = await handler(createProxyEvent({ method: 'GET', path: '/hello' }), context);
 * // { statusCode: 200, body: '{"message":"Hello, World!"}', ... }
 */
export const handler = app.lambda();
