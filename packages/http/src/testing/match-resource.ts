import type { AnyRouteSpec } from '../route';
import { createRouter } from '../router/pattern-router';

/** The API Gateway resource a path hits, with its path parameters as API Gateway passes them (still encoded). */
export interface ResourceMatch {
  readonly resource: string;
  readonly pathParameters: Record<string, string> | undefined;
}

/**
 * Finds which route template a request path belongs to, the way API Gateway picks a resource (the router contract's
 * rules, so the answer is the local gateway's too).
 *
 * @example
 * matchResource(routes, '/users/a%2Fb'); // { resource: '/users/{id}', pathParameters: { id: 'a%2Fb' } }
 */
export function matchResource(
  routes: readonly AnyRouteSpec[] | Readonly<Record<string, AnyRouteSpec>>,
  path: string,
): ResourceMatch | undefined {
  const router = createRouter<string>();
  const seen = new Set<string>();
  for (const route of Array.isArray(routes) ? routes : Object.values(routes)) {
    if (seen.has(route.path)) continue;
    seen.add(route.path);
    router.add('ANY', route.path, route.path);
  }
  return resourceOf(router.match('GET', path));
}

/**
 * The path parameters of `resource` read from `path`, still percent-encoded; undefined for a resource without any
 * or a path that is not one of its.
 *
 * @example
 * paramsOf('/files/{proxy+}', '/files/a/b%20c'); // { proxy: 'a/b%20c' }
 */
export function paramsOf(resource: string, path: string): Record<string, string> | undefined {
  if (!resource.includes('{')) return undefined;
  const router = createRouter<string>();
  router.add('ANY', resource, resource);
  return resourceOf(router.match('GET', path))?.pathParameters;
}

function resourceOf(match: ReturnType<ReturnType<typeof createRouter<string>>['match']>): ResourceMatch | undefined {
  if (match.status !== 200 && match.status !== 400) return undefined;
  const names = Object.keys(match.rawParams);
  return { resource: match.route, pathParameters: names.length > 0 ? { ...match.rawParams } : undefined };
}
