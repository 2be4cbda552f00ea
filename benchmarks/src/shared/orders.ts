/**
 * The second harness's API: an orders service written the way a small team writes one, deployed as a single Lambda
 * behind API Gateway's `ANY /{proxy+}` (so every variant routes the path itself), with its own schemas, two allowed
 * browser origins and credentials. Like the users store, the data is fixed and synchronous: this measures framework
 * overhead, not a database.
 */
import * as v from 'valibot';

export const ORDER_STATUSES = ['open', 'paid', 'shipped', 'cancelled'] as const;
export const OrderStatus = v.picklist(ORDER_STATUSES);

/** `GET /orders?status=&limit=`: both optional; `limit` arrives as text and leaves as a number. */
export const ListOrdersQuery = v.object({
  status: v.optional(OrderStatus),
  limit: v.optional(v.pipe(v.string(), v.digits(), v.transform(Number), v.minValue(1), v.maxValue(100))),
});

export const CreateOrder = v.object({
  customerId: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  items: v.pipe(
    v.array(v.object({ sku: v.pipe(v.string(), v.minLength(1), v.maxLength(32)), qty: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(99)) })),
    v.minLength(1),
    v.maxLength(50),
  ),
  note: v.optional(v.pipe(v.string(), v.maxLength(500))),
});
export type CreateOrderInput = v.InferOutput<typeof CreateOrder>;

export const UpdateOrder = v.object({ status: OrderStatus });

export interface Order {
  id: string;
  customerId: string;
  status: (typeof ORDER_STATUSES)[number];
  items: readonly { sku: string; qty: number }[];
  note?: string;
}

const ORDERS: readonly Order[] = [
  { id: 'o-1', customerId: 'c-1', status: 'open', items: [{ sku: 'sku-1', qty: 2 }, { sku: 'sku-2', qty: 1 }] },
  { id: 'o-2', customerId: 'c-2', status: 'paid', items: [{ sku: 'sku-3', qty: 5 }] },
];

export const orders = {
  list(status: string | undefined, limit: number): { items: Order[] } {
    return { items: ORDERS.filter((o) => status === undefined || o.status === status).slice(0, limit) };
  },
  get(id: string): Order | undefined {
    return ORDERS.find((o) => o.id === id);
  },
  create(input: CreateOrderInput): Order {
    return { id: 'o-3', status: 'open', ...input };
  },
  update(id: string, status: Order['status']): Order | undefined {
    const order = ORDERS.find((o) => o.id === id);
    return order && { ...order, status };
  },
  removeItem(id: string, sku: string): boolean {
    return ORDERS.some((o) => o.id === id && o.items.some((i) => i.sku === sku));
  },
};

/** The orders app's CORS policy: a shop and an admin front end, with cookies. */
export const ORDERS_CORS = {
  origins: ['https://shop.example.com', 'https://admin.example.com'],
  methods: ['GET', 'POST', 'PATCH', 'DELETE'],
  headers: ['content-type', 'authorization'],
  maxAge: 300,
  credentials: true,
} as const;
