/**
 * Route-path grammar shared by `defineRoute` and the router, so a bad path fails the same way wherever it is
 * written: `/literal`, `/{name}` and a greedy `/{name+}` as the last segment (API Gateway's resource syntax).
 */

/** One segment of a compiled route path. */
export type Segment =
  | { readonly kind: 'static'; readonly value: string }
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'proxy'; readonly name: string };

/** The path-parameter names of a route path, as a union. */
type ParamNames<P extends string> = P extends `${string}{${infer Name}}${infer Rest}`
  ? (Name extends `${infer Greedy}+` ? Greedy : Name) | ParamNames<Rest>
  : never;

/**
 * The typed path parameters of a route path: `{id}` and `{proxy+}` both become a `string` key.
 *
 * @example
 * type P = PathParams<'/users/{id}/files/{path+}'>; // { id: string; path: string }
 */
export type PathParams<P extends string> = { [K in ParamNames<P>]: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * Splits a route path into segments, throwing with the fix in the message when the path is not one API Gateway
 * would accept as a resource path.
 *
 * @example
 * parseRoutePath('/users/{id}'); // [{ kind: 'static', value: 'users' }, { kind: 'param', name: 'id' }]
 */
export function parseRoutePath(path: string): Segment[] {
  const fail = (why: string) => new TypeError(`Route path "${String(path)}" ${why}`);
  if (typeof path !== 'string' || path[0] !== '/') throw fail(`must start with "/": write "/${String(path)}"`);
  if (path === '/') return [];
  const parts = path.slice(1).split('/');
  // One trailing slash is tolerated ("/users/" is "/users"), as API Gateway does.
  if (parts[parts.length - 1] === '') parts.pop();
  const seen = new Set<string>();
  return parts.map((part, index): Segment => {
    if (part === '') throw fail('has an empty segment ("//"): remove the extra "/"');
    if (!/[{}]/.test(part)) return { kind: 'static', value: part };
    const [, name, greedy] = /^\{([^{}]*?)(\+?)\}$/.exec(part) ?? [];
    if (name === undefined) throw fail(`has bad braces in "${part}": a parameter is a whole segment, like "/{id}"`);
    if (!NAME.test(name)) throw fail(`has an invalid parameter name "${name}": use letters, digits and "_"`);
    if (seen.has(name)) throw fail(`uses "{${name}}" twice: rename one`);
    seen.add(name);
    if (greedy && index !== parts.length - 1) throw fail(`has "{${name}+}" before the end: a greedy parameter must be last`);
    return greedy ? { kind: 'proxy', name } : { kind: 'param', name };
  });
}
