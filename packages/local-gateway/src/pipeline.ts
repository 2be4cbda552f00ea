/**
 * A request's way through the gateway, as API Gateway's phases: route → authorize → API key → throttle and quota →
 * validate → cache → integrate → gateway response. Authorization comes before the API key: with `api_key_source`
 * AUTHORIZER the key is what the Lambda authorizer returns (developerguide `api-gateway-api-key-source.html`,
 * `api-gateway-lambda-authorizer-output.html`), and a request without a token is refused 401 whether or not it
 * carries a key. Each phase is a named function over the request's context; it adds what it
 * decided, and answers with a `GatewayError` when the request stops there (every such answer then goes through the
 * API's gateway responses). Hand-written because matching API Gateway's observable order and answers is the product.
 */
import { buildProxyEvent, parseQuery, type FullProxyEvent } from '@portico/http';
import type { AuthorizerResult } from './auth/authorizer-result';
import { authorizeCognito } from './auth/cognito-authorizer';
import { authorizeIam } from './auth/iam-authorizer';
import { methodArn as buildMethodArn } from './auth/policy';
import {
  forbidden,
  GatewayError,
  integrationTimeout,
  lambdaFailure,
  missingAuthenticationToken,
  quotaExceeded,
  renderGatewayError,
  throttled,
} from './gateway-responses';
import { newTraceId } from './ids';
import { interpret, invokeWithTimeout } from './lambda-proxy';
import type { TemplateRequest } from './mapping-template';
import { runMockIntegration } from './mock-integration';
import type { HttpResult } from './proxy-result';
import type { RequestContext } from './request-context';
import { cacheKey } from './stage-cache';
import { INTEGRATION_TIMEOUT_MS, type StageRuntime } from './stage-runtime';

const EMPTY_PARAMS: Record<string, string> = Object.freeze(Object.create(null) as Record<string, string>);
const NO_QUERY = { single: EMPTY_PARAMS, multi: Object.freeze(Object.create(null) as Record<string, string[]>) };

/**
 * Runs every phase for one request and returns the answer to send.
 *
 * @example
 * const result = await handleRequest(runtime, ctx); // { statusCode: 200, headers, body }
 */
export async function handleRequest(rt: StageRuntime, ctx: RequestContext): Promise<HttpResult> {
  const unrouted = route(rt, ctx);
  if (unrouted) return gatewayResponse(rt, ctx, unrouted);
  // Methods without authorization (most) stay synchronous up to the integration.
  const authorizing = authorize(rt, ctx);
  const denied = authorizing && (await authorizing);
  if (denied) return gatewayResponse(rt, ctx, denied);
  const stopped = checkApiKey(rt, ctx) ?? throttle(rt, ctx) ?? validate(rt, ctx) ?? lookUpCache(rt, ctx);
  if (stopped) return stopped instanceof GatewayError ? gatewayResponse(rt, ctx, stopped) : finish(ctx, stopped);
  const result = await integrate(rt, ctx);
  if (result instanceof GatewayError) return gatewayResponse(rt, ctx, result);
  storeInCache(rt, ctx, result);
  return finish(ctx, result);
}

/** An answer the phases did not get to give: the edge's 413, say. */
export function reject(rt: StageRuntime, ctx: RequestContext, error: GatewayError): HttpResult {
  return gatewayResponse(rt, ctx, error);
}

/**
 * Route: the stage, then the resource and method. Anything unknown is 403 Missing Authentication Token, as on AWS.
 * Slashes right after the stage are merged (`/dev//orders` reaches `/orders`); `requestContext.path` keeps them.
 */
