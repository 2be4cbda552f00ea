/**
 * Users in DynamoDB, through the small client in `./dynamodb.ts`.
 *
 * One item per user, keyed by `id`. Each item also carries `nameLower`, the lower-cased name, so search can match
 * case-insensitively inside DynamoDB rather than in the function, and `createdBy`, the Cognito `sub` of the user who
 * created it (absent on seeded users). Neither leaves the store: reads are public, and a creator's id on every read
 * would tell anyone which account wrote what.
 *
 * Failures come out as one of three kinds: {@link UserExistsError} (a conditional write found the id taken),
 * {@link StoreUnavailableError} (DynamoDB unreachable, not answering in time, failing or throttling, after the client's
 * retries: try again later), or anything else (a bug or a misconfiguration).
 */
import {
  createDynamoDb,
  DynamoDbError,
  type DynamoDb,
  type DynamoDbTimeouts,
  type Item,
  type Operation,
  type Operations,
} from '@portico/dynamodb';
import type { User } from './routes';
import { USERS_TABLE_ENV, usersTableDefinition } from './table';

/** What a client supplies to create a user (already validated by the route schema). */
export interface NewUser {
  name: string;
  email?: string | undefined;
}

/** The exclusive start key of a page: the key of the last item the previous page returned. */
export interface PageKey {
  id: string;
}

/** One page of users and, when more may follow, the key to continue from. */
export interface UserPage {
  items: User[];
  nextKey?: PageKey;
}

/**
 * Search reads the table with a filtered Scan. DynamoDB has no substring index: a key condition can only match a
 * prefix of a sort key, so "name contains q, any case" can't be a Query. At this API's scale a Scan over `nameLower`
 * with `contains` is the honest option; it stops as soon as `limit` matches are found and never reads more than this
 * many 1 MB pages, so one search costs at most ~640 read units however large the table grows. Past that it returns
 * the matches found so far. A table that outgrows this wants a search index (e.g. OpenSearch fed by a stream).
 */
export const MAX_SEARCH_PAGES = 5;

/** Thrown by {@link UserStore.create} when the id is taken; the existing item is left untouched. */
export class UserExistsError extends Error {
  constructor(readonly id: string) {
    super(`User ${id} already exists`);
    this.name = 'UserExistsError';
  }
}

/**
 * DynamoDB could not serve a call in time: unreachable, not answering, failing, or throttling. The client retried as
 * far as its budget allowed; the caller should answer 503 with `Retry-After: retryAfterSeconds`.
 */
export class StoreUnavailableError extends Error {
  /**
   * When a client may usefully try again: throttling clears within a second or so (DynamoDB's burst and adaptive
   * capacity), a database that is not answering rarely does, and a prompt retry only adds to the load.
   */
  readonly retryAfterSeconds: number;

  constructor(cause: DynamoDbError) {
    super(`The users table is ${cause.throttled ? 'throttling' : 'unavailable'}: ${cause.message}`, { cause });
    this.name = 'StoreUnavailableError';
    this.retryAfterSeconds = cause.throttled ? 1 : 5;
  }
}

function toItem(user: User, createdBy: string | undefined): Item {
  const item: Item = {
    id: { S: user.id },
    name: { S: user.name },
    createdAt: { S: user.createdAt },
    nameLower: { S: user.name.toLowerCase() },
  };
  if (user.email !== undefined) item.email = { S: user.email };
  if (createdBy !== undefined) item.createdBy = { S: createdBy };
  return item;
}

function text(item: Item, name: string): string {
  const value = item[name];
  if (value && 'S' in value) return value.S;
  throw new TypeError(`Stored item ${JSON.stringify(item.id)} has no string ${name}: it was not written by this store`);
}

function toUser(item: Item): User {
  const id = text(item, 'id');
  const name = text(item, 'name');
  const createdAt = text(item, 'createdAt');
  // The key order of `create`'s answer, so a stored user reads back as the same JSON.
  return item.email === undefined ? { id, name, createdAt } : { id, name, email: text(item, 'email'), createdAt };
}

