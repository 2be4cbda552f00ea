import { compilePath, type Segment } from './path';
import type { RouteMatch, Router } from './types';

/** Methods a route may be registered for; `ANY` answers every method, like API Gateway's `ANY`. */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** A route with parameters: its segments and the values registered on it per method. */
interface Dynamic<T> {
  readonly route: string;
  readonly segments: readonly Segment[];
  readonly rank: string;
  readonly methods: Map<string, T>;
}

/**
 * Creates the router: static routes in one `Map` keyed by path (one lookup for the common case), routes with
 * parameters compiled once into segment lists and kept sorted by specificity (see `CompiledPath.rank`), so
 * `/users/me` beats `/users/{id}` beats `/{proxy+}`, the order API Gateway uses to pick a resource. Beyond the
 * contract (test/router.case.ts), two conveniences for a function invoked directly or behind an `ANY` method: `HEAD`
 * falls back to `GET`, and a path without the method answers 405 with the methods it has. Behind API Gateway a
 * method the resource does not declare never reaches the function (403 Missing Authentication Token). Written as
 * closures rather than a class so the minifier can shorten every internal name (this code ships in every Lambda).
 *
 * @example
 * const router = createRouter<string>();
 * router.add('GET', '/users/{id}', 'getUser');
 * router.add('ANY', '/files/{path+}', 'file');
 * router.match('GET', '/users/42'); // { status: 200, value: 'getUser', route: '/users/{id}', params: { id: '42' }, rawParams: { id: '42' } }
 * router.match('PUT', '/users/42'); // { status: 405, allow: ['GET', 'HEAD'] }
 */
export function createRouter<T>(): Router<T> {
  const statics = new Map<string, Map<string, T>>();
  const dynamics: Dynamic<T>[] = [];
  /** Parameter position (`/users/{}`) → its name, to refuse `/a/{id}` next to `/a/{key}/b` as API Gateway does. */
  const positions = new Map<string, string>();

  const add = (method: string, path: string, value: T): void => {
    const verb = String(method).toUpperCase();
    const fail = (why: string) => new TypeError(`Route "${verb} ${path}" ${why}`);
    if (!(HTTP_METHODS as readonly string[]).includes(verb)) throw fail(`has an unknown method: use one of ${HTTP_METHODS.join(', ')}`);
    const { route, segments, names, rank, positions: at } = compilePath(path);
    let methods = statics.get(route) ?? dynamics.find((d) => d.route === route)?.methods;
    if (!methods) {
      methods = new Map();
      if (names.length) {
        at.forEach((position, i) => {
          const known = positions.get(position) ?? names[i]!;
          if (known !== names[i]) {
            throw fail(`calls a parameter "{${names[i]}}" where another route calls it "{${known}}": use one name per position (API Gateway allows one variable per level)`);
          }
          positions.set(position, known);
        });
        dynamics.push({ route, segments, rank, methods });
        // Stable sort: equally specific routes keep registration order.
        dynamics.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
      } else {
        statics.set(route, methods);
      }
    }
    if (methods.has(verb)) throw fail('is already registered: remove or rename one of the two');
    methods.set(verb, value);
  };

  const match = (method: string, path: string): RouteMatch<T> => {
    const clean = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
    const allow: string[] = [];
    const encoded = clean.includes('%');
    const parts = dynamics.length || encoded ? clean.slice(1).split('/') : [];
    // A literal segment matches by meaning: `/hell%6F` is `/hello` (RFC 3986 §6.2.2.2). The path is split on raw "/"
    // first, so an encoded "%2F" never becomes a separator; a decoded part holding "/" can match no literal.
    const literals = encoded ? parts.map(decodeLiteral) : parts;
    const staticKey = encoded ? (literals.some((part) => part.includes('/')) ? undefined : `/${literals.join('/')}`) : clean;
    const found = staticKey === undefined ? undefined : statics.get(staticKey);
    const value = found && pick(found, method, allow);
    if (value !== undefined) return { status: 200, value, route: staticKey!, params: dictionary(), rawParams: dictionary() };
    for (const { segments, methods, route } of dynamics) {
      const value = fits(segments, parts, literals) ? pick(methods, method, allow) : undefined;
      if (value === undefined) continue;
      const params = dictionary();
      const rawParams = dictionary();
      let malformed: string | undefined;
      for (let i = 0; i < segments.length; i++) {
        const { name, greedy } = segments[i]!;
        if (name === undefined) continue;
        const raw = greedy ? parts.slice(i).join('/') : parts[i]!;
        rawParams[name] = raw;
        try {
          params[name] = raw.includes('%') ? decodeURIComponent(raw) : raw;
        } catch {
          malformed ??= name;
        }
      }
      if (malformed !== undefined) {
        return { status: 400, reason: `Path parameter "${malformed}" has a malformed percent-escape`, value, route, rawParams };
      }
      return { status: 200, value, route, params, rawParams };
    }
    if (!allow.length) return { status: 404 };
    if (allow.includes('GET')) allow.push('HEAD');
    return { status: 405, allow: [...new Set(allow)] };
  };

  return { add, match };
}

/** The value for a method: its own, else `ANY`'s, else for `HEAD` the `GET` one; otherwise lists the methods. */
function pick<T>(methods: Map<string, T>, method: string, allow: string[]): T | undefined {
  const value = methods.get(method) ?? methods.get('ANY') ?? (method === 'HEAD' ? methods.get('GET') : undefined);
  if (value === undefined) allow.push(...methods.keys());
  return value;
}

/**
 * Whether a request path (split on "/") has the shape of a route: literals compared decoded, parameters non-empty,
 * a greedy tail one or more segments.
 */
function fits(segments: readonly Segment[], parts: readonly string[], literals: readonly string[]): boolean {
  const n = segments.length;
  if (segments[n - 1]!.greedy ? parts.length < n : parts.length !== n) return false;
  for (let i = 0; i < n; i++) {
    const { name, value } = segments[i]!;
    if (name === undefined ? literals[i] !== value : !parts[i]) return false;
  }
  return true;
}

/** A segment as a literal compares it; a malformed escape can equal no literal, so it stays as sent. */
function decodeLiteral(part: string): string {
  if (!part.includes('%')) return part;
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** A null-prototype map: parameter names come from the route table, but nothing should inherit from Object. */
function dictionary(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}
