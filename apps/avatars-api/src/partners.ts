/**
 * Partners: the systems that may store and delete avatars, each holding an opaque token. The partners table keeps
 * only a SHA-256 hash of each token, as its key, beside the partner's id, name, an `active` flag and which users'
 * avatars it may write (listed ids, an id prefix, or every user). Read by the partner authorizer
 * (`src/authorizers/partner.ts`); written by the seed and `scripts/partner-token.ts`.
 *
 * Why a plain SHA-256 and no salt or slow hash: a token is 32 random bytes, so nothing can be guessed from its hash
 * (a password needs a slow hash because people choose guessable ones); the authorizer can then find a token with one
 * GetItem on its hash, and a leaked table lets no one call the API.
 */
import { createDynamoDb, DynamoDbError, type DynamoDb, type DynamoDbTimeouts, type Item } from '@portico/dynamodb';
import { methodArnFor, parseMethodArn } from '@portico/http/authorizer';
import { createHash, randomBytes } from 'node:crypto';
import { USER_ID } from './user-id';

/** The function environment variable holding the partners table's name (portico.config.ts sets it). */
export const PARTNERS_TABLE_ENV = 'PARTNERS_TABLE';

/** What a partner sends: `Authorization: Bearer ptk_` + 43 base64url characters (32 random bytes). */
export const PARTNER_AUTHORIZATION = /^[Bb]earer (ptk_[A-Za-z0-9_-]{43})$/;

/** Partner ids: the authorizer's `principalId`, recorded on what the partner uploads. */
export const PARTNER_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** A user-id prefix a partner may be limited to. */
const USER_ID_PREFIX = /^[A-Za-z0-9_-]{1,127}$/;

/**
 * The most user ids one partner may be limited to: each is two ARNs of the policy API Gateway caches, which should
 * stay small; a partner writing for more users gets a prefix.
 */
export const MAX_PARTNER_USER_IDS = 50;

/** The methods a partner's token allows, on the avatars its scope covers. */
export const PARTNER_METHODS = ['PUT', 'DELETE'] as const;

/** A partner as the table holds it (the token itself is never stored). */
export interface Partner {
  readonly partnerId: string;
  readonly name: string;
  /** Inactive partners are refused (401) once the authorizer's cached answer for their token expires. */
  readonly active: boolean;
  /** Only these users' avatars. With `userIdPrefix`, either; with neither, every user's. */
  readonly userIds?: readonly string[];
  /** Only avatars of user ids starting with this. */
  readonly userIdPrefix?: string;
  readonly createdAt: string;
}

/** What a new partner needs. */
export type NewPartner = Pick<Partner, 'partnerId' | 'name' | 'userIds' | 'userIdPrefix'>;

/**
 * A new partner token: `ptk_` and 32 random bytes in base64url. Shown once, to be handed to the partner; only its
 * hash is stored.
 *
 * @example
 * mintPartnerToken(); // 'ptk_q3J…' (47 characters)
 */
export function mintPartnerToken(): string {
  return `ptk_${randomBytes(32).toString('base64url')}`;
}

/**
 * The key a token is stored under: its SHA-256, in hex.
 *
 * @example
 * hashPartnerToken('ptk_…'); // '9f86d0…' (64 hex digits)
 */
export function hashPartnerToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A partner item that is not one: a bad write to the table, refused rather than read generously. */
export class MalformedPartnerError extends Error {
  constructor(tokenHash: string, why: string) {
    super(`The partner stored under token hash ${tokenHash.slice(0, 12)}… is malformed: ${why}`);
    this.name = 'MalformedPartnerError';
  }
}

