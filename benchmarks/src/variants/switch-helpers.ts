/** What both hand-written switches share: a header read, JSON and problem replies, CORS headers on a reply. */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

type Headers = Record<string, string>;

/** A header by its lower-case name: the direct key first, a case-insensitive scan only when it is absent. */
export function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const headers = event.headers;
  if (!headers) return undefined;
  const direct = headers[name];
  if (direct !== undefined) return direct;
  for (const key in headers) if (key.toLowerCase() === name) return headers[key];
  return undefined;
}

export function reply(status: number, body: unknown, extra?: Headers): APIGatewayProxyResult {
  return { statusCode: status, headers: { 'content-type': 'application/json', ...extra }, body: JSON.stringify(body) };
}

export function problem(status: number, title: string, detail: string, errors?: unknown[], extra?: Headers): APIGatewayProxyResult {
  const body = errors ? { type: 'about:blank', title, status, detail, errors } : { type: 'about:blank', title, status, detail };
  return { statusCode: status, headers: { 'content-type': 'application/problem+json', ...extra }, body: JSON.stringify(body) };
}

/** Adds the allowlist's answer to a reply (`origin` is the allowed origin, or undefined) and `Vary: Origin` always. */
export function withCors(result: APIGatewayProxyResult, origin: string | undefined, credentials = false): APIGatewayProxyResult {
  const headers = result.headers!;
  headers.vary = 'Origin';
  if (origin !== undefined) {
    headers['access-control-allow-origin'] = origin;
    if (credentials) headers['access-control-allow-credentials'] = 'true';
  }
  return result;
}

/** The request's JSON body, or the client error to answer: 415 without a JSON content type, 400 when it does not parse. */
export function jsonBody(event: APIGatewayProxyEvent): { ok: true; value: unknown } | { ok: false; result: APIGatewayProxyResult } {
  const type = header(event, 'content-type');
  if (!type || !type.startsWith('application/json')) return { ok: false, result: problem(415, 'Unsupported Media Type', 'Expected application/json') };
  try {
    return { ok: true, value: JSON.parse(event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '')) };
  } catch {
    return { ok: false, result: problem(400, 'Bad Request', 'Malformed JSON body') };
  }
}

/** A validation failure as a 400 problem listing each issue with its JSON pointer. */
export function invalid(what: string, issues: readonly { message: string; path?: readonly { key: unknown }[] }[]): APIGatewayProxyResult {
  const errors = issues.map((i) => ({ pointer: `/${(i.path ?? []).map((p) => String(p.key)).join('/')}`, message: i.message }));
  return problem(400, 'Bad Request', `${what} is invalid`, errors);
}
