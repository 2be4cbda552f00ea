import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  authorizerHeaders,
  bearerToken,
  createAuthorizer,
  methodArnFor,
  parseMethodArn,
  policy,
  unauthorized,
  wildcardArn,
  type AuthorizerLogger,
  type AuthorizerResult,
  type RequestAuthorizerEvent,
  type TokenAuthorizerEvent,
} from '../src/authorizer';

function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as T;
}

const tokenEvent = fixture<TokenAuthorizerEvent>('authorizer-token-event.json');
const requestEvent = fixture<RequestAuthorizerEvent>('authorizer-request-event.json');
const ARN = 'arn:aws:execute-api:eu-west-1:111122223333:k7w2q9x4ab/dev/GET/partner/feed';

describe('parseMethodArn', () => {
  it('splits a method ARN into its parts', () => {
    expect(parseMethodArn(ARN)).toEqual({
      partition: 'aws',
      region: 'eu-west-1',
      accountId: '111122223333',
      apiId: 'k7w2q9x4ab',
      stage: 'dev',
      method: 'GET',
      path: '/partner/feed',
    });
  });

  it('reads the root resource, other partitions, and a path holding colons', () => {
    expect(parseMethodArn('arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/')).toMatchObject({ stage: 'prod', method: 'GET', path: '/' });
    expect(parseMethodArn('arn:aws-cn:execute-api:cn-north-1:123456789012:abc/v1/POST/a')).toMatchObject({ partition: 'aws-cn', path: '/a' });
    expect(parseMethodArn('arn:aws:execute-api:us-east-1:123456789012:abc/v1/GET/times/12:30')).toMatchObject({ path: '/times/12:30' });
  });

  it.each([
    'arn:aws:lambda:us-east-1:123456789012:function:f',
    'arn:aws:execute-api:us-east-1:123456789012:abc/dev',
    'arn:aws:execute-api:us-east-1:123456789012:abc//GET/x',
    'not an arn',
    '',
  ])('throws for %j, naming the expected form', (arn) => {
    expect(() => parseMethodArn(arn)).toThrow('is not a method ARN: expected arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path}');
  });
});

describe('methodArnFor and wildcardArn', () => {
  it('builds ARNs of the same API and stage', () => {
    expect(methodArnFor(ARN, 'DELETE', '/users/*')).toBe('arn:aws:execute-api:eu-west-1:111122223333:k7w2q9x4ab/dev/DELETE/users/*');
    expect(methodArnFor(ARN, '*', '/admin/*')).toBe('arn:aws:execute-api:eu-west-1:111122223333:k7w2q9x4ab/dev/*/admin/*');
    expect(methodArnFor(parseMethodArn(ARN), 'GET', '/')).toBe('arn:aws:execute-api:eu-west-1:111122223333:k7w2q9x4ab/dev/GET/');
    expect(methodArnFor(ARN, 'ANY', '/x')).toBe('arn:aws:execute-api:eu-west-1:111122223333:k7w2q9x4ab/dev/*/x');
  });

  it('gives every method and path of the stage', () => {
    expect(wildcardArn(ARN)).toBe('arn:aws:execute-api:eu-west-1:111122223333:k7w2q9x4ab/dev/*/*');
  });

  it('refuses a method or path that cannot be in a method ARN', () => {
    expect(() => methodArnFor(ARN, 'get', '/x')).toThrow('"get" is not a method for an ARN');
    expect(() => methodArnFor(ARN, 'GET', 'users')).toThrow('Path "users" must start with /');
  });
});

