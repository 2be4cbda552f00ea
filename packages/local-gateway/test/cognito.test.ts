import { readCognito } from '@portico/http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { createManualClock, loadStack, LocalUserPool, type LocalUser } from '../src/index';
import { startAuthGateway, type AuthHarness } from './auth-helpers';
import { buildAuthStackJson } from './fixtures/auth-stack';
import { request } from './helpers';

const USERS: LocalUser[] = [
  { username: 'alice', password: 'correct horse', email: 'alice@example.com', groups: ['admins', 'editors'], attributes: { 'custom:tenant': 't1' } },
  { username: 'bob', password: 'battery staple', pool: 'other-users' },
];

describe('the stack\'s user pools', () => {
  it('reads pools, app clients, resource server scopes and groups, with ids shaped like AWS\'s', () => {
    const stack = loadStack(buildAuthStackJson(), { dir: '/stacks/auth' });
    const pool = [...stack.userPools.values()].find((p) => p.name === 'portico-users')!;
    expect(pool.id).toMatch(/^eu-west-1_[A-Za-z0-9]{9}$/);
    expect(pool.arn).toBe(`arn:aws:cognito-idp:eu-west-1:123456789012:userpool/${pool.id}`);
    expect(pool.customScopes).toEqual(['portico/read', 'portico/write']);
    expect(pool.groups.map((g) => g.name)).toEqual(['admins', 'editors']);
    const web = [...pool.clients.values()].find((c) => c.name === 'web')!;
    expect(web.id).toMatch(/^[a-z0-9]{26}$/);
    expect(web.allowedOAuthScopes).toEqual(['openid', 'portico/read']);
    expect(loadStack(buildAuthStackJson()).userPools.get(pool.id)).toBeDefined();
  });
});

