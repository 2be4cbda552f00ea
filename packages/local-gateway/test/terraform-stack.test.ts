import { loadStack, UnsupportedStackError } from '../src/index';
import { buildTestStackJson } from './fixtures/test-stack';

type Json = Record<string, any>;
const load = (mutate?: (json: Json) => void) => {
  const json = buildTestStackJson() as Json;
  mutate?.(json);
  return loadStack(json, { dir: '/stacks/test' });
};

describe('loading a Terraform JSON stack', () => {
  it('resolves references into a resource tree with full paths', () => {
    const [api] = load().apis;
    const paths = [...api!.resources.values()].map((r) => r.path).sort();
    expect(paths).toContain('/echo/{id}');
    expect(paths).toContain('/items/{proxy+}');
    expect(paths).toContain('/');
  });

  it('maps an AWS_PROXY integration to its function through the invoke ARN', () => {
    const [api] = load().apis;
    const echo = [...api!.resources.values()].find((r) => r.path === '/echo')!;
    expect(echo.methods.get('ANY')!.integration).toMatchObject({ type: 'AWS_PROXY', functionName: 'portico-echo' });
  });

  it('resolves function settings, relative zip paths and referenced environment values', () => {
    const fn = load().functions.get('portico-echo')!;
    expect(fn.filename).toBe('/stacks/test/echo.zip');
    expect(fn.timeoutSeconds).toBe(5);
    expect(fn.environment).toEqual({ GREETING: 'hello', TABLE: 'portico-users' });
    expect(fn.arn).toBe('arn:aws:lambda:eu-west-1:123456789012:function:portico-echo');
  });

  it('reads stages, method settings, keys, usage plans and tables', () => {
    const stack = load();
    const stage = stack.apis[0]!.stages.get('test')!;
    expect(stage.cacheClusterEnabled).toBe(true);
    expect(stage.variables).toEqual({ color: 'blue' });
    expect(stage.methodSettings.get('cached/{id}/GET')).toMatchObject({ cachingEnabled: true, cacheTtlSeconds: 60 });
    expect(stack.usagePlans[0]).toMatchObject({ throttle: { rateLimit: 1, burstLimit: 2 }, quota: { limit: 5, period: 'DAY', offset: 0 } });
    expect(stack.usagePlans[0]!.apiKeyIds).toHaveLength(3);
    expect(stack.tables[0]).toMatchObject({ name: 'portico-users', hashKey: 'id' });
  });

  it('keeps ids stable between loads, so keys and URLs do not change on restart', () => {
    expect(load().apis[0]!.id).toBe(load().apis[0]!.id);
  });

  it.each([
    [
      'an authorizer whose function is not in the stack',
      (j: Json) =>
        (j.resource.aws_api_gateway_authorizer = {
          jwt: { name: 'jwt', rest_api_id: '${aws_api_gateway_rest_api.api_restapi_A1B2.id}', authorizer_uri: 'arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:1:function:elsewhere/invocations' },
        }),
      /aws_api_gateway_authorizer\.jwt: authorizer_uri targets function "elsewhere", which is not in the stack/,
    ],
    [
      'a path parameter as identity source',
      (j: Json) =>
        (j.resource.aws_api_gateway_authorizer = {
          req: {
            name: 'req',
            type: 'REQUEST',
            rest_api_id: '${aws_api_gateway_rest_api.api_restapi_A1B2.id}',
            identity_source: 'method.request.path.id',
            authorizer_uri: '${aws_lambda_function.echo_fn.invoke_arn}',
          },
        }),
      /aws_api_gateway_authorizer\.req: identity source "method.request.path.id": path parameters cannot be identity sources/,
    ],
    [
      'a Cognito authorizer for a user pool outside the stack',
      (j: Json) =>
        (j.resource.aws_api_gateway_authorizer = {
          cognito: {
            name: 'cognito',
            type: 'COGNITO_USER_POOLS',
            rest_api_id: '${aws_api_gateway_rest_api.api_restapi_A1B2.id}',
            provider_arns: ['arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Elsewhere'],
          },
        }),
      /aws_api_gateway_authorizer\.cognito: provider ARN .* names no aws_cognito_user_pool in the stack/,
    ],
    [
      'a CUSTOM method without an authorizer',
      (j: Json) => (j.resource.aws_api_gateway_method.echo_id_get.authorization = 'CUSTOM'),
      /aws_api_gateway_method\.echo_id_get: authorization "CUSTOM" needs an authorizer_id/,
    ],
    [
      'an HTTP integration',
      (j: Json) => (j.resource.aws_api_gateway_integration.echo_id_get.type = 'HTTP_PROXY'),
      /aws_api_gateway_integration\.echo_id_get: integration type "HTTP_PROXY" is not emulated/,
    ],
    [
      'a non-proxy AWS integration',
      (j: Json) => (j.resource.aws_api_gateway_integration.echo_id_get.type = 'AWS'),
      /aws_api_gateway_integration\.echo_id_get: integration type "AWS"/,
    ],
    [
      'an OpenAPI body',
      (j: Json) => (j.resource.aws_api_gateway_rest_api.api_restapi_A1B2.body = '{}'),
      /api_restapi_A1B2: APIs defined by an OpenAPI "body"/,
    ],
    [
      'a resource with count',
      (j: Json) => (j.resource.aws_api_gateway_resource.echo.count = '${var.enabled ? 1 : 0}'),
      /aws_api_gateway_resource\.echo: "count" is not evaluated/,
    ],
    [
      'a function with for_each',
      (j: Json) => (j.resource.aws_lambda_function.echo_fn.for_each = { a: 1 }),
      /aws_lambda_function\.echo_fn: "for_each" is not evaluated/,
    ],
    [
      'an attribute only known after apply',
      (j: Json) => (j.resource.aws_lambda_function.echo_fn.function_name = '${data.aws_ssm_parameter.name.value}'),
      /aws_lambda_function\.echo_fn: cannot resolve function_name/,
    ],
  ])('refuses %s, naming the resource', (_label, mutate, message) => {
    expect(() => load(mutate)).toThrow(UnsupportedStackError);
    expect(() => load(mutate)).toThrow(message);
  });
});
