/**
 * The {{name}} Lambda: binds a handler to each route of `routes.ts`.
 *
 * - `GET /health` → 200 `{ "status": "ok" }`
 * - `GET /items?limit=&cursor=` → 200 `{ items, nextCursor? }`; pass `nextCursor` back unchanged as `cursor`
 * - `POST /items` `{ name, description? }` (API key) → 201 the stored item, `Location: items/{id}`
 * - `GET /items/{id}` → 200 the item, or 404
 * - `DELETE /items/{id}` (API key) → 204, or 404
 *
 * Errors are `application/problem+json` (`@portico/http`): 400 with the failing fields for a bad body, query or
 * cursor, 415 for a body that is not JSON; a DynamoDB that is unavailable or throttling answers 503 with `Retry-After`.
 */
import { NotFoundError, ServiceUnavailableError, created, createApp, json, noContent, type ProxyHandler } from '@portico/http';
import { decodeCursor, encodeCursor } from './cursor';
import { DEFAULT_LIMIT, routes } from './routes';
import { StoreUnavailableError, createItemStore, isItemId } from './store';

/** The current invocation's context: Lambda runs one invocation at a time per execution environment. */
let invocation: { getRemainingTimeInMillis?: () => number } | undefined;

// Every DynamoDB call plans within the invocation's remaining time, so a database that does not answer costs a 503
// before Lambda's timeout (which the gateway would answer with a bare 502).
const store = createItemStore(() => invocation?.getRemainingTimeInMillis?.());

// The stage's `corsOrigins` (infra sets CORS_ORIGINS): the function's answers carry what the gateway's preflight allows.
const origins = (process.env.CORS_ORIGINS ?? '').split(',').filter((origin) => origin !== '');
const app = createApp(origins.length > 0 ? { cors: { origins, exposeHeaders: ['Location'] } } : {});

// A database that is unreachable, not answering or throttling is a 503 the client may retry, not a 500.
app.use(async (_req, next) => {
  try {
    return await next();
  } catch (error) {
    if (!(error instanceof StoreUnavailableError)) throw error;
    throw new ServiceUnavailableError('DynamoDB is unavailable or throttling', { cause: error, headers: { 'retry-after': String(error.retryAfterSeconds) } });
  }
});

function itemNotFound(id: string): never {
  throw new NotFoundError(`Item ${id} not found`);
}

app.handle(routes.health, () => json({ status: 'ok' }));

app.handle(routes.listItems, async (req) => {
  // The route's schema already bounds `limit` to 1..MAX_LIMIT.
  const limit = req.query.limit === undefined ? DEFAULT_LIMIT : Number(req.query.limit);
  const after = req.query.cursor === undefined ? undefined : decodeCursor(req.query.cursor);
  const page = await store.list(limit, after);
  return json(page.next ? { items: page.items, nextCursor: encodeCursor(page.next) } : { items: page.items });
});

app.handle(routes.createItem, async (req) => {
  const item = await store.create(req.body);
  // Relative to the request URL (`…/items`), so it resolves under the stage path and behind CloudFront alike.
  return created(item, `items/${item.id}`);
});

// An id this API could not have minted names no item: 404 without asking DynamoDB, which would refuse an empty or
// oversized key with an error the client would see as a 500.
app.handle(routes.getItem, async (req) => {
  const { id } = req.params;
  if (!isItemId(id)) itemNotFound(id);
  return json((await store.get(id)) ?? itemNotFound(id));
});

app.handle(routes.deleteItem, async (req) => {
  const { id } = req.params;
  if (!isItemId(id) || !(await store.delete(id))) itemNotFound(id);
  return noContent();
});

const dispatch = app.lambda();

/**
 * The Lambda entry point (`handler.handler` in the bundle): API Gateway REST proxy event in, proxy result out.
 *
 * @example
 * const res = await handler(createProxyEvent({ method: 'GET', path: '/health' }), context);
 * // { statusCode: 200, body: '{"status":"ok"}', … }
 */
export const handler: ProxyHandler = (event, context) => {
  invocation = typeof context === 'object' && context !== null ? (context as typeof invocation) : undefined;
  return dispatch(event);
};