describe('Cognito user pool authorizers over HTTP', () => {
  let h: AuthHarness;
  let poolId: string;
  let webClient: string;
  let srpClient: string;
  const pool = () => h.gateway.userPools.find((p) => p.id === poolId)!;
  const tokensOf = async (username = 'alice', scopes?: string[]) => (await h.gateway.tokensFor([username], { clientId: username === 'alice' ? webClient : undefined, scopes }))[0]!;
  const call = (path: string, token?: string) => request(`${h.url}${path}`, token === undefined ? {} : { headers: { Authorization: token } });

  beforeAll(async () => {
    h = await startAuthGateway({ users: USERS });
    poolId = h.gateway.userPools.find((p) => p.name === 'portico-users')!.id;
    const clients = loadStack(buildAuthStackJson()).userPools.get(poolId)!.clients;
    webClient = [...clients.values()].find((c) => c.name === 'web')!.id;
    srpClient = [...clients.values()].find((c) => c.name === 'srp-only')!.id;
  });
  afterAll(() => h.close());

  it('prints each pool with its issuer, JWKS and sign-in URL at start', () => {
    const text = h.logs.join('\n');
    expect(text).toContain(`issuer https://cognito-idp.eu-west-1.amazonaws.com/${poolId}`);
    expect(text).toContain(`${pool().jwksUrl}`);
    expect(pool().jwksUrl).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/${poolId}/\\.well-known/jwks\\.json$`));
  });

  it('lets an ID token through and passes every claim to the integration as a string', async () => {
    // Arrange
    const { idToken } = await tokensOf();
    // Act
    const res = await call('/cognito', idToken);
    // Assert
    expect(res.status).toBe(200);
    const { claims } = res.json().event.requestContext.authorizer;
    expect(claims).toMatchObject({
      'cognito:username': 'alice',
      'cognito:groups': 'admins,editors',
      email: 'alice@example.com',
      email_verified: 'true',
      token_use: 'id',
      aud: webClient,
      iss: `https://cognito-idp.eu-west-1.amazonaws.com/${poolId}`,
      'custom:tenant': 't1',
    });
    expect(claims.exp).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$/);
    expect(claims.auth_time).toMatch(/^\d+$/);
    expect(claims.sub).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    for (const value of Object.values(claims)) expect(typeof value).toBe('string');
    // What a handler's req.auth becomes from it (@portico/http reads the event the gateway built).
    expect(readCognito(res.json().event.requestContext.authorizer)).toMatchObject({
      kind: 'cognito',
      sub: claims.sub,
      username: 'alice',
      groups: ['admins', 'editors'],
      scopes: [],
    });
  });

  it('accepts the token with a Bearer prefix too', async () => {
    const { idToken } = await tokensOf();
    expect((await call('/cognito', `Bearer ${idToken}`)).status).toBe(200);
  });

  it.each([
    ['no token', async () => undefined],
    ['a token that is not a JWT', async () => 'not-a-jwt'],
    ['a token of a pool the authorizer does not name', async () => (await h.gateway.tokensFor(['bob']))[0]!.idToken],
    [
      'a token whose payload was changed after signing',
      async () => {
        const [head, payload, signature] = (await tokensOf()).idToken.split('.');
        const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
        const forged = Buffer.from(JSON.stringify({ ...claims, 'cognito:groups': ['root'] })).toString('base64url');
        return `${head}.${forged}.${signature}`;
      },
    ],
    ['an access token on a method without scopes', async () => (await tokensOf()).accessToken],
  ])('answers 401 Unauthorized for %s', async (_label, token) => {
    const res = await call('/cognito', await token());
    expect(res.status).toBe(401);
    expect(res.text).toBe('{"message":"Unauthorized"}');
    expect(res.headers.get('x-amzn-errortype')).toBe('UnauthorizedException');
  });

  it('answers 401 once the token has expired on the gateway clock', async () => {
    // Arrange
    const { idToken } = await tokensOf();
    expect((await call('/cognito', idToken)).status).toBe(200);
    // Act
    h.clock.advance(60 * 60_000 + 1_000);
    const res = await call('/cognito', idToken);
    // Assert
    expect(res.status).toBe(401);
  });

  it('needs an access token with one of the method\'s scopes where the method lists scopes', async () => {
    // Arrange
    const plain = await tokensOf();
    const scoped = await tokensOf('alice', ['openid', 'portico/read']);
    // Act
    const withId = await call('/scoped', plain.idToken);
    const withoutScope = await call('/scoped', plain.accessToken);
    const withScope = await call('/scoped', scoped.accessToken);
    // Assert
    expect(withId.status).toBe(401);
    expect(withoutScope.status).toBe(401);
    expect(withScope.status).toBe(200);
    const { claims } = withScope.json().event.requestContext.authorizer;
    expect(claims).toMatchObject({ token_use: 'access', scope: 'openid portico/read', client_id: webClient, username: 'alice' });
  });

  it('refuses to sign a scope the app client is not allowed', async () => {
    await expect(tokensOf('alice', ['portico/write'])).rejects.toThrow(/scope portico\/write is not allowed/);
  });

  it("serves the pool's JWKS and OpenID configuration, which verify its tokens with any JWT library", async () => {
    // Arrange
    const { idToken } = await tokensOf();
    const base = pool().signInUrl;
    // Act
    const config = await request(`${base}/${poolId}/.well-known/openid-configuration`);
    const { payload, protectedHeader } = await jwtVerify(idToken, createRemoteJWKSet(new URL(pool().jwksUrl)), {
      issuer: config.json().issuer,
      audience: webClient,
      currentDate: new Date(h.clock.now()),
    });
    // Assert
    expect(config.json().jwks_uri).toBe(pool().jwksUrl);
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload['cognito:username']).toBe('alice');
  });

  describe('sign-in (InitiateAuth)', () => {
    const initiateAuth = (body: Record<string, unknown>) =>
      request(pool().signInUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
        body: JSON.stringify(body),
      });

    it('signs a user in with USER_PASSWORD_AUTH and refreshes with REFRESH_TOKEN_AUTH', async () => {
      // Act
      const signIn = await initiateAuth({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: webClient, AuthParameters: { USERNAME: 'alice', PASSWORD: 'correct horse' } });
      const result = signIn.json().AuthenticationResult;
      const refreshed = await initiateAuth({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: webClient, AuthParameters: { REFRESH_TOKEN: result.RefreshToken } });
      // Assert
      expect(signIn.status).toBe(200);
      expect(result).toMatchObject({ ExpiresIn: 3600, TokenType: 'Bearer' });
      expect((await call('/cognito', result.IdToken)).status).toBe(200);
      expect(refreshed.status).toBe(200);
      expect(refreshed.json().AuthenticationResult.RefreshToken).toBeUndefined();
      expect((await call('/cognito', refreshed.json().AuthenticationResult.IdToken)).status).toBe(200);
    });

    it('answers a browser on any origin: the preflight allows what a sign-in sends, and every answer is readable', async () => {
      // Arrange: what a page on http://localhost:5173 sends before and with InitiateAuth
      const origin = { Origin: 'http://localhost:5173' };
      // Act
      const preflight = await request(pool().signInUrl, {
        method: 'OPTIONS',
        headers: { ...origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-amz-target' },
      });
      const signIn = await request(pool().signInUrl, {
        method: 'POST',
        headers: { ...origin, 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
        body: JSON.stringify({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: webClient, AuthParameters: { USERNAME: 'alice', PASSWORD: 'nope' } }),
      });
      const jwks = await request(pool().jwksUrl, { headers: origin });
      // Assert
      expect(preflight.status).toBe(200);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
      expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
      expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type,x-amz-target');
      expect(signIn.status).toBe(400);
      expect(signIn.headers.get('access-control-allow-origin')).toBe('*');
      expect(signIn.headers.get('access-control-expose-headers')).toContain('x-amzn-ErrorType');
      expect(jwks.headers.get('access-control-allow-origin')).toBe('*');
    });

    it('allows a preflight only header names, never text it could not have meant as one', async () => {
      const res = await request(pool().signInUrl, {
        method: 'OPTIONS',
        headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type, x-amz-target;evil=1' },
      });

      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-headers')).toBe('content-type,x-amz-target,x-amz-user-agent');
    });

    it.each([
      ['a wrong password', { AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD: 'nope' } }, 'NotAuthorizedException', 'Incorrect username or password.'],
      ['an unknown user', { AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'mallory', PASSWORD: 'x' } }, 'NotAuthorizedException', 'Incorrect username or password.'],
      ['a client without the flow', { AuthFlow: 'USER_PASSWORD_AUTH', client: 'srp', AuthParameters: { USERNAME: 'alice', PASSWORD: 'correct horse' } }, 'InvalidParameterException', 'USER_PASSWORD_AUTH flow not enabled for this client'],
      ['an unknown client', { AuthFlow: 'USER_PASSWORD_AUTH', client: 'nope', AuthParameters: {} }, 'ResourceNotFoundException', 'User pool client nope does not exist.'],
    ])('answers 400 with Cognito\'s error for %s', async (_label, body, type, message) => {
      const { client, ...rest } = body as Record<string, unknown>;
      const res = await initiateAuth({ ...rest, ClientId: client === 'srp' ? srpClient : client === 'nope' ? 'nope' : webClient });
      expect(res.status).toBe(400);
      expect(res.json()).toEqual({ __type: type, message });
      expect(res.headers.get('x-amzn-errortype')).toBe(type);
    });
  });
});

