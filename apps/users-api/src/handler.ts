/**
 * The users API Lambda: binds a handler to each route of the route table.
 *
 * Everything expensive happens once, at module init (Lambda's init phase, which also runs before the first
 * request locally): the DynamoDB client, the CORS policy and the router. A missing `USERS_TABLE` fails here.
 *
 * Responses:
 * - `GET /hello` → 200 `{ message: "Hello, World!" }`
 * - `GET /users?limit=&cursor=` → 200 `{ items: User[], nextCursor?: string }`; `nextCursor` is present only when
 *   more users follow; pass it back unchanged as `cursor`
 * - `POST /users` `{ name, email? }` (a signed-in user) → 201 the stored `User`, `Location: users/{id}` (relative:
 *   resolves under the stage path); the caller's `sub` is stored as `createdBy`
 * - `GET /users/{id}` → 200 `User`, or 404 problem
 * - `DELETE /users/{id}` (the `admin` group) → 204, or 404 problem
 * - `GET /search?q=&limit=` → 200 `{ query, limit, results: User[] }`
 * - `GET /internal/stats` (SigV4) → 200 `{ users, countedAt }`
 * Errors are `application/problem+json` (see @portico/http); a database that is unavailable or throttling answers 503
 * with `Retry-After`. A protected route reached without the identity API Gateway establishes answers 401, a user
 * outside the admin group 403 `MISSING_GROUP` (`createApp` checks both from the route table before the handler runs).
 */
import { ConflictError, NotFoundError, ServiceUnavailableError, created, createApp, json, noContent, type ProxyHandler } from '@portico/http';
import { corsFromEnv } from './cors-config';
import { decodeCursor, encodeCursor } from './cursor';
import { DEFAULT_LIMIT, routes } from './routes';
import { StoreUnavailableError, UserExistsError, createUserStore } from './store';

/** The current invocation's context: Lambda runs one invocation at a time per execution environment. */
let invocation: { getRemainingTimeInMillis?: () => number } | undefined;

// Every DynamoDB call plans within the invocation's remaining time, so a database that doesn't answer costs a 503
// before Lambda's timeout, never a timeout (which the gateway answers 502).
const store = createUserStore({ remainingTimeMs: () => invocation?.getRemainingTimeInMillis?.() });
const app = createApp({ cors: corsFromEnv() });

// A database that is unreachable, not answering or throttling is a 503 the client may retry, not a 500.
app.use(async (_req, next) => {
  try {
    return await next();
  } catch (error) {
    if (!(error instanceof StoreUnavailableError)) throw error;
    // The client sees a fixed 503 detail; the log line carries the cause chain (what failed, how often, for how long).
    throw new ServiceUnavailableError('DynamoDB is unavailable or throttling', { cause: error, headers: { 'retry-after': String(error.retryAfterSeconds) } });
  }
});

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
    const user = await store.create(req.body, { createdBy: req.auth.sub });
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

app.handle(routes.stats, async () => {
  const countedAt = new Date().toISOString();
  return json({ users: await store.count(), countedAt });
});

const dispatch = app.lambda();

/**
 * The Lambda entry point (`handler.handler` in the bundle): API Gateway REST proxy event in, proxy result out. It
 * notes the invocation's context (for the store's time budget) and dispatches.
 *
 * @example
 * const res = await handler(createProxyEvent({ method: 'GET', path: '/hello' }), context);
 * // { statusCode: 200, body: '{"message":"Hello, World!"}', ... }
 */
export const handler: ProxyHandler = (event, context) => {
  invocation = typeof context === 'object' && context !== null ? (context as typeof invocation) : undefined;
  return dispatch(event);
};
