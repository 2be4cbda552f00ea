/**
 * The two requests of the app core: the {@link InboundRequest} a transport adapter hands in (for Lambda, the v1
 * proxy converter in `aws/`), and the {@link PorticoRequest} a handler sees once the core has routed it. Neither
 * exposes an API Gateway event, so handlers stay portable and tests stay readable.
 */
import type { RequestAuth } from './auth';
import { clientError } from './errors';

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
      if (key.length !== wanted.length || key.toLowerCase() !== wanted) continue;
      const list = multi[key];
      if (!Array.isArray(list)) continue;
      for (let i = 0; i < list.length; i++) {
        const value: unknown = list[i];
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
export interface PorticoRequest<Params = Record<string, string>, Body = unknown, Query = Record<string, string>, Auth = RequestAuth | undefined> {
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
  /**
   * Who called, typed by the route's `auth`: `{ kind: 'cognito', sub, username, groups, scopes, claims }`,
   * `{ kind: 'lambda', principalId, context }` or `{ kind: 'iam', caller, user, userArn, accessKey, accountId }`;
   * `undefined` on an open route. A protected route's handler never runs without it.
   */
  readonly auth: Auth;
}

/**
 * A request as a transport hands it to the app core (`app.dispatch`): what the client sent, plus the route when the
 * transport already matched one (API Gateway passes the matched `resource` and its `pathParameters`). Adapters may
 * implement the costly fields as getters: the core reads `query`, `multiQuery` and `body` only when a route needs them.
 *
 * @example
 * const res = await app.dispatch({
 *   method: 'GET', path: '/users/42', headers: new HeaderMap({ accept: 'application/json' }),
 *   query: {}, multiQuery: {}, body: undefined, requestId: 'r-1', stage: 'dev', sourceIp: '127.0.0.1',
 * });
 */
export interface InboundRequest {
  /** Upper case. */
  readonly method: string;
  /** The path as sent (percent-encoded), without the stage; starts with `/`. */
  readonly path: string;
  /** The route template the transport matched, e.g. `/users/{id}`; absent when it routed nothing. */
  readonly resource?: string;
  /** That template's parameters, percent-encoded as sent (API Gateway's `pathParameters`). */
  readonly rawParams?: Readonly<Record<string, string | null | undefined>> | null;
  readonly headers: HeaderMap;
  /** Decoded query values, the last one per repeated key; a null-prototype map. */
  readonly query: Record<string, string>;
  /** Every decoded value per query key; a null-prototype map. */
  readonly multiQuery: Record<string, string[]>;
  /** The body as sent: text, or bytes (a binary body, already base64-decoded); `undefined` without one. */
  readonly body: string | Uint8Array | undefined;
  readonly requestId: string;
  readonly stage: string;
  readonly sourceIp: string;
  readonly apiKeyId?: string;
  /**
   * What the gateway's authorizer established, shaped as API Gateway's `requestContext.authorizer` for a proxy
   * integration: a Cognito authorizer's `{ claims }`, or a Lambda authorizer's `principalId` with its context
   * values beside it. Read only for routes that declare `auth`.
   */
  readonly authorizer?: Readonly<Record<string, unknown>> | null;
  /** The caller, shaped as `requestContext.identity` (`caller`, `userArn`, `accessKey`, `accountId` for AWS_IAM). */
  readonly identity?: Readonly<Record<string, unknown>> | null;
}

/**
 * Percent-decodes a whole request path; a malformed escape is the client's mistake (400), not a crash.
 *
 * @example
 * decodePath('/users/J%C3%BCrgen'); // '/users/Jürgen'
 */
export function decodePath(path: string): string {
  try {
    return path.includes('%') ? decodeURIComponent(path) : path;
  } catch {
    throw clientError(400, 'The request path has a malformed percent-escape', 'MALFORMED_PATH');
  }
}

/**
 * The {@link PorticoRequest} the core builds from an inbound request and its route. A class rather than an object
 * literal so what most handlers never read (the decoded path, the body bytes, the request context) is computed on
 * first read, while every request still shares one object shape.
 */
export class RoutedRequest implements PorticoRequest {
  // `declare`d and assigned in the constructor: a class field would be defined, then written, on every request.
  declare readonly method: string;
  declare readonly headers: HeaderMap;
  declare readonly resource: string;
  declare readonly params: Record<string, string>;
  declare readonly auth: RequestAuth | undefined;
  /** The core stores the route's validated body here. */
  declare body: unknown;
  readonly #inbound: InboundRequest;
  #path: string | undefined;
  #query: Record<string, string> | undefined;
  #bytes: Buffer | undefined | null = null;

  constructor(inbound: InboundRequest, resource: string, params: Record<string, string>, auth?: RequestAuth) {
    this.#inbound = inbound;
    this.method = inbound.method;
    this.headers = inbound.headers;
    this.resource = resource;
    this.params = params;
    this.auth = auth;
    this.body = undefined;
  }

  get requestId(): string {
    return this.#inbound.requestId;
  }

  get stage(): string {
    return this.#inbound.stage;
  }

  get sourceIp(): string {
    return this.#inbound.sourceIp;
  }

  get apiKeyId(): string | undefined {
    return this.#inbound.apiKeyId;
  }

  get path(): string {
    return (this.#path ??= decodePath(this.#inbound.path));
  }

  get query(): Record<string, string> {
    return this.#query ?? this.#inbound.query;
  }

  /** The core stores the route's validated query here. */
  set query(value: Record<string, string>) {
    this.#query = value;
  }

  get multiQuery(): Record<string, string[]> {
    return this.#inbound.multiQuery;
  }

  get rawBody(): Buffer | undefined {
    if (this.#bytes !== null) return this.#bytes;
    const body = this.#inbound.body;
    return (this.#bytes =
      body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  }
}
