import { createApp, defineRoute, json, parseGroups, routeAuth, type LogEntry, type RequestAuth } from '../src/index';
import { createProxyEvent, invoke } from '../src/testing';

const routes = {
  me: defineRoute({ method: 'GET', path: '/me', auth: { cognito: {} } }),
  orders: defineRoute({ method: 'GET', path: '/orders', auth: { cognito: { scopes: ['orders/read', 'orders/admin'] } } }),
  removeUser: defineRoute({ method: 'DELETE', path: '/users/{id}', auth: { cognito: { groups: ['admins', 'owners'] } } }),
  jobs: defineRoute({ method: 'POST', path: '/jobs', auth: 'iam' }),
  feed: defineRoute({ method: 'GET', path: '/feed', auth: { lambda: 'partnerToken' } }),
  health: defineRoute({ method: 'GET', path: '/health' }),
};

/** An app whose handlers echo `req.auth`, counting calls, with its log lines collected. */
function echoApp() {
  const logged: LogEntry[] = [];
  const calls: string[] = [];
  const app = createApp({ cors: { origins: ['https://app.example.com'] }, logger: { error: (entry) => logged.push(entry) } });
  for (const route of Object.values(routes)) {
    app.handle(route, (req) => {
      calls.push(`${req.method} ${req.resource}`);
      return json({ auth: req.auth ?? null });
    });
  }
  return { handler: app.lambda(), logged, calls };
}

describe('req.auth on a Cognito route', () => {
  it('reads the claims API Gateway passes: sub, username, groups split from the comma-joined claim, every claim a string', async () => {
    const { handler } = echoApp();

    const res = await invoke(handler, {
      path: '/me',
      auth: { cognito: { sub: 'c0ffee00-1111-4222-8333-444455556666', username: 'ada', groups: ['admins', 'editors'], claims: { email: 'ada@example.com' } } },
    });

    expect(res.statusCode).toBe(200);
    const auth = res.json<{ auth: Extract<RequestAuth, { kind: 'cognito' }> }>().auth;
    expect(auth).toMatchObject({ kind: 'cognito', sub: 'c0ffee00-1111-4222-8333-444455556666', username: 'ada', groups: ['admins', 'editors'], scopes: [] });
    expect(auth.claims).toMatchObject({ 'cognito:groups': 'admins,editors', email: 'ada@example.com', email_verified: 'true', token_use: 'id' });
    expect(Object.values(auth.claims).every((value) => typeof value === 'string')).toBe(true);
  });

  it('reads an event written the way API Gateway delivers it', async () => {
    const { handler } = echoApp();
    const event = createProxyEvent({ path: '/orders' });
    event.requestContext.authorizer = {
      claims: {
        sub: '5e8a2c1f-0d6b-4f7e-9a3c-2b1d4e6f8a0c',
        'cognito:groups': 'readers',
        iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example',
        client_id: '4example5client6id7',
        token_use: 'access',
        scope: 'orders/read openid',
        auth_time: '1581466587',
        exp: 'Wed Feb 12 01:16:27 UTC 2020',
        iat: 'Wed Feb 12 00:16:27 UTC 2020',
        username: 'grace',
      },
    };

    const res = await invoke(handler, event);

    expect(res.statusCode).toBe(200);
    expect(res.json<{ auth: unknown }>().auth).toMatchObject({ sub: '5e8a2c1f-0d6b-4f7e-9a3c-2b1d4e6f8a0c', username: 'grace', groups: ['readers'], scopes: ['orders/read', 'openid'] });
  });

  it('answers 403 INSUFFICIENT_SCOPE, never running the handler, when the token has none of the route scopes', async () => {
    const { handler, calls } = echoApp();

    const idToken = await invoke(handler, { path: '/orders', auth: { cognito: { sub: 'u-1' } } });
    const wrongScope = await invoke(handler, { path: '/orders', auth: { cognito: { sub: 'u-1', scopes: ['profile'] } } });
    const oneOf = await invoke(handler, { path: '/orders', auth: { cognito: { sub: 'u-1', scopes: ['orders/admin'] } } });

    for (const res of [idToken, wrongScope]) {
      expect(res.statusCode).toBe(403);
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(res.json()).toMatchObject({ status: 403, code: 'INSUFFICIENT_SCOPE' });
      expect(res.headers['www-authenticate']).toBe('Bearer error="insufficient_scope", scope="orders/read orders/admin"');
    }
    expect(oneOf.statusCode).toBe(200);
    expect(calls).toEqual(['GET /orders']);
  });

  it('answers 403 MISSING_GROUP when the user is in none of the route groups, and runs the handler for a member of one', async () => {
    const { handler, calls } = echoApp();
    const init = { method: 'DELETE', path: '/users/42', resource: '/users/{id}' };

    const outsider = await invoke(handler, { ...init, auth: { cognito: { sub: 'u-1', groups: ['editors'] } } });
    const noGroups = await invoke(handler, { ...init, auth: { cognito: { sub: 'u-1' } } });
    const owner = await invoke(handler, { ...init, auth: { cognito: { sub: 'u-2', groups: ['editors', 'owners'] } } });

    expect(outsider.statusCode).toBe(403);
    expect(outsider.json()).toMatchObject({ status: 403, code: 'MISSING_GROUP', detail: 'The user is in none of the groups this route requires' });
    expect(noGroups.statusCode).toBe(403);
    expect(owner.statusCode).toBe(200);
    expect(calls).toEqual(['DELETE /users/{id}']);
  });
});

