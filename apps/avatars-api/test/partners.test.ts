/**
 * The partners table through its store, against dynalite: tokens minted and found by their hash only, partners turned
 * off, what a partner may write turned into method ARNs, and items a bad write left behind refused.
 */
import { createDynamoDb, type DynamoDbClient } from '@portico/dynamodb';
import { createHash } from 'node:crypto';
import {
  createPartnerStore,
  hashPartnerToken,
  MalformedPartnerError,
  MAX_PARTNER_USER_IDS,
  mintPartnerToken,
  PARTNER_AUTHORIZATION,
  partnerResources,
  type PartnerStore,
} from '../src/partners';
import { startAvatarsDb, type AvatarsDb } from './support/dynamo';

let db: AvatarsDb;
let client: DynamoDbClient;
let partners: PartnerStore;

beforeAll(async () => {
  db = await startAvatarsDb('partners-test');
  client = createDynamoDb();
  partners = createPartnerStore({ client });
});
afterAll(async () => {
  client.close();
  await db.stop();
});

const ARN = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/PUT/avatars/u1';
const stored = async (tokenHash: string) => (await client.send('GetItem', { TableName: db.tables.partners, Key: { tokenHash: { S: tokenHash } } })).Item;

describe('tokens', () => {
  it('are ptk_ and 32 random bytes in base64url, matching what the gateway lets through', () => {
    const tokens = Array.from({ length: 50 }, mintPartnerToken);
    for (const token of tokens) {
      expect(token).toMatch(/^ptk_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token.slice(4), 'base64url')).toHaveLength(32);
      expect(PARTNER_AUTHORIZATION.exec(`Bearer ${token}`)?.[1]).toBe(token);
    }
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it('a malformed Authorization value never matches: other schemes, no space, short, long, other characters', () => {
    const token = mintPartnerToken();
    for (const value of [token, `Basic ${token}`, `Bearer${token}`, `Bearer  ${token}`, `Bearer ${token.slice(0, -1)}`, `Bearer ${token}A`, `Bearer ${token.slice(0, -1)}=`, `Bearer ptk-${token.slice(4)}`, `Bearer ${token}\n`]) {
      expect([value, PARTNER_AUTHORIZATION.test(value)]).toEqual([value, false]);
    }
    expect(PARTNER_AUTHORIZATION.test(`bearer ${token}`)).toBe(true);
  });

  it('are stored only as their SHA-256: the table never holds the token', async () => {
    const { token, tokenHash } = await partners.add({ partnerId: 'hashed', name: 'Hashed' });

    const item = await stored(tokenHash);

    expect(tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(hashPartnerToken(token)).toBe(tokenHash);
    expect(item).toMatchObject({ tokenHash: { S: tokenHash }, partnerId: { S: 'hashed' }, name: { S: 'Hashed' }, active: { BOOL: true } });
    expect(JSON.stringify(item)).not.toContain(token.slice(4));
  });
});

describe('the store', () => {
  it('finds a partner by its token, and nothing for a token no partner holds', async () => {
    const { token } = await partners.add({ partnerId: 'acme', name: 'Acme', userIdPrefix: 'acme-' }, { now: new Date('2026-12-01T00:00:00Z') });

    expect(await partners.find(token)).toEqual({ partnerId: 'acme', name: 'Acme', active: true, userIdPrefix: 'acme-', createdAt: '2026-12-01T00:00:00.000Z' });
    expect(await partners.find(mintPartnerToken())).toBeUndefined();
  });

  it('turns a token off and on again by its hash; false for a hash no token has', async () => {
    const { token, tokenHash } = await partners.add({ partnerId: 'toggled', name: 'Toggled' });

    expect(await partners.setActive(tokenHash, false)).toBe(true);
    expect((await partners.find(token))?.active).toBe(false);
    expect(await partners.setActive(tokenHash, true)).toBe(true);
    expect((await partners.find(token))?.active).toBe(true);
    expect(await partners.setActive(hashPartnerToken(mintPartnerToken()), false)).toBe(false);
  });

  it('refuses a partner it could not turn into a policy, and a token stored twice', async () => {
    const many = Array.from({ length: MAX_PARTNER_USER_IDS + 1 }, (_, i) => `u${i}`);
    await expect(partners.add({ partnerId: 'Bad Id', name: 'x' })).rejects.toThrow(/partnerId/);
    await expect(partners.add({ partnerId: 'ok', name: ' ' })).rejects.toThrow(/name/);
    await expect(partners.add({ partnerId: 'ok', name: 'x', userIds: [] })).rejects.toThrow(/at least one/);
    await expect(partners.add({ partnerId: 'ok', name: 'x', userIds: many })).rejects.toThrow(/at most 50/);
    await expect(partners.add({ partnerId: 'ok', name: 'x', userIds: ['a/*'] })).rejects.toThrow(/user id "a\/\*"/);
    await expect(partners.add({ partnerId: 'ok', name: 'x', userIdPrefix: 'a*' })).rejects.toThrow(/userIdPrefix/);
    await expect(partners.add({ partnerId: 'ok', name: 'x' }, { token: 'ptk_short' })).rejects.toThrow(/43 base64url/);
    const token = mintPartnerToken();
    await partners.add({ partnerId: 'once', name: 'Once' }, { token });
    await expect(partners.add({ partnerId: 'twice', name: 'Twice' }, { token })).rejects.toThrow(/already stored/);
    expect((await partners.find(token))?.partnerId).toBe('once');
  });

  it('refuses to read an item a bad write left behind, rather than guess what it allows', async () => {
    const token = mintPartnerToken();
    const tokenHash = hashPartnerToken(token);
    const base = { tokenHash: { S: tokenHash }, partnerId: { S: 'broken' }, name: { S: 'Broken' }, active: { BOOL: true }, createdAt: { S: '2026-12-01T00:00:00.000Z' } };
    for (const item of [
      { ...base, active: { S: 'true' } },
      { ...base, userIdPrefix: { S: '*' } },
      { ...base, userIds: { SS: ['ok', 'not/ok'] } },
      { ...base, partnerId: { S: '' } },
    ]) {
      await client.send('PutItem', { TableName: db.tables.partners, Item: item });
      await expect(partners.find(token)).rejects.toThrow(MalformedPartnerError);
    }
  });
});

describe('partnerResources', () => {
  const base = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev';

  it('allows PUT and DELETE on every avatar for a partner without a scope, whichever method was called', () => {
    const expected = [`${base}/PUT/avatars/*`, `${base}/DELETE/avatars/*`];
    expect(partnerResources(ARN, {})).toEqual(expected);
    expect(partnerResources(`${base}/DELETE/avatars/zed`, {})).toEqual(expected);
  });

  it('allows exactly the listed users (no wildcard after an id) and the ids under a prefix', () => {
    expect(partnerResources(ARN, { userIds: ['u1', 'u2'] })).toEqual([`${base}/PUT/avatars/u1`, `${base}/PUT/avatars/u2`, `${base}/DELETE/avatars/u1`, `${base}/DELETE/avatars/u2`]);
    expect(partnerResources(ARN, { userIdPrefix: 'acme-' })).toEqual([`${base}/PUT/avatars/acme-*`, `${base}/DELETE/avatars/acme-*`]);
    expect(partnerResources(ARN, { userIds: ['x'], userIdPrefix: 'acme-' })).toEqual([
      `${base}/PUT/avatars/x`,
      `${base}/PUT/avatars/acme-*`,
      `${base}/DELETE/avatars/x`,
      `${base}/DELETE/avatars/acme-*`,
    ]);
  });

  it('keeps the stage and API of the ARN it was given', () => {
    expect(partnerResources('arn:aws:execute-api:eu-west-1:210987654321:zzz/prod/PUT/avatars/u1', {})[0]).toBe('arn:aws:execute-api:eu-west-1:210987654321:zzz/prod/PUT/avatars/*');
  });
});
