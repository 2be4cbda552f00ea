/**
 * Who may call: an API that declares a Cognito user pool, a Lambda authorizer and IAM routes, synthesized. Each
 * route's method carries the authorization its `auth` says; the pool, its client, groups and scopes, the authorizer
 * function (its own role, only the table actions it declares, invocable by this API's authorizer only) and the IAM
 * caller role (exactly the IAM methods) are asserted as data.
 */
import { Testing } from 'cdktf';
import type { RouteSpec } from '@portico/http';
import { defineApi, type ApiConfig, type AuthConfig } from '../src/api';
import { methodArn } from '../src/constructs/iam-callers';
import { routeList, routes } from './fixtures/example-api/routes';
import { AUTH, AUTH_ROUTES as ROUTES, PARTNER_CODE, withAuth } from './fixtures/example-api/auth';
import { tempArtifact } from './support/artifact';
import { EXAMPLE, GatewayView, only, ref, resourcesOf, synthVariant, type Body, type StackJson } from './support/stack-json';

Testing.setupJest();

const artifact = tempArtifact(undefined, { partner: PARTNER_CODE });
const api: Partial<ApiConfig> = { auth: AUTH };

let json: StackJson;
let gateway: GatewayView;
beforeAll(() => {
  ({ json } = synthVariant('prod', { api, routes: ROUTES, artifact }));
  gateway = new GatewayView(json);
});

const stack = 'example-api-prod';
const methodOf = (route: string): Body => gateway.methods.get(route)!;
const ofType = (type: string): Body[] => Object.values(resourcesOf(json, type));
const idOf = (type: string, predicate: (body: Body) => boolean): string => {
  const found = Object.entries(resourcesOf(json, type)).find(([, body]) => predicate(body));
  if (!found) throw new Error(`no ${type} matches`);
  return found[0];
};

describe('methods', () => {
  it('carries each route\'s auth: NONE, COGNITO_USER_POOLS with its scopes, CUSTOM with its authorizer, AWS_IAM', () => {
    const cognito = idOf('aws_api_gateway_authorizer', (a) => a.type === 'COGNITO_USER_POOLS');
    const partner = idOf('aws_api_gateway_authorizer', (a) => a.name === 'partner');
    expect(methodOf('GET /hello')).toMatchObject({ authorization: 'NONE' });
    expect(methodOf('GET /hello').authorizer_id).toBeUndefined();
    expect(methodOf('POST /users')).toMatchObject({ authorization: 'COGNITO_USER_POOLS', authorizer_id: ref('aws_api_gateway_authorizer', cognito, 'id'), api_key_required: true });
    // Groups are not a gateway check: the method takes any valid token, the function tests cognito:groups.
    expect(methodOf('POST /users').authorization_scopes).toBeUndefined();
    expect(methodOf('DELETE /users/{id}')).toMatchObject({
      authorization: 'COGNITO_USER_POOLS',
      authorization_scopes: ['example-api/users.write'],
    });
    expect(methodOf('GET /users/{id}')).toMatchObject({ authorization: 'CUSTOM', authorizer_id: ref('aws_api_gateway_authorizer', partner, 'id') });
    expect(methodOf('GET /internal/stats')).toMatchObject({ authorization: 'AWS_IAM' });
    expect(methodOf('DELETE /internal/cache/{key}')).toMatchObject({ authorization: 'AWS_IAM' });
  });

  it('leaves CORS preflight open: a browser sends OPTIONS without credentials', () => {
    for (const method of ofType('aws_api_gateway_method').filter((m) => m.http_method === 'OPTIONS')) {
      expect(method.authorization).toBe('NONE');
    }
  });

  it('redeploys when a route\'s auth changes (authorizers are part of the deployment)', () => {
    const publicGet = ROUTES.map((route) => (route.path === '/users/{id}' && route.method === 'GET' ? routes.getUser : route));
    const triggers = (stackJson: StackJson) => only(stackJson, 'aws_api_gateway_deployment').body.triggers;
    expect(triggers(synthVariant('prod', { api, routes: publicGet, artifact }).json)).not.toEqual(triggers(json));
    expect(triggers(synthVariant('prod', { api, routes: ROUTES, artifact }).json)).toEqual(triggers(json));
  });
});

