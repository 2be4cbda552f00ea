import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDynamoDb, type DynamoDb } from '@portico/dynamodb';
import { MAX_SEARCH_PAGES, createUsersTable, createUserStore, UserExistsError, type UserStore } from '../src/store';
import { startLocalDynamo, type LocalDynamo } from './support/dynalite';

let dynamo: LocalDynamo;
let tables = 0;

/** A store over a fresh, empty table, so tests never see each other's items. */
async function freshStore(): Promise<UserStore> {
  const tableName = `store-test-${++tables}`;
  await createUsersTable(dynamo.db, tableName);
  return createUserStore({ tableName });
}

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});

afterAll(async () => {
  await dynamo.stop();
});

describe('UserStore', () => {
  it('stores a user under a generated uuid and reads it back without internal attributes', async () => {
    const store = await freshStore();

    const created = await store.create({ name: 'Ada Lovelace', email: 'ada@example.com' });
    const read = await store.get(created.id);

    expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Date(created.createdAt).toISOString()).toBe(created.createdAt);
    expect(read).toEqual({
      id: created.id,
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      createdAt: created.createdAt,
    });
  });

  it('omits email when none was given', async () => {
    const store = await freshStore();

    const created = await store.create({ name: 'Grace', email: undefined });

    expect(await store.get(created.id)).toEqual({ id: created.id, name: 'Grace', createdAt: created.createdAt });
  });

  it('never overwrites an existing id: the second write fails and the first user stays', async () => {
    const store = await freshStore();
    const first = await store.create({ name: 'Ada' }, { id: 'same-id', now: new Date('2020-01-01T00:00:00Z') });

    const second = store.create({ name: 'Eve', email: 'eve@example.com' }, { id: 'same-id' });

    await expect(second).rejects.toBeInstanceOf(UserExistsError);
    expect(await store.get('same-id')).toEqual(first);
    expect(await store.count()).toBe(1);
  });

  it('deletes a user once, then reports it missing', async () => {
    const store = await freshStore();
    const user = await store.create({ name: 'Ada' });

    const first = await store.delete(user.id);
    const second = await store.delete(user.id);

    expect([first, second]).toEqual([true, false]);
    expect(await store.get(user.id)).toBeUndefined();
  });

  it('returns undefined for an unknown id', async () => {
    const store = await freshStore();

    expect(await store.get('nobody')).toBeUndefined();
  });

  it('pages through more users than one page holds, each exactly once, with no cursor after the last', async () => {
    const store = await freshStore();
    const ids = new Set<string>();
    for (let i = 0; i < 23; i++) ids.add((await store.create({ name: `user ${i}` })).id);

    const sizes: number[] = [];
    const seen: string[] = [];
    let page = await store.list(10);
    for (;;) {
      sizes.push(page.items.length);
      seen.push(...page.items.map((u) => u.id));
      if (!page.nextKey) break;
      page = await store.list(10, page.nextKey);
    }

    expect(sizes).toEqual([10, 10, 3]);
    expect(new Set(seen)).toEqual(ids);
    expect(seen).toHaveLength(23);
  });

  it('gives no cursor when the table holds exactly one page', async () => {
    const store = await freshStore();
    for (let i = 0; i < 5; i++) await store.create({ name: `user ${i}` });

    const page = await store.list(5);

    expect(page.items).toHaveLength(5);
    expect(page.nextKey).toBeUndefined();
  });

  it('searches names by substring, ignoring case, up to the limit', async () => {
    const store = await freshStore();
    for (const name of ['Ada Lovelace', 'ADAM Smith', 'Grace Hopper', 'Canada Dry', 'Linus']) {
      await store.create({ name });
    }

    const all = await store.search('aDa', 10);
    const two = await store.search('ada', 2);
    const none = await store.search('zzz', 10);

    expect(all.map((u) => u.name).sort()).toEqual(['ADAM Smith', 'Ada Lovelace', 'Canada Dry']);
    expect(two).toHaveLength(2);
    expect(none).toEqual([]);
    expect(all[0]).not.toHaveProperty('nameLower');
  });

  it(`stops searching after ${MAX_SEARCH_PAGES} pages of 1 MB, however much of the table is left`, async () => {
    const tableName = 'store-test-search-bound';
    await createUsersTable(dynamo.db, tableName);
    const padding = 'x'.repeat(300_000); // ~3 items per 1 MB Scan page, so 30 items need ~10 pages
    for (let i = 0; i < 30; i++) {
      await dynamo.client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            id: { S: `filler-${i}` },
            name: { S: 'Filler' },
            nameLower: { S: 'filler' },
            padding: { S: padding },
          },
        }),
      );
    }
    const db = createDynamoDb();
    let scans = 0;
    const client: DynamoDb = {
      send(operation, input) {
        if (operation === 'Scan') scans++;
        return db.send(operation, input);
      },
    };
    const store = createUserStore({ tableName, client });

    const results = await store.search('needle', 10);

    expect(results).toEqual([]);
    expect(scans).toBe(MAX_SEARCH_PAGES);
    db.close();
  }, 30_000);

  it('stores who created a user with the item, and never reads it back', async () => {
    const store = await freshStore();

    const user = await store.create({ name: 'Ada' }, { createdBy: 'sub-of-bob' });
    const seeded = await store.create({ name: 'Seeded' });

    const item = async (id: string) => (await dynamo.client.send(new GetItemCommand({ TableName: store.tableName, Key: { id: { S: id } } }))).Item;
    expect((await item(user.id))?.createdBy).toEqual({ S: 'sub-of-bob' });
    expect((await item(seeded.id))?.createdBy).toBeUndefined();
    expect(await store.get(user.id)).toEqual(user);
    expect(user).not.toHaveProperty('createdBy');
    expect((await store.list(10)).items.every((u) => !('createdBy' in u))).toBe(true);
  });

  it('counts every user of a table DynamoDB scans in several 1 MB pages, one COUNT Scan per page', async () => {
    const tableName = 'store-test-count-pages';
    await createUsersTable(dynamo.db, tableName);
    const padding = 'x'.repeat(300_000); // ~3 items per 1 MB Scan page: 10 items take 4 pages
    for (let i = 0; i < 10; i++) {
      await dynamo.client.send(
        new PutItemCommand({ TableName: tableName, Item: { id: { S: `big-${i}` }, name: { S: 'Big' }, nameLower: { S: 'big' }, padding: { S: padding } } }),
      );
    }
    const db = createDynamoDb();
    const scans: Array<{ Select?: string; from?: string }> = [];
    const client: DynamoDb = {
      send(operation, input) {
        if (operation === 'Scan') {
          const scan = input as { Select?: string; ExclusiveStartKey?: { id?: { S?: string } } };
          scans.push({ Select: scan.Select, from: scan.ExclusiveStartKey?.id?.S });
        }
        return db.send(operation, input);
      },
    };
    const store = createUserStore({ tableName, client });

    const count = await store.count();

    expect(count).toBe(10);
    expect(scans.length).toBeGreaterThan(1);
    expect(scans.every((scan) => scan.Select === 'COUNT')).toBe(true);
    // Each page after the first continues where the previous one stopped.
    expect(scans[0]!.from).toBeUndefined();
    expect(scans.slice(1).every((scan) => typeof scan.from === 'string')).toBe(true);
    db.close();
  }, 30_000);

  it('creating the table again is a no-op', async () => {
    const store = await freshStore();
    await store.create({ name: 'Ada' });

    await createUsersTable(dynamo.db, store.tableName);

    expect(await store.count()).toBe(1);
  });
});

