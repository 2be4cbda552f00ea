/**
 * The baseline for the orders API: what a careful engineer writes without a framework for a Lambda behind
 * `ANY /{proxy+}`. It splits the path itself, validates with the same valibot schemas, answers 405 with `Allow`, and
 * puts the CORS allowlist's headers (with credentials) on every response.
 */
import * as v from 'valibot';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { CreateOrder, ListOrdersQuery, ORDERS_CORS, UpdateOrder, orders } from '../../shared/orders';
import { header, invalid, jsonBody, problem, reply, withCors } from '../switch-helpers';

const ALLOWED = new Set<string>(ORDERS_CORS.origins);
const PREFLIGHT_HEADERS = {
  'access-control-allow-methods': ORDERS_CORS.methods.join(','),
  'access-control-allow-headers': ORDERS_CORS.headers.join(','),
  'access-control-max-age': String(ORDERS_CORS.maxAge),
  'access-control-allow-credentials': 'true',
};

const notAllowed = (method: string, path: string, allow: string) =>
  problem(405, 'Method Not Allowed', `${method} is not allowed on ${path}`, undefined, { allow });

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function route(event: APIGatewayProxyEvent): APIGatewayProxyResult {
  const { httpMethod: method, path } = event;
  if (path === '/health') return method === 'GET' ? reply(200, { status: 'ok' }) : notAllowed(method, path, 'GET');
  if (path === '/orders') {
    if (method === 'GET') {
      const query = v.safeParse(ListOrdersQuery, event.queryStringParameters ?? {});
      if (!query.success) return invalid('Query string', query.issues);
      return reply(200, orders.list(query.output.status, query.output.limit ?? 20));
    }
    if (method === 'POST') {
      const body = jsonBody(event);
      if (!body.ok) return body.result;
      const input = v.safeParse(CreateOrder, body.value);
      if (!input.success) return invalid('Request body', input.issues);
      const order = orders.create(input.output);
      return reply(201, order, { location: `/orders/${order.id}` });
    }
    return notAllowed(method, path, 'GET, POST');
  }
  const parts = path.split('/');
  if (parts[1] === 'orders' && parts[2]) {
    const id = decode(parts[2]);
    if (id === undefined) return problem(400, 'Bad Request', 'Malformed order id');
    if (parts.length === 3) {
      if (method === 'GET') {
        const order = orders.get(id);
        return order ? reply(200, order) : problem(404, 'Not Found', `Order ${id} not found`);
      }
      if (method === 'PATCH') {
        const body = jsonBody(event);
        if (!body.ok) return body.result;
        const input = v.safeParse(UpdateOrder, body.value);
        if (!input.success) return invalid('Request body', input.issues);
        const order = orders.update(id, input.output.status);
        return order ? reply(200, order) : problem(404, 'Not Found', `Order ${id} not found`);
      }
      return notAllowed(method, path, 'GET, PATCH');
    }
    if (parts.length === 5 && parts[3] === 'items' && parts[4]) {
      if (method !== 'DELETE') return notAllowed(method, path, 'DELETE');
      const sku = decode(parts[4]);
      if (sku === undefined) return problem(400, 'Bad Request', 'Malformed sku');
      return orders.removeItem(id, sku) ? { statusCode: 204, headers: {}, body: '' } : problem(404, 'Not Found', `Order ${id} has no item ${sku}`);
    }
  }
  return problem(404, 'Not Found', `No route for ${method} ${path}`);
}

export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const origin = header(event, 'origin');
  const allowed = origin !== undefined && ALLOWED.has(origin);
  if (event.httpMethod === 'OPTIONS' && header(event, 'access-control-request-method')) {
    return { statusCode: 204, headers: allowed ? { 'access-control-allow-origin': origin, vary: 'Origin', ...PREFLIGHT_HEADERS } : { vary: 'Origin' }, body: '' };
  }
  return withCors(route(event), allowed ? origin : undefined, true);
}
