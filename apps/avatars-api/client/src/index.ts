/**
 * `@portico/avatars-api-client`: a typed fetch client for the avatars API. The types are generated from the API's
 * OpenAPI document at build time (openapi-typescript); the calls go through openapi-fetch, which checks the path and
 * path parameters of every call against them and types `data` and `error` per route. Avatars are bytes both ways:
 * `putAvatar` and `getAvatar` send and read them, on openapi-fetch's `bodySerializer` and `parseAs: 'arrayBuffer'`.
 */
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { API_KEY_HEADER, API_KEY_OPERATIONS } from './generated/api-key.js';
import { AUTHORIZERS } from './generated/authorizers.js';
import type { components, paths } from './generated/avatars-api.js';

// The generated document types, for callers that name a route's parts.
export type { components, operations, paths } from './generated/avatars-api.js';

// The API's own shapes, by name.
/** An RFC 9457 problem: the body of every error the avatars API function answers (`application/problem+json`). */
export type Problem = components['schemas']['Problem'];
/** What the API says about a stored avatar (everything but its bytes): `GET /avatars/{userId}/info`, and a PUT's answer. */
export type AvatarInfo = paths['/avatars/{userId}/info']['get']['responses'][200]['content']['application/json'];
/** The image types an avatar may be. */
export type AvatarType = AvatarInfo['contentType'];

/** An avatar as `getAvatar` reads it. */
export interface Avatar {
  /** The image, byte for byte as uploaded. */
  readonly bytes: Uint8Array;
  readonly contentType: AvatarType;
  /** The strong validator the API sends (`"<hex SHA-256>"`, quoted), for `If-None-Match`. */
  readonly etag: string | null;
}

/**
 * What a helper resolves to, as openapi-fetch's calls do: `data` on a 2xx, else `error` (the problem body, or
 * undefined when the answer has none); `response` either way.
 */
export type AvatarResult<T> = { data: T; error?: never; response: Response } | { data?: never; error: Problem | undefined; response: Response };

export interface AvatarsApiClientOptions {
  /** The stage URL, e.g. `http://127.0.0.1:3001/dev` (what `pnpm dev` prints) or `https://…/prod`. */
  readonly baseUrl: string;
  /**
   * The API key, sent as `x-api-key` on the routes that require one (`PUT` and `DELETE /avatars/{userId}`) and on no
   * other: a secret goes no further than it must, and a browser's image reads stay free of a CORS preflight.
   */
  readonly apiKey?: string;
  /**
   * A partner's token (`ptk_…`), sent as `Authorization: Bearer <token>` on the routes the partner authorizer guards
   * (`PUT` and `DELETE /avatars/{userId}`) and on no other. Without it, those writes are API Gateway's 401.
   */
  readonly partnerToken?: string;
  /** The fetch to call; @default globalThis.fetch */
  readonly fetch?: (request: Request) => Promise<Response>;
}

/** The client: `GET`, `DELETE`, … with the API's paths, plus `putAvatar` and `getAvatar` for the image bytes. */
export type AvatarsApiClient = Client<paths> & {
  /**
   * Stores or replaces `userId`'s avatar: the bytes as the body, with their `Content-Type`. `data` is the avatar's
   * info; `response.status` is 201 when it is new, 200 when it replaced one. A body that is not the image its type
   * says is a 400 (`NOT_AN_IMAGE`), another type a 415, over 256 KiB a 413.
   */
  putAvatar(userId: string, bytes: Uint8Array | ArrayBuffer, contentType: AvatarType): Promise<AvatarResult<AvatarInfo>>;
  /** Reads `userId`'s avatar as bytes (asking with `Accept: image/*`, so API Gateway decodes them); 404 when none. */
  getAvatar(userId: string): Promise<AvatarResult<Avatar>>;
};

/**
 * Creates an avatars API client.
 *
 * Every call resolves (HTTP errors are not thrown): `data` on a 2xx, else `error`, the route's problem body. API
 * Gateway's own refusals (403 `INVALID_API_KEY`, 429 `THROTTLED`, …) are problems too, with the response type as
 * `code`; read the status from `response.status`.
 *
 * @example
 * const avatars = createAvatarsApiClient({
 *   baseUrl: 'http://127.0.0.1:3001/dev',
 *   apiKey: process.env.AVATARS_API_KEY,
 *   partnerToken: process.env.AVATARS_PARTNER_TOKEN,
 * });
 * const put = await avatars.putAvatar(userId, await readFile('me.png'), 'image/png');
 * if (put.error) throw new Error(`avatars API ${put.response.status} ${put.error?.code}: ${put.error?.detail}`);
 * const { data: avatar } = await avatars.getAvatar(userId); // { bytes, contentType: 'image/png', etag }
 * const { data: info } = await avatars.GET('/avatars/{userId}/info', { params: { path: { userId } } });
 */
export function createAvatarsApiClient(options: AvatarsApiClientOptions): AvatarsApiClient {
  const client = createClient<paths>({ baseUrl: options.baseUrl, ...(options.fetch ? { fetch: options.fetch } : {}) });
  if (options.apiKey !== undefined) client.use(headerMiddleware(API_KEY_HEADER, options.apiKey, API_KEY_OPERATIONS));
  if (options.partnerToken !== undefined) {
    const partner = AUTHORIZERS.partner;
    if (!partner) throw new Error('The avatars API document names no partner authorizer: rebuild the client (pnpm build)');
    client.use(headerMiddleware(partner.header, `Bearer ${options.partnerToken}`, partner.operations));
  }

  async function putAvatar(userId: string, bytes: Uint8Array | ArrayBuffer, contentType: AvatarType): Promise<AvatarResult<AvatarInfo>> {
    const { data, error, response } = await client.PUT('/avatars/{userId}', {
      params: { path: { userId } },
      // The document gives this route no request body (the route table describes JSON bodies only), so the generated
      // type is `never`: the bytes go through as they are, and the Content-Type says what they are.
      body: bytes as never,
      bodySerializer: (body: unknown) => body,
      headers: { 'Content-Type': contentType },
    });
    return data !== undefined ? { data, response } : { error: problemOf(error), response };
  }

  async function getAvatar(userId: string): Promise<AvatarResult<Avatar>> {
    const { data, error, response } = await client.GET('/avatars/{userId}', {
      params: { path: { userId } },
      // API Gateway answers bytes only when the first Accept type is one of the API's binary media types.
      headers: { Accept: 'image/*' },
      parseAs: 'arrayBuffer',
    });
    if (data === undefined) return { error: problemOf(error), response };
    const contentType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase() as AvatarType;
    return { data: { bytes: new Uint8Array(data), contentType, etag: response.headers.get('etag') }, response };
  }

  return Object.assign(client, { putAvatar, getAvatar });
}

/** openapi-fetch hands an error body it cannot parse as JSON back as text (an empty one as ''): not a problem. */
function problemOf(error: unknown): Problem | undefined {
  return typeof error === 'object' && error !== null ? (error as Problem) : undefined;
}

/** Sets a credential header on the requests whose operation requires it, by the document's `security`. */
function headerMiddleware(header: string, value: string, operations: ReadonlySet<string>): Middleware {
  return {
    onRequest({ request, schemaPath }) {
      if (operations.has(`${request.method} ${schemaPath}`)) request.headers.set(header, value);
      return request;
    },
  };
}
