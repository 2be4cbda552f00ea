/**
 * Avatars in DynamoDB, through `@portico/dynamodb`: one item per user, keyed by `userId`, the image as a binary
 * attribute beside what the API reports about it.
 */
import { createDynamoDb, DynamoDbError, type DynamoDb, type DynamoDbTimeouts, type Item } from '@portico/dynamodb';
import { createHash } from 'node:crypto';
import type { AvatarInfo, AvatarType, Uploader } from './routes';

/** The function environment variable holding the table's name (portico.config.ts sets it). */
export const AVATARS_TABLE_ENV = 'AVATARS_TABLE';

/** A stored avatar: its bytes and what the API says about them. */
export interface Avatar extends AvatarInfo {
  image: Buffer;
}

/** What an upload brings. */
export interface NewAvatar {
  userId: string;
  contentType: AvatarType;
  image: Uint8Array;
  width: number;
  height: number;
  /** The partner storing it. */
  uploadedBy?: Uploader;
}

/**
 * DynamoDB could not serve a call in time (unreachable, not answering, failing or throttling) after the client's
 * retries: the caller answers 503 with `Retry-After`.
 */
export class StoreUnavailableError extends Error {
  /** Throttling clears within a second or so; a database that is not answering rarely does. */
  readonly retryAfterSeconds: number;

  constructor(cause: DynamoDbError) {
    super(`The avatars table is ${cause.throttled ? 'throttling' : 'unavailable'}: ${cause.message}`, { cause });
    this.name = 'StoreUnavailableError';
    this.retryAfterSeconds = cause.throttled ? 1 : 5;
  }
}

const isCondition = (error: unknown) => error instanceof DynamoDbError && error.code === 'ConditionalCheckFailedException';

function toItem(avatar: Avatar): Item {
  const item: Item = {
    userId: { S: avatar.userId },
    image: { B: avatar.image.toString('base64') },
    contentType: { S: avatar.contentType },
    bytes: { N: String(avatar.bytes) },
    width: { N: String(avatar.width) },
    height: { N: String(avatar.height) },
    etag: { S: avatar.etag },
    updatedAt: { S: avatar.updatedAt },
  };
  if (avatar.uploadedBy) {
    const { partnerId, name } = avatar.uploadedBy;
    item.uploadedBy = { M: { partnerId: { S: partnerId }, ...(name !== undefined ? { name: { S: name } } : {}) } };
  }
  return item;
}

function fromItem(item: Item): Avatar {
  const s = (name: string) => (item[name] as { S: string }).S;
  const n = (name: string) => Number((item[name] as { N: string }).N);
  const uploader = (item.uploadedBy as { M?: Item } | undefined)?.M;
  const avatar: Avatar = {
    userId: s('userId'),
    image: Buffer.from((item.image as { B: string }).B, 'base64'),
    contentType: s('contentType') as AvatarType,
    bytes: n('bytes'),
    width: n('width'),
    height: n('height'),
    etag: s('etag'),
    updatedAt: s('updatedAt'),
  };
  if (uploader) {
    const name = (uploader.name as { S?: string } | undefined)?.S;
    avatar.uploadedBy = { partnerId: (uploader.partnerId as { S: string }).S, ...(name !== undefined ? { name } : {}) };
  }
  return avatar;
}

/** The API's view of an avatar: everything but the bytes. */
export function infoOf({ image: _image, ...info }: Avatar): AvatarInfo {
  return info;
}

/**
 * Avatars stored in one DynamoDB table.
 *
 * @example
 * const store = createAvatarStore(); // AVATARS_TABLE from the environment
 * const { avatar, created } = await store.put({ userId: 'u1', contentType: 'image/png', image, width: 64, height: 64 });
 */
export class AvatarStore {
  constructor(
    private readonly db: DynamoDb,
    readonly tableName: string,
  ) {}

  /** The avatar of `userId`, or undefined. */
  async get(userId: string): Promise<Avatar | undefined> {
    const { Item } = await this.call(() => this.db.send('GetItem', { TableName: this.tableName, Key: { userId: { S: userId } } }));
    return Item ? fromItem(Item) : undefined;
  }

  /**
   * Stores an avatar, replacing any earlier one; `created` says whether there was none. A first write that may not
   * replace anything tells the two apart without reading the old image back.
   */
  async put(upload: NewAvatar, now = new Date()): Promise<{ avatar: Avatar; created: boolean }> {
    const image = Buffer.from(upload.image.buffer, upload.image.byteOffset, upload.image.byteLength);
    const avatar: Avatar = {
      userId: upload.userId,
      image,
      contentType: upload.contentType,
      bytes: image.length,
      width: upload.width,
      height: upload.height,
      etag: createHash('sha256').update(image).digest('hex'),
      updatedAt: now.toISOString(),
      ...(upload.uploadedBy ? { uploadedBy: upload.uploadedBy } : {}),
    };
    const Item = toItem(avatar);
    try {
      await this.call(() => this.db.send('PutItem', { TableName: this.tableName, Item, ConditionExpression: 'attribute_not_exists(userId)' }));
      return { avatar, created: true };
    } catch (error) {
      if (!isCondition(error)) throw error;
    }
    await this.call(() => this.db.send('PutItem', { TableName: this.tableName, Item }));
    return { avatar, created: false };
  }

  /** Deletes the avatar of `userId`; false when there was none. */
  async delete(userId: string): Promise<boolean> {
    try {
      await this.call(() =>
        this.db.send('DeleteItem', { TableName: this.tableName, Key: { userId: { S: userId } }, ConditionExpression: 'attribute_exists(userId)' }),
      );
      return true;
    } catch (error) {
      if (isCondition(error)) return false;
      throw error;
    }
  }

  /** Runs a call, turning "unavailable or throttling, even after retries" into {@link StoreUnavailableError}. */
  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof DynamoDbError && error.retryable) throw new StoreUnavailableError(error);
      throw error;
    }
  }
}

export interface AvatarStoreOptions {
  /** @default process.env.AVATARS_TABLE */
  tableName?: string;
  /** @default a client from the environment (credentials, region, AWS_ENDPOINT_URL_DYNAMODB) */
  client?: DynamoDb;
  /** The invocation's remaining time, so no call plans past it. */
  remainingTimeMs?: () => number | undefined;
  timeouts?: DynamoDbTimeouts;
  /** @default process.env */
  env?: Record<string, string | undefined>;
}

/**
 * Builds the store once, at module init, so warm invocations reuse the client and its kept-alive connection.
 *
 * @throws {Error} when no table name is given and `AVATARS_TABLE` is unset: an init failure, not a 500 per request.
 */
export function createAvatarStore(options: AvatarStoreOptions = {}): AvatarStore {
  const env = options.env ?? process.env;
  const tableName = options.tableName ?? env[AVATARS_TABLE_ENV];
  if (!tableName) throw new Error(`${AVATARS_TABLE_ENV} is not set: set it to the avatars DynamoDB table name (infra sets it on the function)`);
  const client = options.client ?? createDynamoDb({ ...options.timeouts, env, remainingTimeMs: options.remainingTimeMs });
  return new AvatarStore(client, tableName);
}