export function route(rt: StageRuntime, ctx: RequestContext): GatewayError | undefined {
  const raw = ctx.rawPath;
  const slash = raw.indexOf('/', 1);
  const stagePart = slash === -1 ? raw : raw.slice(0, slash);
  if (stagePart.length !== rt.stage.name.length + 1 || stagePart.slice(1) !== rt.stage.name) return missingAuthenticationToken();
  let start = slash;
  if (start !== -1) while (raw.charCodeAt(start + 1) === 47 /* '/' */) start++;
  ctx.path = start === -1 ? '/' : raw.slice(start);
  const match = rt.router.match(ctx.httpMethod, ctx.path);
  // A malformed escape in a path parameter still reaches the resource: API Gateway passes parameters on as sent.
  if (match.status !== 200 && match.status !== 400) return missingAuthenticationToken();
  ctx.route = match.value;
  ctx.pathParameters = match.rawParams;
  ctx.plan = rt.planOf(match.value.resource, match.value.method);
  ctx.query = ctx.rawQuery === '' ? undefined : parseQuery(ctx.rawQuery);
  return undefined;
}

/** The longest method ARN API Gateway hands an authorizer; longer → 414 (developerguide `api-gateway-lambda-authorizer-output.html`). */
const MAX_METHOD_ARN_BYTES = 1600;

/**
 * Authorize: the method's `authorization` — a Lambda authorizer (TOKEN, REQUEST), a Cognito user pool authorizer or
 * IAM (SigV4) — decides, before anything else looks at the request. Undefined (no promise) when the method is open.
 */
export function authorize(rt: StageRuntime, ctx: RequestContext): Promise<GatewayError | undefined> | undefined {
  const method = ctx.route!.method;
  if (method.authorization === 'NONE') return undefined;
  const arn = buildMethodArn({
    region: rt.stack.region,
    accountId: rt.stack.accountId,
    apiId: rt.api.id,
    stage: rt.stage.name,
    httpMethod: ctx.httpMethod,
    path: ctx.path.slice(1),
  });
  if (Buffer.byteLength(arn) > MAX_METHOD_ARN_BYTES) return Promise.resolve(new GatewayError('DEFAULT_4XX', 'Request-URI Too Long', 414));
  const note = (text: string) => {
    ctx.note += text;
  };
  const header = (name: string) => headerValue(ctx.headers, name.toLowerCase());
  const accept = (result: AuthorizerResult | GatewayError): GatewayError | undefined => {
    if (result instanceof GatewayError) return result;
    ctx.authorizer = result;
    return result.denied;
  };
  if (method.authorization === 'AWS_IAM') {
    return authorizeIam(
      { method: ctx.httpMethod, rawPath: ctx.rawPath, rawQuery: ctx.rawQuery, rawHeaders: ctx.rawHeaders, body: ctx.body },
      { region: rt.stack.region, now: rt.clock.now(), credentials: rt.credentials, methodArn: arn },
    ).then((caller) => {
      if (caller instanceof GatewayError) {
        note(` (IAM: ${caller.errorType})`);
        return caller;
      }
      ctx.identity = caller;
      return undefined;
    });
  }
  const authorizer = method.authorizer!;
  if (authorizer.type === 'COGNITO_USER_POOLS') return authorizeCognito(authorizer, method, rt.userPools, header, note).then(accept);
  return rt.lambdaAuthorizers
    .get(authorizer.id)!
    .authorize({
      methodArn: arn,
      requestId: ctx.requestId,
      header,
      source: (source) => identitySource(rt, ctx, source),
      requestEvent: () => requestAuthorizerEvent(rt, ctx),
      timeoutMs: Math.min(INTEGRATION_TIMEOUT_MS, rt.integrationTimeoutCapMs),
      note,
    })
    .then(accept);
}

/** A REQUEST authorizer's identity source: a header, a query parameter, a stage variable or a `$context` variable. */
function identitySource(rt: StageRuntime, ctx: RequestContext, source: string): string | undefined {
  if (source.startsWith('method.request.header.')) return headerValue(ctx.headers, source.slice('method.request.header.'.length).toLowerCase());
  if (source.startsWith('method.request.querystring.')) {
    const name = source.slice('method.request.querystring.'.length);
    const single = ctx.query?.single;
    return single && Object.hasOwn(single, name) ? single[name] : undefined;
  }
  if (source.startsWith('stageVariables.')) {
    const name = source.slice('stageVariables.'.length);
    return Object.hasOwn(rt.stage.variables, name) ? rt.stage.variables[name] : undefined;
  }
  const vars = contextVariables(rt, ctx);
  const name = source.slice('context.'.length);
  return Object.hasOwn(vars, name) ? vars[name] : undefined;
}

