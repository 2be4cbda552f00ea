import { readLambda } from '@portico/http';
import { request } from './helpers';
import { startAuthGateway, type AuthHarness } from './auth-helpers';

const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

describe('Lambda authorizers over HTTP', () => {
  let h: AuthHarness;
  beforeAll(async () => {
    h = await startAuthGateway();
  });
  afterAll(() => h.close());
  // Each test starts with empty authorizer caches; time moves only when a test moves it.
  beforeEach(() => h.gateway.flushAuthorizersCache());

  describe('TOKEN', () => {
    it.each([
      ['no Authorization header', {}],
      ['an empty Authorization header', { headers: { Authorization: '' } }],
      ['a token the validation expression rejects', { headers: { Authorization: 'Basic dXNlcjpwYXNz' } }],
    ])('answers 401 Unauthorized without invoking the function for %s', async (_label, init) => {
      // Arrange: the function counts its invocations (/nocache shares it and never caches)
      const count = async () => Number((await request(`${h.url}/nocache`, bearer('allow'))).json().event.requestContext.authorizer.count);
      const before = await count();
      // Act
      const res = await request(`${h.url}/token`, init);
      // Assert
      expect(res.status).toBe(401);
      expect(res.text).toBe('{"message":"Unauthorized"}');
      expect(res.headers.get('x-amzn-errortype')).toBe('UnauthorizedException');
      expect(await count()).toBe(before + 1);
    });

    it('passes the token and the method ARN to the function, and principalId and context to the integration', async () => {
      // Act
      const res = await request(`${h.url}/token`, bearer('event'));
      // Assert
      expect(res.status).toBe(200);
      const { event } = res.json();
      const api = event.requestContext.apiId;
      const received = JSON.parse(event.requestContext.authorizer.event);
      expect(received).toEqual({ type: 'TOKEN', authorizationToken: 'Bearer event', methodArn: `arn:aws:execute-api:eu-west-1:123456789012:${api}/test/GET/token` });
      expect(event.requestContext.authorizer.principalId).toBe('user-42');
      expect(readLambda(event.requestContext.authorizer)).toMatchObject({ kind: 'lambda', principalId: 'user-42' });
      expect(typeof event.requestContext.authorizer.integrationLatency).toBe('number');
    });

    it('stringifies context numbers and booleans, as a proxy integration receives them', async () => {
      const res = await request(`${h.url}/nocache`, bearer('allow'));
      const { authorizer } = res.json().event.requestContext;
      expect(authorizer).toMatchObject({ principalId: 'user-42', user: 'alice', admin: 'true' });
      expect(typeof authorizer.count).toBe('string');
    });

    it('puts the path as sent, parameters and all, in the method ARN', async () => {
      const res = await request(`${h.url}/token/a%20b`, bearer('event'));
      const received = JSON.parse(res.json().event.requestContext.authorizer.event);
      expect(received.methodArn).toMatch(/\/test\/GET\/token\/a%20b$/);
    });

    it('answers 403 with an explicit deny when a Deny statement matches', async () => {
      const res = await request(`${h.url}/token`, bearer('deny'));
      expect(res.status).toBe(403);
      expect(res.text).toBe('{"Message":"User is not authorized to access this resource with an explicit deny"}');
      expect(res.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
    });

    it('answers 403 when no Allow statement matches the method', async () => {
      const res = await request(`${h.url}/token`, bearer('elsewhere'));
      expect(res.status).toBe(403);
      expect(res.text).toBe('{"Message":"User is not authorized to access this resource"}');
    });

    it('answers 401 when the function fails with exactly "Unauthorized"', async () => {
      const res = await request(`${h.url}/token`, bearer('unauthorized'));
      expect(res.status).toBe(401);
      expect(res.text).toBe('{"message":"Unauthorized"}');
    });

    it.each([
      ['throws any other error', 'crash'],
      ['returns a context value that is not a string, number or boolean', 'nested'],
      ['returns no principalId', 'no-principal'],
    ])('answers 500 AuthorizerConfigurationException when the function %s', async (_label, token) => {
      const res = await request(`${h.url}/token`, bearer(token));
      expect(res.status).toBe(500);
      expect(res.text).toBe('{"message": null}');
      expect(res.headers.get('x-amzn-errortype')).toBe('AuthorizerConfigurationException');
    });
  });

  describe('caching', () => {
    it('reuses a result for the same token within the TTL, and invokes again once it expires', async () => {
      // Arrange
      const first = (await request(`${h.url}/token`, bearer('allow-all'))).json().event.requestContext.authorizer;
      // Act
      const cached = (await request(`${h.url}/token`, bearer('allow-all'))).json().event.requestContext.authorizer;
      h.clock.advance(300_000);
      const fresh = (await request(`${h.url}/token`, bearer('allow-all'))).json().event.requestContext.authorizer;
      // Assert
      expect(cached.count).toBe(first.count);
      expect(cached.integrationLatency).toBe(0);
      expect(Number(fresh.count)).toBeGreaterThan(Number(first.count));
    });

    it("denies the other methods while a policy that allowed only the first method's ARN is cached (AWS's trap)", async () => {
      // Arrange: the policy names GET /token only
      expect((await request(`${h.url}/token`, bearer('allow'))).status).toBe(200);
      // Act
      const post = await request(`${h.url}/token`, { method: 'POST', ...bearer('allow') });
      const other = await request(`${h.url}/token/7`, bearer('allow'));
      h.clock.advance(300_001);
      const afterTtl = await request(`${h.url}/token/7`, bearer('allow'));
      // Assert
      expect(post.status).toBe(403);
      expect(post.text).toBe('{"Message":"User is not authorized to access this resource"}');
      expect(other.status).toBe(403);
      expect(afterTtl.status).toBe(200);
    });

    it('lets a wildcard policy serve every method from the cache (the usual fix)', async () => {
      expect((await request(`${h.url}/token`, bearer('allow-all'))).status).toBe(200);
      expect((await request(`${h.url}/token`, { method: 'POST', ...bearer('allow-all') })).status).toBe(200);
      expect((await request(`${h.url}/token/7`, bearer('allow-all'))).status).toBe(200);
    });

    it('invokes the function on every request when the TTL is 0', async () => {
      const a = (await request(`${h.url}/nocache`, bearer('allow'))).json().event.requestContext.authorizer.count;
      const b = (await request(`${h.url}/nocache`, bearer('allow'))).json().event.requestContext.authorizer.count;
      expect(Number(b)).toBe(Number(a) + 1);
    });
  });

  describe('REQUEST', () => {
    const get = (query: string, headers: Record<string, string> = { 'X-User': 'ada' }) => request(`${h.url}/request${query}`, { headers });

    it('answers 401 without invoking the function when an identity source is missing or empty', async () => {
      for (const res of [await get('?tenant=t1', {}), await get(''), await get('?tenant='), await get('?tenant=t1', { 'X-User': '' })]) {
        expect(res.status).toBe(401);
        expect(res.text).toBe('{"message":"Unauthorized"}');
      }
    });

    it('sends the request (headers, query, path, stage variables, context) and the method ARN', async () => {
      // Act
      const res = await get('?tenant=t1&tenant=t2');
      // Assert
      expect(res.status).toBe(200);
      const { authorizer } = res.json().event.requestContext;
      expect(authorizer.principalId).toBe('ada');
      const event = JSON.parse(authorizer.event);
      expect(event).toMatchObject({
        type: 'REQUEST',
        resource: '/request',
        path: '/request',
        httpMethod: 'GET',
        queryStringParameters: { tenant: 't2' },
        multiValueQueryStringParameters: { tenant: ['t1', 't2'] },
        pathParameters: null,
        stageVariables: { realm: 'local' },
        requestContext: { resourcePath: '/request', httpMethod: 'GET', stage: 'test' },
      });
      expect(event.methodArn).toMatch(/^arn:aws:execute-api:eu-west-1:123456789012:[a-z0-9]+\/test\/GET\/request$/);
      expect(event.headers['X-User']).toBe('ada');
      expect(event.body).toBeUndefined();
    });

    it('caches per identity-source values', async () => {
      const a = (await get('?tenant=t1')).json().event.requestContext.authorizer.count;
      const again = (await get('?tenant=t1')).json().event.requestContext.authorizer.count;
      const otherTenant = (await get('?tenant=t2')).json().event.requestContext.authorizer.count;
      expect(again).toBe(a);
      expect(Number(otherTenant)).toBe(Number(a) + 1);
    });
  });

  it('runs the authorizer before the API key check and the validators', async () => {
    // A key-required method: without a token the answer is 401, not 403 Forbidden.
    const keyed = await startAuthGateway({}, (json) => {
      json.resource.aws_api_gateway_method.token_get.api_key_required = true;
    });
    try {
      const res = await request(`${keyed.url}/token`);
      expect(res.status).toBe(401);
      const withToken = await request(`${keyed.url}/token`, bearer('allow'));
      expect(withToken.status).toBe(403);
      expect(withToken.text).toBe('{"message":"Forbidden"}');
    } finally {
      await keyed.close();
    }
  });
});

describe('api_key_source AUTHORIZER', () => {
  it("takes the API key from the authorizer's usageIdentifierKey, not the x-api-key header", async () => {
    // Arrange
    const h = await startAuthGateway({}, (json) => {
      json.resource.aws_api_gateway_rest_api.api.api_key_source = 'AUTHORIZER';
      json.resource.aws_api_gateway_method.token_get.api_key_required = true;
      json.resource.aws_api_gateway_api_key = { k: { name: 'k', value: 'fixed-key-0123456789abcdefghij' } };
      json.resource.aws_api_gateway_usage_plan = { p: { name: 'p', api_stages: [{ api_id: '${aws_api_gateway_rest_api.api.id}', stage: 'test' }] } };
      json.resource.aws_api_gateway_usage_plan_key = { k: { key_id: '${aws_api_gateway_api_key.k.id}', key_type: 'API_KEY', usage_plan_id: '${aws_api_gateway_usage_plan.p.id}' } };
    });
    try {
      // Act
      const viaAuthorizer = await request(`${h.url}/token`, bearer('usage'));
      const viaHeader = await request(`${h.url}/token`, { headers: { Authorization: 'Bearer allow', 'x-api-key': 'fixed-key-0123456789abcdefghij' } });
      // Assert
      expect(viaAuthorizer.status).toBe(200);
      expect(viaAuthorizer.json().event.requestContext.identity.apiKey).toBe('fixed-key-0123456789abcdefghij');
      expect(viaHeader.status).toBe(403);
    } finally {
      await h.close();
    }
  });
});

describe('authorizer errors through gateway responses', () => {
  it('renders UNAUTHORIZED, ACCESS_DENIED and AUTHORIZER_CONFIGURATION_ERROR through their responses, with $context.authorizer', async () => {
    // Arrange
    const h = await startAuthGateway({}, (json) => {
      const response = (type: string, template: string, extra: Record<string, unknown> = {}) => ({
        rest_api_id: '${aws_api_gateway_rest_api.api.id}',
        response_type: type,
        response_templates: { 'application/json': template },
        ...extra,
      });
      json.resource.aws_api_gateway_gateway_response = {
        unauthorized: response('UNAUTHORIZED', '{"error":$context.error.messageString,"type":"$context.error.responseType"}', {
          response_parameters: { 'gatewayresponse.header.WWW-Authenticate': "'Bearer'" },
        }),
        denied: response('ACCESS_DENIED', '{"error":$context.error.messageString,"who":"$context.authorizer.principalId"}', { status_code: '404' }),
        default5xx: response('DEFAULT_5XX', '{"error":$context.error.messageString,"request":"$context.requestId"}'),
      };
    });
    try {
      // Act
      const unauthorized = await request(`${h.url}/token`);
      const denied = await request(`${h.url}/token`, bearer('deny'));
      const failed = await request(`${h.url}/token`, bearer('crash'));
      // Assert
      expect(unauthorized.status).toBe(401);
      expect(unauthorized.json()).toEqual({ error: 'Unauthorized', type: 'UNAUTHORIZED' });
      expect(unauthorized.headers.get('www-authenticate')).toBe('Bearer');
      expect(denied.status).toBe(404);
      expect(denied.json()).toEqual({ error: 'User is not authorized to access this resource with an explicit deny', who: 'user-42' });
      expect(failed.status).toBe(500);
      expect(failed.json()).toEqual({ error: null, request: failed.headers.get('x-amzn-requestid') });
      expect(failed.headers.get('x-amzn-errortype')).toBe('AuthorizerConfigurationException');
    } finally {
      await h.close();
    }
  });
});
