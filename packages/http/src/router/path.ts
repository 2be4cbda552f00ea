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

/** One segment of a compiled route path: a literal (`name` undefined), `{name}`, or a greedy `{name+}`. */
export interface Segment {
  /** The segment as written, e.g. `users` or `{id}`. */
  readonly value: string;
  readonly name?: string;
  /** A greedy `{name+}` takes the rest of the path (one or more segments). */
  readonly greedy?: boolean;
}

/** A route path checked and compiled for matching. */
export interface CompiledPath {
  /** The path as registered, without a trailing slash. */
  readonly route: string;
  readonly segments: readonly Segment[];
  /** Parameter names, in order. */
  readonly names: readonly string[];
  /** For each parameter, the path up to it with parameters written `{}`: `/users/{}` for `{id}` in `/users/{id}/x`. */
  readonly positions: readonly string[];
  /**
   * Specificity: one digit per segment (literal 0, `{param}` 1, `{proxy+}` 2), then 3, so that comparing the
   * strings applies API Gateway's rule: at the first difference the more specific wins, and a longer path sorts
   * before its own prefix.
   */
  readonly rank: string;
}

/**
 * Checks a route path and compiles it, throwing with the fix in the message when the path is not one API Gateway
 * would accept as a resource path. One trailing slash is tolerated (`/users/` is `/users`), as API Gateway does.
 * No regular expressions: each one costs tens of microseconds to compile on first use, and this runs at cold start.
 *
 * @example
 * compilePath('/users/{id}'); // { route: '/users/{id}', names: ['id'], rank: '013', … }
 */
export function compilePath(path: string): CompiledPath {
  const fail = (why: string) => new TypeError(`Route path "${path}" ${why}`);
  if (typeof path !== 'string' || path[0] !== '/') throw fail(`must start with "/": write "/${path}"`);
  let rest = path.slice(1);
  if (rest.length > 1 && rest.endsWith('/')) rest = rest.slice(0, -1);
  const parts = rest ? rest.split('/') : [];
  const segments: Segment[] = [];
  const names: string[] = [];
  const positions: string[] = [];
  let rank = '';
  let shape = '';
  parts.forEach((value, index) => {
    if (!value) throw fail('has an empty segment ("//"): remove the extra "/"');
    const param = value[0] === '{' && value.endsWith('}');
    if (!param) {
      if (value.includes('{') || value.includes('}')) throw badBraces(value);
      segments.push({ value });
      rank += 0;
      shape += '/' + value;
      return;
    }
    const greedy = value.endsWith('+}');
    const name = value.slice(1, greedy ? -2 : -1);
    if (!isName(name)) throw badBraces(value);
    if (names.includes(name)) throw fail(`uses "{${name}}" twice: rename one`);
    if (greedy && index < parts.length - 1) throw fail(`has "{${name}+}" before the end: a greedy parameter must be last`);
    segments.push({ value, name, greedy });
    names.push(name);
    positions.push((shape += '/{}'));
    rank += greedy ? 2 : 1;
  });
  return { route: '/' + parts.join('/'), segments, names, positions, rank: rank + 3 };

  function badBraces(value: string): TypeError {
    return fail(`has bad braces or an invalid parameter name in "${value}": write a whole segment like "/{id}" (letters, digits, "_")`);
  }
}

/** A parameter name API Gateway accepts: a letter or `_`, then letters, digits, `_`, `.` or `-`. */
function isName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i) | 32; // lower-cases ASCII letters; leaves digits, '_' (95), '.' and '-' apart
    const letter = c >= 97 && c <= 122;
    if (!(letter || name[i] === '_' || (i > 0 && ((c >= 48 && c <= 57) || name[i] === '.' || name[i] === '-')))) return false;
  }
  return name.length > 0;
}