/** Checks a partner's fields; returns why it is unusable, or undefined. */
function problemOf(partner: NewPartner): string | undefined {
  if (typeof partner.partnerId !== 'string' || !PARTNER_ID.test(partner.partnerId)) return `partnerId ${JSON.stringify(partner.partnerId)} must match ${PARTNER_ID}`;
  if (typeof partner.name !== 'string' || partner.name.trim() === '' || partner.name.length > 128) return 'name must be 1 to 128 characters';
  if (partner.userIds !== undefined) {
    if (!Array.isArray(partner.userIds) || partner.userIds.length === 0) return 'userIds must list at least one user id (leave it out for every user)';
    if (partner.userIds.length > MAX_PARTNER_USER_IDS) return `userIds lists ${partner.userIds.length}: at most ${MAX_PARTNER_USER_IDS} (use userIdPrefix)`;
    const bad = partner.userIds.find((id) => typeof id !== 'string' || !USER_ID.test(id));
    if (bad !== undefined) return `user id ${JSON.stringify(bad)} must match ${USER_ID}`;
  }
  if (partner.userIdPrefix !== undefined && (typeof partner.userIdPrefix !== 'string' || !USER_ID_PREFIX.test(partner.userIdPrefix))) {
    return `userIdPrefix ${JSON.stringify(partner.userIdPrefix)} must match ${USER_ID_PREFIX}`;
  }
  return undefined;
}

/**
 * The method ARNs a partner's token allows, built on the ARN of the method being called: PUT and DELETE on exactly
 * the avatars its scope covers, and nothing else. API Gateway caches this policy per token and applies it to every
 * method the authorizer guards, so it must name every method the partner may call, whichever came first; a wildcard
 * `*` in an ARN spans `/`, which is why a prefix ends in `*` and a listed id does not.
 *
 * @example
 * partnerResources('arn:aws:execute-api:us-east-1:123456789012:a1b2c3/dev/PUT/avatars/u1', { userIdPrefix: 'acme-' });
 * // ['arn:…:a1b2c3/dev/PUT/avatars/acme-*', 'arn:…:a1b2c3/dev/DELETE/avatars/acme-*']
 */
export function partnerResources(methodArn: string, scope: Pick<Partner, 'userIds' | 'userIdPrefix'>): string[] {
  const base = parseMethodArn(methodArn);
  const paths =
    scope.userIds === undefined && scope.userIdPrefix === undefined
      ? ['/avatars/*']
      : [...(scope.userIds ?? []).map((id) => `/avatars/${id}`), ...(scope.userIdPrefix !== undefined ? [`/avatars/${scope.userIdPrefix}*`] : [])];
  return PARTNER_METHODS.flatMap((method) => paths.map((path) => methodArnFor(base, method, path)));
}

function toItem(tokenHash: string, partner: Partner): Item {
  const item: Item = {
    tokenHash: { S: tokenHash },
    partnerId: { S: partner.partnerId },
    name: { S: partner.name },
    active: { BOOL: partner.active },
    createdAt: { S: partner.createdAt },
  };
  if (partner.userIds !== undefined) item.userIds = { SS: [...partner.userIds] };
  if (partner.userIdPrefix !== undefined) item.userIdPrefix = { S: partner.userIdPrefix };
  return item;
}

function fromItem(item: Item): Partner {
  const tokenHash = (item.tokenHash as { S?: string } | undefined)?.S ?? '?';
  const s = (name: string) => (item[name] as { S?: unknown } | undefined)?.S;
  const active = (item.active as { BOOL?: unknown } | undefined)?.BOOL;
  const userIds = (item.userIds as { SS?: unknown } | undefined)?.SS;
  const partner = {
    partnerId: s('partnerId'),
    name: s('name'),
    active,
    ...(userIds !== undefined ? { userIds } : {}),
    ...(item.userIdPrefix !== undefined ? { userIdPrefix: s('userIdPrefix') } : {}),
    createdAt: s('createdAt'),
  } as Partner;
  // An item that does not say plainly who the partner is and what it may write allows nothing.
  const why = typeof active !== 'boolean' ? 'active must be a boolean' : typeof partner.createdAt !== 'string' ? 'createdAt is missing' : problemOf(partner);
  if (why) throw new MalformedPartnerError(tokenHash, why);
  return partner;
}

/**
 * Partners in one DynamoDB table, keyed by their token's hash.
 *
 * @example
 * const partners = createPartnerStore(); // PARTNERS_TABLE from the environment
 * const partner = await partners.find(token); // undefined for a token no partner holds
 */
