import { compilePath, type PathParams } from './router/path';
import { HTTP_METHODS, type HttpMethod } from './router/pattern-router';
import type { StandardSchemaV1 } from './schema/standard';

/** Stage-cache settings for a GET route: which query-string names form the cache key, and for how long. */
export interface RouteCache {
  readonly keyParameters: readonly string[];
  readonly ttlSeconds?: number;
}

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
  readonly cache?: RouteCache;
  readonly responses?: Readonly<Record<number, RouteResponse>>;
}

/** Any route spec, whatever its schemas. */
export type AnyRouteSpec = RouteSpec<string, StandardSchemaV1 | undefined, StandardSchemaV1 | undefined>;

/** The path parameters of a route spec. */
export type RouteParams<R> = R extends { readonly path: infer P extends string } ? PathParams<P> : never;

/**
 * Declares a route. Checks the method and path now (leading `/`, whole-segment parameters, `{proxy+}` only last)
 * and throws with the fix in the message, so a typo fails at import, not at the first request.
 *
 * @example
 * const getUser = defineRoute({ method: 'GET', path: '/users/{id}', summary: 'Get a user' });
 * const createUser = defineRoute({ method: 'POST', path: '/users', body: v.object({ name: v.string() }) });
 */
export function defineRoute<
  const P extends string,
  B extends StandardSchemaV1 | undefined = undefined,
  Q extends StandardSchemaV1 | undefined = undefined,
>(spec: RouteSpec<P, B, Q>): RouteSpec<P, B, Q> {
  if (!HTTP_METHODS.includes(spec.method)) {
    throw new TypeError(`Route "${spec.method} ${spec.path}" has an unknown method: use one of ${HTTP_METHODS.join(', ')}`);
  }
  compilePath(spec.path);
  return Object.freeze({ ...spec });
}