/** A REQUEST authorizer's event (without `type` and `methodArn`): the proxy event's request fields, no body. */
function requestAuthorizerEvent(rt: StageRuntime, ctx: RequestContext): Record<string, unknown> {
  const event = proxyEvent(rt, ctx, newTraceId(ctx.epoch));
  return {
    resource: event.resource,
    path: event.path,
    httpMethod: event.httpMethod,
    headers: event.headers,
    multiValueHeaders: event.multiValueHeaders,
    queryStringParameters: event.queryStringParameters,
    multiValueQueryStringParameters: event.multiValueQueryStringParameters,
    pathParameters: event.pathParameters,
    stageVariables: event.stageVariables,
    requestContext: event.requestContext,
  };
}

/**
 * API key: a key-required method needs an enabled key bound to this stage — from the `x-api-key` header, or with
 * `api_key_source` AUTHORIZER the `usageIdentifierKey` the Lambda authorizer returned.
 */
export function checkApiKey(rt: StageRuntime, ctx: RequestContext): GatewayError | undefined {
  if (!ctx.route!.method.apiKeyRequired) return undefined;
  const sent = rt.api.apiKeySource === 'AUTHORIZER' ? ctx.authorizer?.usageIdentifierKey : headerValue(ctx.headers, 'x-api-key');
  ctx.binding = sent === undefined ? undefined : rt.bindings.get(sent);
  return ctx.binding ? undefined : forbidden();
}

/** Throttle and quota: the key's usage-plan bucket, the stage's per-method bucket, then the key's quota. */
export function throttle(_rt: StageRuntime, ctx: RequestContext): GatewayError | undefined {
  const plan = ctx.plan!;
  const binding = ctx.binding;
  if (binding) {
    const clientBucket = binding.throttle.get(plan.clientThrottleKey) ?? binding.planBucket;
    if (clientBucket && !clientBucket.take()) return throttled();
  }
  if (plan.stageBucket && !plan.stageBucket.take()) return throttled();
  if (binding?.quota && !binding.quota.take()) return quotaExceeded();
  return undefined;
}

/** Validate: the method's request validator (required parameters, then the body against its model). */
export function validate(rt: StageRuntime, ctx: RequestContext): GatewayError | undefined {
  const method = ctx.route!.method;
  if (!method.validator) return undefined;
  try {
    rt.validate(method, {
      query: (ctx.query ?? NO_QUERY).single,
      headers: ctx.headers,
      pathParameters: ctx.pathParameters,
      contentType: headerValue(ctx.headers, 'content-type'),
      body: ctx.body,
    });
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    ctx.validationErrorString = error.validationErrorString;
    return error;
  }
  return undefined;
}

/**
 * Cache: with caching on for the method, a live entry answers without the integration; `Cache-Control: max-age=0`
 * refreshes it when the caller may invalidate, else the method's strategy for unauthorized invalidation applies.
 */
export function lookUpCache(rt: StageRuntime, ctx: RequestContext): GatewayError | HttpResult | undefined {
  const plan = ctx.plan!;
  const integration = ctx.route!.method.integration;
  const cachingOn = (plan.cachingSpecific ?? (ctx.httpMethod === 'GET' ? plan.cachingStar : false)) === true;
  if (!integration || !cachingOn || plan.ttl <= 0) return undefined;
  const settings = plan.settings;
  ctx.cacheKey = keyOf(ctx);
  const invalidate = /(^|,)\s*max-age\s*=\s*0\s*(,|$)/i.test(headerValue(ctx.headers, 'cache-control') ?? '');
  let authorizedInvalidation = invalidate;
  if (invalidate && (settings.requireAuthorizationForCacheControl ?? true)) {
    // Real API Gateway checks an IAM execute-api:InvalidateCache permission on a SigV4-signed request. Locally we
    // accept any SigV4 Authorization header (the signature is not verified) and treat everything else as unauthorized.
    authorizedInvalidation = /^AWS4-HMAC-SHA256 /.test(headerValue(ctx.headers, 'authorization') ?? '');
    if (!authorizedInvalidation) {
      const strategy = settings.unauthorizedCacheControlHeaderStrategy ?? 'SUCCEED_WITH_RESPONSE_HEADER';
      if (strategy === 'FAIL_WITH_403') return new GatewayError('ACCESS_DENIED', 'Unauthorized cache invalidation', 403);
      if (strategy === 'SUCCEED_WITH_RESPONSE_HEADER') {
        ctx.extraHeaders = [['Warning', '199 "Cache-control headers were ignored because the caller was unauthorized."']];
      }
    }
  }
  const hit = authorizedInvalidation ? undefined : rt.cache.get(ctx.cacheKey);
  if (hit) {
    ctx.note += ' (cache hit)';
    return hit;
  }
  ctx.note += authorizedInvalidation ? ' (cache invalidated)' : ' (cache miss)';
  return undefined;
}

