import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProxyEvent, cognitoAuthorizer, createApp, defineRoute, javaDate, json } from '../src/index';
import { createProxyEvent, invoke, matchResource } from '../src/testing';

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as Record<string, unknown>;
}

/** The shape of a value: keys, and null vs object vs scalar, recursively (values themselves ignored). */
function shape(value: unknown): unknown {
  if (value === null) return null;
  if (Array.isArray(value)) return value.length > 0 ? [shape(value[0])] : [];
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((key) => [key, shape((value as Record<string, unknown>)[key])]),
    );
  }
  return typeof value;
}

/** Header names compared case-insensitively; values are free-form. */
function headerNames(headers: unknown): string[] {
  return Object.keys((headers ?? {}) as object)
    .map((name) => name.toLowerCase())
    .sort();
}

const routes = [
  defineRoute({ method: 'GET', path: '/users/{id}' }),
  defineRoute({ method: 'POST', path: '/users' }),
  defineRoute({ method: 'GET', path: '/search' }),
  defineRoute({ method: 'GET', path: '/files/{proxy+}' }),
];

describe('createProxyEvent matches captured-shape events', () => {
  it.each([
    ['get-user.json', { path: '/users/J%C3%BCrgen%20K', routes, headers: { accept: '*/*' } }],
    ['create-user.json', { method: 'POST', path: '/users', routes, json: { name: 'Ada' }, apiKey: 'k', headers: { accept: '*/*' } }],
    [
      'search-repeated-query.json',
      {
        path: '/search?q=ada&q=J%C3%BCrgen%20K&limit=5',
        routes,
        headers: { accept: 'application/json', origin: 'https://app.example.com' },
      },
    ],
  ])('%s', (name, init) => {
    const captured = fixture(name);

    const event = createProxyEvent(init);

    const { headers: capturedHeaders, multiValueHeaders: capturedMulti, ...capturedRest } = captured;
    const { headers, multiValueHeaders, ...rest } = event;
    expect(shape(rest)).toEqual(shape(capturedRest));
    expect(headerNames(headers)).toEqual(headerNames(capturedHeaders));
    expect(headerNames(multiValueHeaders)).toEqual(headerNames(capturedMulti));
    expect(event.resource).toBe(captured.resource);
    expect(event.path).toBe(captured.path);
    expect(event.pathParameters).toEqual(captured.pathParameters);
    expect(event.queryStringParameters).toEqual(captured.queryStringParameters);
    expect(event.multiValueQueryStringParameters).toEqual(captured.multiValueQueryStringParameters);
    expect(event.body).toEqual(captured.body);
    expect((event.requestContext as { path: string }).path).toBe((captured.requestContext as { path: string }).path);
  });
});

describe('createProxyEvent', () => {
  it('keeps path and pathParameters percent-encoded, and escapes what a client would', () => {
    const event = createProxyEvent({ path: '/users/Jürgen K', resource: '/users/{id}' });

    expect(event.path).toBe('/users/J%C3%BCrgen%20K');
    expect(event.pathParameters).toEqual({ id: 'J%C3%BCrgen%20K' });
  });

  it('decodes query values and keeps the last repeated value in the single map', () => {
    const event = createProxyEvent({ path: '/s?tag=a%20b&tag=c', query: { extra: ['1', '2'] } });

    expect(event.queryStringParameters).toEqual({ tag: 'c', extra: '2' });
    expect(event.multiValueQueryStringParameters).toEqual({ tag: ['a b', 'c'], extra: ['1', '2'] });
  });

  it('uses null for absent maps and body', () => {
    const event = createProxyEvent({ path: '/hello' });

    expect(event).toMatchObject({
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: null,
      stageVariables: null,
      body: null,
      isBase64Encoded: false,
    });
  });

  it('puts the stage in requestContext.path only', () => {
    const event = createProxyEvent({ path: '/hello', stage: 'prod' });

    expect(event.path).toBe('/hello');
    expect(event.requestContext).toMatchObject({ path: '/prod/hello', stage: 'prod', resourcePath: '/hello' });
  });

  it('serialises json bodies with a content type, and base64-encodes bytes', () => {
    const jsonEvent = createProxyEvent({ method: 'POST', path: '/u', json: { a: 1 } });
    const bytesEvent = createProxyEvent({ method: 'PUT', path: '/u', body: Buffer.from([1, 2, 3]) });

    expect(jsonEvent).toMatchObject({ body: '{"a":1}', headers: { 'Content-Type': 'application/json' } });
    expect(bytesEvent).toMatchObject({ body: 'AQID', isBase64Encoded: true });
  });

  it('fills the api key header and identity', () => {
    const event = createProxyEvent({ path: '/u', apiKey: 'secret', sourceIp: '203.0.113.1' });

    expect(event.headers?.['x-api-key']).toBe('secret');
    expect(event.requestContext).toMatchObject({ identity: { apiKey: 'secret', sourceIp: '203.0.113.1' } });
  });

  it('mirrors repeated headers in multiValueHeaders and keeps the last in headers', () => {
    const event = createProxyEvent({ path: '/', headers: { Cookie: ['a=1', 'b=2'] } });

    expect(event.headers?.Cookie).toBe('b=2');
    expect(event.multiValueHeaders?.Cookie).toEqual(['a=1', 'b=2']);
  });

  it('formats requestTime like API Gateway', () => {
    const event = createProxyEvent({ path: '/' });

    expect(event.requestContext.requestTime).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(typeof event.requestContext.requestTimeEpoch).toBe('number');
  });
});

