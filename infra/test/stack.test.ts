/**
 * The stacks of an API declaration (the fixture API in test/fixtures/example-api), as synthesized by `synthesize()`:
 * the properties that make the API behave, secure and cheap, asserted per stage against the route table and the
 * stage config (no snapshots).
 */
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { DRAFT_04, queryParameters, toGatewayModel, type RouteSpec } from '@portico/http';
import { STORE_ACTIONS } from './fixtures/example-api/portico.config';
import { routeList, routes } from './fixtures/example-api/routes';
import { Testing } from 'cdktf';
import type {} from 'cdktf/lib/testing/adapters/jest';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stageOf, type StageConfig } from '../src/api';
import {
  EXAMPLE,
  EXAMPLE_STAGES,
  exampleStack,
  GatewayView,
  deref,
  gatewayResponse,
  only,
  ref,
  removeSynthOutputs,
  resourceCounts,
  resourcesOf,
  synthTemp,
  synthVariant,
  type Body,
  type StackJson,
  type SynthesizedJson,
} from './support/stack-json';
import { corsFunctionCode } from '../src/constructs/edge';
import { GATEWAY_RESPONSE_TYPES, VALIDATION_ERROR_HEADER } from '../src/constructs/gateway-responses';
import { renderGatewayResponse } from './support/gateway-template';

Testing.setupJest();

const key = (route: { method: string; path: string }): string => `${route.method} ${route.path}`;
const LAMBDA = 'aws_lambda_function';
const TABLE = 'aws_dynamodb_table';
const USERS_TABLE = EXAMPLE.tables!.users!;
const API = 'aws_api_gateway_rest_api';

/** Every path of the route table and its parents, root included. */
function expectedPaths(table: readonly RouteSpec[]): string[] {
  const paths = new Set(['/']);
  for (const route of table) {
    const parts = route.path.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) paths.add(`/${parts.slice(0, i).join('/')}`);
  }
  return [...paths].sort();
}

/** Route methods per path, in table order. */
function methodsByPath(table: readonly RouteSpec[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const route of table) map.set(route.path, [...(map.get(route.path) ?? []), route.method]);
  return map;
}

const cachedRoutes = routeList.filter((route) => (route.cache?.keyParameters.length ?? 0) > 0);

interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
}
const list = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value]);

/** The inline policies attached to a role (by reference to the role's id or name). */
function policiesOfRole(stack: StackJson, roleId: string): PolicyStatement[][] {
  const role = [ref('aws_iam_role', roleId, 'id'), ref('aws_iam_role', roleId, 'name')];
  return Object.values(resourcesOf(stack, 'aws_iam_role_policy'))
    .filter((policy) => role.includes(String(policy.role)))
    .map((policy) => (JSON.parse(String(policy.policy)) as { Statement: PolicyStatement[] }).Statement);
}

let synthesized: SynthesizedJson[] = [];

beforeAll(() => {
  ({ stacks: synthesized } = synthTemp());
});
afterAll(removeSynthOutputs);

const stackOf = (stage: string): SynthesizedJson => {
  const found = synthesized.find((s) => s.stage === stage);
  if (!found) throw new Error(`No synthesized stack for ${stage}`);
  return found;
};

it('synthesizes one stack per stage, named <api>-<stage>', () => {
  expect(synthesized.map((s) => s.name)).toEqual(EXAMPLE_STAGES.map(exampleStack));
  expect(synthesized.every((s) => s.omitted.length === 0)).toBe(true);
});

