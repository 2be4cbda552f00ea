/**
 * The request a handler sees. It is built from the API Gateway event by the converters in `aws/`, and never
 * exposes the event itself, so handlers stay portable and tests stay readable.
 */

type RawHeaders = Readonly<Record<string, unknown>> | null | undefined;

/**
 * Case-insensitive, read-only request headers over the event's `multiValueHeaders` (which keep repeats), falling
 * back to `headers` for names the multi-value map lacks. Repeated headers are joined with ", " by `get` (RFC 9110
 * list semantics). Lookups scan the event's own maps instead of copying them: a request reads two or three headers,
 * so building a lower-cased copy of all of them would be most of the routing cost. Deliberately not the global
 * `Headers`: its first use loads Node's fetch stack, which costs cold-start time.
 */
export class HeaderMap {
  readonly #single: RawHeaders;
  readonly #multi: RawHeaders;

  /**
   * @example
   * const headers = new HeaderMap({ 'Content-Type': 'application/json' }, { 'Content-Type': ['application/json'] });
   */
  constructor(single?: RawHeaders, multi?: RawHeaders) {
    this.#single = single && typeof single === 'object' ? single : undefined;
    this.#multi = multi && typeof multi === 'object' ? multi : undefined;
  }

  /**
   * The header's value, or `undefined`.
   *
   * @example
   * req.headers.get('Content-Type'); // 'application/json'
   */
  get(name: string): string | undefined {
    const wanted = name.toLowerCase();
    let joined: string | undefined;
    const multi = this.#multi;
    for (const key in multi) {
      if (key.length !== wanted.length || key.toLowerCase() !== wanted) continue;
      const list: unknown = multi[key];
      if (!Array.isArray(list)) continue;
      for (const value of list) {
        if (typeof value === 'string') joined = joined === undefined ? value : `${joined}, ${value}`;
      }
    }
    if (joined !== undefined) return joined;
    const single = this.#single;
    for (const key in single) {
      if (key.length !== wanted.length || key.toLowerCase() !== wanted) continue;
      const value = single[key];
      if (typeof value === 'string') return value;
    }
    return undefined;
  }

  /** Every value of a repeated header, e.g. `cookie` or `x-forwarded-for` sent twice. */
  getAll(name: string): readonly string[] {
    const wanted = name.toLowerCase();
    const found: string[] = [];
    const multi = this.#multi;
    for (const key in multi) {
      if (key.length !== wanted.length || key.toLowerCase() !== wanted) continue;
      const list: unknown = multi[key];
      if (Array.isArray(list)) for (const value of list) if (typeof value === 'string') found.push(value);
    }
    if (found.length > 0) return found;
    const value = this.get(name);
    return value === undefined ? found : [value];
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** `[name, value]` pairs with lower-cased names. */
  *entries(): IterableIterator<[string, string]> {
    const names = new Set<string>();
    for (const key in this.#multi) names.add(key.toLowerCase());
    for (const key in this.#single) names.add(key.toLowerCase());
    for (const name of names) {
      const value = this.get(name);
      if (value !== undefined) yield [name, value];
    }
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/**
 * A request as handlers see it.
 *
 * @example
 * app.handle(routes.getUser, async (req) => json(await store.get(req.params.id)));
 */
export interface PorticoRequest<
  Params = Record<string, string>,
  Body = unknown,
  Query = Record<string, string>,
> {
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
