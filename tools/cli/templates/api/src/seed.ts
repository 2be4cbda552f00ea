/**
 * `pnpm dev` runs this when the {{name}} table is empty: a few items, written through the store so they have exactly
 * the shape the function reads, and `GET /items` has a page to show from the first request.
 */
import type { Seed } from '@portico/cli';
import { createDynamoDb } from '@portico/dynamodb';
import { ItemStore } from './store';

export const SEED_ITEMS = [
  { name: 'First item', description: 'Written by src/seed.ts when the table was empty' },
  { name: 'Second item' },
] as const;

const seed: Seed = async ({ tables, endpoint, region }) => {
  // The local DynamoDB accepts any key pair; these are not secrets.
  const db = createDynamoDb({ env: { AWS_ENDPOINT_URL_DYNAMODB: endpoint, AWS_REGION: region, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' } });
  try {
    const store = new ItemStore(db, tables.items!);
    for (const item of SEED_ITEMS) await store.create(item);
  } finally {
    db.close();
  }
  return `seeded ${SEED_ITEMS.length} items`;
};

export default seed;
