/**
 * What the app core answers: a checked result whose body is a string (base64 when `isBase64Encoded`). The Lambda
 * edge returns it as the proxy result; another transport writes it out as it is.
 */
export interface HttpResponse {
  statusCode: number;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  body: string;
  isBase64Encoded?: boolean;
}

/**
 * What a handler returns: a proxy result whose `body` may be omitted. Build it with {@link json}, {@link created},
 * {@link noContent}, {@link binary} or {@link text}, or write the object by hand.
 */
export interface HttpResult {
  statusCode: number;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  body?: string;
  isBase64Encoded?: boolean;
}

/**
 * A JSON response.
 *
 * @example
 * return json({ message: 'Hello, World!' });
 * return json(user, 200, { 'Cache-Control': 'max-age=60' });
 */
export function json(body: unknown, status = 200, headers?: Record<string, string>): HttpResult {
  return {
    statusCode: status,
    headers: headers ? { 'content-type': 'application/json', ...headers } : { 'content-type': 'application/json' },
    body: JSON.stringify(body) ?? 'null',
  };
}

/**
 * 201 Created with a `Location` header pointing at the new resource.
 *
 * @example
 * return created(user, `users/${user.id}`);
 */
export function created(body: unknown, location: string): HttpResult {
  return json(body, 201, { location });
}

/**
 * 204 No Content.
 *
 * @example
 * await store.delete(id);
 * return noContent();
 */
export function noContent(headers?: Record<string, string>): HttpResult {
  return { statusCode: 204, headers, body: '' };
}

/**
 * A binary response, base64-encoded as API Gateway expects (the API must list the type in `binaryMediaTypes`).
 *
 * @example
 * return binary(await readFile('logo.png'), 'image/png');
 */
export function binary(data: Uint8Array, contentType: string, status = 200): HttpResult {
  return {
    statusCode: status,
    headers: { 'content-type': contentType },
    body: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64'),
    isBase64Encoded: true,
  };
}

/**
 * A plain-text response.
 *
 * @example
 * return text('pong');
 */
export function text(body: string, status = 200, headers?: Record<string, string>): HttpResult {
  return { statusCode: status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body };
}

/** Thrown by {@link toProxyResult} when a handler returned something API Gateway would answer with a 502. */
export class InvalidResultError extends Error {
  override readonly name = 'InvalidResultError';
}

/**
 * Checks what a handler returned and turns it into a proxy result API Gateway accepts: integer status 100–599,
 * string body, string header values (numbers and booleans are stringified, CR/LF refused). Anything else throws
 * {@link InvalidResultError}, which the app answers with a logged 500 instead of the gateway's bare 502. The result
 * (headers included) is always a fresh object, so the app may add its CORS headers to it even when a handler returns
 * a shared constant.
 *
 * @example
 * toProxyResult({ statusCode: 200, headers: { 'x-count': 3 as unknown as string } }); // headers: { 'x-count': '3' }
 */
export function toProxyResult(result: unknown): HttpResponse {
  if (!isObject(result)) throw invalid('an integer statusCode from 100 to 599', result);
  const { statusCode, headers, multiValueHeaders, body, isBase64Encoded } = result as Record<string, unknown>;
  if (!Number.isInteger(statusCode) || !((statusCode as number) >= 100 && (statusCode as number) < 600)) {
    throw invalid('an integer statusCode from 100 to 599', result);
  }
  if (body != null && typeof body !== 'string') throw invalid('a string body (use json(...) for objects)', body);
  const out: HttpResponse = { statusCode: statusCode as number, body: body ?? '' };
  if (headers != null) out.headers = copyMap(headers, headerValue);
  if (multiValueHeaders != null) out.multiValueHeaders = copyMap(multiValueHeaders, headerValues);
  if (isBase64Encoded === true) out.isBase64Encoded = true;
  return out;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A fresh copy of a header map, each value checked by `convert`. Plain loop: it runs on every response. */
function copyMap<T>(map: unknown, convert: (value: unknown) => T): Record<string, T> {
  if (!isObject(map)) throw invalid('headers as an object', map);
  const copy: Record<string, T> = {};
  for (const name in map) {
    const value: unknown = (map as Record<string, unknown>)[name];
    if (value !== undefined) copy[name] = convert(value);
  }
  return copy;
}

function headerValues(values: unknown): string[] {
  if (!Array.isArray(values)) throw invalid('arrays in multiValueHeaders', values);
  return values.map(headerValue);
}

/** Header values API Gateway accepts; CR/LF would let a value smuggle in another header. */
function headerValue(value: unknown): string {
  if (typeof value === 'string' && !value.includes('\n') && !value.includes('\r')) return value;
  const text = typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
  if (typeof text !== 'string' || text.includes('\n') || text.includes('\r')) throw invalid('header values as single-line strings', value);
  return text;
}

function invalid(expected: string, got: unknown): InvalidResultError {
  let shown: string;
  try {
    shown = JSON.stringify(got)?.slice(0, 80) ?? String(got);
  } catch {
    shown = typeof got;
  }
  return new InvalidResultError(`Handler result needs ${expected}; got ${shown}`);
}
