/**
 * The router contract: register `(method, path, value)` once at start-up, then `match(method, path)` per request,
 * choosing a route the way API Gateway chooses a resource. Two implementations keep it: `createRouter` here (small,
 * for Lambda bundles) and the local gateway's resource matcher; both pass the shared behavioural suite
 * (test/router.case.ts), so a path reaches the same route in the function and in front of it.
 *
 * The rules (API Gateway's, see the local gateway's README for their sources): the path splits on a raw `/` only (an
 * encoded `%2F` stays inside its segment); a literal segment matches by meaning (`hell%6F` is `hello`); a literal
 * beats `{param}`, which beats a greedy `{proxy+}`, compared from the left, and a branch that dead-ends, or lacks the
 * method, falls back to the next choice; an exact method beats `ANY`; one trailing slash is ignored.
 */

/** What a router answers for one request. */
export type RouteMatch<T> =
  /**
   * A route matched: its value, the route template, the decoded path parameters, and the same parameters as sent
   * (percent-encoded: API Gateway's `pathParameters`).
   */
  | {
      readonly status: 200;
      readonly value: T;
      readonly route: string;
      readonly params: Record<string, string>;
      readonly rawParams: Record<string, string>;
    }
  /** The path matched no route. */
  | { readonly status: 404 }
  /** The path exists, but not for this method: `allow` lists the methods it has. */
  | { readonly status: 405; readonly allow: readonly string[] }
  /**
   * A route matched but a path parameter holds a malformed %-escape, so it has no decoded value. API Gateway still
   * passes such a parameter on as sent (`rawParams`); an app answers 400.
   */
  | { readonly status: 400; readonly reason: string; readonly value: T; readonly route: string; readonly rawParams: Record<string, string> };

/**
 * A method + path router. Parameter maps are null-prototype objects.
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
