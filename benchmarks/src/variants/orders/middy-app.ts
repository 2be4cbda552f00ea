/**
 * The orders API on Middy as its docs suggest: http-router over the routes, CORS and the error handler outside it,
 * the JSON body parser on the routes that take a body, valibot called in the handlers. Built from a kit so Middy 7
 * and Middy 6 run the same code.
 */
import * as v from 'valibot';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { CreateOrder, ListOrdersQuery, ORDERS_CORS, UpdateOrder, orders } from '../../shared/orders';
import type { MiddyKit } from '../middy-kit';

type Event = APIGatewayProxyEvent;
const json = (statusCode: number, body: unknown, headers?: Record<string, string>): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/** The orders app's Lambda handler on the Middy major `kit` holds. */
export function createOrdersHandler(kit: MiddyKit): (event: Event, context: unknown) => Promise<APIGatewayProxyResult> {
  const { middy, httpCors, httpErrorHandler, httpJsonBodyParser, httpRouterHandler, createError } = kit;
  const invalid = (what: string, issues: unknown) => createError(400, `${what} is invalid`, { cause: issues });
  const missing = (id: string) => createError(404, `Order ${id} not found`);
  const withBody = (handler: (event: Event) => Promise<APIGatewayProxyResult>) => middy().use(httpJsonBodyParser()).handler(handler);

  const routes = [
    { method: 'GET', path: '/health', handler: async () => json(200, { status: 'ok' }) },
    {
      method: 'GET',
      path: '/orders',
      handler: async (event: Event) => {
        const query = v.safeParse(ListOrdersQuery, event.queryStringParameters ?? {});
        if (!query.success) throw invalid('Query string', query.issues);
        return json(200, orders.list(query.output.status, query.output.limit ?? 20));
      },
    },
    {
      method: 'POST',
      path: '/orders',
      handler: withBody(async (event) => {
        const input = v.safeParse(CreateOrder, event.body);
        if (!input.success) throw invalid('Request body', input.issues);
        const order = orders.create(input.output);
        return json(201, order, { location: `/orders/${order.id}` });
      }),
    },
    {
      method: 'GET',
      path: '/orders/{orderId}',
      handler: async (event: Event) => {
        const id = decodeURIComponent(event.pathParameters!.orderId!);
        const order = orders.get(id);
        if (!order) throw missing(id);
        return json(200, order);
      },
    },
    {
      method: 'PATCH',
      path: '/orders/{orderId}',
      handler: withBody(async (event) => {
        const id = decodeURIComponent(event.pathParameters!.orderId!);
        const input = v.safeParse(UpdateOrder, event.body);
        if (!input.success) throw invalid('Request body', input.issues);
        const order = orders.update(id, input.output.status);
        if (!order) throw missing(id);
        return json(200, order);
      }),
    },
    {
      method: 'DELETE',
      path: '/orders/{orderId}/items/{sku}',
      handler: async (event: Event) => {
        const id = decodeURIComponent(event.pathParameters!.orderId!);
        const sku = decodeURIComponent(event.pathParameters!.sku!);
        if (!orders.removeItem(id, sku)) throw createError(404, `Order ${id} has no item ${sku}`);
        return { statusCode: 204, body: '' };
      },
    },
  ];

  return middy()
    .use(
      httpCors({
        origins: [...ORDERS_CORS.origins],
        methods: ORDERS_CORS.methods.join(','),
        headers: ORDERS_CORS.headers.join(','),
        maxAge: ORDERS_CORS.maxAge,
        credentials: true,
        disableBeforePreflightResponse: false,
      }),
    )
    .use(httpErrorHandler())
    .handler(httpRouterHandler(routes));
}
