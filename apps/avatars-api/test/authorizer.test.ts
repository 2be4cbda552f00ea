/**
 * The partner authorizer as Lambda runs it, against dynalite: the policy it gives an active partner (the resources,
 * the principal, the context), `Unauthorized` for every token that opens nothing, a loud failure for an event of the
 * wrong type, and a thrown error — never an Allow, never a 401 — when DynamoDB fails or a partner item is malformed.
 */
import { createDynamoDb, type DynamoDbClient } from '@portico/dynamodb';
import { closedEndpoint, dynamoError, startScriptedServer, type FakeDynamo } from '@portico/dynamodb/testing';
import type { AuthorizerHandler, AuthorizerResult, TokenAuthorizerEvent } from '@portico/http/authorizer';
import { createPartnerStore, hashPartnerToken, mintPartnerToken } from '../src/partners';
import { startAvatarsDb, type AvatarsDb } from './support/dynamo';

const BASE = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev';
const PUT_ARN = `${BASE}/PUT/avatars/u1`;

let db: AvatarsDb;
let client: DynamoDbClient;
let authorizer: AuthorizerHandler<TokenAuthorizerEvent>;
const tokens: Record<'all' | 'scoped' | 'inactive', string> = { all: '', scoped: '', inactive: '' };

/** The authorizer module, fresh, its client built from the environment as it is now. */
async function loadAuthorizer(): Promise<AuthorizerHandler<TokenAuthorizerEvent>> {
  jest.resetModules();
  return (await import('../src/authorizers/partner')).handler;
}

beforeAll(async () => {
  db = await startAvatarsDb('authorizer-test');
  client = createDynamoDb();
  const partners = createPartnerStore({ client });
  tokens.all = (await partners.add({ partnerId: 'acme', name: 'Acme Avatars' })).token;
  tokens.scoped = (await partners.add({ partnerId: 'globex', name: 'Globex', userIds: ['u1', 'u2'], userIdPrefix: 'globex-' })).token;
  const inactive = await partners.add({ partnerId: 'initech', name: 'Initech' });
  await partners.setActive(inactive.tokenHash, false);
  tokens.inactive = inactive.token;
  authorizer = await loadAuthorizer();
});

afterAll(async () => {
  client.close();
  await db.stop();
});

let logged: jest.SpyInstance;
beforeEach(() => {
  // createAuthorizer logs one JSON line per failure; the failures below are expected.
  logged = jest.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => logged.mockRestore());

const event = (authorizationToken: string, methodArn = PUT_ARN): TokenAuthorizerEvent => ({ type: 'TOKEN', authorizationToken, methodArn });
const allowed = (result: AuthorizerResult) => result.policyDocument.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Resource);

