/**
 * `@portico/users-api-client`: a typed fetch client for the users API. The types are generated from the API's
 * OpenAPI document at build time (openapi-typescript); the calls go through openapi-fetch, which checks the path,
 * path parameters, query and body of every call against them and types `data` and `error` per route.
 */
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { API_KEY_HEADER, API_KEY_OPERATIONS } from './generated/api-key.js';
import { BEARER_OPERATIONS } from './generated/bearer.js';
import type { components, paths } from './generated/users-api.js';

// The generated document types, for callers that name a route's parts.
export type { components, operations, paths } from './generated/users-api.js';

// The API's own shapes, by name.
/** An RFC 9457 problem: the body of every error the users API function answers (`application/problem+json`). */
export type Problem = components['schemas']['Problem'];
/** A stored user. */
export type User = paths['/users/{id}']['get']['responses'][200]['content']['application/json'];
/** `POST /users` body. */
export type NewUser = paths['/users']['post']['requestBody']['content']['application/json'];
/** `GET /users` answer: one page; `nextCursor` only when more users follow. */
export type UserPage = paths['/users']['get']['responses'][200]['content']['application/json'];
/** `GET /search` answer. */
export type SearchResult = paths['/search']['get']['responses'][200]['content']['application/json'];
/** `GET /internal/stats` answer (SigV4-signed callers only). */
export type Stats = paths['/internal/stats']['get']['responses'][200]['content']['application/json'];

/** A Cognito user pool token, or a function that answers the current one (called before each call that needs it). */
export type TokenSource = string | (() => string | undefined | Promise<string | undefined>);

export interface UsersApiClientOptions {
  /** The stage URL, e.g. `http://127.0.0.1:3000/dev` (what `pnpm dev` prints) or `https://…/prod`. */
  readonly baseUrl: string;
  /**
   * The API key, sent as `x-api-key` on the routes that require one (`POST /users`, `DELETE /users/{id}`) and on no
   * other: a secret goes no further than it must, and a browser's plain GETs stay free of a CORS preflight.
   */
  readonly apiKey?: string;
  /**
   * The signed-in user's ID token, sent as `Authorization` on the routes that take one (`POST /users`; `DELETE
   * /users/{id}`, which also needs the user in the `admin` group) and on no other. A function is asked before each
   * such call, so a caller that refreshes its tokens (an hour's validity) hands out the current one.
   */
  readonly token?: TokenSource;
  /**
   * The fetch to call; @default globalThis.fetch. `GET /internal/stats` takes a SigV4 signature: pass a signing fetch,
   * e.g. aws4fetch's `(request) => new AwsClient(credentials).fetch(request)`.
   */
  readonly fetch?: (request: Request) => Promise<Response>;
}

/** The client: `GET`, `POST`, `DELETE`, … with the API's paths, each answering `{ data }` or `{ error }` and `response`. */
export type UsersApiClient = Client<paths>;

/**
 * Creates a users API client.
 *
 * Every call resolves (HTTP errors are not thrown): `data` on a 2xx, else `error`, the route's problem body as the
 * document types it. API Gateway's own refusals (403 `INVALID_API_KEY`, 429 `THROTTLED`, …) are problems too, with
 * the response type as `code`; those whose status varies (`DEFAULT_4XX`, `DEFAULT_5XX`, `INTEGRATION_FAILURE`)
 * carry no `status` or `title`, so read the status from `response.status`.
 *
 * @example
 * const users = createUsersApiClient({ baseUrl: 'http://127.0.0.1:3000/dev', apiKey: process.env.USERS_API_KEY, token: idToken });
 * const { data, error, response } = await users.POST('/users', { body: { name: 'Ada' } });
 * if (error) throw new Error(`users API ${response.status} ${error.code}: ${error.detail}`);
 * const { data: found } = await users.GET('/users/{id}', { params: { path: { id: data.id } } });
 */
export function createUsersApiClient(options: UsersApiClientOptions): UsersApiClient {
  const client = createClient<paths>({ baseUrl: options.baseUrl, ...(options.fetch ? { fetch: options.fetch } : {}) });
  if (options.apiKey !== undefined) client.use(apiKeyMiddleware(options.apiKey));
  if (options.token !== undefined) client.use(tokenMiddleware(options.token));
  return client;
}

/** Adds the key to requests whose operation requires it, by the document's `security`. */
function apiKeyMiddleware(apiKey: string): Middleware {
  return {
    onRequest({ request, schemaPath }) {
      if (API_KEY_OPERATIONS.has(`${request.method} ${schemaPath}`)) request.headers.set(API_KEY_HEADER, apiKey);
      return request;
    },
  };
}

/**
 * Adds the token to requests whose operation takes one, by the document's `security`: the token itself as the
 * `Authorization` value, as API Gateway's Cognito authorizer reads it for REST APIs (developerguide
 * `apigateway-invoke-api-integrated-with-cognito-user-pool.html`); no `Bearer ` prefix to strip or not.
 */
function tokenMiddleware(token: TokenSource): Middleware {
  return {
    async onRequest({ request, schemaPath }) {
      if (!BEARER_OPERATIONS.has(`${request.method} ${schemaPath}`)) return request;
      const value = typeof token === 'string' ? token : await token();
      if (value) request.headers.set('authorization', value);
      return request;
    },
  };
}