/** Integrate: the MOCK integration's templates, or the Lambda proxy integration within the integration timeout. */
export async function integrate(rt: StageRuntime, ctx: RequestContext): Promise<HttpResult | GatewayError> {
  const { method } = ctx.route!;
  const integration = method.integration;
  if (!integration) return new GatewayError('API_CONFIGURATION_ERROR', 'Internal server error', 500);
  if (integration.type === 'MOCK') {
    return runMockIntegration(integration, {
      contentType: headerValue(ctx.headers, 'content-type'),
      context: contextVariables(rt, ctx),
      request: templateRequest(ctx),
    });
  }
  const plan = ctx.plan!;
  ctx.traceId = newTraceId(ctx.epoch);
  const event = proxyEvent(rt, ctx, ctx.traceId);
  const outcome = await invokeWithTimeout(plan.pool!, event, ctx.requestId, plan.timeoutMs);
  if (outcome === 'gateway-timeout') {
    ctx.note += ' (integration timeout)';
    return integrationTimeout();
  }
  if (outcome.coldStartMs !== undefined) ctx.note += ` (cold start ${Math.round(outcome.coldStartMs)}ms)`;
  const checked = interpret(outcome.outcome, headerValue(ctx.headers, 'accept'), rt.api.binaryMediaTypes);
  if (!checked.ok) {
    ctx.note += ` (${checked.reason})`;
    return checked.error ?? lambdaFailure();
  }
  return checked.result;
}

/**
 * The proxy event for this request, from `@portico/http`'s builder (the one `createProxyEvent` uses too): the
 * authorizer's `requestContext.authorizer` and an IAM caller's identity fields included.
 */
function proxyEvent(rt: StageRuntime, ctx: RequestContext, traceId: string): FullProxyEvent {
  const { resource } = ctx.route!;
  return buildProxyEvent({
    httpMethod: ctx.httpMethod,
    path: ctx.path,
    requestPath: ctx.rawPath === `/${rt.stage.name}` ? `${ctx.rawPath}/` : ctx.rawPath,
    stage: rt.stage.name,
    resourcePath: resource.path,
    resourceId: resource.id,
    pathParameters: ctx.pathParameters,
    rawQuery: ctx.rawQuery,
    query: ctx.query,
    rawHeaders: ctx.rawHeaders,
    body: ctx.body,
    binaryMediaTypes: rt.api.binaryMediaTypes,
    sourceIp: ctx.sourceIp,
    forwardedPort: String(ctx.localPort),
    forwardedProto: 'http',
    traceId,
    stageVariables: rt.stage.variables,
    accountId: rt.stack.accountId,
    apiId: rt.api.id,
    domainName: ctx.host || rt.defaultDomain,
    deploymentId: rt.deploymentId,
    requestId: ctx.requestId,
    extendedRequestId: ctx.extendedRequestId,
    requestTimeEpoch: ctx.epoch,
    apiKey: ctx.binding ? { value: ctx.binding.key.value, id: ctx.binding.key.id } : undefined,
    authorizer: ctx.authorizer?.event,
    identity: ctx.identity,
  });
}

