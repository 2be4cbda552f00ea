/**
 * Pure converters between the API Gateway v1 proxy event and Portico's request. Handlers never see the event.
 * Nothing here touches the global `Request`/`Response`/`Headers`: loading Node's fetch stack costs cold start.
 */
import { BadRequestError, PayloadTooLargeError, withoutStack } from '../errors';
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
 *
 * @example
 * readQuery({ multiValueQueryStringParameters: { tag: ['a', 'b'] } });
 * // { query: { tag: 'b' }, multiQuery: { tag: ['a', 'b'] } }
 */
export function readQuery(event: ProxyEvent): {
  query: Record<string, string>;
  multiQuery: Record<string, string[]>;
} {
  // Null prototypes: a `?__proto__=x` key must be a plain key, not a prototype swap.
  const query: Record<string, string> = Object.create(null);
  const multiQuery: Record<string, string[]> = Object.create(null);
  // The multi-value map keeps repeats; the single one fills in names it lacks. Non-strings are skipped, so a
  // malformed event cannot make this throw.
  const multi = event.multiValueQueryStringParameters;
  if (multi && typeof multi === 'object') {
    for (const name in multi) {
      const list: unknown = multi[name];
      if (!Array.isArray(list)) continue;
      const values: string[] = list.every(isString) ? list : list.filter(isString);
      if (values.length === 0) continue;
      multiQuery[name] = values;
      query[name] = values[values.length - 1]!;
    }
  }
  const single = event.queryStringParameters;
  if (single && typeof single === 'object') {
    for (const name in single) {
      const value: unknown = single[name];
      if (typeof value !== 'string' || name in multiQuery) continue;
      multiQuery[name] = [value];
      query[name] = value;
    }
  }
  return { query, multiQuery };
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

/**
 * Decodes the body to bytes (base64 when `isBase64Encoded`), refusing more than `limit` decoded bytes with 413
 * before decoding anything.
 *
 * @example
 * readBody({ body: 'aGk=', isBase64Encoded: true }, 1024)?.toString(); // 'hi'
 */
export function readBody(event: ProxyEvent, limit: number): Buffer | undefined {
  const body = event.body;
  if (typeof body !== 'string' || body.length === 0) return undefined;
  if (event.isBase64Encoded === true) {
    // Decoded size of base64, computed without decoding: 3 bytes per 4 chars, minus padding.
    const padding = body.endsWith('==') ? 2 : body.endsWith('=') ? 1 : 0;
    if (Math.floor((body.length * 3) / 4) - padding > limit) throw tooLarge(limit);
    return Buffer.from(body, 'base64');
  }
  // UTF-8 is at most 3 bytes per UTF-16 unit: skip the exact count when the body is clearly small.
  if (body.length * 3 > limit && Buffer.byteLength(body, 'utf8') > limit) throw tooLarge(limit);
  return Buffer.from(body, 'utf8');
}

function tooLarge(limit: number): Error {
  return withoutStack(() => new PayloadTooLargeError(`Request body is larger than ${limit} bytes`));
}

/**
 * Percent-decodes a whole request path; a malformed escape is the client's mistake (400), not a crash.
 *
 * @example
 * decodePath('/users/J%C3%BCrgen'); // '/users/Jürgen'
 */
export function decodePath(path: string): string {
  if (path.indexOf('%') === -1) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    throw withoutStack(
      () => new BadRequestError('The request path has a malformed percent-escape', { code: 'MALFORMED_PATH' }),
    );
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
  bodyLimit: number = DEFAULT_BODY_LIMIT,
): PorticoRequest {
  const { query, multiQuery } = readQuery(event);
  const context = event.requestContext ?? undefined;
  const identity = context?.identity ?? undefined;
  const request: {
    -readonly [K in keyof PorticoRequest]: PorticoRequest[K];
  } = {
    method: typeof event.httpMethod === 'string' ? event.httpMethod.toUpperCase() : 'GET',
    path: decodePath(typeof event.path === 'string' ? event.path : '/'),
    resource: route.resource,
    params: route.params,
    query,
    multiQuery,
    headers,
    body: undefined,
    rawBody: readBody(event, bodyLimit),
    requestId: typeof context?.requestId === 'string' ? context.requestId : '',
    stage: typeof context?.stage === 'string' ? context.stage : '',
    sourceIp: typeof identity?.sourceIp === 'string' ? identity.sourceIp : '',
  };
  if (typeof identity?.apiKeyId === 'string') request.apiKeyId = identity.apiKeyId;
  return request;
}
