import * as z from 'zod/mini';
import * as zc from 'zod';
import { defineRoute, DRAFT_04, queryParameters, toGatewayModel } from '../src/index';
import { toOpenApi } from '../src/openapi';

const CreateUser = z.strictObject({
  name: z.string().check(z.minLength(1), z.maxLength(100)),
  email: z.optional(z.email()),
  format: z.optional(z.string()),
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

  it('drops format (API Gateway ignores it) but keeps the pattern, and keeps a property named "format"', () => {
    const model = toGatewayModel(CreateUser) as { properties: Record<string, Record<string, unknown>> };

    expect(model.properties.email).not.toHaveProperty('format');
    expect(model.properties.email).toHaveProperty('pattern');
    expect(model.properties.format).toEqual({ type: 'string' });
  });

  it('uses draft-04 boolean exclusive bounds', () => {
    const model = toGatewayModel(zc.object({ n: zc.number().gt(0) })) as { properties: { n: Record<string, unknown> } };

    expect(model.properties.n).toMatchObject({ minimum: 0, exclusiveMinimum: true });
  });
});

describe('queryParameters', () => {
  it('lists the keys of the query schema and whether each is required', () => {
    const route = defineRoute({
      method: 'GET',
      path: '/search',
      query: z.object({ q: z.string(), limit: z.optional(z.string()) }),
    });

    expect(queryParameters(route)).toEqual([
      { name: 'q', required: true },
      { name: 'limit', required: false },
    ]);
  });

  it('is empty without a query schema', () => {
    expect(queryParameters(defineRoute({ method: 'GET', path: '/x' }))).toEqual([]);
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
      responses: { 201: { description: 'Created', schema: z.object({ id: z.string() }) } },
    }),
    getUser: defineRoute({ method: 'GET', path: '/users/{id}', operationId: 'getUser', summary: 'Get a user' }),
    search: defineRoute({ method: 'GET', path: '/search', query: z.object({ q: z.string(), limit: z.optional(z.string()) }) }),
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
    expect(op.responses['201']).toMatchObject({ description: 'Created', content: { 'application/json': { schema: { type: 'object' } } } });
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