function isConditionFailure(error: unknown): error is DynamoDbError {
  return error instanceof DynamoDbError && error.code === 'ConditionalCheckFailedException';
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
    private readonly db: DynamoDb,
    /** The DynamoDB table this store reads and writes. */
    readonly tableName: string,
  ) {}

  /** Every DynamoDB call goes through here, so "try again later" has one type whatever the operation. */
  private async send<O extends Operation>(operation: O, input: Operations[O]['input']): Promise<Operations[O]['output']> {
    try {
      return await this.db.send(operation, input);
    } catch (error) {
      throw error instanceof DynamoDbError && error.retryable ? new StoreUnavailableError(error) : error;
    }
  }

  /**
   * Stores a new user under a fresh id (or `options.id`) and returns it; `options.createdBy` (who asked for it) is
   * stored with the item, never returned. The write is conditional on the id being free: an existing user is never
   * overwritten.
   *
   * @throws {UserExistsError} when an item with that id already exists.
   */
  async create(input: NewUser, options: { id?: string; now?: Date; createdBy?: string } = {}): Promise<User> {
    const user: User = {
      id: options.id ?? process.getBuiltinModule('node:crypto').randomUUID(),
      name: input.name,
      ...(input.email === undefined ? {} : { email: input.email }),
      createdAt: (options.now ?? new Date()).toISOString(),
    };
    try {
      await this.send('PutItem', { TableName: this.tableName, Item: toItem(user, options.createdBy), ConditionExpression: 'attribute_not_exists(id)' });
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // A retried write can find its own first attempt, which landed though its answer was lost: that is this user,
      // stored, not a conflict. Only an identical item (same name and createdAt to the millisecond) counts.
      if (error.attempts > 1 && JSON.stringify(await this.get(user.id)) === JSON.stringify(user)) return user;
      throw new UserExistsError(user.id);
    }
    return user;
  }

  /** The user with this id, or `undefined`. */
  async get(id: string): Promise<User | undefined> {
    const { Item } = await this.send('GetItem', { TableName: this.tableName, Key: { id: { S: id } } });
    return Item ? toUser(Item) : undefined;
  }

  /**
   * Deletes the user with this id; `false` when there was none (the delete is conditional, so nothing happens).
   * A retried delete whose first attempt landed also answers `false`: the user is gone either way.
   */
  async delete(id: string): Promise<boolean> {
    try {
      await this.send('DeleteItem', { TableName: this.tableName, Key: { id: { S: id } }, ConditionExpression: 'attribute_exists(id)' });
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
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
    const { Items = [], LastEvaluatedKey } = await this.send('Scan', {
      TableName: this.tableName,
      Limit: limit + 1,
      ExclusiveStartKey: startKey && { id: { S: startKey.id } },
    });
    if (Items.length > limit) {
      const items = Items.slice(0, limit).map(toUser);
      return { items, nextKey: { id: items[items.length - 1]!.id } };
    }
    // Fewer items than asked with a key means DynamoDB stopped at its 1 MB page size, not at the end of the table.
    const items = Items.map(toUser);
    return LastEvaluatedKey ? { items, nextKey: { id: text(LastEvaluatedKey, 'id') } } : { items };
  }

  /** Up to `limit` users whose name contains `query`, ignoring case (see {@link MAX_SEARCH_PAGES}). */
  async search(query: string, limit: number): Promise<User[]> {
    const found: User[] = [];
    let startKey: Item | undefined;
    for (let page = 0; page < MAX_SEARCH_PAGES && found.length < limit; page++) {
      const { Items = [], LastEvaluatedKey } = await this.send('Scan', {
        TableName: this.tableName,
        FilterExpression: 'contains(nameLower, :q)',
        ExpressionAttributeValues: { ':q': { S: query.toLowerCase() } },
        ExclusiveStartKey: startKey,
      });
      found.push(...Items.map(toUser));
      startKey = LastEvaluatedKey;
      if (!startKey) break;
    }
    return found.slice(0, limit);
  }

  /**
   * How many users are stored, counted now: a `Select: COUNT` Scan, page after page until DynamoDB has read the whole
   * table (it stops each page at 1 MB read, so a count of a large table takes several calls). It costs what reading
   * every item costs (0.5 read unit per 4 KB), which is why only `GET /internal/stats`, for other services, asks it;
   * DescribeTable's `ItemCount` is free but up to six hours old, and would need one more action on the role.
   */
  async count(): Promise<number> {
    let total = 0;
    let startKey: Item | undefined;
    do {
      const { Count = 0, LastEvaluatedKey } = await this.send('Scan', {
        TableName: this.tableName,
        Select: 'COUNT',
        ExclusiveStartKey: startKey,
      });
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
   * The DynamoDB client. The default one takes region, credentials and endpoint from the environment Lambda sets, so
   * `AWS_ENDPOINT_URL_DYNAMODB` (or `AWS_ENDPOINT_URL`) points it at dynalite or another local DynamoDB.
   */
  client?: DynamoDb;
  /** Time limits and retries of the default client (see `DYNAMODB_DEFAULTS`). */
  timeouts?: DynamoDbTimeouts;
  /**
   * The function's remaining time in ms, read at the start of every DynamoDB call: the default client never plans a
   * call past it. The handler passes the current invocation's `context.getRemainingTimeInMillis()`.
   */
  remainingTimeMs?: () => number | undefined;
  /** @default process.env */
  env?: Record<string, string | undefined>;
}

/**
 * Builds the store and its client. Call it once, at module init, so every warm invocation reuses the client and its
 * kept-alive connection.
 *
 * @throws {Error} when no table name is given and `USERS_TABLE` is unset: failing at init shows up as a clear
 *   `Runtime.ImportModuleError`-style init failure instead of a 500 on every request.
 */
export function createUserStore(options: UserStoreOptions = {}): UserStore {
  const env = options.env ?? process.env;
  const tableName = options.tableName ?? env[USERS_TABLE_ENV];
  if (!tableName) {
    throw new Error(
      `${USERS_TABLE_ENV} is not set: set it to the users DynamoDB table name (infra sets it on the function; ` +
        'locally, e.g. USERS_TABLE=users-dev)',
    );
  }
  const client = options.client ?? createDynamoDb({ ...options.timeouts, env, remainingTimeMs: options.remainingTimeMs });
  return new UserStore(client, tableName);
}

/**
 * Creates the users table if it doesn't exist and waits until it is ACTIVE: for local development and tests
 * (deployed tables come from infra).
 *
 * @example
 * await createUsersTable(createDynamoDb(), 'users-dev');
 */
export async function createUsersTable(db: DynamoDb, tableName: string): Promise<void> {
  try {
    await db.send('CreateTable', usersTableDefinition(tableName));
  } catch (error) {
    if (!(error instanceof DynamoDbError && error.code === 'ResourceInUseException')) throw error;
  }
  for (let waited = 0; ; waited += 20) {
    const { Table } = await db.send('DescribeTable', { TableName: tableName });
    if (Table?.TableStatus === 'ACTIVE') return;
    if (waited > 60_000) throw new Error(`Table ${tableName} is still ${Table?.TableStatus} after a minute`);
    await new Promise((wake) => setTimeout(wake, 20));
  }
}
