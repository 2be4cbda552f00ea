/**
 * `pnpm dev` seeds an empty users table with this: two users, so the seed's curl examples have something to list,
 * get and search. Written through the store, so the items have exactly the shape the function reads (`nameLower`
 * included); ids are UUIDs, as the API mints.
 */
import { createDynamoDb } from '@portico/dynamodb';
import { createUserStore } from './store';

export const SEED_USERS = [
  { id: '0b6f3c5e-8a1d-4c2b-9e7f-1a2b3c4d5e6f', name: 'Alice', email: 'alice@example.com', createdAt: '2026-01-01T00:00:00.000Z' },
  { id: '7d9e2f4a-6b3c-4d1e-8f5a-9b8c7d6e5f4a', name: 'Bob', email: 'bob@example.com', createdAt: '2026-01-02T00:00:00.000Z' },
] as const;

/** What `pnpm dev` hands a seed: the local tables by key, the endpoint and the region. */
export interface SeedContext {
  readonly tables: Readonly<Record<string, string>>;
  readonly endpoint: string;
  readonly region: string;
}

export default async function seed({ tables, endpoint, region }: SeedContext): Promise<string> {
  // The local DynamoDB accepts any key pair; these are not secrets.
  const env = { AWS_ENDPOINT_URL_DYNAMODB: endpoint, AWS_REGION: region, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };
  const db = createDynamoDb({ env });
  try {
    const store = createUserStore({ tableName: tables.users!, client: db });
    for (const { id, name, email, createdAt } of SEED_USERS) await store.create({ name, email }, { id, now: new Date(createdAt) });
  } finally {
    db.close();
  }
  return `seeded ${SEED_USERS.length} users`;
}
