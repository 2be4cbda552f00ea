import { compilePath, type PathParams } from './router/path';
import { HTTP_METHODS, type HttpMethod } from './router/pattern-router';
import type { StandardSchemaV1 } from './schema/standard';

/** Stage-cache settings for a GET route: which query-string names form the cache key, and for how long. */
export interface RouteCache {
  readonly keyParameters: readonly string[];
  readonly ttlSeconds?: number;
}

/**
 * Who may call a route. API Gateway enforces it (infra reads it as data and sets the method's authorization); the
 * function checks it again, so a request that reaches it without the identity the route declares is refused:
 *
 * - `'none'` (the default): anyone; `req.auth` is `undefined`.
 * - `{ cognito: { scopes?, groups? } }`: a Cognito user pool token. The gateway checks the token and, when `scopes`
 *   is set, that an access token carries at least one of them; the function checks the scopes again and checks
 *   `groups` itself (API Gateway has no group check): the user must be in at least one.
 * - `{ lambda: 'name' }`: the Lambda authorizer of that name (a TOKEN or REQUEST authorizer the API declares).
 * - `'iam'`: SigV4-signed requests from principals allowed to `execute-api:Invoke` the method.
 */
export type RouteAuth =
  | 'none'
  | 'iam'
  | { readonly cognito: { readonly scopes?: readonly string[]; readonly groups?: readonly string[] } }
  | { readonly lambda: string };

/** A documented response of a route (OpenAPI only; nothing enforces it at runtime). */
export interface RouteResponse {
  readonly description: string;
  readonly schema?: StandardSchemaV1;
}

/**
 * What a route is — never how it is handled — so infrastructure can import the route table as plain data.
 * `B` and `Q` are the body and query schemas (any Standard Schema); the path's parameters come from `P` itself.
 */
export interface RouteSpec<
  P extends string = string,
  B extends StandardSchemaV1 | undefined = StandardSchemaV1 | undefined,
  Q extends StandardSchemaV1 | undefined = StandardSchemaV1 | undefined,
  A extends RouteAuth | undefined = RouteAuth | undefined,
> {
  readonly method: HttpMethod;
  readonly path: P;
  readonly operationId?: string;
  readonly summary?: string;
  /** Request body schema: type, validation, API Gateway model and OpenAPI request body. */
  readonly body?: B;
  /** Query-string schema (an object of strings): required keys become required query parameters. */
  readonly query?: Q;
  /** Whether API Gateway demands an `x-api-key` header. @default false */
  readonly apiKeyRequired?: boolean;
  /** Who may call the route; it types `req.auth`. @default 'none' */
  readonly auth?: A;
  readonly cache?: RouteCache;
  readonly responses?: Readonly<Record<number, RouteResponse>>;
}

/** Any route spec, whatever its schemas. */
export type AnyRouteSpec = RouteSpec<string, StandardSchemaV1 | undefined, StandardSchemaV1 | undefined, RouteAuth | undefined>;

/** The path parameters of a route spec. */
export type RouteParams<R> = R extends { readonly path: infer P extends string } ? PathParams<P> : never;

/**
 * Declares a route. Checks the method and path now (leading `/`, whole-segment parameters, `{proxy+}` only last)
 * and throws with the fix in the message, so a typo fails at import, not at the first request. `auth` is checked by
 * `routeAuth(route)` (which `app.handle`, OpenAPI and infra call), not here: a Lambda bundle's route table stays lean.
 *
 * @example
 * const getUser = defineRoute({ method: 'GET', path: '/users/{id}', summary: 'Get a user' });
 * const createUser = defineRoute({ method: 'POST', path: '/users', body: v.object({ name: v.string() }) });
 * const deleteUser = defineRoute({ method: 'DELETE', path: '/users/{id}', auth: { cognito: { groups: ['admins'] } } });
 */
export function defineRoute<
  const P extends string,
  B extends StandardSchemaV1 | undefined = undefined,
  Q extends StandardSchemaV1 | undefined = undefined,
  const A extends RouteAuth | undefined = undefined,
>(spec: RouteSpec<P, B, Q, A>): RouteSpec<P, B, Q, A> {
  if (!HTTP_METHODS.includes(spec.method)) {
    throw new TypeError(`Route "${spec.method} ${spec.path}" has an unknown method: use one of ${HTTP_METHODS.join(', ')}`);
  }
  compilePath(spec.path);
  return Object.freeze({ ...spec });
}
