/**
 * The router contract: register `(method, path, value)` once at start-up, then `match(method, path)` per request.
 * Implementations live in their own files and must all pass the shared behavioural suite (test/router.case.ts).
 */

/** What a router answers for one request. */
export type RouteMatch<T> =
  /** A route matched: its value, the route template and the decoded path parameters. */
  | { readonly status: 200; readonly value: T; readonly route: string; readonly params: Record<string, string> }
  /** The path matched no route. */
  | { readonly status: 404 }
  /** The path exists, but not for this method: `allow` lists the methods it has. */
  | { readonly status: 405; readonly allow: readonly string[] }
  /** A path parameter held a malformed %-escape; the client sent a bad URL. */
  | { readonly status: 400; readonly reason: string };

/**
 * A method + path router.
 *
 * @example
 * const router = createRouter<string>();
 * router.add('GET', '/users/{id}', 'getUser');
 * router.match('GET', '/users/42'); // { status: 200, value: 'getUser', route: '/users/{id}', params: { id: '42' } }
 */
export interface Router<T> {
  /** Registers a route; throws with the fix in the message for a bad path or a duplicate. */
  add(method: string, path: string, value: T): void;
  /** Finds the route for a percent-encoded request path (as API Gateway sends it). */
  match(method: string, path: string): RouteMatch<T>;
}
