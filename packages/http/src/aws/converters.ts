/**
 * Pure converters from the API Gateway v1 proxy event to the app core's request. Handlers never see the event.
 * Nothing here touches the global `Request`/`Response`/`Headers`: loading Node's fetch stack costs cold start.
 * Every read tolerates a malformed event (wrong types, missing maps): bad input is a 4xx, never a crash.
 */
import type { RequestAuth } from '../auth';
import { checkBodySize, DEFAULT_BODY_LIMIT } from '../body';
import { decodePath, HeaderMap, RoutedRequest, type InboundRequest, type PorticoRequest } from '../request';
import type { ProxyEvent } from './types';

export { DEFAULT_BODY_LIMIT };

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
  return { query: readSingleQuery(event), multiQuery: readMultiQuery(event) };
}

/**
 * One value per key: the last of the multi-value map's, else the single-value map's (hand-written events often have
 * only it). Plain loops and no arrays: most requests that read the query read only this.
 */
function readSingleQuery(event: ProxyEvent): Record<string, string> {
  const query: Record<string, string> = Object.create(null);
  const multi = event.multiValueQueryStringParameters;
  for (const name in multi) {
    const list: unknown = multi[name];
    if (!Array.isArray(list)) continue;
    for (let i = list.length - 1; i >= 0; i--) {
      const value: unknown = list[i];
      if (typeof value === 'string') {
        query[name] = value;
        break;
      }
    }
  }
  const single = event.queryStringParameters;
  for (const name in single) {
    const value: unknown = single[name];
    if (typeof value === 'string' && !(name in query)) query[name] = value;
  }
  return query;
}

function readMultiQuery(event: ProxyEvent): Record<string, string[]> {
  const multiQuery: Record<string, string[]> = Object.create(null);
  const multi = event.multiValueQueryStringParameters;
  for (const name in multi) {
    const list: unknown = multi[name];
    const values = Array.isArray(list) ? list.filter((v): v is string => typeof v === 'string') : [];
    if (values.length) multiQuery[name] = values;
  }
  const single = event.queryStringParameters;
  for (const name in single) {
    const value: unknown = single[name];
    if (typeof value === 'string' && !(name in multiQuery)) multiQuery[name] = [value];
  }
  return multiQuery;
}

/**
 * Decodes the body to bytes (base64 when `isBase64Encoded`), refusing more than `limit` decoded bytes with 413.
 *
 * @example
 * readBody({ body: 'aGk=', isBase64Encoded: true }, 1024)?.toString(); // 'hi'
 */
export function readBody(event: ProxyEvent, limit: number): Buffer | undefined {
  const body = eventBody(event);
  if (body === undefined) return undefined;
  checkBodySize(body, limit);
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

/** The body as API Gateway delivers it: text as is, a base64 (binary) body decoded to bytes; `undefined` without one. */
function eventBody(event: ProxyEvent): string | Buffer | undefined {
  const body = event.body;
  if (typeof body !== 'string' || !body) return undefined;
  return event.isBase64Encoded === true ? Buffer.from(body, 'base64') : body;
}

export { decodePath };

/** The parts of a request the router decides (and, for a protected route, the caller its guard accepted). */
export interface RouteContext {
  readonly resource: string;
  readonly params: Record<string, string>;
  readonly auth?: RequestAuth;
}

/**
 * Turns a v1 proxy event into the app core's {@link InboundRequest}. Never throws, whatever the event holds: every
 * field is read with a type check, and a field of the wrong type reads as absent.
 *
 * @example
 * const res = await app.dispatch(fromProxyEvent(event));
 */
export function fromProxyEvent(event: ProxyEvent, headers = readHeaders(event)): InboundRequest {
  return new ProxyEventRequest(event, headers);
}

/**
 * An {@link InboundRequest} over one event. A class so the query maps and the body are read on first use (most
 * routes never look at them) while every request shares one object shape.
 */
class ProxyEventRequest implements InboundRequest {
  // `declare`d and assigned in the constructor: a class field would be defined, then written, on every request.
  declare readonly method: string;
  declare readonly path: string;
  declare readonly resource: string | undefined;
  declare readonly rawParams: Readonly<Record<string, string | null | undefined>> | null | undefined;
  declare readonly headers: HeaderMap;
  readonly #event: ProxyEvent;
  #query: Record<string, string> | undefined;
  #multiQuery: Record<string, string[]> | undefined;
  #body: string | Buffer | undefined | null = null;

  constructor(event: ProxyEvent, headers: HeaderMap) {
    this.#event = event;
    this.headers = headers;
    const { httpMethod: method, path, resource, pathParameters: params } = event;
    this.method = typeof method === 'string' ? method.toUpperCase() : '';
    this.path = typeof path === 'string' && path[0] === '/' ? path : '/';
    this.resource = typeof resource === 'string' ? resource : undefined;
    this.rawParams = typeof params === 'object' ? params : undefined;
  }

  // Read where used: most requests never look at them.
  get requestId(): string {
    return text(this.#event.requestContext?.requestId);
  }

  get stage(): string {
    return text(this.#event.requestContext?.stage);
  }

  get sourceIp(): string {
    return text(this.#event.requestContext?.identity?.sourceIp);
  }

  get apiKeyId(): string | undefined {
    const id = this.#event.requestContext?.identity?.apiKeyId;
    return typeof id === 'string' ? id : undefined;
  }

  get authorizer(): Readonly<Record<string, unknown>> | undefined {
    return record(this.#event.requestContext?.authorizer);
  }

  get identity(): Readonly<Record<string, unknown>> | undefined {
    return record(this.#event.requestContext?.identity);
  }

  get query(): Record<string, string> {
    return (this.#query ??= readSingleQuery(this.#event));
  }

  get multiQuery(): Record<string, string[]> {
    return (this.#multiQuery ??= readMultiQuery(this.#event));
  }

  get body(): string | Buffer | undefined {
    return this.#body === null ? (this.#body = eventBody(this.#event)) : this.#body;
  }
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function record(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * Turns a v1 proxy event into the {@link PorticoRequest} a handler would see for `route` (body not yet parsed: that
 * needs the route's schema), refusing a body over `bodyLimit` with 413.
 *
 * @example
 * const req = toRequest(event, readHeaders(event), { resource: '/users/{id}', params: { id: '42' } });
 */
export function toRequest(event: ProxyEvent, headers: HeaderMap, route: RouteContext, bodyLimit = DEFAULT_BODY_LIMIT): PorticoRequest {
  const inbound = fromProxyEvent(event, headers);
  if (inbound.body !== undefined) checkBodySize(inbound.body, bodyLimit);
  return new RoutedRequest(inbound, route.resource, route.params, route.auth);
}
