import { queryParameters, toGatewayModel, validate } from '@portico/http';
import { toOpenApi } from '@portico/http/openapi';
import { CreateUserBody, DEFAULT_LIMIT, MAX_LIMIT, routeList, routes } from '../src/routes';

describe('the route table', () => {
  it(`bounds limit to exactly 1..${MAX_LIMIT}`, async () => {
    const candidates = Array.from({ length: MAX_LIMIT + 3 }, (_, i) => i - 1);

    const accepted: number[] = [];
    for (const n of candidates) {
      if ((await validate(routes.listUsers.query!, { limit: String(n) }, 'query')).ok) accepted.push(n);
    }

    expect(accepted).toEqual(Array.from({ length: MAX_LIMIT }, (_, i) => i + 1));
    expect(DEFAULT_LIMIT).toBeLessThanOrEqual(MAX_LIMIT);
  });

  it('gives the gateway a draft-04 model for POST /users that requires name and rejects unknown keys', () => {
    const model = toGatewayModel(CreateUserBody);

    expect(model).toMatchObject({
      $schema: 'http://json-schema.org/draft-04/schema#',
      type: 'object',
      required: ['name'],
      additionalProperties: false,
    });
    expect(Object.keys(model.properties as object).sort()).toEqual(['email', 'name']);
    // Code points, as the function counts them (see schema-agreement.test.ts).
    expect(model.properties).toMatchObject({ name: { type: 'string', maxLength: 100 }, email: { type: 'string', maxLength: 254 } });
  });

  it('makes q a required query parameter of /search and limit an optional one', () => {
    expect(queryParameters(routes.search)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'q', required: true }),
        expect.objectContaining({ name: 'limit', required: false }),
      ]),
    );
  });

  it('documents every route in OpenAPI', () => {
    const doc = toOpenApi(routeList, { title: 'Users API', version: '1' }) as { paths: Record<string, object> };

    expect(Object.keys(doc.paths).sort()).toEqual(['/hello', '/internal/stats', '/search', '/users', '/users/{id}']);
    expect(Object.keys(doc.paths['/users']!).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/users/{id}']!).sort()).toEqual(['delete', 'get']);
  });

  it('asks a signed-in user to create, one in admin to delete, a SigV4 signature to count, and nobody to read', () => {
    const auth = Object.fromEntries(routeList.map((route) => [`${route.method} ${route.path}`, route.auth]));

    expect(auth).toEqual({
      'GET /hello': undefined,
      'GET /users': undefined,
      'POST /users': { cognito: {} },
      'GET /users/{id}': undefined,
      'DELETE /users/{id}': { cognito: { groups: ['admin'] } },
      'GET /search': undefined,
      'GET /internal/stats': 'iam',
    });
    expect(routeList.filter((route) => route.apiKeyRequired).map((route) => `${route.method} ${route.path}`)).toEqual(['POST /users', 'DELETE /users/{id}']);
  });
});