export class PartnerStore {
  constructor(
    private readonly db: DynamoDb,
    readonly tableName: string,
  ) {}

  /**
   * The partner holding `token`, active or not, or undefined. A failing database throws (the `DynamoDbError`), and
   * so does a malformed item (`MalformedPartnerError`): neither is a reason to let anyone in, nor to tell a partner
   * its token is wrong.
   */
  async find(token: string): Promise<Partner | undefined> {
    const tokenHash = hashPartnerToken(token);
    const { Item } = await this.db.send('GetItem', { TableName: this.tableName, Key: { tokenHash: { S: tokenHash } } });
    return Item ? fromItem(Item) : undefined;
  }

  /**
   * Stores a partner under a token's hash: a new token (minted here unless given) for a new or existing partner id.
   * Returns the token, the one time it is known, and its hash, which names it later (e.g. to deactivate it).
   *
   * @throws {TypeError} for a partner that could not be used (the message says which field)
   * @throws {Error} when the token is already stored (a given token used twice)
   */
  async add(partner: NewPartner, options: { token?: string; now?: Date } = {}): Promise<{ token: string; tokenHash: string; partner: Partner }> {
    const why = problemOf(partner);
    if (why) throw new TypeError(`Partner ${JSON.stringify(partner.partnerId)}: ${why}`);
    const token = options.token ?? mintPartnerToken();
    if (!PARTNER_AUTHORIZATION.test(`Bearer ${token}`)) throw new TypeError(`A partner token is ptk_ and 43 base64url characters (mintPartnerToken() makes one), not ${JSON.stringify(token.slice(0, 8))}…`);
    const tokenHash = hashPartnerToken(token);
    const stored: Partner = {
      partnerId: partner.partnerId,
      name: partner.name,
      active: true,
      ...(partner.userIds !== undefined ? { userIds: [...new Set(partner.userIds)] } : {}),
      ...(partner.userIdPrefix !== undefined ? { userIdPrefix: partner.userIdPrefix } : {}),
      createdAt: (options.now ?? new Date()).toISOString(),
    };
    try {
      await this.db.send('PutItem', { TableName: this.tableName, Item: toItem(tokenHash, stored), ConditionExpression: 'attribute_not_exists(tokenHash)' });
    } catch (error) {
      if (error instanceof DynamoDbError && error.code === 'ConditionalCheckFailedException') throw new Error('This token is already stored: mint a new one');
      throw error;
    }
    return { token, tokenHash, partner: stored };
  }

  /**
   * Turns a token on or off by its hash (the table holds no token); false when no token has that hash. Callers keep
   * being let in until API Gateway's cached answer for their token expires (the authorizer's `resultTtlSeconds`).
   */
  async setActive(tokenHash: string, active: boolean): Promise<boolean> {
    const { Item } = await this.db.send('GetItem', { TableName: this.tableName, Key: { tokenHash: { S: tokenHash } }, ConsistentRead: true });
    if (!Item) return false;
    const partner = { ...fromItem(Item), active };
    try {
      await this.db.send('PutItem', { TableName: this.tableName, Item: toItem(tokenHash, partner), ConditionExpression: 'attribute_exists(tokenHash)' });
    } catch (error) {
      if (error instanceof DynamoDbError && error.code === 'ConditionalCheckFailedException') return false;
      throw error;
    }
    return true;
  }
}

export interface PartnerStoreOptions {
  /** @default process.env.PARTNERS_TABLE */
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
 * @throws {Error} when no table name is given and `PARTNERS_TABLE` is unset: an init failure, never an Allow.
 */
export function createPartnerStore(options: PartnerStoreOptions = {}): PartnerStore {
  const env = options.env ?? process.env;
  const tableName = options.tableName ?? env[PARTNERS_TABLE_ENV];
  if (!tableName) throw new Error(`${PARTNERS_TABLE_ENV} is not set: set it to the partners DynamoDB table name (infra sets it on the partner authorizer)`);
  const client = options.client ?? createDynamoDb({ ...options.timeouts, env, remainingTimeMs: options.remainingTimeMs });
  return new PartnerStore(client, tableName);
}
