/**
 * Items in DynamoDB, through `@portico/dynamodb`: one DynamoDB item per API item, keyed by `id`.
 *
 * Failures come out as {@link StoreUnavailableError} (DynamoDB unreachable, not answering in time, failing or
 * throttling, after the client's retries: try again later) or as anything else (a bug or a misconfiguration).
 */
import {
  createDynamoDb,
  DynamoDbError,
  type DynamoDb,
  type Item as DynamoDbItem,
  type Operation,
  type Operations,
} from '@portico/dynamodb';
import type { CreateItemBody, Item } from './routes';

/** The function environment variable holding the table's name (portico.config.ts declares it; infra sets it). */
export const ITEMS_TABLE_ENV = 'ITEMS_TABLE';

/** Ids are minted by {@link ItemStore.create} as random UUIDs, so nothing else names an item. */
const ITEM_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether `id` could name an item: the handler answers 404 for anything else without asking DynamoDB. */
export const isItemId = (id: string): boolean => ITEM_ID.test(id);

/** Where a page starts: the key of the last item of the page before it. */
export interface PageKey {
  id: string;
}

/** One page of items and, when more follow, the key to continue after. */
export interface StoredPage {
  items: Item[];
  next?: PageKey;
}

/**
 * DynamoDB could not serve a call in time: the caller answers 503 with `Retry-After: retryAfterSeconds`.
 */
export class StoreUnavailableError extends Error {
  /** Throttling clears within a second or so; a database that is not answering rarely does, and retries add load. */
  readonly retryAfterSeconds: number;

  constructor(cause: DynamoDbError) {
    super(`The items table is ${cause.throttled ? 'throttling' : 'unavailable'}: ${cause.message}`, { cause });
    this.name = 'StoreUnavailableError';
    this.retryAfterSeconds = cause.throttled ? 1 : 5;
  }
}

function toDynamoDb(item: Item): DynamoDbItem {
  const stored: DynamoDbItem = { id: { S: item.id }, name: { S: item.name }, createdAt: { S: item.createdAt } };
  if (item.description !== undefined) stored.description = { S: item.description };
  return stored;
}

function text(stored: DynamoDbItem, name: string): string {
  const value = stored[name];
  if (value && 'S' in value) return value.S;
  throw new TypeError(`Stored item ${JSON.stringify(stored.id)} has no string ${name}: it was not written by this store`);
}

function fromDynamoDb(stored: DynamoDbItem): Item {
  const id = text(stored, 'id');
  const name = text(stored, 'name');
  const createdAt = text(stored, 'createdAt');
  // The key order of `create`'s answer, so a stored item reads back as the same JSON.
  return stored.description === undefined ? { id, name, createdAt } : { id, name, description: text(stored, 'description'), createdAt };
}

/**
 * Items stored in one DynamoDB table.
 *
 * @example
 * const store = createItemStore(); // ITEMS_TABLE from the environment
 * const item = await store.create({ name: 'First' });
 * await store.get(item.id); // { id, name: 'First', createdAt }
 */
export class ItemStore {
  constructor(
    private readonly db: DynamoDb,
    /** The DynamoDB table this store reads and writes. */
    readonly tableName: string,
  ) {}

  /** Every call goes through here, so "try again later" has one type whatever the operation. */
  private async send<O extends Operation>(operation: O, input: Operations[O]['input']): Promise<Operations[O]['output']> {
    try {
      return await this.db.send(operation, input);
    } catch (error) {
      throw error instanceof DynamoDbError && error.retryable ? new StoreUnavailableError(error) : error;
    }
  }

  /**
   * Stores a new item under a fresh random UUID. The write is unconditional: no other item can have that id, and a
   * write retried after a lost answer stores the same item again instead of failing.
   */
  async create(input: CreateItemBody): Promise<Item> {
    const item: Item = {
      id: process.getBuiltinModule('node:crypto').randomUUID(),
      name: input.name,
      ...(input.description === undefined ? {} : { description: input.description }),
      createdAt: new Date().toISOString(),
    };
    await this.send('PutItem', { TableName: this.tableName, Item: toDynamoDb(item) });
    return item;
  }

  /** The item with this id, or `undefined`. */
  async get(id: string): Promise<Item | undefined> {
    const { Item: stored } = await this.send('GetItem', { TableName: this.tableName, Key: { id: { S: id } } });
    return stored ? fromDynamoDb(stored) : undefined;
  }

  /**
   * Deletes the item with this id; `false` when there was none (the delete is conditional, so nothing happens). A
   * retried delete whose first attempt landed answers `false` too: the item is gone either way.
   */
  async delete(id: string): Promise<boolean> {
    try {
      await this.send('DeleteItem', { TableName: this.tableName, Key: { id: { S: id } }, ConditionExpression: 'attribute_exists(id)' });
      return true;
    } catch (error) {
      if (error instanceof DynamoDbError && error.code === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  /**
   * One page of items in table order, at most `limit` long. It reads one item more than asked, so `next` is there
   * only when another item really follows: a client never gets a cursor that leads to an empty page.
   */
  async list(limit: number, after?: PageKey): Promise<StoredPage> {
    const { Items = [], LastEvaluatedKey } = await this.send('Scan', {
      TableName: this.tableName,
      Limit: limit + 1,
      ExclusiveStartKey: after && { id: { S: after.id } },
    });
    const items = Items.slice(0, limit).map(fromDynamoDb);
    if (Items.length > limit) return { items, next: { id: items[items.length - 1]!.id } };
    // Fewer items than asked, yet a key: DynamoDB stopped at its 1 MB page, not at the end of the table.
    return LastEvaluatedKey ? { items, next: { id: text(LastEvaluatedKey, 'id') } } : { items };
  }
}

/**
 * Builds the store and its client from the environment (region, credentials, `AWS_ENDPOINT_URL_DYNAMODB`), once, at
 * module init, so warm invocations reuse the client and its kept-alive connection. `remainingTimeMs` is the
 * invocation's remaining time: the client never plans a call past it.
 *
 * @throws {Error} when `ITEMS_TABLE` is unset: an init failure, not a 500 on every request.
 */
export function createItemStore(remainingTimeMs?: () => number | undefined): ItemStore {
  const tableName = process.env[ITEMS_TABLE_ENV];
  if (!tableName) throw new Error(`${ITEMS_TABLE_ENV} is not set: set it to the items DynamoDB table name (infra sets it on the function)`);
  return new ItemStore(createDynamoDb({ remainingTimeMs }), tableName);
}