describe('req.auth on a Lambda authorizer route', () => {
  it('gives principalId and the context as strings, without the keys API Gateway adds', async () => {
    const { handler } = echoApp();

    const res = await invoke(handler, { path: '/feed', auth: { lambda: { principalId: 'partner-7', context: { tenant: 't-9', admin: true, quota: 5 } } } });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ auth: { kind: 'lambda', principalId: 'partner-7', context: { tenant: 't-9', admin: 'true', quota: '5' } } });
  });

  it('reads numbers and booleans a hand-written event left unstringified as API Gateway would pass them', async () => {
    const { handler } = echoApp();
    const event = createProxyEvent({ path: '/feed' });
    event.requestContext.authorizer = { principalId: 'p-1', quota: 5, admin: false, nested: { no: 1 }, integrationLatency: 12 };

    const res = await invoke(handler, event);

    expect(res.json()).toEqual({ auth: { kind: 'lambda', principalId: 'p-1', context: { quota: '5', admin: 'false' } } });
  });
});

describe('req.auth on an AWS_IAM route', () => {
  it('gives the SigV4 caller from requestContext.identity', async () => {
    const { handler } = echoApp();

    const res = await invoke(handler, {
      method: 'POST',
      path: '/jobs',
      auth: { iam: { userArn: 'arn:aws:sts::210987654321:assumed-role/jobs-runner/run-1', caller: 'AROAEXAMPLEROLEID0001:run-1', accessKey: 'ASIAEXAMPLEKEY000001' } },
    });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      auth: {
        kind: 'iam',
        caller: 'AROAEXAMPLEROLEID0001:run-1',
        user: 'AROAEXAMPLEROLEID0001:run-1',
        userArn: 'arn:aws:sts::210987654321:assumed-role/jobs-runner/run-1',
        accessKey: 'ASIAEXAMPLEKEY000001',
        accountId: '210987654321',
      },
    });
  });
});

