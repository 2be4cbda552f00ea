/** The seed `pnpm dev` runs on an empty table: its items, as the API then lists them. */
import type { ProxyHandler } from '@portico/http';
import { createProxyEvent, invoke } from '@portico/http/testing';
import seed, { SEED_ITEMS } from '../src/seed';
import { routes, type ItemPage } from '../src/routes';
import { startItemsDb, type ItemsDb } from './support/dynamo';

let db: ItemsDb;
let handler: ProxyHandler;

beforeAll(async () => {
  db = await startItemsDb('items-seed-test');
  ({ handler } = await import('../src/handler'));
});
afterAll(() => db.stop());

it('fills an empty table with items the API lists', async () => {
  // Act: as `pnpm dev` calls it
  const said = await seed({ tables: { items: db.tableName }, endpoint: db.endpoint, region: 'us-east-1' });
  const listed = await invoke(handler, createProxyEvent({ routes, path: '/items' }));

  // Assert
  expect(said).toBe(`seeded ${SEED_ITEMS.length} items`);
  expect(listed.json<ItemPage>().items.map((item) => item.name).sort()).toEqual(SEED_ITEMS.map((item) => item.name).sort());
});
