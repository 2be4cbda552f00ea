/** The orders API on Hono 4 behind its aws-lambda adapter: `cors()`, `c.req.query()`/`c.req.json()`, valibot in the handlers. */
import * as v from 'valibot';
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { CreateOrder, ListOrdersQuery, ORDERS_CORS, UpdateOrder, orders } from '../../shared/orders';

const app = new Hono();

app.use(
  '*',
  cors({
    origin: [...ORDERS_CORS.origins],
    allowMethods: [...ORDERS_CORS.methods],
    allowHeaders: [...ORDERS_CORS.headers],
    maxAge: ORDERS_CORS.maxAge,
    credentials: true,
  }),
);

const invalid = (what: string, issues: unknown) => new HTTPException(400, { message: `${what} is invalid`, cause: issues });

app.get('/health', (c) => c.json({ status: 'ok' }));
app.get('/orders', (c) => {
  const query = v.safeParse(ListOrdersQuery, c.req.query());
  if (!query.success) throw invalid('Query string', query.issues);
  return c.json(orders.list(query.output.status, query.output.limit ?? 20));
});
app.post('/orders', async (c) => {
  const input = v.safeParse(CreateOrder, await c.req.json());
  if (!input.success) throw invalid('Request body', input.issues);
  const order = orders.create(input.output);
  return c.json(order, 201, { location: `/orders/${order.id}` });
});
app.get('/orders/:orderId', (c) => {
  const order = orders.get(c.req.param('orderId'));
  return order ? c.json(order) : c.json({ message: `Order ${c.req.param('orderId')} not found` }, 404);
});
app.patch('/orders/:orderId', async (c) => {
  const input = v.safeParse(UpdateOrder, await c.req.json());
  if (!input.success) throw invalid('Request body', input.issues);
  const order = orders.update(c.req.param('orderId'), input.output.status);
  return order ? c.json(order) : c.json({ message: `Order ${c.req.param('orderId')} not found` }, 404);
});
app.delete('/orders/:orderId/items/:sku', (c) => {
  const { orderId, sku } = c.req.param();
  return orders.removeItem(orderId, sku) ? c.body(null, 204) : c.json({ message: `Order ${orderId} has no item ${sku}` }, 404);
});

export const handler = handle(app);