describe('UserStore when an answer is lost', () => {
  /**
   * A proxy in front of dynalite that forwards every request but, for the first PutItem, drops the connection
   * instead of passing DynamoDB's answer back: the write landed, the client never heard.
   */
  async function lossyProxy(): Promise<{ endpoint: string; puts: number; stop(): Promise<void> }> {
    const state = { puts: 0 };
    const target = new URL(dynamo.endpoint);
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const put = req.headers['x-amz-target'] === 'DynamoDB_20120810.PutItem';
        if (put) state.puts++;
        const forward = request({ hostname: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => body.push(chunk));
          answer.on('end', () => {
            if (put && state.puts === 1) return req.socket.destroy();
            res.writeHead(answer.statusCode!, answer.headers);
            res.end(Buffer.concat(body));
          });
        });
        forward.end(Buffer.concat(chunks));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      get puts() {
        return state.puts;
      },
      stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  it('a retried create that finds its own first write returns the user instead of a conflict', async () => {
    const tableName = 'store-test-lost-answer';
    await createUsersTable(dynamo.db, tableName);
    const proxy = await lossyProxy();
    const db = createDynamoDb({ endpoint: proxy.endpoint, baseDelayMs: 1 });
    const store = createUserStore({ tableName, client: db });
    try {
      const user = await store.create({ name: 'Ada' });

      expect(proxy.puts).toBe(2);
      expect(await store.get(user.id)).toEqual(user);
      expect(await store.count()).toBe(1);
    } finally {
      db.close();
      await proxy.stop();
    }
  });
});

describe('createUserStore', () => {
  it('fails at init with the fix in the message when USERS_TABLE is missing', () => {
    expect(() => createUserStore({ env: {} })).toThrow(/USERS_TABLE is not set/);
  });

  it('honours the generic AWS_ENDPOINT_URL when no DynamoDB-specific endpoint is set', async () => {
    const tableName = 'store-test-generic-endpoint';
    await createUsersTable(dynamo.db, tableName);
    const { AWS_ENDPOINT_URL_DYNAMODB: specific, AWS_ENDPOINT_URL: generic } = process.env;
    delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
    process.env.AWS_ENDPOINT_URL = dynamo.endpoint;
    try {
      const store = createUserStore({ tableName });

      const user = await store.create({ name: 'Ada' });

      expect(await store.get(user.id)).toEqual(user);
    } finally {
      process.env.AWS_ENDPOINT_URL_DYNAMODB = specific;
      if (generic === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = generic;
    }
  });

  it('takes the table name from USERS_TABLE', () => {
    expect(createUserStore({ env: { USERS_TABLE: 'users-x' } }).tableName).toBe('users-x');
  });
});
