/**
 * The baseline: what a careful engineer writes without a framework. A switch on method and path, JSON parsing with
 * the right client errors, the shared schema, CORS on every response. Every other variant is compared against this.
 */
import * as v from 'valibot';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { CORS, CreateUser, parseLimit, store } from '../shared/store';

const PROBLEM = 'application/problem+json';
const JSON_TYPE = 'application/json';
const PREFLIGHT_HEADERS = {
  'access-control-allow-methods': CORS.methods.join(','),
  'access-control-allow-headers': CORS.headers.join(','),
  'access-control-max-age': String(CORS.maxAge),
};

type Headers = Record<string, string>;

function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const headers = event.headers;
  if (!headers) return undefined;
  const direct = headers[name];
  if (direct !== undefined) return direct;
  // API Gateway keeps the client's casing; fall back to a scan only when the lowercase key is absent.
  for (const key in headers) if (key.toLowerCase() === name) return headers[key];
  return undefined;
}

function reply(status: number, body: unknown, type = JSON_TYPE, extra?: Headers): APIGatewayProxyResult {
  return { statusCode: status, headers: { 'content-type': type, ...extra }, body: JSON.stringify(body) };
}

function problem(status: number, title: string, detail: string, errors?: unknown[]): APIGatewayProxyResult {
  return reply(status, errors ? { type: 'about:blank', title, status, detail, errors } : { type: 'about:blank', title, status, detail }, PROBLEM);
}

function route(event: APIGatewayProxyEvent): APIGatewayProxyResult {
  const method = event.httpMethod;
  const path = event.path;
  if (path === '/hello') {
    return method === 'GET' ? reply(200, { message: 'Hello, World!' }) : problem(405, 'Method Not Allowed', `${method} ${path}`);
  }
  if (path === '/users') {
    if (method === 'GET') {
      const limit = parseLimit(event.queryStringParameters?.limit);
      if (limit === undefined) return problem(400, 'Bad Request', 'limit must be an integer between 1 and 100');
      return reply(200, store.list(limit));
    }
    if (method === 'POST') {
      const type = header(event, 'content-type');
      if (!type || !type.startsWith(JSON_TYPE)) return problem(415, 'Unsupported Media Type', 'Expected application/json');
      let parsed: unknown;
      try {
        const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : event.body ?? '';
        parsed = JSON.parse(raw);
      } catch {
        return problem(400, 'Bad Request', 'Malformed JSON body');
      }
      const result = v.safeParse(CreateUser, parsed);
      if (!result.success) {
        const errors = result.issues.map((i) => ({ pointer: `/${(i.path ?? []).map((p) => p.key).join('/')}`, message: i.message }));
        return problem(400, 'Bad Request', 'Request body is invalid', errors);
      }
      const user = store.create(result.output);
      return reply(201, user, JSON_TYPE, { location: `/users/${user.id}` });
    }
    return problem(405, 'Method Not Allowed', `${method} ${path}`);
  }
  if (path.startsWith('/users/') && path.indexOf('/', 7) === -1 && path.length > 7) {
    if (method !== 'GET') return problem(405, 'Method Not Allowed', `${method} ${path}`);
    const id = decodeURIComponent(path.slice(7));
    const user = store.get(id);
    return user ? reply(200, user) : problem(404, 'Not Found', `User ${id} not found`);
  }
  if (path === '/search') {
    if (method !== 'GET') return problem(405, 'Method Not Allowed', `${method} ${path}`);
    const q = event.queryStringParameters?.q ?? '';
    const limit = parseLimit(event.queryStringParameters?.limit);
    if (limit === undefined) return problem(400, 'Bad Request', 'limit must be an integer between 1 and 100');
    return reply(200, { query: q, limit, results: store.search(q, limit) });
  }
  return problem(404, 'Not Found', `No route for ${method} ${path}`);
}

export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const origin = header(event, 'origin');
  const allowed = origin === CORS.origin;
  if (event.httpMethod === 'OPTIONS' && allowed && header(event, 'access-control-request-method')) {
    return { statusCode: 204, headers: { 'access-control-allow-origin': origin, vary: 'Origin', ...PREFLIGHT_HEADERS }, body: '' };
  }
  const result = route(event);
  if (allowed) {
    const headers = result.headers!;
    headers['access-control-allow-origin'] = origin;
    headers.vary = 'Origin';
  }
  return result;
}
