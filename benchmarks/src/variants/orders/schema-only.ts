/**
 * Not a contender: the orders schemas and store with no HTTP handling at all, to show what the validation library
 * costs by itself in this harness.
 */
import * as v from 'valibot';
import { CreateOrder, orders } from '../../shared/orders';

const SAMPLE = { customerId: 'c-1', items: [{ sku: 'sku-1', qty: 2 }] };

export async function handler(): Promise<{ statusCode: number; body: string }> {
  const result = v.safeParse(CreateOrder, SAMPLE);
  return { statusCode: result.success ? 200 : 500, body: JSON.stringify(orders.get('o-1')) };
}
