/**
 * BASELINE, kept for comparison only: the store as it was before `@portico/dynamodb`, on the AWS SDK v3 document
 * client (`@aws-sdk/client-dynamodb` + `@aws-sdk/lib-dynamodb`, 3.1169), unchanged but for its import paths and for
 * taking the types, constants and error classes it shares with `src/store.ts` from there (its `StoreUnavailableError`
 * is never thrown here: this store's calls had no timeout to run out).
 * `scripts/measure-init.ts` builds the handler with this file in place of `src/store.ts`, so every cold-init table
 * shows the SDK build beside the shipped one. Not part of the function.
 *
 * ---
 *
 * Users in DynamoDB, through the document client.
 *
 * One item per user, keyed by `id`. Each item also carries `nameLower`, the lower-cased name, so search can match
 * case-insensitively inside DynamoDB rather than in the function; it never leaves the store.
 */
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  type ScanCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import type { User } from '../../src/routes';
import { MAX_SEARCH_PAGES, UserExistsError, type NewUser, type PageKey, type UserPage } from '../../src/store';
import { USERS_TABLE_ENV, usersTableDefinition } from '../../src/table';

// The store's vocabulary is shared with src/store.ts, so the handler's `instanceof` checks see one class.
export { MAX_SEARCH_PAGES, StoreUnavailableError, UserExistsError, type NewUser, type PageKey, type UserPage } from '../../src/store';

interface UserItem extends User {
  nameLower: string;
}

function toUser(item: Record<string, unknown>): User {
  const { id, name, email, createdAt } = item as unknown as UserItem;
  return email === undefined ? { id, name, createdAt } : { id, name, email, createdAt };
}

/**
 * Users stored in one DynamoDB table (see `usersTableDefinition`).
 *
 * @example
 * const store = createUserStore(); // USERS_TABLE from the environment
 * const ada = await store.create({ name: 'Ada' });
 * await store.get(ada.id); // { id, name: 'Ada', createdAt }
 */
export class UserStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    /** The DynamoDB table this store reads and writes. */
    readonly tableName: string,
  ) {}

  /**
   * Stores a new user under a fresh id (or `options.id`) and returns it.
   * The write is conditional on the id being free: an existing user is never overwritten.
   *
   * @throws {UserExistsError} when an item with that id already exists.
   */
  async create(input: NewUser, options: { id?: string; now?: Date } = {}): Promise<User> {
    const user: User = {
      id: options.id ?? randomUUID(),
      name: input.name,
      ...(input.email === undefined ? {} : { email: input.email }),
      createdAt: (options.now ?? new Date()).toISOString(),
    };
    const item: UserItem = { ...user, nameLower: user.name.toLowerCase() };
    try {
      await this.doc.send(
        new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(id)' }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new UserExistsError(user.id);
      throw error;
    }
    return user;
  }

  /** The user with this id, or `undefined`. */
  async get(id: string): Promise<User | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { id } }));
    return Item ? toUser(Item) : undefined;
  }

  /** Deletes the user with this id; `false` when there was none (the delete is conditional, so nothing happens). */
  async delete(id: string): Promise<boolean> {
    try {
      await this.doc.send(
        new DeleteCommand({ TableName: this.tableName, Key: { id }, ConditionExpression: 'attribute_exists(id)' }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * One page of users in table order, at most `limit` long.
   *
   * It scans one item more than asked so `nextKey` is present only when another item really follows: clients never
   * get a cursor that leads to an empty page (a plain `Limit: limit` Scan returns a key whenever the page is full).
   */
  async list(limit: number, startKey?: PageKey): Promise<UserPage> {
    const { Items = [], LastEvaluatedKey } = await this.doc.send(
      new ScanCommand({ TableName: this.tableName, Limit: limit + 1, ExclusiveStartKey: startKey }),
    );
    if (Items.length > limit) {
      const items = Items.slice(0, limit).map(toUser);
      return { items, nextKey: { id: items[items.length - 1]!.id } };
    }
    // Fewer items than asked with a key means DynamoDB stopped at its 1 MB page size, not at the end of the table.
    const items = Items.map(toUser);
    return LastEvaluatedKey ? { items, nextKey: { id: String(LastEvaluatedKey.id) } } : { items };
  }

  /** Up to `limit` users whose name contains `query`, ignoring case (see {@link MAX_SEARCH_PAGES}). */
  async search(query: string, limit: number): Promise<User[]> {
    const input: ScanCommandInput = {
      TableName: this.tableName,
      FilterExpression: 'contains(nameLower, :q)',
      ExpressionAttributeValues: { ':q': query.toLowerCase() },
    };
    const found: User[] = [];
    let startKey: Record<string, unknown> | undefined;
    for (let page = 0; page < MAX_SEARCH_PAGES && found.length < limit; page++) {
      const { Items = [], LastEvaluatedKey } = await this.doc.send(
        new ScanCommand({ ...input, ExclusiveStartKey: startKey }),
      );
      found.push(...Items.map(toUser));
      startKey = LastEvaluatedKey;
      if (!startKey) break;
    }
    return found.slice(0, limit);
  }

  /** How many users are stored (a full COUNT scan: for tests and local tooling, not for request paths). */
  async count(): Promise<number> {
    let total = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const { Count = 0, LastEvaluatedKey } = await this.doc.send(
        new ScanCommand({ TableName: this.tableName, Select: 'COUNT', ExclusiveStartKey: startKey }),
      );
      total += Count;
      startKey = LastEvaluatedKey;
    } while (startKey);
    return total;
  }
}

/** Options for {@link createUserStore}; everything defaults from the environment. */
export interface UserStoreOptions {
  /** @default process.env.USERS_TABLE */
  tableName?: string;
  /**
   * The low-level client. The default one takes region, credentials and endpoint from the SDK's standard sources,
   * so `AWS_ENDPOINT_URL_DYNAMODB` (or `AWS_ENDPOINT_URL`) points it at dynalite or another local DynamoDB.
   */
  client?: DynamoDBClient;
  /** @default process.env */
  env?: Record<string, string | undefined>;
}

/**
 * Builds the store and its clients. Call it once, at module init, so every warm invocation reuses the clients and
 * their kept-alive connections.
 *
 * @throws {Error} when no table name is given and `USERS_TABLE` is unset: failing at init shows up as a clear
 *   `Runtime.ImportModuleError`-style init failure instead of a 500 on every request.
 */
export function createUserStore(options: UserStoreOptions = {}): UserStore {
  const tableName = options.tableName ?? (options.env ?? process.env)[USERS_TABLE_ENV];
  if (!tableName) {
    throw new Error(
      `${USERS_TABLE_ENV} is not set: set it to the users DynamoDB table name (infra sets it on the function; ` +
        'locally, e.g. USERS_TABLE=users-dev)',
    );
  }
  const client = options.client ?? new DynamoDBClient({});
  // removeUndefinedValues: an absent optional field (email) is omitted from the item instead of failing the write.
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return new UserStore(doc, tableName);
}

/**
 * Creates the users table if it doesn't exist and waits until it is ACTIVE: for local development and tests
 * (deployed tables come from infra).
 *
 * @example
 * await createUsersTable(new DynamoDBClient({}), 'users-dev');
 */
export async function createUsersTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new CreateTableCommand(usersTableDefinition(tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client, minDelay: 1, maxDelay: 2, maxWaitTime: 60 }, { TableName: tableName });
}

