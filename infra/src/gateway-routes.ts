/**
 * The route table, seen from the gateway: what API Gateway needs to know about each route, derived once from the
 * API's route specs (imported as data, never the handler).
 */
import { queryParameters, routeAuth, toGatewayModel, type ResolvedAuth, type RouteSpec } from '@portico/http';

/** A route as the gateway constructs consume it. */
export interface GatewayRoute {
  readonly method: string;
  /** The resource path, e.g. `/orders/{id}`. */
  readonly path: string;
  /** A stable, readable name: the route's operationId, or method + path when it has none. */
  readonly name: string;
  readonly apiKeyRequired: boolean;
  /** The request body model (JSON Schema draft-04) when the route declares a body. */
  readonly bodyModel?: { readonly name: string; readonly schema: Readonly<Record<string, unknown>> };
  readonly queryParameters: readonly { readonly name: string; readonly required: boolean }[];
  readonly pathParameters: readonly string[];
  /** Query-string names that key the stage cache; empty when the route is not cached. */
  readonly cacheKeyParameters: readonly string[];
  /** Per-route cache TTL, when the route sets one. */
  readonly cacheTtlSeconds?: number;
  /** Who may call it (the method's authorization): `none` unless the route says otherwise. */
  readonly auth: ResolvedAuth;
}

/** Builds the gateway view of every route, in the table's order; throws on duplicates with the offending pair. */
export function gatewayRoutes(routes: readonly RouteSpec[]): GatewayRoute[] {
  const seen = new Set<string>();
  return routes.map((route) => {
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) throw new Error(`Route "${key}" appears twice in the route table: keep one`);
    seen.add(key);
    const name = route.operationId ?? `${route.method.toLowerCase()}${pascalCase(route.path)}`;
    const query = route.query ? queryParameters(route) : [];
    const cacheKeys = route.cache?.keyParameters ?? [];
    const unknownKey = cacheKeys.find((k) => !query.some((q) => q.name === k));
    if (unknownKey) {
      // A cache key must be a declared method request parameter, or API Gateway rejects the integration.
      throw new Error(`Route "${key}" caches on "${unknownKey}", which its query schema does not declare`);
    }
    return {
      method: route.method,
      path: route.path,
      name,
      apiKeyRequired: route.apiKeyRequired ?? false,
      ...(route.body
        ? { bodyModel: { name: `${pascalCase(name)}Body`, schema: toGatewayModel(route.body) as Record<string, unknown> } }
        : {}),
      queryParameters: query,
      pathParameters: [...route.path.matchAll(/\{([^}+]+)\+?\}/g)].map((m) => m[1]!),
      cacheKeyParameters: cacheKeys,
      auth: routeAuth(route),
      ...(route.cache?.ttlSeconds !== undefined ? { cacheTtlSeconds: route.cache.ttlSeconds } : {}),
    };
  });
}

/** `createOrder` → `CreateOrder`, `/orders/{id}` → `OrdersId` (API Gateway model names are alphanumeric). */
export function pascalCase(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
}