describe('matchResource', () => {
  it('finds the most specific resource and keeps params encoded', () => {
    expect(matchResource(routes, '/users/a%2Fb')).toEqual({ resource: '/users/{id}', pathParameters: { id: 'a%2Fb' } });
    expect(matchResource(routes, '/files/a/b')).toEqual({ resource: '/files/{proxy+}', pathParameters: { proxy: 'a/b' } });
    expect(matchResource(routes, '/users')).toEqual({ resource: '/users', pathParameters: undefined });
  });

  it('returns undefined for an unknown path', () => {
    expect(matchResource(routes, '/nope')).toBeUndefined();
  });
});

describe('invoke', () => {
  it('builds the event, merges headers lower-cased and parses JSON', async () => {
    const app = createApp();
    app.handle(defineRoute({ method: 'GET', path: '/users/{id}' }), (req) => ({
      statusCode: 200,
      headers: { 'Content-Type': 'application/json' },
      multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] },
      body: JSON.stringify({ id: req.params.id }),
    }));

    const res = await invoke(app.lambda(), { path: '/users/42', routes });

    expect(res.statusCode).toBe(200);
    expect(res.headers).toEqual({ 'content-type': 'application/json', 'set-cookie': 'a=1, b=2' });
    expect(res.json()).toEqual({ id: '42' });
    expect(res.isBase64Encoded).toBe(false);
  });

  it('accepts a ready-made event', async () => {
    const app = createApp();
    app.handle(defineRoute({ method: 'GET', path: '/users/{id}' }), (req) => json({ id: req.params.id }));

    const res = await invoke(app.lambda(), fixture('get-user.json'));

    expect(res.json()).toEqual({ id: 'Jürgen K' });
  });
});

