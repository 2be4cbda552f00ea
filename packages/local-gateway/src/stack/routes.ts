/**
 * Methods and what they run: `aws_api_gateway_method`, `_integration`, `_integration_response` and `_method_response`
 * (the routes construct's output). Only AWS_PROXY (Lambda) and MOCK integrations are emulated; anything else is
 * refused, naming the resource.
 */
import { UnsupportedStackError } from '../errors';
import type { AuthorizationType, AuthorizerDef, IntegrationResponseDef, LambdaFunctionDef } from './model';
import type { RestApis } from './rest-api';
import { stringMap, type Json, type StackReader } from './resolver';

const AUTHORIZATION_TYPES = new Set<AuthorizationType>(['NONE', 'CUSTOM', 'COGNITO_USER_POOLS', 'AWS_IAM']);

/**
 * Attaches methods, integrations and responses to the APIs' resources.
 *
 * @example
 * readRoutes(reader, apis, functions);
 * resource.methods.get('GET').integration; // { type: 'AWS_PROXY', functionName: 'orders-api-dev-handler', … }
 */
export function readRoutes(reader: StackReader, apis: RestApis, functions: Map<string, LambdaFunctionDef>): void {
  const { resolver, str } = reader;
  for (const { address, config } of reader.all('aws_api_gateway_method')) {
    const { api, resource } = apis.resourceOf(address, config);
    const httpMethod = str(address, config, 'http_method').toUpperCase();
    const authorization = str(address, config, 'authorization', 'NONE').toUpperCase() as AuthorizationType;
    if (!AUTHORIZATION_TYPES.has(authorization)) {
      throw new UnsupportedStackError(address, `authorization "${authorization}" is not one of ${[...AUTHORIZATION_TYPES].join(', ')}`);
    }
    let authorizer: AuthorizerDef | undefined;
    if (authorization === 'CUSTOM' || authorization === 'COGNITO_USER_POOLS') {
      const authorizerId = config.authorizer_id === undefined ? undefined : str(address, config, 'authorizer_id');
      authorizer = authorizerId === undefined ? undefined : api.authorizers.get(authorizerId);
      if (!authorizer) throw new UnsupportedStackError(address, `authorization "${authorization}" needs an authorizer_id naming an aws_api_gateway_authorizer of ${api.address}`);
      if ((authorization === 'COGNITO_USER_POOLS') !== (authorizer.type === 'COGNITO_USER_POOLS')) {
        throw new UnsupportedStackError(address, `authorization "${authorization}" does not fit ${authorizer.address}, a ${authorizer.type} authorizer`);
      }
    }
    const scopes = resolver.resolve(config.authorization_scopes);
    const validatorId = config.request_validator_id === undefined ? undefined : str(address, config, 'request_validator_id');
    const validator = validatorId === undefined ? undefined : apis.validators.get(validatorId);
    if (validatorId !== undefined && !validator) {
      throw new UnsupportedStackError(address, `request_validator_id ${validatorId} names no aws_api_gateway_request_validator`);
    }
    const params = (resolver.resolve(config.request_parameters) ?? {}) as Record<string, unknown>;
    resource.methods.set(httpMethod, {
      address,
      httpMethod,
      apiKeyRequired: resolver.resolve(config.api_key_required) === true,
      authorization,
      authorizer,
      // Scopes only mean something to a Cognito authorizer; API Gateway ignores them on other methods.
      authorizationScopes: authorization === 'COGNITO_USER_POOLS' && Array.isArray(scopes) ? scopes.map(String) : [],
      requestParameters: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v === true])),
      validator,
      requestModels: stringMap(resolver.resolve(config.request_models)),
      methodResponses: new Map(),
    });
  }
  const methodOf = (address: string, config: Json) => {
    const { api, resource } = apis.resourceOf(address, config);
    const httpMethod = str(address, config, 'http_method').toUpperCase();
    const method = resource.methods.get(httpMethod);
    if (!method) throw new UnsupportedStackError(address, `no aws_api_gateway_method ${httpMethod} on ${resource.path}`);
    return { api, resource, method };
  };

  for (const { address, config } of reader.all('aws_api_gateway_integration')) {
    const { method } = methodOf(address, config);
    const type = str(address, config, 'type');
    const base = {
      address,
      requestTemplates: stringMap(resolver.resolve(config.request_templates)),
      cacheKeyParameters: ((resolver.resolve(config.cache_key_parameters) as string[] | undefined) ?? []).map(String),
      timeoutMs: config.timeout_milliseconds === undefined ? undefined : Number(resolver.resolve(config.timeout_milliseconds)),
      responses: method.integration?.responses ?? [],
    };
    if (type === 'MOCK') {
      method.integration = { ...base, type: 'MOCK' };
    } else if (type === 'AWS_PROXY') {
      const uri = str(address, config, 'uri');
      const match = /:lambda:path\/[^/]+\/functions\/arn:aws:lambda:[^:]*:[^:]*:function:([^/:]+)/.exec(uri);
      if (!match?.[1]) throw new UnsupportedStackError(address, `AWS_PROXY uri ${uri} is not a Lambda invoke ARN`);
      if (!functions.has(match[1])) {
        throw new UnsupportedStackError(address, `AWS_PROXY targets function "${match[1]}", which is not in the stack`);
      }
      method.integration = { ...base, type: 'AWS_PROXY', functionName: match[1] };
    } else {
      throw new UnsupportedStackError(address, `integration type "${type}" is not emulated; only AWS_PROXY (Lambda) and MOCK are`);
    }
  }

  for (const { address, config } of reader.all('aws_api_gateway_integration_response')) {
    const { method } = methodOf(address, config);
    const response: IntegrationResponseDef = {
      statusCode: str(address, config, 'status_code'),
      selectionPattern: config.selection_pattern === undefined ? undefined : str(address, config, 'selection_pattern'),
      responseParameters: stringMap(resolver.resolve(config.response_parameters)),
      responseTemplates: stringMap(resolver.resolve(config.response_templates)),
    };
    if (method.integration) method.integration.responses.push(response);
    else throw new UnsupportedStackError(address, 'integration response declared before any aws_api_gateway_integration');
  }

  for (const { address, config } of reader.all('aws_api_gateway_method_response')) {
    const { method } = methodOf(address, config);
    const statusCode = str(address, config, 'status_code');
    const params = (resolver.resolve(config.response_parameters) ?? {}) as Record<string, unknown>;
    method.methodResponses.set(statusCode, {
      statusCode,
      responseParameters: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v === true])),
    });
  }

}
