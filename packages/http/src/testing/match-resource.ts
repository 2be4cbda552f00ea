import type { AnyRouteSpec } from '../route';
import { createRouter } from '../router/pattern-router';

/** The API Gateway resource a path hits, with its path parameters as API Gateway passes them (still encoded). */
export interface ResourceMatch {
  readonly resource: string;
  readonly pathParameters: Record<string, string> | undefined;
}

/**
 * Finds which route template a request path belongs to, the way API Gateway picks a resource.
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
  const match = router.match('GET', path);
  if (match.status !== 200) return undefined;
  return { resource: match.value, pathParameters: rawParams(match.value, path) };
}

/** Path parameters of `resource` read from `path`, still percent-encoded. */
export function rawParams(resource: string, path: string): Record<string, string> | undefined {
  if (!resource.includes('{')) return undefined;
  const templates = resource.split('/');
  const parts = path.split('/');
  const params: Record<string, string> = {};
  for (let i = 0; i < templates.length; i++) {
    const template = templates[i]!;
    if (!template.startsWith('{')) continue;
    if (template.endsWith('+}')) {
      params[template.slice(1, -2)] = parts.slice(i).join('/');
      break;
    }
    params[template.slice(1, -1)] = parts[i] ?? '';
  }
  return params;
}