describe('Cognito', () => {
  it('creates a pool per stage, protected from deletion in prod, with strong passwords and email recovery', () => {
    const pool = only(json, 'aws_cognito_user_pool').body;
    expect(pool).toMatchObject({ name: `${stack}-users`, deletion_protection: 'ACTIVE', auto_verified_attributes: ['email'] });
    expect(pool.password_policy).toMatchObject({ minimum_length: 12 });
    const dev = synthVariant('dev', { api, routes: ROUTES, artifact }).json;
    expect(only(dev, 'aws_cognito_user_pool').body.deletion_protection).toBe('INACTIVE');
  });

  it('has one app client without a secret (a browser cannot keep one), signing in with SRP or a password', () => {
    const client = only(json, 'aws_cognito_user_pool_client').body;
    expect(client).toMatchObject({
      generate_secret: false,
      explicit_auth_flows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      prevent_user_existence_errors: 'ENABLED',
      allowed_oauth_scopes: ['example-api/users.write'],
    });
  });

  it('declares the groups and the resource server\'s scopes', () => {
    expect(ofType('aws_cognito_user_group').map((g) => g.name)).toEqual(['admin']);
    const server = only(json, 'aws_cognito_resource_server').body;
    expect(server).toMatchObject({ identifier: 'example-api', scope: [{ scope_name: 'users.write', scope_description: 'Create and delete users' }] });
  });

  it('checks the Authorization header against the pool', () => {
    const authorizer = ofType('aws_api_gateway_authorizer').find((a) => a.type === 'COGNITO_USER_POOLS')!;
    const pool = only(json, 'aws_cognito_user_pool').id;
    expect(authorizer).toMatchObject({ identity_source: 'method.request.header.Authorization', provider_arns: [ref('aws_cognito_user_pool', pool, 'arn')] });
  });

  it('can use an existing pool instead, creating none', () => {
    const arn = 'arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_abc';
    const existing: AuthConfig = { ...AUTH, cognito: { pool: { arn, clientIds: ['client'] }, groups: ['admin'] } };
    const { json: imported } = synthVariant('prod', { api: { auth: existing }, routes: ROUTES.filter((r) => r.method !== 'DELETE' || r.path !== '/users/{id}'), artifact });
    expect(resourcesOf(imported, 'aws_cognito_user_pool')).toEqual({});
    expect(Object.values(resourcesOf(imported, 'aws_api_gateway_authorizer')).find((a) => a.type === 'COGNITO_USER_POOLS')!.provider_arns).toEqual([arn]);
  });
});

