/**
 * The baseline: what a careful engineer writes without a framework for a REST API whose gateway has one resource per
 * route. A switch on method and the resource API Gateway matched, path parameters from the event, JSON parsing with
 * the right client errors, the shared schema, the CORS allowlist on every response. Every other variant is compared
 * against this.
 */
import * as v from 'valibot';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { CORS, CreateUser, parseLimit, store } from '../../shared/users';
import { header, invalid, jsonBody, problem, reply, withCors } from '../switch-helpers';

const PREFLIGHT_HEADERS = {
  'access-control-allow-methods': CORS.methods.join(','),
  'access-control-allow-headers': CORS.headers.join(','),
  'access-control-max-age': String(CORS.maxAge),
};
const BAD_LIMIT = 'limit must be an integer between 1 and 100';

function route(event: APIGatewayProxyEvent): APIGatewayProxyResult {
  const method = event.httpMethod;
  switch (`${method} ${event.resource}`) {
    case 'GET /hello':
      return reply(200, { message: 'Hello, World!' });
    case 'GET /users': {
      const limit = parseLimit(event.queryStringParameters?.limit);
      return limit === undefined ? problem(400, 'Bad Request', BAD_LIMIT) : reply(200, store.list(limit));
    }
    case 'POST /users': {
      const body = jsonBody(event);
      if (!body.ok) return body.result;
      const result = v.safeParse(CreateUser, body.value);
      if (!result.success) return invalid('Request body', result.issues);
      const user = store.create(result.output);
      return reply(201, user, { location: `/users/${user.id}` });
    }
    case 'GET /users/{id}': {
      let id: string;
      try {
        id = decodeURIComponent(event.pathParameters?.id ?? '');
      } catch {
        return problem(400, 'Bad Request', 'Malformed user id');
      }
      const user = store.get(id);
      return user ? reply(200, user) : problem(404, 'Not Found', `User ${id} not found`);
    }
    case 'GET /search': {
      const q = event.queryStringParameters?.q ?? '';
      const limit = parseLimit(event.queryStringParameters?.limit);
      return limit === undefined ? problem(400, 'Bad Request', BAD_LIMIT) : reply(200, { query: q, limit, results: store.search(q, limit) });
    }
  }
  if (['/hello', '/users', '/users/{id}', '/search'].includes(event.resource)) return problem(405, 'Method Not Allowed', `${method} ${event.path}`);
  return problem(404, 'Not Found', `No route for ${method} ${event.path}`);
}

export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const origin = header(event, 'origin');
  const allowed = origin === CORS.origin;
  if (event.httpMethod === 'OPTIONS' && header(event, 'access-control-request-method')) {
    return { statusCode: 204, headers: allowed ? { 'access-control-allow-origin': origin, vary: 'Origin', ...PREFLIGHT_HEADERS } : { vary: 'Origin' }, body: '' };
  }
  return withCors(route(event), allowed ? origin : undefined);
}
