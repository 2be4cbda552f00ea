/**
 * Pure converters between the API Gateway v1 proxy event and Portico's request. Handlers never see the event.
 * Nothing here touches the global `Request`/`Response`/`Headers`: loading Node's fetch stack costs cold start.
 * Every read tolerates a malformed event (wrong types, missing maps): bad input is a 4xx, never a crash.
 */
import { clientError } from '../errors';
import { HeaderMap, type PorticoRequest } from '../request';
import type { ProxyEvent } from './types';

/** Default body limit: 1 MiB of decoded bytes. */
export const DEFAULT_BODY_LIMIT = 1_048_576;

/**
 * Reads the event's headers case-insensitively, honouring `multiValueHeaders`.
 *
 * @example
 * readHeaders({ headers: { 'Content-Type': 'application/json' } }).get('content-type'); // 'application/json'
 */
export function readHeaders(event: ProxyEvent): HeaderMap {
  return new HeaderMap(event.headers, event.multiValueHeaders);
}

/**
 * Reads the query string: one value per key (the last when repeated, as API Gateway does) and every value per key.
 * Null prototypes, so `?__proto__=x` is a plain key rather than a prototype swap.
 *
 * @example
 * readQuery({ multiValueQueryStringParameters: { tag: ['a', 'b'] } });
 * // { query: { tag: 'b' }, multiQuery: { tag: ['a', 'b'] } }
 */
export function readQuery(event: ProxyEvent): { query: Record<string, string>; multiQuery: Record<string, string[]> } {
  const query: Record<string, string> = Object.create(null);
  const multiQuery: Record<string, string[]> = Object.create(null);
  const multi = event.multiValueQueryStringParameters;
  for (const name in multi) {
    const list: unknown = multi[name];
    const values = Array.isArray(list) ? list.filter((v): v is string => typeof v === 'string') : [];
    if (values.length) {
      multiQuery[name] = values;
      query[name] = values[values.length - 1]!;
    }
  }
  // The single-value map fills in names the multi-value map lacks (hand-written events often have only it).
  const single = event.queryStringParameters;
  for (const name in single) {
    const value: unknown = single[name];
    if (typeof value === 'string' && !(name in query)) {
      multiQuery[name] = [value];
      query[name] = value;
    }
  }
  return { query, multiQuery };
}

/**
 * Decodes the body to bytes (base64 when `isBase64Encoded`), refusing more than `limit` decoded bytes with 413.
 *
 * @example
 * readBody({ body: 'aGk=', isBase64Encoded: true }, 1024)?.toString(); // 'hi'
 */
export function readBody(event: ProxyEvent, limit: number): Buffer | undefined {
  checkBodySize(event, limit);
  return decodeBody(event);
}

/** The body's bytes (base64 decoded when `isBase64Encoded`), or `undefined` without one. */
function decodeBody(event: ProxyEvent): Buffer | undefined {
  const body = event.body;
  return typeof body === 'string' && body ? Buffer.from(body, event.isBase64Encoded === true ? 'base64' : 'utf8') : undefined;
}

/** Refuses a body over `limit` decoded bytes with 413, without decoding it. */
function checkBodySize(event: ProxyEvent, limit: number): void {
  const body = event.body;
  if (typeof body !== 'string') return;
  const base64 = event.isBase64Encoded === true;
  // UTF-8 takes at most 3 bytes per UTF-16 unit and base64 decodes 4 characters to 3 bytes: most bodies are
  // clearly small enough, and only the others are measured exactly.
  if (body.length * (base64 ? 0.75 : 3) <= limit) return;
  const size = base64 ? Buffer.byteLength(body, 'base64') : Buffer.byteLength(body, 'utf8');
  if (size > limit) throw clientError(413, `Request body is larger than ${limit} bytes`);
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

/** The parts of a request the router decides. */
export interface RouteContext {
  readonly resource: string;
  readonly params: Record<string, string>;
}

/**
 * Turns a v1 proxy event into a {@link PorticoRequest} (body not yet parsed: that needs the route's schema).
 *
 * @example
 * const req = toRequest(event, readHeaders(event), { resource: '/users/{id}', params: { id: '42' } });
 */
export function toRequest(
  event: ProxyEvent,
  headers: HeaderMap,
  route: RouteContext,
  bodyLimit = DEFAULT_BODY_LIMIT,
): PorticoRequest {
  checkBodySize(event, bodyLimit);
  return new EventRequest(event, headers, route);
}

/**
 * A {@link PorticoRequest} over one event. A class rather than an object literal so `rawBody` can be decoded on
 * first read (most handlers never look at the bytes; JSON is parsed from the event's text) while every request
 * still shares one object shape.
 */
class EventRequest implements PorticoRequest {
  readonly method: string;
  readonly path: string;
  readonly resource: string;
  readonly params: Record<string, string>;
  readonly body: unknown = undefined;
  readonly requestId: string;
  readonly stage: string;
  readonly sourceIp: string;
  readonly apiKeyId?: string;
  readonly #event: ProxyEvent;
  #bytes: Buffer | undefined | null = null;
  #query: { query: Record<string, string>; multiQuery: Record<string, string[]> } | undefined;
  #validatedQuery: Record<string, string> | undefined;

  constructor(
    event: ProxyEvent,
    readonly headers: HeaderMap,
    route: RouteContext,
  ) {
    this.#event = event;
    const context = event.requestContext;
    const identity = context?.identity;
    this.method = text(event.httpMethod).toUpperCase();
    this.path = decodePath(typeof event.path === 'string' ? event.path : '/');
    this.resource = route.resource;
    this.params = route.params;
    this.requestId = text(context?.requestId);
    this.stage = text(context?.stage);
    this.sourceIp = text(identity?.sourceIp);
    if (typeof identity?.apiKeyId === 'string') this.apiKeyId = identity.apiKeyId;
  }

  // The query maps are read on first use: most routes never look at them.
  get query(): Record<string, string> {
    return this.#validatedQuery ?? (this.#query ??= readQuery(this.#event)).query;
  }

  /** The app stores the route's validated query here. */
  set query(value: Record<string, string>) {
    this.#validatedQuery = value;
  }

  get multiQuery(): Record<string, string[]> {
    return (this.#query ??= readQuery(this.#event)).multiQuery;
  }

  get rawBody(): Buffer | undefined {
    return this.#bytes === null ? (this.#bytes = decodeBody(this.#event)) : this.#bytes;
  }
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * The body as text, for JSON parsing: the event's string as is, or its bytes decoded from base64 as UTF-8.
 *
 * @example
 * bodyText({ body: 'eyJhIjoxfQ==', isBase64Encoded: true }); // '{"a":1}'
 */
export function bodyText(event: ProxyEvent): string | undefined {
  const body = event.body;
  if (typeof body !== 'string' || !body) return undefined;
  return event.isBase64Encoded === true ? Buffer.from(body, 'base64').toString('utf8') : body;
}
