/**
 * The avatars API Lambda: small PNG and JPEG images per user, bytes in and bytes out.
 *
 * - `PUT /avatars/{userId}` (a partner's token and the API key; body: the image, with `Content-Type: image/png` or
 *   `image/jpeg`, up to 256 KiB) → 201 when new, 200 when replaced, with the avatar's info (`uploadedBy`: the partner
 *   the authorizer named); 415 for another type, 400 when the bytes are not that image, 413 when larger
 * - `GET /avatars/{userId}` → 200 the bytes (`ETag`, `Cache-Control`), 304 for a matching `If-None-Match`, 404
 * - `GET /avatars/{userId}/info` → 200 the info; `DELETE /avatars/{userId}` (a partner's token and the API key) → 204,
 *   404
 * - anything else → 404 problem (405 with `Allow` for a known path), instead of API Gateway's 403
 *
 * Errors are problem JSON; a database that is unavailable or throttling answers 503 with `Retry-After`. The partner
 * authorizer (`src/authorizers/partner.ts`) decides at the gateway which partner may write which avatars; a write
 * that reaches the function without its answer is refused 401 (`@portico/http`'s auth guard).
 */
import {
  BadRequestError,
  MethodNotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
  UnsupportedMediaTypeError,
  binary,
  createApp,
  createRouter,
  json,
  noContent,
  type HttpResult,
  type ProxyHandler,
} from '@portico/http';
import { checkImage } from './image';
import { AVATAR_TYPES, MAX_AVATAR_BYTES, routeList, routes, type AvatarType } from './routes';
import { createAvatarStore, infoOf, StoreUnavailableError } from './store';
import { USER_ID } from './user-id';

/** The current invocation's context: Lambda runs one invocation at a time per execution environment. */
let invocation: { getRemainingTimeInMillis?: () => number } | undefined;
const store = createAvatarStore({ remainingTimeMs: () => invocation?.getRemainingTimeInMillis?.() });
const app = createApp({
  bodyLimit: MAX_AVATAR_BYTES,
  cors: process.env.CORS_ORIGINS ? { origins: process.env.CORS_ORIGINS.split(','), exposeHeaders: ['ETag'] } : undefined,
});

app.use(async (_req, next) => {
  try {
    return await next();
  } catch (error) {
    if (!(error instanceof StoreUnavailableError)) throw error;
    throw new ServiceUnavailableError('DynamoDB is unavailable or throttling', { cause: error, headers: { 'retry-after': String(error.retryAfterSeconds) } });
  }
});

function userId(raw: string): string {
  if (!USER_ID.test(raw)) throw new NotFoundError(`No avatar for ${raw}`);
  return raw;
}

/** Browsers and CDNs may keep an avatar five minutes; `ETag` revalidates it after. */
const CACHE_CONTROL = 'public, max-age=300';

app.handle(routes.getAvatar, async (req) => {
  const id = userId(req.params.userId);
  const avatar = await store.get(id);
  if (!avatar) throw new NotFoundError(`No avatar for ${id}`);
  const etag = `"${avatar.etag}"`;
  const headers = { etag, 'cache-control': CACHE_CONTROL };
  if (req.headers.get('if-none-match') === etag) return { statusCode: 304, headers, body: '' };
  const answer: HttpResult = binary(avatar.image, avatar.contentType);
  return { ...answer, headers: { ...answer.headers, ...headers } };
});

app.handle(routes.getAvatarInfo, async (req) => {
  const id = userId(req.params.userId);
  const avatar = await store.get(id);
  if (!avatar) throw new NotFoundError(`No avatar for ${id}`);
  return json(infoOf(avatar));
});

app.handle(routes.putAvatar, async (req) => {
  const id = userId(req.params.userId);
  const type = (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!(AVATAR_TYPES as readonly string[]).includes(type)) {
    throw new UnsupportedMediaTypeError(`Send the image as ${AVATAR_TYPES.join(' or ')}, with its Content-Type`);
  }
  const image = req.rawBody;
  if (!image || image.length === 0) throw new BadRequestError('The body is empty: send the image bytes');
  const checked = checkImage(image, type as AvatarType);
  if (!checked.ok) throw new BadRequestError(checked.reason, { code: 'NOT_AN_IMAGE' });
  // The partner the authorizer named: its id is the principal, its name came in the authorizer's context.
  const { principalId, context } = req.auth;
  const uploadedBy = context.partnerName !== undefined ? { partnerId: principalId, name: context.partnerName } : { partnerId: principalId };
  const { avatar, created } = await store.put({ userId: id, contentType: type as AvatarType, image, width: checked.width, height: checked.height, uploadedBy });
  return json(infoOf(avatar), created ? 201 : 200, { etag: `"${avatar.etag}"` });
});

app.handle(routes.deleteAvatar, async (req) => {
  const id = userId(req.params.userId);
  if (!(await store.delete(id))) throw new NotFoundError(`No avatar for ${id}`);
  return noContent();
});

/** The API's own routes, to tell a wrong method on a known path (405) from an unknown path (404). */
const known = createRouter<true>();
for (const route of routeList) if (route !== routes.notFound) known.add(route.method, route.path, true);

app.handle(routes.notFound, (req) => {
  const match = known.match(req.method, req.path);
  if (match.status === 405) {
    throw new MethodNotAllowedError(`${req.method} is not allowed on ${req.path}`, { headers: { allow: match.allow.join(', ') } });
  }
  throw new NotFoundError(`No route for ${req.method} ${req.path}`);
});

const dispatch = app.lambda();

/** The Lambda entry point (`handler.handler` in the bundle). */
export const handler: ProxyHandler = (event, context) => {
  invocation = typeof context === 'object' && context !== null ? (context as typeof invocation) : undefined;
  return dispatch(event);
};
