/**
 * Not a contender: the shared schema and store with no HTTP handling at all. Its cold-start and size rows show what
 * the validation library costs by itself, which the budget reports separately from router + helpers.
 */
import * as v from 'valibot';
import { CreateUser, store } from '../../shared/users';

const SAMPLE = { name: 'Ada Lovelace', email: 'ada@example.com' };

export async function handler(): Promise<{ statusCode: number; body: string }> {
  const result = v.safeParse(CreateUser, SAMPLE);
  return { statusCode: result.success ? 200 : 500, body: JSON.stringify(store.get('u-1')) };
}
