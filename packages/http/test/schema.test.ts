import * as v from 'valibot';
import * as z from 'zod';
import { bodyRequired, defineRoute, DRAFT_04, queryParameters, toDraft04, toGatewayModel, toJsonSchema } from '../src/index';
import { toOpenApi } from '../src/openapi';

const CreateUser = v.strictObject({
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  email: v.optional(v.pipe(v.string(), v.email())),
  format: v.optional(v.string()),
});

describe('defineRoute', () => {
  it('returns the spec as frozen data', () => {
    const route = defineRoute({ method: 'GET', path: '/users/{id}', summary: 'Get' });

    expect(route).toEqual({ method: 'GET', path: '/users/{id}', summary: 'Get' });
    expect(Object.isFrozen(route)).toBe(true);
  });

  it.each([
    ['users', 'must start with "/"'],
    ['/users/{id', 'bad braces'],
    ['/a/{rest+}/b', 'greedy parameter must be last'],
  ])('throws for the path %s with the fix in the message', (path, message) => {
    expect(() => defineRoute({ method: 'GET', path })).toThrow(message);
  });
});

describe('toGatewayModel', () => {
  it('emits draft-04 with the draft-04 $schema, required keys and additionalProperties', () => {
    const model = toGatewayModel(CreateUser);

    expect(model.$schema).toBe(DRAFT_04);
    expect(model).toMatchObject({
      type: 'object',
      required: ['name'],
      additionalProperties: false,
      properties: { name: { type: 'string', minLength: 1, maxLength: 100 } },
    });
  });

  it('drops format (API Gateway ignores it) but keeps a property named "format"', () => {
    const model = toGatewayModel(CreateUser) as { properties: Record<string, Record<string, unknown>> };

    expect(model.properties.email).toEqual({ type: 'string' });
    expect(model.properties.format).toEqual({ type: 'string' });
  });

  it('uses draft-04 boolean exclusive bounds and enum for const', () => {
    const model = toGatewayModel(v.object({ n: v.pipe(v.number(), v.gtValue(0)), kind: v.literal('a') })) as {
      properties: Record<string, unknown>;
    };

    expect(model.properties.n).toEqual({ type: 'number', minimum: 0, exclusiveMinimum: true });
    expect(model.properties.kind).toEqual({ enum: ['a'] });
  });

  it("bounds text by code points from valibot's code-point actions, as JSON Schema's minLength/maxLength count", () => {
    const model = toGatewayModel(v.object({ name: v.pipe(v.string(), v.minCodePoints(1), v.maxCodePoints(100), v.maxCodePoints(120)) }));

    expect((model.properties as Record<string, unknown>).name).toEqual({ type: 'string', minLength: 1, maxLength: 100 });
  });

  it('leaves out checks JSON Schema cannot express, so the gateway never refuses what the function accepts', () => {
    const model = toGatewayModel(v.object({ name: v.pipe(v.string(), v.trim(), v.check((s) => s !== 'x', 'not x')) }));

    expect(model).toMatchObject({ properties: { name: { type: 'string' } } });
  });

  it('takes zod schemas through Standard JSON Schema', () => {
    const model = toGatewayModel(z.object({ n: z.number().gt(0), s: z.optional(z.string()) }));

    expect(model).toMatchObject({
      $schema: DRAFT_04,
      type: 'object',
      required: ['n'],
      properties: { n: { type: 'number', minimum: 0, exclusiveMinimum: true }, s: { type: 'string' } },
    });
  });
});

describe('toDraft04', () => {
  it('keeps the stricter bound when both forms are given', () => {
    expect(toDraft04({ minimum: 1, exclusiveMinimum: 0 })).toEqual({ minimum: 1 });
    expect(toDraft04({ exclusiveMaximum: 5, maximum: 9 })).toEqual({ maximum: 5, exclusiveMaximum: true });
  });

  it('renames $defs and their references, and drops keywords draft-04 lacks', () => {
    expect(
      toDraft04({ $defs: { id: { type: 'string', examples: ['a'] } }, properties: { if: { $ref: '#/$defs/id' } }, if: { type: 'string' } }),
    ).toEqual({ definitions: { id: { type: 'string' } }, properties: { if: { $ref: '#/definitions/id' } } });
  });
});

describe('toJsonSchema', () => {
  it('refuses a schema it cannot convert, naming its library', () => {
    const custom = { '~standard': { version: 1, vendor: 'acme', validate: (value: unknown) => ({ value }) } } as const;

    expect(() => toJsonSchema(custom)).toThrow('A acme schema cannot be turned into JSON Schema');
  });
});