describe('createProxyEvent with auth (what API Gateway, and the local gateway, hand the function)', () => {
  it('matches a Cognito-authorized event: claims under requestContext.authorizer, each a string', () => {
    const captured = fixture('me-cognito.json') as { requestContext: { authorizer: { claims: Record<string, string> } } };

    const event = createProxyEvent({
      path: '/me',
      headers: { accept: '*/*', Authorization: 'eyJ…' },
      auth: { cognito: { username: 'ada', groups: ['admins', 'editors'], claims: { email: 'ada@example.com' } } },
    });

    const { authorizer, ...context } = event.requestContext as { authorizer: { claims: Record<string, string> } };
    const { authorizer: capturedAuthorizer, ...capturedContext } = captured.requestContext;
    expect(shape(context)).toEqual(shape(capturedContext));
    expect(Object.keys(authorizer)).toEqual(['claims']);
    expect(Object.keys(authorizer.claims).sort()).toEqual(Object.keys(capturedAuthorizer.claims).sort());
    expect(shape(authorizer.claims)).toEqual(shape(capturedAuthorizer.claims));
    expect(authorizer.claims).toMatchObject({ 'cognito:username': 'ada', 'cognito:groups': 'admins,editors', email_verified: 'true', token_use: 'id' });
    expect(authorizer.claims.exp).toMatch(/^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$/);
    expect(authorizer.claims.auth_time).toMatch(/^\d+$/);
  });

  it("renders an access token's claims when scopes are given, and numbers, booleans and lists as API Gateway does", () => {
    const event = createProxyEvent({
      path: '/orders',
      auth: { cognito: { sub: 'u-1', username: 'grace', scopes: ['orders/read', 'openid'], claims: { exp: 1581470187, iat: 1581466587, 'custom:tier': 3, 'custom:beta': false, roles: ['a', 'b'] } } },
    });

    expect((event.requestContext.authorizer as { claims: unknown }).claims).toMatchObject({
      sub: 'u-1',
      username: 'grace',
      token_use: 'access',
      scope: 'orders/read openid',
      exp: 'Wed Feb 12 01:16:27 UTC 2020',
      iat: 'Wed Feb 12 00:16:27 UTC 2020',
      'custom:tier': '3',
      'custom:beta': 'false',
      roles: 'a,b',
    });
    expect((event.requestContext.authorizer as { claims: Record<string, string> }).claims).not.toHaveProperty('cognito:username');
  });

  it("puts a Lambda authorizer's principalId, stringified context and integrationLatency in requestContext.authorizer", () => {
    const event = createProxyEvent({ path: '/feed', auth: { lambda: { principalId: 'partner-7', context: { tenant: 't-9', admin: true, quota: 5 } } } });

    expect({ ...(event.requestContext.authorizer as object) }).toEqual({ tenant: 't-9', admin: 'true', quota: '5', principalId: 'partner-7', integrationLatency: 0 });
    expect((event.requestContext.identity as Record<string, unknown>).caller).toBeNull();
  });

  it('refuses an authorizer context value API Gateway would refuse', () => {
    expect(() => createProxyEvent({ path: '/feed', auth: { lambda: { principalId: 'p', context: { nested: { a: 1 } as never } } } })).toThrow(
      'Authorizer context "nested" is object: API Gateway accepts only strings, numbers and booleans',
    );
  });

  it('fills the SigV4 caller in requestContext.identity, keeping the fields every event has', () => {
    const event = createProxyEvent({ path: '/jobs', sourceIp: '203.0.113.9', auth: { iam: { userArn: 'arn:aws:iam::210987654321:user/alice' } } });

    expect(event.requestContext.identity).toEqual({
      cognitoIdentityPoolId: null,
      accountId: '210987654321',
      cognitoIdentityId: null,
      caller: 'AIDAEXAMPLETESTUSER01',
      sourceIp: '203.0.113.9',
      principalOrgId: null,
      accessKey: 'AKIAIOSFODNN7EXAMPLE',
      cognitoAuthenticationType: null,
      cognitoAuthenticationProvider: null,
      userArn: 'arn:aws:iam::210987654321:user/alice',
      userAgent: 'portico-test/1.0',
      user: 'AIDAEXAMPLETESTUSER01',
    });
    expect(event.requestContext).not.toHaveProperty('authorizer');
  });

  it('leaves requestContext.authorizer out of an unauthenticated event, as API Gateway does for open methods', () => {
    expect(createProxyEvent({ path: '/hello' }).requestContext).not.toHaveProperty('authorizer');
  });
});

describe('buildProxyEvent authorizer and identity options', () => {
  const parts = {
    httpMethod: 'GET',
    path: '/me',
    stage: 'dev',
    resourcePath: '/me',
    resourceId: 'r1',
    pathParameters: null,
    rawQuery: '',
    rawHeaders: ['Host', 'api.example'],
    body: new Uint8Array(0),
    binaryMediaTypes: [],
    sourceIp: '203.0.113.1',
    forwardedPort: '443',
    forwardedProto: 'https',
    traceId: 'Root=1-0-0',
    stageVariables: null,
    accountId: '111122223333',
    apiId: 'a1',
    domainName: 'a1.execute-api.eu-west-1.amazonaws.com',
    deploymentId: 'd1',
    requestId: 'q1',
    extendedRequestId: 'e1',
    requestTimeEpoch: 0,
  };

  it('sets requestContext.authorizer as given and merges the caller into identity, skipping undefined fields', () => {
    const authorizer = cognitoAuthorizer({ sub: 'u-1', 'cognito:groups': ['a', 'b'], iat: 0 });

    const event = buildProxyEvent({ ...parts, authorizer, identity: { caller: 'AIDA1', userArn: 'arn:aws:iam::111122223333:user/x', accessKey: undefined } });

    expect(event.requestContext.authorizer).toBe(authorizer);
    expect({ ...(authorizer.claims as object) }).toEqual({ sub: 'u-1', 'cognito:groups': 'a,b', iat: 'Thu Jan 01 00:00:00 UTC 1970' });
    expect(event.requestContext.identity).toMatchObject({ caller: 'AIDA1', userArn: 'arn:aws:iam::111122223333:user/x', accessKey: null, sourceIp: '203.0.113.1' });
  });
});

describe('javaDate', () => {
  it.each([
    [Date.UTC(2020, 1, 12, 0, 16, 27), 'Wed Feb 12 00:16:27 UTC 2020'],
    [Date.UTC(2017, 11, 3, 7, 8, 9), 'Sun Dec 03 07:08:09 UTC 2017'],
  ])('%d → %s, the way REST APIs render exp and iat', (epochMs, text) => {
    expect(javaDate(epochMs)).toBe(text);
  });
});