describe('local user pool keys', () => {
  it('keeps its signing key under keysDir, so tokens survive a restart', async () => {
    // Arrange
    const keysDir = mkdtempSync(join(tmpdir(), 'portico-keys-'));
    try {
      const first = await startAuthGateway({ users: USERS, keysDir });
      const token = (await first.gateway.tokensFor(['alice']))[0]!.idToken;
      await first.close();
      // Act
      const second = await startAuthGateway({ users: USERS, keysDir });
      second.clock.set(first.clock.now());
      const res = await request(`${second.url}/cognito`, { headers: { Authorization: token } });
      await second.close();
      // Assert
      expect(res.status).toBe(200);
    } finally {
      rmSync(keysDir, { recursive: true, force: true });
    }
  });

  it('refuses a token signed with the pool key for an app client the pool does not have', async () => {
    // Arrange: a pool with the same key (keysDir) and one extra client the stack does not declare
    const keysDir = mkdtempSync(join(tmpdir(), 'portico-keys-'));
    const h = await startAuthGateway({ users: USERS, keysDir });
    try {
      const def = loadStack(buildAuthStackJson()).userPools.get(h.gateway.userPools[0]!.id)!;
      const ghost = { ...[...def.clients.values()][0]!, id: 'ghostclient0000000000000000', name: 'ghost' };
      const impostor = LocalUserPool.create({ ...def, clients: new Map([[ghost.id, ghost]]) }, { region: 'eu-west-1', clock: createManualClock(h.clock.now()), users: USERS, keysDir });
      const { idToken } = await impostor.issueTokens('alice');
      const control = (await h.gateway.tokensFor(['alice']))[0]!.idToken;
      // Act
      const res = await request(`${h.url}/cognito`, { headers: { Authorization: idToken } });
      // Assert
      expect(h.gateway.userPools[0]!.name).toBe('portico-users');
      expect((await request(`${h.url}/cognito`, { headers: { Authorization: control } })).status).toBe(200);
      expect(res.status).toBe(401);
    } finally {
      await h.close();
      rmSync(keysDir, { recursive: true, force: true });
    }
  });
});
