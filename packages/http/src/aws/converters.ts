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
  const body = event.body;
  if (typeof body !== 'string' || !body) return undefined;
  const bytes = Buffer.from(body, event.isBase64Encoded === true ? 'base64' : 'utf8');
  if (bytes.length > limit) throw clientError(413, `Request body is larger than ${limit} bytes`);
  return bytes;
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
  const context = event.requestContext;
  const identity = context?.identity;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const request: { -readonly [K in keyof PorticoRequest]: PorticoRequest[K] } = {
    method: text(event.httpMethod).toUpperCase(),
    path: decodePath(typeof event.path === 'string' ? event.path : '/'),
    resource: route.resource,
    params: route.params,
    ...readQuery(event),
    headers,
    body: undefined,
    rawBody: readBody(event, bodyLimit),
    requestId: text(context?.requestId),
    stage: text(context?.stage),
    sourceIp: text(identity?.sourceIp),
  };
  if (typeof identity?.apiKeyId === 'string') request.apiKeyId = identity.apiKeyId;
  return request;
}
