import { ApiGatewayIntegration } from '@cdktf/provider-aws/lib/api-gateway-integration';
import { ApiGatewayMethod } from '@cdktf/provider-aws/lib/api-gateway-method';
import { ApiGatewayModel } from '@cdktf/provider-aws/lib/api-gateway-model';
import { ApiGatewayRequestValidator } from '@cdktf/provider-aws/lib/api-gateway-request-validator';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { Construct } from 'constructs';
import type { GatewayRoute } from '../gateway-routes';
import { pascalCase } from '../gateway-routes';
import type { RestApi } from './rest-api';

export interface RoutesProps {
  readonly api: RestApi;
  readonly routes: readonly GatewayRoute[];
  /** The function every route proxies to. */
  readonly handler: { readonly functionName: string; readonly invokeArn: string };
  /**
   * How long API Gateway waits for the function, in milliseconds (29 s is the REST API ceiling).
   * @default 29000
   */
  readonly integrationTimeoutMs?: number;
  /**
   * Request headers the function's answer depends on, added to the cache key of every cached route. The stage cache
   * stores the whole proxy response, headers included, and ignores `Vary`: a response cached for one CORS origin
   * would otherwise be served, with that origin's `Access-Control-Allow-Origin`, to every other origin.
   * @default []
   */
  readonly cacheVaryHeaders?: readonly string[];
  /** The authorizers routes may name: the Cognito one and the Lambda ones by name. @default none */
  readonly authorizers?: { readonly cognito?: string; readonly lambda?: Readonly<Record<string, string>> };
}

/**
 * One method + AWS_PROXY integration per route of the table, with what the gateway checks before the function runs:
 * the body model and required query strings (request validators), the API key, and the cache key parameters.
 */
export class Routes extends Construct {
  readonly methods = new Map<string, ApiGatewayMethod>();
  readonly integrations = new Map<string, ApiGatewayIntegration>();
  private validators: { body?: ApiGatewayRequestValidator; params?: ApiGatewayRequestValidator } = {};

  constructor(scope: Construct, id: string, private readonly props: RoutesProps) {
    super(scope, id);
    for (const route of props.routes) this.addRoute(route);
    this.allowInvocation();
  }

  private addRoute(route: GatewayRoute): void {
    const { api } = this.props;
    const key = `${route.method} ${route.path}`;
    const id = pascalCase(`${route.method} ${route.path}`);
    const model = route.bodyModel && this.createModel(route.bodyModel);
    const validator = this.validatorFor(route);
    const method = api.define(
      new ApiGatewayMethod(this, `${id}Method`, {
        restApiId: api.id,
        resourceId: api.resourceId(route.path),
        httpMethod: route.method,
        ...this.authorization(route),
        apiKeyRequired: route.apiKeyRequired,
        operationName: route.name,
        requestParameters: requestParameters(route, this.varyHeaders(route)),
        ...(validator ? { requestValidatorId: validator.id } : {}),
        ...(model ? { requestModels: { 'application/json': model.name } } : {}),
      }),
    );
    const integration = api.define(
      new ApiGatewayIntegration(this, `${id}Integration`, {
        restApiId: api.id,
        resourceId: method.resourceId,
        httpMethod: method.httpMethod,
        type: 'AWS_PROXY',
        // Lambda is always invoked with POST, whatever the client's method.
        integrationHttpMethod: 'POST',
        uri: this.props.handler.invokeArn,
        timeoutMilliseconds: this.props.integrationTimeoutMs ?? 29_000,
        cacheKeyParameters: [
          ...route.cacheKeyParameters.map((name) => `method.request.querystring.${name}`),
          ...this.varyHeaders(route).map((name) => `method.request.header.${name}`),
        ],
      }),
    );
    this.methods.set(key, method);
    this.integrations.set(key, integration);
  }

  /**
   * The method's authorization from the route's `auth`: NONE, AWS_IAM, COGNITO_USER_POOLS with the authorizer and
   * its scopes (an access token must carry them; without scopes an ID token passes), or CUSTOM with the named
   * Lambda authorizer. Groups are the function's check: API Gateway's Cognito authorizer cannot test them.
   */
  private authorization(route: GatewayRoute): { authorization: string; authorizerId?: string; authorizationScopes?: string[] } {
    const auth = route.auth;
    const where = `Route "${route.method} ${route.path}"`;
    if (auth.kind === 'none') return { authorization: 'NONE' };
    if (auth.kind === 'iam') return { authorization: 'AWS_IAM' };
    if (auth.kind === 'cognito') {
      const authorizerId = this.props.authorizers?.cognito;
      if (!authorizerId) throw new Error(`${where} needs Cognito, but the API declares no auth.cognito`);
      return { authorization: 'COGNITO_USER_POOLS', authorizerId, ...(auth.scopes.length ? { authorizationScopes: [...auth.scopes] } : {}) };
    }
    const authorizerId = this.props.authorizers?.lambda?.[auth.authorizer];
    if (!authorizerId) throw new Error(`${where} names authorizer "${auth.authorizer}", which the API does not declare`);
    return { authorization: 'CUSTOM', authorizerId };
  }

  /** The vary headers a route keys its cache on: all of them when the route is cached, none otherwise. */
  private varyHeaders(route: GatewayRoute): readonly string[] {
    return route.cacheKeyParameters.length > 0 ? (this.props.cacheVaryHeaders ?? []) : [];
  }

  private createModel(model: NonNullable<GatewayRoute['bodyModel']>): ApiGatewayModel {
    return this.props.api.define(
      new ApiGatewayModel(this, `${model.name}Model`, {
        restApiId: this.props.api.id,
        name: model.name,
        contentType: 'application/json',
        schema: JSON.stringify(model.schema),
      }),
    );
  }

  /** Two shared validators at most: body + parameters for routes with a body, parameters only for the rest. */
  private validatorFor(route: GatewayRoute): ApiGatewayRequestValidator | undefined {
    const { api } = this.props;
    if (route.bodyModel) {
      this.validators.body ??= api.define(
        new ApiGatewayRequestValidator(this, 'BodyValidator', {
          restApiId: api.id,
          name: 'body-and-parameters',
          validateRequestBody: true,
          validateRequestParameters: true,
        }),
      );
      return this.validators.body;
    }
    if (route.queryParameters.some((q) => q.required)) {
      this.validators.params ??= api.define(
        new ApiGatewayRequestValidator(this, 'ParamsValidator', {
          restApiId: api.id,
          name: 'parameters',
          validateRequestBody: false,
          validateRequestParameters: true,
        }),
      );
      return this.validators.params;
    }
    return undefined;
  }

  /** API Gateway may invoke the function for this API only (any stage, method and path of it), nothing else. */
  private allowInvocation(): void {
    new LambdaPermission(this, 'InvokePermission', {
      statementId: 'AllowRestApiInvoke',
      action: 'lambda:InvokeFunction',
      functionName: this.props.handler.functionName,
      principal: 'apigateway.amazonaws.com',
      sourceArn: `${this.props.api.executionArn}/*/*`,
    });
  }
}

/**
 * Declared method request parameters: path parameters (always required), the query schema's keys, and the optional
 * headers the cache is keyed on (a cache key must be a declared parameter).
 */
function requestParameters(route: GatewayRoute, cacheHeaders: readonly string[]): Record<string, boolean> {
  return Object.fromEntries([
    ...route.pathParameters.map((name) => [`method.request.path.${name}`, true] as const),
    ...route.queryParameters.map((q) => [`method.request.querystring.${q.name}`, q.required] as const),
    ...cacheHeaders.map((name) => [`method.request.header.${name}`, false] as const),
  ]);
}