describe.each(EXAMPLE_STAGES)('stack example-api-%s', (stage) => {
  const config: StageConfig = stageOf(EXAMPLE, stage);
  let stack: StackJson;
  let text: string;
  let dir: string;
  let gateway: GatewayView;
  let fn: { id: string; body: Body };
  let table: { id: string; body: Body };
  let api: { id: string; body: Body };
  beforeAll(() => {
    ({ json: stack, text, dir } = stackOf(stage));
    gateway = new GatewayView(stack);
    fn = only(stack, LAMBDA);
    table = only(stack, TABLE);
    api = only(stack, API);
  });

  describe('routes', () => {
    it('gives every route of the table a method and an AWS_PROXY integration to the function', () => {
      for (const route of routeList) {
        expect(gateway.method(key(route))).toMatchObject({ authorization: 'NONE' });
        expect(gateway.integration(key(route))).toMatchObject({
          type: 'AWS_PROXY',
          // Lambda is invoked with POST whatever the client's method.
          integration_http_method: 'POST',
          uri: ref(LAMBDA, fn.id, 'invoke_arn'),
        });
      }
    });

    it('serves nothing the route table does not declare (besides CORS preflight)', () => {
      const served = [...gateway.methods.keys()].filter((k) => !k.startsWith('OPTIONS ')).sort();
      expect(served).toEqual(routeList.map(key).sort());
    });

    it('builds the resource tree of the table, with {id} under /users', () => {
      expect(gateway.paths).toEqual(expectedPaths(routeList));
      const byId = Object.values(resourcesOf(stack, 'aws_api_gateway_resource')).find((r) => r.path_part === '{id}');
      expect(byId).toBeDefined();
      expect(gateway.pathOfRef.get(String(byId!.parent_id))).toBe('/users');
      for (const route of routeList.filter((r) => r.path.includes('{id}'))) {
        expect(gateway.method(key(route)).request_parameters).toMatchObject({ 'method.request.path.id': true });
      }
    });

    it('requires an API key on POST and DELETE only, as the route table says', () => {
      for (const route of routeList) {
        const required = gateway.method(key(route)).api_key_required;
        expect(required).toBe(route.apiKeyRequired ?? false);
        expect(required).toBe(route.method === 'POST' || route.method === 'DELETE');
      }
      expect(gateway.method('POST /users').api_key_required).toBe(true);
      expect(gateway.method('DELETE /users/{id}').api_key_required).toBe(true);
      expect(gateway.method('GET /users').api_key_required).toBe(false);
    });
  });

  describe('request validation', () => {
    it('validates POST /users against a draft-04 model generated from the route schema', () => {
      const method = gateway.method('POST /users');
      const modelName = deref(stack, (method.request_models as Record<string, string>)['application/json']);
      const model = Object.values(resourcesOf(stack, 'aws_api_gateway_model')).find((m) => m.name === modelName);
      expect(model).toMatchObject({ content_type: 'application/json', rest_api_id: ref(API, api.id, 'id') });
      const schema = JSON.parse(String(model!.schema)) as Record<string, unknown>;
      expect(schema.$schema).toBe(DRAFT_04);
      expect(schema).toEqual(toGatewayModel(routes.createUser.body!));
      expect(schema).toMatchObject({ required: ['name'], additionalProperties: false });
      const validator = validatorOf(method);
      expect(validator).toMatchObject({ validate_request_body: true, validate_request_parameters: true });
    });

    it('puts a validator on exactly the routes with a body or a required parameter', () => {
      for (const route of routeList) {
        const method = gateway.method(key(route));
        const requiredQuery = queryParameters(route).some((q) => q.required);
        if (route.body) {
          expect(validatorOf(method)).toMatchObject({ validate_request_body: true });
          expect(method.request_models).toBeDefined();
        } else if (requiredQuery) {
          expect(validatorOf(method)).toMatchObject({ validate_request_body: false, validate_request_parameters: true });
          expect(method.request_models).toBeUndefined();
        } else {
          expect(method.request_validator_id).toBeUndefined();
        }
      }
      // The table has both kinds today; if that changes this test must be revisited, not silently pass.
      expect(gateway.method('GET /search').request_validator_id).toBeDefined();
    });

    it('declares each query parameter with its required flag', () => {
      for (const route of routeList) {
        const declared = gateway.method(key(route)).request_parameters as Record<string, boolean>;
        for (const q of queryParameters(route)) {
          expect(declared[`method.request.querystring.${q.name}`]).toBe(q.required);
        }
      }
      expect(gateway.method('GET /search').request_parameters).toMatchObject({ 'method.request.querystring.q': true });
    });

    function validatorOf(method: Body): Body {
      const id = /^\$\{aws_api_gateway_request_validator\.(\w+)\.id\}$/.exec(String(method.request_validator_id))?.[1];
      const validator = id && resourcesOf(stack, 'aws_api_gateway_request_validator')[id];
      if (!validator) throw new Error(`No request validator behind ${String(method.request_validator_id)}`);
      return validator;
    }
  });

  describe('CORS', () => {
    it('answers preflight on every resource with a MOCK that allows exactly the stage origins', () => {
      for (const [path, methods] of methodsByPath(routeList)) {
        const preflight = `OPTIONS ${path}`;
        expect(gateway.method(preflight)).toMatchObject({ authorization: 'NONE', api_key_required: false });
        const integration = gateway.integration(preflight);
        expect(integration.type).toBe('MOCK');
        expect(JSON.parse((integration.request_templates as Record<string, string>)['application/json']!)).toEqual({
          statusCode: 204,
        });
        const [methodResponse] = gateway.methodResponses.get(preflight) ?? [];
        expect(methodResponse).toMatchObject({ status_code: '204' });
        expect(Object.keys(methodResponse!.response_parameters as object)).toContain(
          'method.response.header.Access-Control-Allow-Origin',
        );
        const [response] = gateway.integrationResponses.get(preflight) ?? [];
        const headers = response!.response_parameters as Record<string, string>;
        expect(headers['method.response.header.Access-Control-Allow-Methods']).toBe(`'${[...methods, 'OPTIONS'].join(',')}'`);
        expect(headers['method.response.header.Access-Control-Allow-Headers']).toMatch(/X-Api-Key/);
        expect(headers['method.response.header.Vary']).toBe("'Origin'");
        const template = (response!.response_templates as Record<string, string>)['application/json']!;
        if (config.corsOrigins.length === 1) {
          expect(headers['method.response.header.Access-Control-Allow-Origin']).toBe(`'${config.corsOrigins[0]}'`);
        } else {
          // Several origins: the template echoes the caller's Origin only when it is on the allowlist.
          const allowed = [...template.matchAll(/\$origin == "([^"]+)"/g)].map((m) => m[1]);
          expect(allowed.sort()).toEqual([...config.corsOrigins].sort());
          expect(template).toContain('$context.responseOverride.header.Access-Control-Allow-Origin');
          expect(headers['method.response.header.Access-Control-Allow-Origin']).toBeUndefined();
        }
      }
      const preflights = [...gateway.methods.keys()].filter((k) => k.startsWith('OPTIONS '));
      expect(preflights.sort()).toEqual([...methodsByPath(routeList).keys()].map((p) => `OPTIONS ${p}`).sort());
    });

    it('defines a gateway response for every response type, none of which echoes the request Origin', () => {
      const types = Object.values(resourcesOf(stack, 'aws_api_gateway_gateway_response')).map((r) => r.response_type);
      expect(types.sort()).toEqual(Object.keys(GATEWAY_RESPONSE_TYPES).sort());
      for (const type of types) {
        const headers = gatewayResponse(stack, String(type)).response_parameters as Record<string, string>;
        expect(Object.values(headers)).not.toContain('method.request.header.Origin');
        expect(headers['gatewayresponse.header.Content-Type']).toBe("'application/problem+json'");
        expect(headers['gatewayresponse.header.Vary']).toBe("'Origin'");
        // One origin: static on every error. Several: none at the gateway; the edge adds it for allowed origins.
        expect(headers['gatewayresponse.header.Access-Control-Allow-Origin']).toBe(
          config.corsOrigins.length === 1 ? `'${config.corsOrigins[0]}'` : undefined,
        );
      }
    });

    it('lets the edge add Allow-Origin to gateway errors exactly when the allowlist has several origins', () => {
      const functions = Object.values(resourcesOf(stack, 'aws_cloudfront_function'));
      const behavior = only(stack, 'aws_cloudfront_distribution').body.default_cache_behavior as Body;
      if (config.corsOrigins.length === 1) {
        expect(functions).toHaveLength(0);
        expect(behavior.function_association).toBeUndefined();
        return;
      }
      expect(functions).toHaveLength(1);
      expect(functions[0]).toMatchObject({ runtime: 'cloudfront-js-2.0', publish: true, code: corsFunctionCode(config.corsOrigins) });
      const [fnId] = Object.keys(resourcesOf(stack, 'aws_cloudfront_function'));
      expect(behavior.function_association).toEqual([
        { event_type: 'viewer-response', function_arn: ref('aws_cloudfront_function', fnId!, 'arn') },
      ]);
    });

    it.each(Object.entries(GATEWAY_RESPONSE_TYPES))('renders %s as problem JSON in the function\'s format', (type, status) => {
      const template = (gatewayResponse(stack, type).response_templates as Record<string, string>)['application/json']!;
      const message = 'Too Many "Requests" \\ for now';

      const body = renderGatewayResponse(template, {
        'error.messageString': JSON.stringify(message),
        'error.responseType': type,
        requestId: '4c8f2a6e-2f1b-4a44-9d2c-6a1b7f3e9d10',
      });

      expect(JSON.parse(body)).toEqual({
        type: 'about:blank',
        ...(status === undefined ? {} : { title: expect.any(String), status }),
        detail: message,
        code: type,
        requestId: '4c8f2a6e-2f1b-4a44-9d2c-6a1b7f3e9d10',
      });
    });

    it('carries the validator\'s reason in a header, where its quotes cannot break the JSON body', () => {
      for (const type of ['BAD_REQUEST_BODY', 'BAD_REQUEST_PARAMETERS']) {
        const response = gatewayResponse(stack, type);
        expect((response.response_parameters as Record<string, string>)[`gatewayresponse.header.${VALIDATION_ERROR_HEADER}`]).toBe(
          'context.error.validationErrorString',
        );
        expect(JSON.stringify(response.response_templates)).not.toContain('validationErrorString');
      }
    });
  });

  describe('usage plans and API keys', () => {
    it('binds each configured plan to the stage with its throttle and quota, and attaches its key', () => {
      const plans = resourcesOf(stack, 'aws_api_gateway_usage_plan');
      const keys = resourcesOf(stack, 'aws_api_gateway_api_key');
      const planKeys = Object.values(resourcesOf(stack, 'aws_api_gateway_usage_plan_key'));
      const stageRef = ref('aws_api_gateway_stage', only(stack, 'aws_api_gateway_stage').id, 'stage_name');
      expect(Object.keys(plans)).toHaveLength(Object.keys(config.usagePlans).length);
      for (const [name, limits] of Object.entries(config.usagePlans)) {
        const [planId, plan] = Object.entries(plans).find(([, p]) => p.name === `${exampleStack(stage)}-${name}`) ?? [];
        expect(plan).toMatchObject({
          api_stages: [{ api_id: ref(API, api.id, 'id'), stage: stageRef }],
          throttle_settings: { rate_limit: limits.rateLimit, burst_limit: limits.burstLimit },
          quota_settings: { limit: limits.quotaLimit, period: limits.quotaPeriod },
        });
        const attached = planKeys.filter((k) => k.usage_plan_id === ref('aws_api_gateway_usage_plan', planId!, 'id'));
        expect(attached).toHaveLength(1);
        expect(attached[0]!.key_type).toBe('API_KEY');
        const keyId = /^\$\{aws_api_gateway_api_key\.(\w+)\.id\}$/.exec(String(attached[0]!.key_id))?.[1];
        expect(keys[keyId!]).toMatchObject({ enabled: true });
      }
      expect(Object.values(plans).map((p) => p.name).sort()).toEqual(
        ['basic', 'partner'].map((name) => `${exampleStack(stage)}-${name}`),
      );
    });

    it('reads API keys from the x-api-key header', () => {
      expect(api.body.api_key_source).toBe('HEADER');
    });
  });

  describe('function', () => {
    it('runs Node.js 22 on arm64 with active tracing, the built code and the stage sizing', () => {
      expect(text).toHaveResourceWithProperties(LambdaFunction, {
        runtime: 'nodejs22.x',
        architectures: ['arm64'],
        tracing_config: { mode: 'Active' },
        memory_size: config.lambda.memoryMb,
        timeout: config.lambda.timeoutSeconds,
        handler: 'index.handler',
      });
      expect(fn.body.source_code_hash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    });

    it('ships the zip inside the stack directory, hashed as Lambda reports it', () => {
      const zip = join(dir, String(fn.body.filename));
      expect(existsSync(zip)).toBe(true);
      expect(createHash('sha256').update(readFileSync(zip)).digest('base64')).toBe(fn.body.source_code_hash);
    });

    it('gets the table name in the variable the store reads', () => {
      const variables = (fn.body.environment as { variables: Record<string, string> }).variables;
      expect(variables[USERS_TABLE.env]).toBe(ref(TABLE, table.id, 'name'));
      expect(variables.CORS_ORIGINS).toBe(config.corsOrigins.join(','));
    });

    it('logs to its own group, created first, kept for the configured retention', () => {
      const groups = Object.entries(resourcesOf(stack, 'aws_cloudwatch_log_group'));
      const own = groups.find(([, g]) => g.name === `/aws/lambda/${String(fn.body.function_name)}`);
      expect(own).toBeDefined();
      expect(own![1].retention_in_days).toBe(config.logRetentionDays);
      expect(fn.body.depends_on).toContain(`aws_cloudwatch_log_group.${own![0]}`);
    });
  });

  describe('least privilege', () => {
    let statements: PolicyStatement[];
    let roleId: string;
    beforeAll(() => {
      roleId = /^\$\{aws_iam_role\.(\w+)\.arn\}$/.exec(String(fn.body.role))![1]!;
      const policies = policiesOfRole(stack, roleId);
      expect(policies).toHaveLength(1);
      statements = policies[0]!;
    });

    it('grants exactly the DynamoDB actions the API declares for its table, on that table only', () => {
      const dynamo = statements.filter((s) => list(s.Action).some((a) => a.startsWith('dynamodb:')));
      expect(dynamo).toHaveLength(1);
      expect(list(dynamo[0]!.Action).sort()).toEqual([...STORE_ACTIONS].sort());
      // The table has no secondary index, so the table ARN is the only resource (no `/index/*`).
      expect(table.body.global_secondary_index ?? table.body.local_secondary_index).toBeUndefined();
      expect(list(dynamo[0]!.Resource)).toEqual([ref(TABLE, table.id, 'arn')]);
    });

    it('lets the function write logs only to its own group', () => {
      const logs = statements.filter((s) => list(s.Action).some((a) => a.startsWith('logs:')));
      const group = Object.entries(resourcesOf(stack, 'aws_cloudwatch_log_group')).find(
        ([, g]) => g.name === `/aws/lambda/${String(fn.body.function_name)}`,
      )![0];
      expect(logs).toHaveLength(1);
      expect(list(logs[0]!.Action).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
      expect(list(logs[0]!.Resource)).toEqual([`${ref('aws_cloudwatch_log_group', group, 'arn')}:*`]);
    });

    it('has no wildcard action, and a "*" resource only for X-Ray (which has no resource-level permissions)', () => {
      for (const statement of statements) {
        expect(statement.Effect).toBe('Allow');
        for (const action of list(statement.Action)) expect(action).not.toMatch(/\*/);
        if (list(statement.Resource).includes('*')) {
          for (const action of list(statement.Action)) expect(action).toMatch(/^xray:/);
        }
      }
    });

    it('attaches nothing else to the role, which only Lambda may assume', () => {
      const attachments = Object.values(resourcesOf(stack, 'aws_iam_role_policy_attachment')).filter((a) =>
        String(a.role).includes(roleId),
      );
      expect(attachments).toHaveLength(0);
      const role = resourcesOf(stack, 'aws_iam_role')[roleId]!;
      expect(JSON.parse(String(role.assume_role_policy))).toEqual({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      });
    });

    it('lets only this API invoke the function', () => {
      const permissions = Object.values(resourcesOf(stack, 'aws_lambda_permission'));
      expect(permissions).toHaveLength(1);
      expect(permissions[0]).toMatchObject({
        action: 'lambda:InvokeFunction',
        principal: 'apigateway.amazonaws.com',
        function_name: ref(LAMBDA, fn.id, 'function_name'),
        source_arn: `${ref(API, api.id, 'execution_arn')}/*/*`,
      });
    });
  });

  describe('table', () => {
    it('is on-demand, with point-in-time recovery and encryption at rest, keyed as the store expects', () => {
      expect(text).toHaveResourceWithProperties(DynamodbTable, {
        billing_mode: 'PAY_PER_REQUEST',
        point_in_time_recovery: { enabled: true },
        server_side_encryption: { enabled: true },
        hash_key: USERS_TABLE.partitionKey.name,
        attribute: [{ name: USERS_TABLE.partitionKey.name, type: 'S' }],
        deletion_protection_enabled: config.protectData,
      });
      expect(table.body.name).toBe(`${exampleStack(stage)}-users`);
    });
  });

  describe('stage', () => {
    let stageBody: Body;
    beforeAll(() => {
      stageBody = only(stack, 'aws_api_gateway_stage').body;
    });

    it('serves the stage name from the deployment, with X-Ray, variables and the cache cluster', () => {
      expect(stageBody).toMatchObject({
        stage_name: config.stage,
        rest_api_id: ref(API, api.id, 'id'),
        deployment_id: ref('aws_api_gateway_deployment', only(stack, 'aws_api_gateway_deployment').id, 'id'),
        xray_tracing_enabled: true,
        variables: config.stageVariables,
        cache_cluster_enabled: config.cache.enabled,
        cache_cluster_size: config.cache.clusterSize,
      });
    });

    it('writes a JSON access log to its own group with the configured retention', () => {
      const settings = stageBody.access_log_settings as { destination_arn: string; format: string };
      const format = JSON.parse(settings.format) as Record<string, string>;
      expect(format).toMatchObject({
        requestId: '$context.requestId',
        status: '$context.status',
        apiKeyId: '$context.identity.apiKeyId',
        validationError: '$context.error.validationErrorString',
      });
      const [groupId, group] = Object.entries(resourcesOf(stack, 'aws_cloudwatch_log_group')).find(
        ([id]) => settings.destination_arn === ref('aws_cloudwatch_log_group', id, 'arn'),
      )!;
      expect(groupId).toBeDefined();
      expect(group.retention_in_days).toBe(config.logRetentionDays);
    });

    it('throttles every method at the stage rate and burst', () => {
      const all = Object.values(resourcesOf(stack, 'aws_api_gateway_method_settings')).find((m) => m.method_path === '*/*');
      expect(all?.settings).toMatchObject({
        throttling_rate_limit: config.throttle.rateLimit,
        throttling_burst_limit: config.throttle.burstLimit,
        caching_enabled: false,
      });
    });

    it('caches GET /users and GET /search only, encrypted, for the configured TTL, throttle kept', () => {
      const cached = Object.values(resourcesOf(stack, 'aws_api_gateway_method_settings')).filter(
        (m) => (m.settings as Body).caching_enabled === true,
      );
      expect(cached.map((m) => m.method_path).sort()).toEqual(['search/GET', 'users/GET']);
      expect(cached.map((m) => m.method_path).sort()).toEqual(
        cachedRoutes.map((r) => `${r.path.slice(1)}/${r.method}`).sort(),
      );
      for (const settings of cached.map((m) => m.settings as Body)) {
        expect(settings).toMatchObject({
          cache_ttl_in_seconds: config.cache.ttlSeconds,
          cache_data_encrypted: true,
          require_authorization_for_cache_control: true,
          throttling_rate_limit: config.throttle.rateLimit,
          throttling_burst_limit: config.throttle.burstLimit,
        });
      }
    });

    it('keys the cache on the declared query parameters (q and limit for search) and the CORS Origin', () => {
      expect(gateway.integration('GET /search').cache_key_parameters).toEqual([
        'method.request.querystring.q',
        'method.request.querystring.limit',
        'method.request.header.Origin',
      ]);
      for (const route of routeList) {
        const queryKeys = (route.cache?.keyParameters ?? []).map((name) => `method.request.querystring.${name}`);
        const keys = queryKeys.length > 0 ? [...queryKeys, 'method.request.header.Origin'] : [];
        expect(gateway.integration(key(route)).cache_key_parameters ?? []).toEqual(keys);
        // API Gateway rejects a cache key that is not a declared method request parameter.
        const declared = gateway.method(key(route)).request_parameters as Record<string, boolean>;
        for (const cacheKey of keys) expect(Object.keys(declared)).toContain(cacheKey);
        // Declared for the cache only: a request without an Origin (curl, server to server) still passes validation.
        if (keys.length > 0) expect(declared['method.request.header.Origin']).toBe(false);
        else expect(declared).not.toHaveProperty(['method.request.header.Origin']);
      }
    });
  });

  describe('CloudFront', () => {
    let distribution: Body;
    let behavior: Body;
    beforeAll(() => {
      distribution = only(stack, 'aws_cloudfront_distribution').body;
      behavior = distribution.default_cache_behavior as Body;
    });

    it('is HTTPS-only to viewers and to the API, with the stage as origin path', () => {
      expect(behavior.viewer_protocol_policy).toBe('https-only');
      const [origin] = distribution.origin as Body[];
      expect(origin).toMatchObject({
        domain_name: `${ref(API, api.id, 'id')}.execute-api.${config.region}.amazonaws.com`,
        origin_path: `/${config.stage}`,
        custom_origin_config: { origin_protocol_policy: 'https-only', origin_ssl_protocols: ['TLSv1.2'] },
      });
      expect(behavior.target_origin_id).toBe(origin!.origin_id);
    });

    it('leaves the default certificate at the minimum CloudFront reports back (no perpetual plan diff)', () => {
      const certificate = distribution.viewer_certificate as Body;
      expect(certificate.cloudfront_default_certificate).toBe(true);
      expect(certificate.minimum_protocol_version ?? 'TLSv1').toBe('TLSv1');
    });

    it('passes every method through but caches only GET and HEAD', () => {
      expect([...(behavior.cached_methods as string[])].sort()).toEqual(['GET', 'HEAD']);
      expect(behavior.allowed_methods).toEqual(expect.arrayContaining(['GET', 'HEAD', 'OPTIONS', 'POST', 'DELETE', 'PUT', 'PATCH']));
    });

    it("keys its cache on the routes' cache query strings and Origin, nothing else, and caches nothing by default", () => {
      const policy = only(stack, 'aws_cloudfront_cache_policy');
      expect(behavior.cache_policy_id).toBe(ref('aws_cloudfront_cache_policy', policy.id, 'id'));
      const parameters = policy.body.parameters_in_cache_key_and_forwarded_to_origin as Body;
      const queryStrings = parameters.query_strings_config as { query_string_behavior: string; query_strings: { items: string[] } };
      expect(queryStrings.query_string_behavior).toBe('whitelist');
      expect(queryStrings.query_strings.items).toEqual(expect.arrayContaining(['q', 'limit']));
      expect([...queryStrings.query_strings.items].sort()).toEqual(
        [...new Set(cachedRoutes.flatMap((r) => r.cache!.keyParameters))].sort(),
      );
      // Origin: the function's CORS answer echoes it, and CloudFront ignores Vary.
      expect(parameters).toMatchObject({
        headers_config: { header_behavior: 'whitelist', headers: { items: ['Origin'] } },
        cookies_config: { cookie_behavior: 'none' },
      });
      expect(policy.body).toMatchObject({ min_ttl: 0, default_ttl: 0 });
    });

    it('forwards every viewer header but Host (so x-api-key reaches the API) and every query string', () => {
      const policy = only(stack, 'aws_cloudfront_origin_request_policy');
      expect(behavior.origin_request_policy_id).toBe(ref('aws_cloudfront_origin_request_policy', policy.id, 'id'));
      expect(policy.body).toMatchObject({
        headers_config: { header_behavior: 'allExcept', headers: { items: ['host'] } },
        query_strings_config: { query_string_behavior: 'all' },
        cookies_config: { cookie_behavior: 'none' },
      });
      expect(behavior.forwarded_values).toBeUndefined();
    });
  });
});

describe('dev and prod', () => {
  /** A fact read from a stack, and the same fact from the stage config. */
  const facts: [string, (stack: StackJson) => unknown, (config: StageConfig) => unknown][] = [
    [
      'stage cache TTL',
      (s) => (Object.values(resourcesOf(s, 'aws_api_gateway_method_settings')).find((m) => m.method_path === 'search/GET')!.settings as Body).cache_ttl_in_seconds,
      (c) => c.cache.ttlSeconds,
    ],
    [
      'usage plan quotas',
      (s) =>
        Object.fromEntries(
          Object.values(resourcesOf(s, 'aws_api_gateway_usage_plan')).map((p) => [
            String(p.name).replace(/^example-api-\w+-/, ''),
            p.quota_settings,
          ]),
        ),
      (c) => Object.fromEntries(Object.entries(c.usagePlans).map(([name, p]) => [name, { limit: p.quotaLimit, period: p.quotaPeriod }])),
    ],
    [
      'log retention',
      (s) => [...new Set(Object.values(resourcesOf(s, 'aws_cloudwatch_log_group')).map((g) => g.retention_in_days))],
      (c) => [c.logRetentionDays],
    ],
    ['table deletion protection', (s) => only(s, TABLE).body.deletion_protection_enabled, (c) => c.protectData],
  ];

  it.each(facts)('differ in %s exactly as their configs say', (_, fromStack, fromConfig) => {
    const dev = stackOf('dev').json;
    const prod = stackOf('prod').json;
    expect(fromStack(dev)).toEqual(fromConfig(stageOf(EXAMPLE, 'dev')));
    expect(fromStack(prod)).toEqual(fromConfig(stageOf(EXAMPLE, 'prod')));
    expect(fromStack(dev)).not.toEqual(fromStack(prod));
  });

  it('share one architecture: the same resource types and counts, but the edge CORS function of several origins', () => {
    const { aws_cloudfront_function: devFunctions, ...dev } = resourceCounts(stackOf('dev').json);
    const { aws_cloudfront_function: prodFunctions, ...prod } = resourceCounts(stackOf('prod').json);
    expect(dev).toEqual(prod);
    expect([devFunctions, prodFunctions]).toEqual([undefined, 1]);
  });
});

describe('config variants', () => {
  it('serves a custom domain with its certificate, SNI and TLS 1.2 at minimum', () => {
    const customDomain = {
      domainName: 'api.portico.dev',
      certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000',
    };
    const { json } = synthVariant('prod', { config: { customDomain } });
    const distribution = only(json, 'aws_cloudfront_distribution').body;
    expect(distribution.aliases).toEqual([customDomain.domainName]);
    expect(distribution.viewer_certificate).toEqual({
      acm_certificate_arn: customDomain.certificateArn,
      ssl_support_method: 'sni-only',
      minimum_protocol_version: 'TLSv1.2_2021',
    });
    expect(json.output.cloudfront_url!.value).toBe(`https://${customDomain.domainName}`);
  });

  it('sends a single CORS origin as a static header', () => {
    const origin = 'https://one.portico.dev';
    const { json } = synthVariant('dev', { config: { corsOrigins: [origin] } });
    const gateway = new GatewayView(json);
    for (const path of methodsByPath(routeList).keys()) {
      const [response] = gateway.integrationResponses.get(`OPTIONS ${path}`)!;
      expect((response!.response_parameters as Record<string, string>)['method.response.header.Access-Control-Allow-Origin']).toBe(
        `'${origin}'`,
      );
    }
    expect((gatewayResponse(json, 'DEFAULT_4XX').response_parameters as Record<string, string>)).toMatchObject({
      'gatewayresponse.header.Access-Control-Allow-Origin': `'${origin}'`,
    });
    expect(resourcesOf(json, 'aws_cloudfront_function')).toEqual({});
  });

  it('without a stage cache, provisions no cluster and caches no method', () => {
    const { json } = synthVariant('dev', { config: { cache: { ...EXAMPLE.stages.dev!.cache, enabled: false } } });
    const stage = only(json, 'aws_api_gateway_stage').body;
    expect(stage.cache_cluster_enabled).toBe(false);
    expect(stage.cache_cluster_size).toBeUndefined();
    const cached = Object.values(resourcesOf(json, 'aws_api_gateway_method_settings')).filter(
      (m) => (m.settings as Body).caching_enabled === true,
    );
    expect(cached).toHaveLength(0);
  });

  it('uses a route-level cache TTL over the stage default', () => {
    const table = routeList.map((r) => (r === routes.search ? { ...r, cache: { keyParameters: ['q'], ttlSeconds: 5 } } : r));
    const { json } = synthVariant('dev', { routes: table });
    const search = Object.values(resourcesOf(json, 'aws_api_gateway_method_settings')).find((m) => m.method_path === 'search/GET')!;
    expect((search.settings as Body).cache_ttl_in_seconds).toBe(5);
    expect(new GatewayView(json).integration('GET /search').cache_key_parameters).toEqual([
      'method.request.querystring.q',
      'method.request.header.Origin',
    ]);
  });

  it('refuses a cache key the route does not declare, naming the route', () => {
    const table = routeList.map((r) => (r === routes.search ? { ...r, cache: { keyParameters: ['page'] } } : r));
    expect(() => synthVariant('dev', { routes: table })).toThrow(/GET \/search.*"page"/);
  });
});
