/** The orders API on Powertools' event-handler `http` Router with its `cors` middleware; valibot in the handlers. */
import * as v from 'valibot';
import { BadRequestError, NotFoundError, Router } from '@aws-lambda-powertools/event-handler/http';
import { cors } from '@aws-lambda-powertools/event-handler/http/middleware';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { CreateOrder, ListOrdersQuery, ORDERS_CORS, UpdateOrder, orders } from '../../shared/orders';

const app = new Router();

app.use(
  cors({
    origin: [...ORDERS_CORS.origins],
    allowMethods: [...ORDERS_CORS.methods],
    allowHeaders: [...ORDERS_CORS.headers],
    maxAge: ORDERS_CORS.maxAge,
    credentials: true,
  }),
);

app.get('/health', () => ({ status: 'ok' }));
app.get('/orders', ({ req }) => {
  const query = v.safeParse(ListOrdersQuery, Object.fromEntries(new URL(req.url).searchParams));
  if (!query.success) throw new BadRequestError('Query string is invalid');
  return orders.list(query.output.status, query.output.limit ?? 20) as never;
});
app.post('/orders', async ({ req }) => {
  const input = v.safeParse(CreateOrder, await req.json());
  if (!input.success) throw new BadRequestError('Request body is invalid');
  const order = orders.create(input.output);
  return { statusCode: 201, headers: { 'content-type': 'application/json', location: `/orders/${order.id}` }, body: order as never };
});
app.get('/orders/:orderId', ({ params }) => {
  const order = orders.get(params.orderId!);
  if (!order) throw new NotFoundError(`Order ${params.orderId} not found`);
  return order as never;
});
app.patch('/orders/:orderId', async ({ req, params }) => {
  const input = v.safeParse(UpdateOrder, await req.json());
  if (!input.success) throw new BadRequestError('Request body is invalid');
  const order = orders.update(params.orderId!, input.output.status);
  if (!order) throw new NotFoundError(`Order ${params.orderId} not found`);
  return order as never;
});
app.delete('/orders/:orderId/items/:sku', ({ params }) => {
  if (!orders.removeItem(params.orderId!, params.sku!)) throw new NotFoundError(`Order ${params.orderId} has no item ${params.sku}`);
  return new Response(null, { status: 204 });
});

export const handler = (event: APIGatewayProxyEvent, context: Context) => app.resolve(event, context);