describe('Lambda authorizer', () => {
  const fnId = () => idOf('aws_lambda_function', (f) => f.function_name === `${stack}-partner-authorizer`);

  it('is a REQUEST authorizer on its own function, with its identity sources and result TTL', () => {
    const authorizer = ofType('aws_api_gateway_authorizer').find((a) => a.name === 'partner')!;
    expect(authorizer).toMatchObject({
      type: 'REQUEST',
      identity_source: 'method.request.header.X-Partner-Token',
      authorizer_result_ttl_in_seconds: 60,
      authorizer_uri: ref('aws_lambda_function', fnId(), 'invoke_arn'),
    });
    expect(authorizer.identity_validation_expression).toBeUndefined();
  });

  it('runs its own build, with the table names it reads', () => {
    const fn = resourcesOf(json, 'aws_lambda_function')[fnId()]!;
    expect(fn).toMatchObject({ runtime: 'nodejs22.x', handler: 'index.handler', source_code_hash: artifact.authorizers!.partner!.sourceCodeHash });
    expect(fn.source_code_hash).not.toBe(artifact.sourceCodeHash);
    expect((fn.environment as { variables: Record<string, string> }).variables).toEqual({
      USERS_TABLE: expect.stringContaining('aws_dynamodb_table'),
    });
  });

  it('has a role of its own that may only read what it declares', () => {
    const fn = resourcesOf(json, 'aws_lambda_function')[fnId()]!;
    const roleRef = String(fn.role);
    const roleId = roleRef.split('.')[1]!;
    const statements = Object.values(resourcesOf(json, 'aws_iam_role_policy'))
      .filter((p) => String(p.role).includes(`.${roleId}.`))
      .flatMap((p) => (JSON.parse(String(p.policy)) as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement);
    const dynamo = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toHaveLength(1);
    expect([dynamo[0]!.Action].flat()).toEqual(['dynamodb:GetItem']);
    const handlerRole = String(ofType('aws_lambda_function').find((f) => f.function_name === `${stack}-handler`)!.role);
    expect(roleRef).not.toBe(handlerRole);
  });

  it('may be invoked by API Gateway only, as this API\'s authorizer', () => {
    const permission = ofType('aws_lambda_permission').find((p) => p.function_name === ref('aws_lambda_function', fnId(), 'function_name'))!;
    const authorizer = idOf('aws_api_gateway_authorizer', (a) => a.name === 'partner');
    const restApi = only(json, 'aws_api_gateway_rest_api').id;
    expect(permission).toMatchObject({
      principal: 'apigateway.amazonaws.com',
      action: 'lambda:InvokeFunction',
      source_arn: `${ref('aws_api_gateway_rest_api', restApi, 'execution_arn')}/authorizers/${ref('aws_api_gateway_authorizer', authorizer, 'id')}`,
    });
  });

  it('takes a validation expression when it is a TOKEN authorizer', () => {
    const token: AuthConfig = {
      authorizers: { partner: { type: 'TOKEN', entry: 'x.ts', identitySource: 'method.request.header.Authorization', validationExpression: '^Bearer [-0-9a-zA-Z._]+$' } },
    };
    const table = routeList.map((r) => (r === routes.getUser ? withAuth(r, { lambda: 'partner' }) : r));
    const { json: tokenJson } = synthVariant('dev', { api: { auth: token }, routes: table, artifact });
    expect(only(tokenJson, 'aws_api_gateway_authorizer').body).toMatchObject({
      type: 'TOKEN',
      identity_validation_expression: '^Bearer [-0-9a-zA-Z._]+$',
      authorizer_result_ttl_in_seconds: 300,
    });
  });

  it('alone reads a table declared with no actions: the handler gets no grant on it, nor its name', () => {
    // GIVEN a partners table only the authorizer reads
    const partnersApi: Partial<ApiConfig> = {
      auth: { ...AUTH, authorizers: { partner: { ...AUTH.authorizers!.partner!, tables: { partners: ['dynamodb:GetItem'] } } } },
      tables: { ...EXAMPLE.tables, partners: { partitionKey: { name: 'tokenHash', type: 'S' }, env: 'PARTNERS_TABLE', actions: [] } },
    };
    // WHEN
    const { json: own } = synthVariant('prod', { api: partnersApi, routes: ROUTES, artifact });
    // THEN
    const tableId = Object.entries(resourcesOf(own, 'aws_dynamodb_table')).find(([, t]) => t.name === `${stack}-partners`)![0];
    const functions = Object.values(resourcesOf(own, 'aws_lambda_function'));
    const variables = (name: string) => (functions.find((f) => f.function_name === name)!.environment as { variables: Record<string, string> }).variables;
    expect(variables(`${stack}-handler`).PARTNERS_TABLE).toBeUndefined();
    expect(variables(`${stack}-partner-authorizer`)).toEqual({ PARTNERS_TABLE: ref('aws_dynamodb_table', tableId, 'name') });
    const onPartners = (name: string) =>
      Object.values(resourcesOf(own, 'aws_iam_role_policy'))
        .filter((p) => String(p.role).includes(`.${String(functions.find((f) => f.function_name === name)!.role).split('.')[1]}.`))
        .flatMap((p) => (JSON.parse(String(p.policy)) as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement)
        .filter((statement) => statement.Resource === ref('aws_dynamodb_table', tableId, 'arn'));
    expect(onPartners(`${stack}-handler`)).toEqual([]);
    expect(onPartners(`${stack}-partner-authorizer`).map((statement) => [statement.Action].flat())).toEqual([['dynamodb:GetItem']]);
  });

  it('refuses to synthesize an authorizer the build did not produce', () => {
    expect(() => synthVariant('dev', { api, routes: ROUTES, artifact: tempArtifact() })).toThrow(/Authorizer "partner" has no build/);
  });
});

describe('IAM callers', () => {
  it('get a role allowed to invoke exactly the AWS_IAM methods of this stage, path parameters as *', () => {
    const callerRoleId = idOf('aws_iam_role', (r) => r.name === `${stack}-caller`);
    const policy = ofType('aws_iam_role_policy').find((p) => String(p.role).includes(`.${callerRoleId}.`))!;
    const restApi = only(json, 'aws_api_gateway_rest_api').id;
    const execution = ref('aws_api_gateway_rest_api', restApi, 'execution_arn');
    expect(JSON.parse(String(policy.policy)).Statement).toEqual([
      {
        Sid: 'InvokeIamRoutes',
        Effect: 'Allow',
        Action: 'execute-api:Invoke',
        Resource: [`${execution}/prod/GET/internal/stats`, `${execution}/prod/DELETE/internal/cache/*`],
      },
    ]);
  });

  it('writes method ARNs as IAM matches them', () => {
    expect(methodArn('arn', 'dev', 'GET', '/')).toBe('arn/dev/GET/');
    expect(methodArn('arn', 'dev', 'GET', '/users/{id}')).toBe('arn/dev/GET/users/*');
    expect(methodArn('arn', 'dev', 'ANY', '/{proxy+}')).toBe('arn/dev/ANY/*');
  });
});

describe('outputs', () => {
  it('name the pool, its client and the caller role', () => {
    expect(Object.keys(json.output)).toEqual(expect.arrayContaining(['cognito_user_pool_arn', 'cognito_user_pool_id', 'cognito_client_id', 'iam_caller_role_arn']));
  });
});

describe('an API without auth', () => {
  it('has no authorizer, pool or caller role, and every method is NONE', () => {
    const { json: plain } = synthVariant('prod');
    for (const type of ['aws_api_gateway_authorizer', 'aws_cognito_user_pool', 'aws_cognito_user_pool_client']) {
      expect(resourcesOf(plain, type)).toEqual({});
    }
    expect(ofTypeIn(plain, 'aws_api_gateway_method').every((m) => m.authorization === 'NONE')).toBe(true);
  });
});
const ofTypeIn = (stackJson: StackJson, type: string): Body[] => Object.values(resourcesOf(stackJson, type));

describe('declaration', () => {
  const declare = (auth: AuthConfig | undefined, table: readonly RouteSpec[]) => () =>
    defineApi({ ...EXAMPLE, ...(auth ? { auth } : {}), routes: table } as ApiConfig);
  const one = (auth: unknown) => [withAuth(routes.hello, auth)];

  it('refuses a route naming an authorizer, a pool, a group or a scope the API does not declare', () => {
    expect(declare(undefined, one({ lambda: 'partner' }))).toThrow(/GET \/hello.*authorizer "partner"/);
    expect(declare(undefined, one({ cognito: {} }))).toThrow(/GET \/hello.*declare auth\.cognito/);
    expect(declare({ cognito: {} }, one({ cognito: { groups: ['admin'] } }))).toThrow(/group "admin"/);
    expect(declare({ cognito: {} }, one({ cognito: { scopes: ['example-api/write'] } }))).toThrow(/scope "example-api\/write"/);
    expect(declare(AUTH, one({ cognito: { groups: 'admin' } }))).toThrow(/GET \/hello.*has auth/);
    expect(declare(AUTH, one({ cognito: { groups: ['admin'], scopes: ['example-api/users.write'] } }))).not.toThrow();
  });

  it('refuses an authorizer with a bad name, TTL, expression or table', () => {
    const with_ = (partner: object): AuthConfig => ({ authorizers: { partner: { ...AUTH.authorizers!.partner!, ...partner } } });
    expect(declare({ authorizers: { Partner: AUTH.authorizers!.partner! } }, [])).toThrow(/lower-case/);
    expect(declare(with_({ resultTtlSeconds: 3601 }), [])).toThrow(/0 to 3600/);
    expect(declare(with_({ validationExpression: '.*' }), [])).toThrow(/only TOKEN/);
    expect(declare(with_({ tables: { orders: ['dynamodb:GetItem'] } }), [])).toThrow(/table "orders"/);
  });

  it('takes a table with no actions only when a Lambda authorizer reads it', () => {
    const partners = { partitionKey: { name: 'tokenHash', type: 'S' as const }, env: 'PARTNERS_TABLE', actions: [] };
    const reading = (actions: ['dynamodb:GetItem'] | []): AuthConfig => ({ authorizers: { partner: { ...AUTH.authorizers!.partner!, tables: { partners: actions } } } });
    const declareTables = (auth: AuthConfig | undefined) => () => defineApi({ ...EXAMPLE, ...(auth ? { auth } : {}), tables: { ...EXAMPLE.tables, partners } } as ApiConfig);
    expect(declareTables(undefined)).toThrow(/table "partners": list the actions/);
    expect(declareTables(reading([]))).toThrow(/table "partners": list the actions/);
    expect(declareTables(reading(['dynamodb:GetItem']))).not.toThrow();
  });
});