describe('policy', () => {
  it("produces API Gateway's output: Version 2012-10-17, execute-api:Invoke, one statement per effect", () => {
    const result = policy({
      principalId: 'user-1',
      allow: [wildcardArn(ARN)],
      deny: [methodArnFor(ARN, 'DELETE', '/*')],
      context: { tenant: 't-9', admin: false, quota: 5 },
      usageIdentifierKey: 'k-0123456789abcdefghij',
    });

    expect(result).toEqual({
      principalId: 'user-1',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: ['arn:aws:execute-api:eu-west-1:111122223333:k7w2q9x4ab/dev/*/*'] },
          { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: ['arn:aws:execute-api:eu-west-1:111122223333:k7w2q9x4ab/dev/DELETE/*'] },
        ],
      },
      context: { tenant: 't-9', admin: false, quota: 5 },
      usageIdentifierKey: 'k-0123456789abcdefghij',
    });
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('leaves out what was not given', () => {
    expect(policy({ principalId: 'p', allow: ['*'] })).toEqual({
      principalId: 'p',
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: ['*'] }] },
    });
  });

  it.each([
    ['null', { a: null }, 'context.a is null'],
    ['an object', { a: { b: 1 } }, 'context.a is a object'],
    ['an array', { a: ['x'] }, 'context.a is an array'],
    ['NaN', { a: Number.NaN }, 'context.a is NaN'],
    ['Infinity', { a: Number.POSITIVE_INFINITY }, 'context.a is Infinity'],
    ['undefined', { a: undefined }, 'context.a is a undefined'],
  ])('refuses a context value that is %s (API Gateway answers 500 for it)', (_what, context, message) => {
    expect(() => policy({ principalId: 'p', allow: ['*'], context: context as never })).toThrow(message);
    expect(() => policy({ principalId: 'p', allow: ['*'], context: context as never })).toThrow('only strings, finite numbers and booleans');
  });

  it('needs a principalId and at least one ARN, pointing at unauthorized() for a refusal', () => {
    expect(() => policy({ principalId: '', allow: ['*'] })).toThrow('policy() needs a principalId');
    expect(() => policy({ principalId: 'p' })).toThrow('throw unauthorized() (401) or deny: [wildcardArn(event.methodArn)] (403)');
    expect(() => policy({ principalId: 'p', allow: [] })).toThrow('at least one ARN');
  });

  it('refuses resources that are not execute-api ARNs, and ARNs over 512 characters', () => {
    expect(() => policy({ principalId: 'p', allow: ['arn:aws:s3:::bucket'] })).toThrow('policy() allow holds "arn:aws:s3:::bucket": use * or an execute-api ARN');
    expect(() => policy({ principalId: 'p', deny: ['/users/*'] })).toThrow('policy() deny holds "/users/*"');
    const long = methodArnFor(ARN, 'GET', `/${'a'.repeat(512)}`);
    expect(() => policy({ principalId: 'p', allow: [long] })).toThrow(`an ARN of ${long.length} characters: API Gateway allows 512`);
    expect(policy({ principalId: 'p', allow: ['arn:aws:execute-api:*:*:*'] }).policyDocument.Statement[0]!.Resource).toEqual(['arn:aws:execute-api:*:*:*']);
  });

  it('refuses an empty usageIdentifierKey', () => {
    expect(() => policy({ principalId: 'p', allow: ['*'], usageIdentifierKey: '' })).toThrow('usageIdentifierKey must be an API key value');
  });
});