/** Cache, on the way out: a 2xx answer of a cached method is kept for its TTL. */
export function storeInCache(rt: StageRuntime, ctx: RequestContext, result: HttpResult): void {
  if (ctx.cacheKey !== undefined && result.statusCode >= 200 && result.statusCode < 300) rt.cache.set(ctx.cacheKey, result, ctx.plan!.ttl);
}

/** Gateway response: an error rendered through the API's gateway responses, with `x-amzn-ErrorType`. */
export function gatewayResponse(rt: StageRuntime, ctx: RequestContext, error: GatewayError): HttpResult {
  const rendered = renderGatewayError(rt.api.gatewayResponses, error, contextVariables(rt, ctx), templateRequest(ctx));
  const headers: HttpResult['headers'] = new Map();
  for (const [name, value] of rendered.headers) headers.set(name.toLowerCase(), { name, values: [value] });
  headers.set('x-amzn-errortype', { name: 'x-amzn-ErrorType', values: [error.errorType] });
  return finish(ctx, { statusCode: rendered.statusCode, headers, body: Buffer.from(rendered.body) });
}

/** The headers every answer gets from the gateway itself. A cached result is shared: the answer is a copy. */
function finish(ctx: RequestContext, result: HttpResult): HttpResult {
  const headers = new Map(result.headers);
  if (ctx.extraHeaders) for (const [name, value] of ctx.extraHeaders) headers.set(name.toLowerCase(), { name, values: [value] });
  headers.set('x-amzn-requestid', { name: 'x-amzn-RequestId', values: [ctx.requestId] });
  headers.set('x-amz-apigw-id', { name: 'x-amz-apigw-id', values: [ctx.extendedRequestId] });
  if (ctx.traceId !== undefined) headers.set('x-amzn-trace-id', { name: 'X-Amzn-Trace-Id', values: [`${ctx.traceId};Sampled=0`] });
  return { statusCode: result.statusCode, headers, body: result.body };
}

function keyOf(ctx: RequestContext): string {
  const { resource, method } = ctx.route!;
  return cacheKey(method.httpMethod, resource.path, method.integration!.cacheKeyParameters, {
    query: (ctx.query ?? NO_QUERY).single,
    headers: ctx.headers,
    path: ctx.pathParameters,
  });
}

/** What `$context` shows a gateway response or MOCK template, built only when one is rendered. */
function contextVariables(rt: StageRuntime, ctx: RequestContext): Record<string, string> {
  const vars: Record<string, string> = {
    requestId: ctx.requestId,
    extendedRequestId: ctx.extendedRequestId,
    stage: rt.stage.name,
    apiId: rt.api.id,
    httpMethod: ctx.httpMethod,
    domainName: ctx.host,
    'identity.sourceIp': ctx.sourceIp,
    requestTime: String(ctx.epoch),
    ...rt.stageVariableContext,
  };
  if (ctx.route) {
    vars.resourcePath = ctx.route.resource.path;
    vars.resourceId = ctx.route.resource.id;
  }
  if (ctx.binding) {
    vars['identity.apiKey'] = ctx.binding.key.value;
    vars['identity.apiKeyId'] = ctx.binding.key.id;
  }
  if (ctx.authorizer) Object.assign(vars, ctx.authorizer.vars);
  if (ctx.identity) for (const [key, value] of Object.entries(ctx.identity)) vars[`identity.${key}`] = value;
  if (ctx.validationErrorString !== undefined) vars['error.validationErrorString'] = ctx.validationErrorString;
  return vars;
}

/** What `$input` shows a template: the request once routed, nothing before. */
function templateRequest(ctx: RequestContext): TemplateRequest {
  return ctx.route
    ? { headers: ctx.headers, query: (ctx.query ?? NO_QUERY).single, path: ctx.pathParameters, body: ctx.body.length > 0 ? ctx.body.toString('utf8') : '' }
    : { headers: ctx.headers, query: {}, path: {}, body: '' };
}

/** A header's last value, by case-insensitive name. */
export function headerValue(headers: Record<string, string>, name: string): string | undefined {
  for (const key in headers) if (key.toLowerCase() === name) return headers[key];
  return undefined;
}
