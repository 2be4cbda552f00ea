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
 * {@link InvalidResultError}, which the app answers with a logged 500 instead of the gateway's bare 502. `extra`
 * headers (the app's CORS headers) are added where the handler set none of that name; an extra `vary` joins the
 * handler's own. The result is always a fresh object, so a handler may return a shared constant.
 *
 * @example
 * toProxyResult({ statusCode: 200, headers: { 'x-count': 3 as unknown as string } }); // headers: { 'x-count': '3' }
 */
export function toProxyResult(result: unknown, extra?: Readonly<Record<string, string>>): HttpResponse {
  if (!isObject(result)) throw invalid('an integer statusCode from 100 to 599', result);
  const { statusCode, headers, multiValueHeaders, body, isBase64Encoded } = result as Record<string, unknown>;
  if (!Number.isInteger(statusCode) || !((statusCode as number) >= 100 && (statusCode as number) < 600)) {
    throw invalid('an integer statusCode from 100 to 599', result);
  }
  if (body != null && typeof body !== 'string') throw invalid('a string body (use json(...) for objects)', body);
  const out: HttpResponse = { statusCode: statusCode as number, body: body ?? '' };
  if (headers != null || extra !== undefined) {
    if (headers != null && !isObject(headers)) throw invalid('headers as an object', headers);
    const copy: Record<string, string> = {};
    // Whether every name is lower case, as the helpers write them: then an extra header's name needs no scan.
    let lower = true;
    for (const name in headers) {
      const value: unknown = (headers as Record<string, unknown>)[name];
      if (value === undefined) continue;
      copy[name] = typeof value === 'string' && !value.includes('\n') && !value.includes('\r') ? value : headerValue(value);
      if (lower && name !== name.toLowerCase()) lower = false;
    }
    out.headers = extra === undefined ? copy : addHeaders(copy, extra, lower);
  }
  if (multiValueHeaders != null) {
    if (!isObject(multiValueHeaders)) throw invalid('headers as an object', multiValueHeaders);
    const copy: Record<string, string[]> = {};
    for (const name in multiValueHeaders) {
      const values: unknown = (multiValueHeaders as Record<string, unknown>)[name];
      if (values === undefined) continue;
      if (!Array.isArray(values)) throw invalid('arrays in multiValueHeaders', values);
      copy[name] = values.map(headerValue);
    }
    out.multiValueHeaders = copy;
  }
  if (isBase64Encoded === true) out.isBase64Encoded = true;
  return out;
}

/**
 * Adds `extra` (lower-case names) to `headers` where no header of that name, in any case, is set; an extra `vary`
 * is merged into an existing Vary instead. `lowerCase` says every name in `headers` is lower case already, which
 * spares a scan per name. Mutates and returns `headers`.
 *
 * @example
 * addHeaders({ Vary: 'Accept' }, { vary: 'Origin' }); // { Vary: 'Accept, Origin' }
 */
export function addHeaders(headers: Record<string, string>, extra: Readonly<Record<string, string>>, lowerCase = false): Record<string, string> {
  for (const name in extra) {
    const value = extra[name]!;
    const own = lowerCase ? (headers[name] === undefined ? undefined : name) : nameIn(headers, name);
    if (own === undefined) headers[name] = value;
    else if (name === 'vary' && !listHas(headers[own]!, value)) headers[own] += `, ${value}`;
  }
  return headers;
}

/** Whether a comma-separated header value lists `item` (case-insensitive). */
function listHas(list: string, item: string): boolean {
  const wanted = item.toLowerCase();
  return list.split(',').some((part) => part.trim().toLowerCase() === wanted);
}

/** The key of `headers` that spells `name` (lower case) in any case, if any. Plain loop: it runs per response. */
function nameIn(headers: Record<string, string>, name: string): string | undefined {
  if (name in headers) return name;
  for (const key in headers) if (key.length === name.length && key.toLowerCase() === name) return key;
  return undefined;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Header values API Gateway accepts; CR/LF would let a value smuggle in another header. */
function headerValue(value: unknown): string {
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