describe('unauthorized', () => {
  it("throws an Error whose message is exactly 'Unauthorized', which API Gateway maps to 401", () => {
    let thrown: unknown;
    try {
      unauthorized();
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toBe('Unauthorized');
  });
});

describe('bearerToken and authorizerHeaders', () => {
  it('reads the token of a TOKEN event, with or without the Bearer scheme', () => {
    expect(bearerToken(tokenEvent)).toBe('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwYXJ0bmVyLTcifQ.c2lnbmF0dXJl');
    expect(bearerToken({ ...tokenEvent, authorizationToken: 'bearer  abc ' })).toBe('abc');
    expect(bearerToken({ ...tokenEvent, authorizationToken: 'raw-token' })).toBe('raw-token');
    expect(bearerToken({ ...tokenEvent, authorizationToken: 'Bearer ' })).toBeUndefined();
    expect(bearerToken({ ...tokenEvent, authorizationToken: '' })).toBeUndefined();
  });

  it("reads a REQUEST event's Authorization header, and any header case-insensitively", () => {
    expect(bearerToken(requestEvent)).toBe('opaque-token-1');
    expect(authorizerHeaders(requestEvent).get('X-Tenant-Id')).toBe('t-9');
    expect(bearerToken({ ...requestEvent, headers: null, multiValueHeaders: null })).toBeUndefined();
  });
});

describe('createAuthorizer', () => {
  function logs(): { logger: AuthorizerLogger; lines: Parameters<AuthorizerLogger['error']>[0][] } {
    const lines: Parameters<AuthorizerLogger['error']>[0][] = [];
    return { logger: { error: (entry) => lines.push(entry) }, lines };
  }

  it('answers a TOKEN event with the policy the function builds', async () => {
    const handler = createAuthorizer('TOKEN', (event) =>
      policy({ principalId: bearerToken(event) === 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwYXJ0bmVyLTcifQ.c2lnbmF0dXJl' ? 'partner-7' : unauthorized(), allow: [wildcardArn(event.methodArn)] }),
    );

    const result = await handler(tokenEvent);

    expect(result.principalId).toBe('partner-7');
    expect(result.policyDocument.Statement[0]!.Resource).toEqual(['arn:aws:execute-api:eu-west-1:111122223333:k7w2q9x4ab/dev/*/*']);
  });

  it('answers a REQUEST event, reading headers and the request', async () => {
    const handler = createAuthorizer('REQUEST', async (event) => {
      const tenant = authorizerHeaders(event).get('x-tenant-id') ?? unauthorized();
      return policy({ principalId: tenant, allow: [methodArnFor(event.methodArn, 'GET', '/orders/*')], context: { tenant, view: event.queryStringParameters?.view ?? '' } });
    });

    const result = await handler(requestEvent);

    expect(result).toMatchObject({ principalId: 't-9', context: { tenant: 't-9', view: 'full' } });
  });

  it("passes unauthorized() through untouched and unlogged: API Gateway's 401", async () => {
    const { logger, lines } = logs();
    const handler = createAuthorizer('TOKEN', () => unauthorized(), { logger });

    await expect(handler(tokenEvent)).rejects.toThrow(new Error('Unauthorized'));
    expect(lines).toEqual([]);
  });

  it("logs any other error as one line and rethrows it: API Gateway's 500", async () => {
    const { logger, lines } = logs();
    const failure = new Error('JWKS fetch failed');
    const handler = createAuthorizer('TOKEN', async () => Promise.reject(failure), { logger });

    await expect(handler(tokenEvent)).rejects.toBe(failure);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'error', message: 'Authorizer failed: JWKS fetch failed', type: 'TOKEN', methodArn: ARN, error: { name: 'Error', message: 'JWKS fetch failed' } });
  });

  it('refuses, loudly, an event of the other type (the authorizer is wired wrong)', async () => {
    const { logger, lines } = logs();
    const run = jest.fn();
    const handler = createAuthorizer('TOKEN', run, { logger });

    await expect(handler(requestEvent as never)).rejects.toThrow('This authorizer expects TOKEN events but received "REQUEST"');
    await expect(handler({ type: 'TOKEN', authorizationToken: 'x', methodArn: 'nope' })).rejects.toThrow('is not a method ARN');
    expect(run).not.toHaveBeenCalled();
    expect(lines).toHaveLength(2);
  });

  it('checks a policy built by hand, as API Gateway would refuse it', async () => {
    const { logger, lines } = logs();
    const handBuilt = (statement: object, extra: object = {}) =>
      createAuthorizer('TOKEN', () => ({ principalId: 'p', policyDocument: { Version: '2012-10-17', Statement: [statement] }, ...extra }) as AuthorizerResult, { logger });

    await expect(handBuilt({ Action: 'execute-api:Invoke', Effect: 'Permit', Resource: '*' })(tokenEvent)).rejects.toThrow('Effect is "Permit"');
    await expect(handBuilt({ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: '*' }, { context: { a: [1] } })(tokenEvent)).rejects.toThrow('context.a is an array');
    await expect(handBuilt({ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:aws:execute-api:*' })(tokenEvent)).rejects.toThrow('use * or an execute-api ARN');
    const fine = await handBuilt({ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: ARN }, { context: null, usageIdentifierKey: null })(tokenEvent);
    expect(fine.principalId).toBe('p');
    expect(lines).toHaveLength(3);
  });

  it('refuses a type other than TOKEN or REQUEST when created', () => {
    expect(() => createAuthorizer('COGNITO' as never, () => policy({ principalId: 'p', allow: ['*'] }))).toThrow("createAuthorizer() type must be 'TOKEN' or 'REQUEST'");
  });
});