describe('an active partner', () => {
  it('is allowed PUT and DELETE on every avatar, named by its id, its id and name in the context', async () => {
    const result = await authorizer(event(`Bearer ${tokens.all}`));

    expect(result).toEqual({
      principalId: 'acme',
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${BASE}/PUT/avatars/*`, `${BASE}/DELETE/avatars/*`] }] },
      context: { partnerId: 'acme', partnerName: 'Acme Avatars' },
    });
  });

  it('gets the same policy whichever write comes first: API Gateway reuses it for the other method', async () => {
    const fromPut = await authorizer(event(`Bearer ${tokens.all}`));
    const fromDelete = await authorizer(event(`Bearer ${tokens.all}`, `${BASE}/DELETE/avatars/someone-else`));

    expect(fromDelete).toEqual(fromPut);
  });

  it('limited to some users, is allowed exactly those: the listed ids and its prefix', async () => {
    const result = await authorizer(event(`bearer ${tokens.scoped}`));

    expect(result.principalId).toBe('globex');
    expect(allowed(result)).toEqual([
      `${BASE}/PUT/avatars/u1`,
      `${BASE}/PUT/avatars/u2`,
      `${BASE}/PUT/avatars/globex-*`,
      `${BASE}/DELETE/avatars/u1`,
      `${BASE}/DELETE/avatars/u2`,
      `${BASE}/DELETE/avatars/globex-*`,
    ]);
    expect(result.policyDocument.Statement.some((s) => s.Effect === 'Deny')).toBe(false);
  });
});

describe('Unauthorized (API Gateway answers 401)', () => {
  it.each([
    ['a token no partner holds', () => `Bearer ${mintPartnerToken()}`],
    ['an inactive partner\'s token', () => `Bearer ${tokens.inactive}`],
    ['a token without the Bearer scheme', () => tokens.all],
    ['another scheme', () => `Basic ${tokens.all}`],
    ['a truncated token', () => `Bearer ${tokens.all.slice(0, -1)}`],
    ['an empty header', () => ''],
  ])('for %s', async (_, header) => {
    await expect(authorizer(event(header()))).rejects.toThrow(new Error('Unauthorized'));
    // A refusal is an answer, not a failure: nothing is logged.
    expect(logged).not.toHaveBeenCalled();
  });
});

describe('failures (API Gateway answers 500), never an Allow', () => {
  it('throws for an event that is not a TOKEN event, naming the type it expects', async () => {
    const request = { type: 'REQUEST', methodArn: PUT_ARN, headers: { Authorization: `Bearer ${tokens.all}` } } as unknown as TokenAuthorizerEvent;

    await expect(authorizer(request)).rejects.toThrow(/expects TOKEN events but received "REQUEST"/);
    await expect(authorizer({ type: 'TOKEN', authorizationToken: `Bearer ${tokens.all}`, methodArn: 'not-an-arn' })).rejects.toThrow(/not a method ARN/);
    expect(logged).toHaveBeenCalledTimes(2);
  });

  it('throws when a partner item is malformed', async () => {
    const token = mintPartnerToken();
    await client.send('PutItem', {
      TableName: db.tables.partners,
      Item: { tokenHash: { S: hashPartnerToken(token) }, partnerId: { S: 'broken' }, name: { S: 'Broken' }, active: { S: 'yes' }, createdAt: { S: '2026-12-01T00:00:00.000Z' } },
    });

    await expect(authorizer(event(`Bearer ${token}`))).rejects.toThrow(/malformed: active must be a boolean/);
    expect(JSON.parse(logged.mock.calls[0]![0] as string)).toMatchObject({ level: 'error', type: 'TOKEN', methodArn: PUT_ARN, error: { name: 'MalformedPartnerError' } });
  });

  describe('when DynamoDB fails', () => {
    const servers: FakeDynamo[] = [];
    let saved: string | undefined;
    beforeAll(() => (saved = process.env.AWS_ENDPOINT_URL_DYNAMODB));
    afterAll(async () => {
      process.env.AWS_ENDPOINT_URL_DYNAMODB = saved;
      for (const server of servers) await server.stop();
    });

    it.each([
      ['refuses connections', () => closedEndpoint(), 'ConnectionError'],
      ['throttles', async () => (servers[servers.push(await startScriptedServer(Array(5).fill(dynamoError(400, 'ThrottlingException')))) - 1]!).endpoint, 'ThrottlingException'],
      ['answers 500', async () => (servers[servers.push(await startScriptedServer(Array(5).fill(dynamoError(500, 'InternalServerError')))) - 1]!).endpoint, 'InternalServerError'],
      ['has no such table', async () => (servers[servers.push(await startScriptedServer([dynamoError(400, 'ResourceNotFoundException')])) - 1]!).endpoint, 'ResourceNotFoundException'],
    ])('throws its error when it %s, for a token that would be allowed', async (_, endpoint, code) => {
      process.env.AWS_ENDPOINT_URL_DYNAMODB = await endpoint();
      const failing = await loadAuthorizer();

      const outcome = await failing(event(`Bearer ${tokens.all}`), { getRemainingTimeInMillis: () => 2_500 }).then(
        (result) => ({ allowed: result }),
        (error: Error & { code?: string }) => ({ error }),
      );

      expect(outcome).toEqual({ error: expect.objectContaining({ name: 'DynamoDbError', code }) });
      expect((outcome as { error: Error }).error.message).not.toBe('Unauthorized');
      expect(JSON.parse(logged.mock.calls[0]![0] as string)).toMatchObject({ level: 'error', error: { name: 'DynamoDbError' } });
    });
  });
});