describe('queryParameters', () => {
  it('lists the keys of the query schema and whether each is required', () => {
    const route = defineRoute({
      method: 'GET',
      path: '/search',
      query: v.object({ q: v.string(), limit: v.optional(v.pipe(v.string(), v.regex(/^\d+$/))) }),
    });

    expect(queryParameters(route)).toEqual([
      { name: 'q', required: true, schema: { type: 'string' } },
      { name: 'limit', required: false, schema: { type: 'string', pattern: '^\\d+$' } },
    ]);
  });

  it('is empty without a query schema', () => {
    expect(queryParameters(defineRoute({ method: 'GET', path: '/x' }))).toEqual([]);
  });
});

describe('bodyRequired', () => {
  it('is true unless the body schema accepts no body', () => {
    expect(bodyRequired(defineRoute({ method: 'POST', path: '/a', body: CreateUser }))).toBe(true);
    expect(bodyRequired(defineRoute({ method: 'POST', path: '/a', body: v.optional(CreateUser) }))).toBe(false);
    expect(bodyRequired(defineRoute({ method: 'POST', path: '/a' }))).toBe(false);
  });
});

describe('toOpenApi', () => {
  const routes = {
    createUser: defineRoute({
      method: 'POST',
      path: '/users',
      operationId: 'createUser',
      body: CreateUser,
      apiKeyRequired: true,
      responses: { 201: { description: 'Created', schema: v.object({ id: v.string(), note: v.nullable(v.string()) }) } },
    }),
    getUser: defineRoute({ method: 'GET', path: '/users/{id}', operationId: 'getUser', summary: 'Get a user' }),
    search: defineRoute({ method: 'GET', path: '/search', query: v.object({ q: v.string(), limit: v.optional(v.string()) }) }),
    proxy: defineRoute({ method: 'ANY', path: '/files/{proxy+}' }),
  };

  const doc = toOpenApi(routes, { title: 'Users', version: '1.0.0', servers: [{ url: 'https://api.example.com/dev' }] });
  const paths = doc.paths as Record<string, Record<string, any>>;

  it('has OpenAPI 3.0 metadata', () => {
    expect(doc).toMatchObject({ openapi: '3.0.3', info: { title: 'Users', version: '1.0.0' }, servers: [{ url: 'https://api.example.com/dev' }] });
  });

  it('describes path parameters', () => {
    expect(paths['/users/{id}']!.get).toMatchObject({
      operationId: 'getUser',
      summary: 'Get a user',
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
    });
  });

  it('describes query parameters from the query schema', () => {
    expect(paths['/search']!.get.parameters).toEqual([
      { name: 'q', in: 'query', required: true, schema: { type: 'string' } },
      { name: 'limit', in: 'query', required: false, schema: { type: 'string' } },
    ]);
  });

  it('describes the JSON request body, responses and problem+json errors', () => {
    const op = paths['/users']!.post;

    expect(op.requestBody).toMatchObject({
      required: true,
      content: { 'application/json': { schema: { type: 'object', required: ['name'] } } },
    });
    expect(op.requestBody.content['application/json'].schema).not.toHaveProperty('$schema');
    expect(op.responses['201']).toMatchObject({
      description: 'Created',
      content: { 'application/json': { schema: { type: 'object', properties: { note: { type: 'string', nullable: true } } } } },
    });
    for (const status of ['400', '403', '413', '415', '500']) {
      expect(op.responses[status].content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/Problem' });
    }
  });

  it('declares the x-api-key scheme for key-protected routes only', () => {
    expect(doc.components).toMatchObject({ securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } } });
    expect(paths['/users']!.post.security).toEqual([{ apiKey: [] }]);
    expect(paths['/users/{id}']!.get.security).toBeUndefined();
  });

  it('maps ANY to API Gateway\'s any-method extension', () => {
    expect(paths['/files/{proxy+}']!['x-amazon-apigateway-any-method'].parameters).toEqual([
      { name: 'proxy', in: 'path', required: true, schema: { type: 'string' } },
    ]);
  });
});

