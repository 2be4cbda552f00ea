/**
 * Route-path grammar shared by `defineRoute` and the router, so a bad path fails the same way wherever it is
 * written: `/literal`, `/{name}` and a greedy `/{name+}` as the last segment (API Gateway's resource syntax).
 */

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

/** A route path checked and compiled for matching. */
export interface CompiledPath {
  /** The path as registered, without a trailing slash. */
  readonly route: string;
  /** Parameter names, in order. */
  readonly names: readonly string[];
  /** For each parameter, the path up to it with parameters written `{}`: `/users/{}` for `{id}` in `/users/{id}/x`. */
  readonly positions: readonly string[];
  /** Regular-expression source matching request paths; only for paths with parameters. */
  readonly source?: string;
  /**
   * Specificity: one digit per segment (literal 0, `{param}` 1, `{proxy+}` 2), then 3, so that comparing the
   * strings applies API Gateway's rule: at the first difference the more specific wins, and a longer path sorts
   * before its own prefix.
   */
  readonly rank: string;
}

const PARAM = /^\{([A-Za-z_][\w.-]*)(\+?)\}$/;

/**
 * Checks a route path and compiles it, throwing with the fix in the message when the path is not one API Gateway
 * would accept as a resource path. One trailing slash is tolerated (`/users/` is `/users`), as API Gateway does.
 *
 * @example
 * compilePath('/users/{id}'); // { route: '/users/{id}', names: ['id'], source: '^/users/([^/]+)$', rank: '013', … }
 */
export function compilePath(path: string): CompiledPath {
  const fail = (why: string) => new TypeError(`Route path "${path}" ${why}`);
  if (typeof path !== 'string' || path[0] !== '/') throw fail(`must start with "/": write "/${path}"`);
  const parts = path === '/' ? [] : path.slice(1).replace(/\/$/, '').split('/');
  const names: string[] = [];
  const positions: string[] = [];
  let source = '';
  let rank = '';
  let shape = '';
  parts.forEach((part, index) => {
    if (!part) throw fail('has an empty segment ("//"): remove the extra "/"');
    const [, name, greedy] = PARAM.exec(part) ?? [];
    if (!name) {
      if (/[{}]/.test(part)) {
        throw fail(`has bad braces or an invalid parameter name in "${part}": write a whole segment like "/{id}" (letters, digits, "_")`);
      }
      source += '/' + part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      rank += 0;
      shape += '/' + part;
      return;
    }
    if (names.includes(name)) throw fail(`uses "{${name}}" twice: rename one`);
    if (greedy && index < parts.length - 1) throw fail(`has "{${name}+}" before the end: a greedy parameter must be last`);
    names.push(name);
    positions.push((shape += '/{}'));
    source += greedy ? '/(.+)' : '/([^/]+)';
    rank += greedy ? 2 : 1;
  });
  return { route: '/' + parts.join('/'), names, positions, source: names.length ? `^${source}$` : undefined, rank: rank + 3 };
}