describe('defence in depth: a protected route reached without the identity it declares', () => {
  it.each([
    ['Cognito', { path: '/me' }],
    ['Lambda authorizer', { path: '/feed' }],
    ['AWS_IAM', { method: 'POST', path: '/jobs' }],
  ])('%s: 401 problem JSON, the handler never runs, and the misconfiguration is logged', async (_kind, init) => {
    const { handler, calls, logged } = echoApp();

    const res = await invoke(handler, { ...init, headers: { origin: 'https://app.example.com' }, requestId: 'req-401' });

    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.json()).toEqual({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'Authentication is required', code: 'UNAUTHENTICATED', requestId: 'req-401' });
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(calls).toEqual([]);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ status: 401, requestId: 'req-401', path: init.path });
    expect(logged[0]!.message).toContain('without API Gateway\'s authorizer');
  });

  it('asks for a bearer token on a Cognito route', async () => {
    const { handler } = echoApp();

    expect((await invoke(handler, { path: '/me' })).headers['www-authenticate']).toBe('Bearer');
  });

  it("refuses another authorizer's identity: a Lambda authorizer's principal on a Cognito route, claims on a Lambda route, either on an IAM route", async () => {
    const { handler, calls } = echoApp();

    const onCognito = await invoke(handler, { path: '/me', auth: { lambda: { principalId: 'p-1' } } });
    const onLambda = await invoke(handler, { path: '/feed', auth: { cognito: { sub: 'u-1' } } });
    const onIam = await invoke(handler, { method: 'POST', path: '/jobs', auth: { cognito: { sub: 'u-1' } } });

    expect([onCognito.statusCode, onLambda.statusCode, onIam.statusCode]).toEqual([401, 401, 401]);
    expect(calls).toEqual([]);
  });

  it('refuses claims without a sub and an empty principalId', async () => {
    const { handler } = echoApp();
    const noSub = createProxyEvent({ path: '/me' });
    noSub.requestContext.authorizer = { claims: { 'cognito:username': 'ada' } };
    const emptyPrincipal = createProxyEvent({ path: '/feed' });
    emptyPrincipal.requestContext.authorizer = { principalId: '' };

    expect((await invoke(handler, noSub)).statusCode).toBe(401);
    expect((await invoke(handler, emptyPrincipal)).statusCode).toBe(401);
  });

  it('leaves an open route open: no auth read, req.auth undefined, nothing logged', async () => {
    const { handler, logged } = echoApp();

    const res = await invoke(handler, { path: '/health', auth: { cognito: { sub: 'u-1' } } });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ auth: null });
    expect(logged).toEqual([]);
  });

  it('checks auth before middleware runs and before the body, and hands middleware the caller', async () => {
    const seen: unknown[] = [];
    const app = createApp({ logger: { error: () => undefined } }).use(async (req, next) => {
      seen.push(req.auth?.kind);
      return next();
    });
    app.handle(routes.me, () => json({}));

    const refused = await invoke(app.lambda(), { path: '/me', body: 'x'.repeat(2_000_000) });
    const allowed = await invoke(app.lambda(), { path: '/me', auth: { cognito: { sub: 'u-1' } } });

    expect(refused.statusCode).toBe(401);
    expect(allowed.statusCode).toBe(200);
    expect(seen).toEqual(['cognito']);
  });
});

describe('routeAuth', () => {
  it('spells out each kind', () => {
    expect(routeAuth({ method: 'GET', path: '/a' })).toEqual({ kind: 'none' });
    expect(routeAuth({ method: 'GET', path: '/a', auth: 'none' })).toEqual({ kind: 'none' });
    expect(routeAuth({ method: 'GET', path: '/a', auth: 'iam' })).toEqual({ kind: 'iam' });
    expect(routeAuth({ method: 'GET', path: '/a', auth: { lambda: 'tok' } })).toEqual({ kind: 'lambda', authorizer: 'tok' });
    expect(routeAuth({ method: 'GET', path: '/a', auth: { cognito: { scopes: ['s/r'] } } })).toEqual({ kind: 'cognito', scopes: ['s/r'], groups: [] });
  });

  it.each([
    ['an unknown kind', 'cognito'],
    ['an empty authorizer name', { lambda: ' ' }],
    ['two kinds at once', { lambda: 'tok', cognito: {} }],
    ['a scope with a space', { cognito: { scopes: ['orders read'] } }],
    ['groups as a string', { cognito: { groups: 'admins' } }],
    ['an unknown cognito option', { cognito: { roles: ['admins'] } }],
    ['null', null],
  ])('throws for %s, naming the route and the shapes to use', (_what, auth) => {
    const route = { method: 'GET', path: '/a', auth } as never;

    expect(() => routeAuth(route)).toThrow(`Route "GET /a" has auth`);
    expect(() => routeAuth(route)).toThrow(`use 'none', 'iam', { lambda: '<authorizer name>' } or { cognito:`);
    expect(() => createApp().handle(route, () => json({}))).toThrow(TypeError);
  });
});

describe('parseGroups', () => {
  it.each([
    ['admins', ['admins']],
    ['admins,editors', ['admins', 'editors']],
    [' admins , editors ', ['admins', 'editors']],
    ['[admins editors]', ['admins', 'editors']],
    ['[admins]', ['admins']],
    ['', []],
    [undefined, []],
  ])('%j → %j', (value, groups) => {
    expect(parseGroups(value)).toEqual(groups);
  });
});