describe('toOpenApi: problems', () => {
  const routes = [
    defineRoute({
      method: 'GET',
      path: '/users/{id}',
      responses: { 200: { description: 'The user', schema: v.object({ id: v.string() }) }, 404: { description: 'No such user' }, 409: { description: 'Gone' } },
    }),
  ];
  const doc = toOpenApi(routes, { title: 'Users', version: '1.0.0' });
  const op = (doc.paths as Record<string, Record<string, any>>)['/users/{id}']!.get;

  it('types a declared error status without a schema as a problem', () => {
    for (const status of ['404', '409']) {
      expect(op.responses[status].content).toEqual({ 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } });
    }
    expect(op.responses['404'].description).toBe('No such user');
  });

  it('leaves a schema-less success without content', () => {
    const plain = toOpenApi([defineRoute({ method: 'DELETE', path: '/x', responses: { 204: { description: 'Deleted' } } })], { title: 't', version: '1' });

    expect((plain.paths as any)['/x'].delete.responses['204']).toEqual({ description: 'Deleted' });
  });

  it("requires only what every problem carries, so API Gateway's own problems (no title, no status) conform", () => {
    const problem = (doc.components as any).schemas.Problem;

    expect(problem.required).toEqual(['type', 'detail', 'code']);
    expect(Object.keys(problem.properties)).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail', 'code', 'requestId', 'errors']));
  });
});

describe('toOpenApi: security', () => {
  const routes = {
    me: defineRoute({ method: 'GET', path: '/me', auth: { cognito: {} } }),
    read: defineRoute({ method: 'GET', path: '/orders', auth: { cognito: { scopes: ['orders/read', 'orders/admin'] } }, apiKeyRequired: true }),
    admin: defineRoute({ method: 'DELETE', path: '/orders/{id}', auth: { cognito: { groups: ['admins'] } } }),
    internal: defineRoute({ method: 'POST', path: '/internal/jobs', auth: 'iam' }),
    partner: defineRoute({ method: 'GET', path: '/partner/feed', auth: { lambda: 'partnerToken' } }),
    open: defineRoute({ method: 'GET', path: '/health', auth: 'none' }),
  };
  const paths = (doc: ReturnType<typeof toOpenApi>) => doc.paths as Record<string, Record<string, any>>;

  it('uses OpenID Connect with the route scopes when the user pool issuer is known', () => {
    const doc = toOpenApi(routes, { title: 't', version: '1', auth: { cognitoIssuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/' } });

    expect((doc.components as any).securitySchemes.cognito).toMatchObject({
      type: 'openIdConnect',
      openIdConnectUrl: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/.well-known/openid-configuration',
    });
    expect(paths(doc)['/orders']!.get.security).toEqual([{ apiKey: [], cognito: ['orders/read', 'orders/admin'] }]);
    expect(paths(doc)['/me']!.get.security).toEqual([{ cognito: [] }]);
  });

  it('falls back to an HTTP bearer scheme (no scopes: OpenAPI 3.0 allows none there) without an issuer', () => {
    const doc = toOpenApi(routes, { title: 't', version: '1' });

    expect((doc.components as any).securitySchemes.cognito).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(paths(doc)['/orders']!.get.security).toEqual([{ apiKey: [], cognito: [] }]);
  });

  it("declares AWS_IAM as API Gateway's sigv4 scheme and a Lambda authorizer as an apiKey scheme in its header", () => {
    const doc = toOpenApi(routes, { title: 't', version: '1', auth: { lambdaHeaders: { partnerToken: 'X-Partner-Token' } } });
    const schemes = (doc.components as any).securitySchemes;

    expect(schemes.sigv4).toEqual({ type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'awsSigv4' });
    expect(schemes.partnerToken).toEqual({ type: 'apiKey', name: 'X-Partner-Token', in: 'header', 'x-amazon-apigateway-authtype': 'custom' });
    expect(paths(doc)['/internal/jobs']!.post.security).toEqual([{ sigv4: [] }]);
    expect(paths(doc)['/partner/feed']!.get.security).toEqual([{ partnerToken: [] }]);
    expect(paths(doc)['/health']!.get.security).toBeUndefined();
  });

  it('documents 401 on protected routes and 403 where the caller can be refused', () => {
    const doc = toOpenApi(routes, { title: 't', version: '1' });
    const statuses = (path: string, method: string) => Object.keys(paths(doc)[path]![method].responses);

    expect(statuses('/me', 'get')).toContain('401');
    expect(statuses('/me', 'get')).not.toContain('403');
    expect(statuses('/orders', 'get')).toEqual(expect.arrayContaining(['401', '403']));
    expect(statuses('/orders/{id}', 'delete')).toEqual(expect.arrayContaining(['401', '403']));
    expect(statuses('/internal/jobs', 'post')).toEqual(expect.arrayContaining(['401', '403']));
    expect(statuses('/partner/feed', 'get')).toEqual(expect.arrayContaining(['401', '403']));
    expect(statuses('/health', 'get')).not.toContain('401');
    expect(paths(doc)['/me']!.get.responses['401'].content['application/problem+json']).toBeDefined();
  });
});
