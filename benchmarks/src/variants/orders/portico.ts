/** The orders API on @portico/http: route specs with their query and body schemas, the CORS allowlist in the app options. */
import { createApp, defineRoute, handle, json, noContent, NotFoundError } from '@portico/http';
import { CreateOrder, ListOrdersQuery, ORDERS_CORS, UpdateOrder, orders } from '../../shared/orders';

const routes = {
  health: defineRoute({ method: 'GET', path: '/health' }),
  listOrders: defineRoute({ method: 'GET', path: '/orders', query: ListOrdersQuery }),
  createOrder: defineRoute({ method: 'POST', path: '/orders', body: CreateOrder }),
  getOrder: defineRoute({ method: 'GET', path: '/orders/{orderId}' }),
  updateOrder: defineRoute({ method: 'PATCH', path: '/orders/{orderId}', body: UpdateOrder }),
  removeItem: defineRoute({ method: 'DELETE', path: '/orders/{orderId}/items/{sku}' }),
} as const;

const app = createApp({
  cors: { origins: ORDERS_CORS.origins, methods: ORDERS_CORS.methods, allowHeaders: ORDERS_CORS.headers, maxAge: ORDERS_CORS.maxAge, credentials: true },
});

const missing = (id: string): never => {
  throw new NotFoundError(`Order ${id} not found`);
};

app.handle(routes.health, () => json({ status: 'ok' }));
app.handle(routes.listOrders, (req) => json(orders.list(req.query.status, req.query.limit ?? 20)));
app.handle(routes.createOrder, (req) => {
  const order = orders.create(req.body);
  return json(order, 201, { location: `/orders/${order.id}` });
});
app.handle(routes.getOrder, (req) => json(orders.get(req.params.orderId) ?? missing(req.params.orderId)));
app.handle(routes.updateOrder, (req) => json(orders.update(req.params.orderId, req.body.status) ?? missing(req.params.orderId)));
app.handle(routes.removeItem, (req) => {
  if (!orders.removeItem(req.params.orderId, req.params.sku)) throw new NotFoundError(`Order ${req.params.orderId} has no item ${req.params.sku}`);
  return noContent();
});

export const handler = handle(app);
