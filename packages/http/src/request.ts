/**
 * The request a handler sees. It is built from the API Gateway event by the converters in `aws/`, and never
 * exposes the event itself, so handlers stay portable and tests stay readable.
 */

type RawHeaders = Readonly<Record<string, unknown>> | null | undefined;

/**
 * Case-insensitive, read-only request headers over the event's `multiValueHeaders` (which keep repeats), falling
 * back to `headers` when the multi-value map lacks a name. Repeated headers are joined with ", " by `get` (RFC 9110
 * list semantics). Lookups scan the event's own maps instead of copying them: a request reads two or three headers,
 * so building a lower-cased copy of all of them would be most of the routing cost. Deliberately not the global
 * `Headers`: its first use loads Node's fetch stack, which costs cold-start time.
 *
 * @example
 * const headers = new HeaderMap({ 'Content-Type': 'application/json' }, { 'Content-Type': ['application/json'] });
 * headers.get('content-type'); // 'application/json'
 */
export class HeaderMap {
  readonly #single: RawHeaders;
  readonly #multi: RawHeaders;

  constructor(single?: RawHeaders, multi?: RawHeaders) {
    this.#single = single;
    this.#multi = multi;
  }

  /** Every value of a header, e.g. `cookie` or `x-forwarded-for` sent twice; `[]` when absent. */
  getAll(name: string): string[] {
    const wanted = name.toLowerCase();
    const found: string[] = [];
    for (const key in this.#multi) {
      const list = this.#multi![key];
      if (key.toLowerCase() === wanted && Array.isArray(list)) for (const value of list) if (typeof value === 'string') found.push(value);
    }
    if (found.length) return found;
    // Only the single-value map has it (or nothing does): its one value, as `get` reads it.
    const value = this.get(name);
    return value === undefined ? [] : [value];
  }

  /**
   * The header's value (repeats joined with ", "), or `undefined`: from the multi-value map, or from the single one
   * when the multi-value map has none. `for…in` over null or a non-object is a no-op, so a malformed event cannot
   * make this throw. Runs on every request: plain loops, no callbacks, no arrays.
   *
   * @example
   * req.headers.get('Content-Type'); // 'application/json'
   */
  get(name: string): string | undefined {
    const wanted = name.toLowerCase();
    let joined: string | undefined;
    const multi = this.#multi;
    for (const key in multi) {
      const list = multi[key];
      if (key.length !== wanted.length || !Array.isArray(list) || key.toLowerCase() !== wanted) continue;
      for (const value of list) if (typeof value === 'string') joined = joined === undefined ? value : `${joined}, ${value}`;
    }
    if (joined !== undefined) return joined;
    const single = this.#single;
    for (const key in single) {
      const value = single[key];
      if (key.length === wanted.length && typeof value === 'string' && key.toLowerCase() === wanted) return value;
    }
    return undefined;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }
}

/**
 * A request as handlers see it. `query`, `multiQuery` and `rawBody` are computed on first read (getters), so
 * destructure or read them; an object spread (`{ ...req }`) does not copy them.
 *
 * @example
 * app.handle(routes.getUser, async (req) => json(await store.get(req.params.id)));
 */
export interface PorticoRequest<Params = Record<string, string>, Body = unknown, Query = Record<string, string>> {
  readonly method: string;
  /** The request path, percent-decoded, without the stage. */
  readonly path: string;
  /** The matched route template, e.g. `/users/{id}`. */
  readonly resource: string;
  /** Path parameters, percent-decoded. */
  readonly params: Params;
  /** Query string, one value per key (the last one when repeated); the validated object when the route has a schema. */
  readonly query: Query;
  /** Every value of every query key. */
  readonly multiQuery: Readonly<Record<string, readonly string[]>>;
  readonly headers: HeaderMap;
  /** The body, parsed and validated by the route's schema; `undefined` for routes without one. */
  readonly body: Body;
  /** The raw body bytes (base64 already decoded), or `undefined` when the request had none. */
  readonly rawBody: Buffer | undefined;
  readonly requestId: string;
  readonly stage: string;
  readonly sourceIp: string;
  /** The API key id API Gateway matched, when the method requires one. */
  readonly apiKeyId?: string;
}
