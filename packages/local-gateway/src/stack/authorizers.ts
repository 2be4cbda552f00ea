/**
 * `aws_api_gateway_authorizer`: Lambda authorizers (TOKEN, REQUEST) and Cognito user pool authorizers. Refuses, naming
 * the resource, what API Gateway itself would refuse (a path parameter as identity source, a TOKEN authorizer without
 * a header) and what the gateway cannot run (a function or user pool outside the stack).
 *
 * Sources: API reference `API_Authorizer.html` (identitySource, identityValidationExpression,
 * authorizerResultTtlInSeconds: default 300, at most 3600), developerguide `api-gateway-lambda-authorizer-input.html`
 * ("path parameters … cannot be used as identity sources").
 */
import { UnsupportedStackError } from '../errors';
import { compileJavaPattern } from '../java-regex';
import type { AuthorizerDef, LambdaFunctionDef, UserPoolDef } from './model';
import type { RestApis } from './rest-api';
import { optionalNumber, type StackReader } from './resolver';

/** `authorizer_result_ttl_in_seconds` when the stack leaves it out. */
export const DEFAULT_AUTHORIZER_TTL_SECONDS = 300;
const MAX_AUTHORIZER_TTL_SECONDS = 3600;

const HEADER_SOURCE = /^method\.request\.header\.([^.\s]+)$/;
const REQUEST_SOURCE = /^(method\.request\.(header|querystring)\.[^\s]+|stageVariables\.[^\s]+|context\.[^\s]+)$/;

/**
 * Attaches each authorizer to its API.
 *
 * @example
 * readAuthorizers(reader, apis, functions, userPools);
 * api.authorizers.get(id); // { type: 'TOKEN', identitySources: ['method.request.header.Authorization'], ttlSeconds: 300, … }
 */
export function readAuthorizers(
  reader: StackReader,
  apis: RestApis,
  functions: Map<string, LambdaFunctionDef>,
  userPools: Map<string, UserPoolDef>,
): void {
  const { resolver, str, id } = reader;
  for (const { address, config } of reader.all('aws_api_gateway_authorizer')) {
    const api = apis.apiOf(address, config);
    const type = str(address, config, 'type', 'TOKEN').toUpperCase();
    if (type !== 'TOKEN' && type !== 'REQUEST' && type !== 'COGNITO_USER_POOLS') {
      throw new UnsupportedStackError(address, `authorizer type "${type}" is not one API Gateway REST APIs have (TOKEN, REQUEST, COGNITO_USER_POOLS)`);
    }
    const rawSource = config.identity_source === undefined ? 'method.request.header.Authorization' : str(address, config, 'identity_source');
    const identitySources = rawSource.split(',').map((s) => s.trim()).filter(Boolean);
    const ttlSeconds = optionalNumber(resolver.resolve(config.authorizer_result_ttl_in_seconds)) ?? DEFAULT_AUTHORIZER_TTL_SECONDS;
    if (!(ttlSeconds >= 0 && ttlSeconds <= MAX_AUTHORIZER_TTL_SECONDS)) {
      throw new UnsupportedStackError(address, `authorizer_result_ttl_in_seconds ${ttlSeconds} is outside 0…${MAX_AUTHORIZER_TTL_SECONDS}`);
    }
    const authorizer: AuthorizerDef = {
      address,
      id: id(address),
      name: str(address, config, 'name', address),
      type,
      identitySources,
      ttlSeconds,
      userPoolIds: [],
    };
    if (type === 'TOKEN' || type === 'COGNITO_USER_POOLS') {
      if (identitySources.length !== 1 || !HEADER_SOURCE.test(identitySources[0]!)) {
        throw new UnsupportedStackError(address, `a ${type} authorizer reads its token from one header: identity_source "method.request.header.<Name>", not "${rawSource}"`);
      }
    } else {
      for (const source of identitySources) {
        if (source.startsWith('method.request.path.')) {
          throw new UnsupportedStackError(address, `identity source "${source}": path parameters cannot be identity sources`);
        }
        if (!REQUEST_SOURCE.test(source)) throw new UnsupportedStackError(address, `identity source "${source}" is not a header, query string, stage variable or context variable`);
      }
      if (identitySources.length === 0 && ttlSeconds > 0) {
        throw new UnsupportedStackError(address, 'a REQUEST authorizer with caching on needs at least one identity source');
      }
    }
    if (config.identity_validation_expression !== undefined) {
      const expression = str(address, config, 'identity_validation_expression');
      if (type === 'TOKEN') {
        try {
          compileJavaPattern(expression);
        } catch (error) {
          throw new UnsupportedStackError(address, `identity_validation_expression: ${(error as Error).message}`);
        }
        authorizer.validationExpression = expression;
      }
    }
    if (type === 'COGNITO_USER_POOLS') {
      const arns = resolver.resolve(config.provider_arns);
      if (!Array.isArray(arns) || arns.length === 0) throw new UnsupportedStackError(address, 'a COGNITO_USER_POOLS authorizer needs provider_arns');
      for (const arn of arns.map(String)) {
        const poolId = /:userpool\/([^/]+)$/.exec(arn)?.[1];
        if (!poolId || !userPools.has(poolId)) {
          throw new UnsupportedStackError(address, `provider ARN ${arn} names no aws_cognito_user_pool in the stack; the local gateway signs tokens only for pools it serves`);
        }
        authorizer.userPoolIds.push(poolId);
      }
    } else {
      const uri = str(address, config, 'authorizer_uri');
      const fn = /:lambda:path\/[^/]+\/functions\/arn:aws:lambda:[^:]*:[^:]*:function:([^/:]+)/.exec(uri)?.[1];
      if (!fn) throw new UnsupportedStackError(address, `authorizer_uri ${uri} is not a Lambda invoke ARN`);
      if (!functions.has(fn)) throw new UnsupportedStackError(address, `authorizer_uri targets function "${fn}", which is not in the stack`);
      authorizer.functionName = fn;
    }
    api.authorizers.set(authorizer.id, authorizer);
  }
}
