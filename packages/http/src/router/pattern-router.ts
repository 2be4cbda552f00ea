import { parseRoutePath, type Segment } from './path';
import type { RouteMatch, Router } from './types';

/** Methods a route may be registered for; `ANY` answers every method, like API Gateway's `ANY`. */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** One route path and the values registered on it per method. */
interface Pattern<T> {
  readonly route: string;
  readonly segments: readonly Segment[];
  readonly byMethod: Map<string, T>;
}

const RANK = { static: 0, param: 1, proxy: 2 } as const;

/**
 * Specificity rule, segment by segment from the left: a literal beats `{param}`, which beats `{proxy+}`; at the
 * first difference the more specific route wins, and when one path is a prefix of the other the longer one wins.
 * This is the order API Gateway uses to pick a resource, so `/users/me` beats `/users/{id}` beats `/{proxy+}`.
 */
function bySpecificity<T>(a: Pattern<T>, b: Pattern<T>): number {
  for (let i = 0; ; i++) {
    const left = a.segments[i];
    const right = b.segments[i];
    if (!left || !right) return left ? -1 : right ? 1 : 0;
    const diff = RANK[left.kind] - RANK[right.kind];
    if (diff) return diff;
  }
}

/**
 * Creates the router: static routes in one `Map` keyed by path (one lookup for the common case, on a string whose
 * hash the engine already caches), dynamic routes compiled once into segment lists and kept sorted by
 * {@link bySpecificity}. Written as closures rather than a class so the minifier can shorten every internal name
 * (this code ships in every Lambda bundle).
 *
 * @example
 * const router = createRouter<string>();
 * router.add('GET', '/users/{id}', 'getUser');
 * router.add('ANY', '/files/{path+}', 'file');
 * router.match('GET', '/users/42'); // { status: 200, value: 'getUser', route: '/users/{id}', params: { id: '42' } }
 * router.match('PUT', '/users/42'); // { status: 405, allow: ['GET', 'HEAD'] }
 */
export function createRouter<T>(): Router<T> {
  const statics = new Map<string, Pattern<T>>();
  const patterns: Pattern<T>[] = [];
  /** Normalised prefix (params as `{}`) → the parameter name used there, to refuse `/a/{id}` next to `/a/{key}/b`. */
  const paramNames = new Map<string, string>();

  const add = (method: string, path: string, value: T): void => {
    const verb = String(method).toUpperCase();
    if (!(HTTP_METHODS as readonly string[]).includes(verb)) {
      throw new TypeError(`Route "${method} ${path}" has an unknown method: use one of ${HTTP_METHODS.join(', ')}`);
    }
    const segments = parseRoutePath(path);
    const route = '/' + segments.map(show).join('/');
    let pattern = statics.get(route) ?? patterns.find((p) => p.route === route);
    if (!pattern) {
      pattern = { route, segments, byMethod: new Map() };
      if (segments.every((s) => s.kind === 'static')) {
        statics.set(route, pattern);
      } else {
        let prefix = '';
        for (const segment of segments) {
          if (segment.kind === 'static') {
            prefix += '/' + segment.value;
            continue;
          }
          prefix += '/{}';
          const existing = paramNames.get(prefix);
          if (existing !== undefined && existing !== segment.name) {
            throw new TypeError(
              `Route "${verb} ${route}" calls a parameter "{${segment.name}}" where another route calls it ` +
                `"{${existing}}": use one name per position (API Gateway allows one variable per level)`,
            );
          }
          paramNames.set(prefix, segment.name);
        }
        patterns.push(pattern);
        // Stable sort: equally specific routes keep registration order.
        patterns.sort(bySpecificity);
      }
    }
    if (pattern.byMethod.has(verb)) {
      throw new TypeError(`Route "${verb} ${route}" is already registered: remove or rename one of the two`);
    }
    pattern.byMethod.set(verb, value);
  };

  const match = (method: string, path: string): RouteMatch<T> => {
    const clean = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
    let allow: string[] = [];
    const found = statics.get(clean);
    if (found) {
      const value = pick(found.byMethod, method);
      if (value !== undefined) return { status: 200, value, route: clean, params: {} };
      allow = [...found.byMethod.keys()];
    }
    if (patterns.length > 0) {
      const parts = clean.slice(1).split('/');
      for (const pattern of patterns) {
        if (!fits(pattern.segments, parts)) continue;
        const value = pick(pattern.byMethod, method);
        if (value === undefined) {
          allow.push(...pattern.byMethod.keys());
          continue;
        }
        const params: Record<string, string> = {};
        const segments = pattern.segments;
        for (let i = 0; i < segments.length; i++) {
          const segment = segments[i]!;
          if (segment.kind === 'static') continue;
          const raw = segment.kind === 'proxy' ? parts.slice(i).join('/') : parts[i]!;
          try {
            params[segment.name] = raw.includes('%') ? decodeURIComponent(raw) : raw;
          } catch {
            return { status: 400, reason: `Path parameter "${segment.name}" has a malformed percent-escape` };
          }
        }
        return { status: 200, value, route: pattern.route, params };
      }
    }
    if (allow.length === 0) return { status: 404 };
    const methods = new Set(allow);
    if (methods.has('GET')) methods.add('HEAD');
    return { status: 405, allow: [...methods] };
  };

  return { add, match };
}

/** The value for a method: its own, else `ANY`'s, else for `HEAD` the `GET` one. */
function pick<T>(byMethod: Map<string, T>, method: string): T | undefined {
  return byMethod.get(method) ?? byMethod.get('ANY') ?? (method === 'HEAD' ? byMethod.get('GET') : undefined);
}

function show(segment: Segment): string {
  return segment.kind === 'static' ? segment.value : segment.kind === 'param' ? `{${segment.name}}` : `{${segment.name}+}`;
}

/** Whether a request path (split on "/") has the shape of a route; a greedy tail needs one non-empty segment. */
function fits(segments: readonly Segment[], parts: readonly string[]): boolean {
  const greedy = segments[segments.length - 1]?.kind === 'proxy';
  if (greedy ? parts.length < segments.length : parts.length !== segments.length) return false;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const part = parts[i]!;
    if (segment.kind === 'static' ? part !== segment.value : part === '') return false;
  }
  return true;
}
