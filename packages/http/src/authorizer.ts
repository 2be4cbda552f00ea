/**
 * `@portico/http/authorizer`: helpers for API Gateway REST (v1) Lambda authorizers, so an authorizer is a few lines.
 * Typed TOKEN and REQUEST events (developerguide `api-gateway-lambda-authorizer-input.html`), method ARNs and their
 * wildcards, the policy API Gateway expects back (`api-gateway-lambda-authorizer-output.html`), checked before it
 * leaves the function, and `unauthorized()`, the one error API Gateway turns into a 401.
 *
 * A separate entry point: `unauthorized()` throws a plain `Error`, which in a route handler would be a 500, so these
 * names stay out of the handlers' import list.
 *
 * @example
 * import { bearerToken, createAuthorizer, policy, unauthorized, wildcardArn } from '@portico/http/authorizer';
 *
 * export const handler = createAuthorizer('TOKEN', async (event) => {
 *   const user = await verify(bearerToken(event) ?? unauthorized()).catch(unauthorized);
 *   return policy({ principalId: user.id, allow: [wildcardArn(event.methodArn)], context: { tenant: user.tenant } });
 * });
 */
import type { AuthorizerContextValue } from './aws/authorizer-context';
import { HeaderMap } from './request';
import { HTTP_METHODS } from './router/pattern-router';

export type { AuthorizerContextValue };

/** What a TOKEN authorizer receives: the identity-source header's value and the method ARN. */
export interface TokenAuthorizerEvent {
  type: 'TOKEN';
  /** The header's value as sent (`Bearer eyJ…` when the client sent that); see {@link bearerToken}. */
  authorizationToken: string;
  methodArn: string;
}

/**
 * What a REQUEST authorizer receives: the request's headers, query, path parameters and stage variables, and the
 * request context (no body). Maps are `null` when empty, as in a proxy event.
 */
export interface RequestAuthorizerEvent {
  type: 'REQUEST';
  methodArn: string;
  /** The resource template, e.g. `/users/{id}`. */
  resource: string;
  /** The request path, e.g. `/users/42`. */
  path: string;
  httpMethod: string;
  headers: Record<string, string> | null;
  multiValueHeaders: Record<string, string[]> | null;
  queryStringParameters: Record<string, string> | null;
  multiValueQueryStringParameters: Record<string, string[]> | null;
  pathParameters: Record<string, string> | null;
  stageVariables: Record<string, string> | null;
  requestContext: AuthorizerRequestContext;
}

/** The `$context` fields a REQUEST authorizer's event carries. */
export interface AuthorizerRequestContext {
  accountId: string;
  apiId: string;
  httpMethod: string;
  path: string;
  stage: string;
  requestId: string;
  resourceId: string;
  resourcePath: string;
  identity: { sourceIp: string; userAgent?: string | null; apiKey?: string | null; apiKeyId?: string | null; [key: string]: unknown };
  [key: string]: unknown;
}

/** Either authorizer event. */
export type AuthorizerEvent = TokenAuthorizerEvent | RequestAuthorizerEvent;

/** One statement of the policy an authorizer returns. */
export interface PolicyStatement {
  Action: 'execute-api:Invoke';
  Effect: 'Allow' | 'Deny';
  Resource: string[];
}

/** What an authorizer returns to API Gateway. */
export interface AuthorizerResult {
  principalId: string;
  policyDocument: { Version: '2012-10-17'; Statement: PolicyStatement[] };
  context?: Record<string, AuthorizerContextValue>;
  usageIdentifierKey?: string;
}

/** The parts of a method ARN: `arn:{partition}:execute-api:{region}:{accountId}:{apiId}/{stage}/{method}/{path}`. */
export interface MethodArn {
  partition: string;
  region: string;
  accountId: string;
  apiId: string;
  stage: string;
  /** `GET`, …, or `*`. */
  method: string;
  /** The request path with its leading `/` (`/` for the root); wildcards kept. */
  path: string;
}

/**
 * Splits a method ARN; throws a `TypeError` for anything else (API Gateway never sends one, so a throw here means
 * the function is not wired as an authorizer).
 *
 * @example
 * parseMethodArn('arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/dev/GET/users/42');
 * // { partition: 'aws', region: 'eu-west-1', accountId: '123456789012', apiId: 'a1b2c3d4e5', stage: 'dev', method: 'GET', path: '/users/42' }
 */
export function parseMethodArn(arn: string): MethodArn {
  const parts = typeof arn === 'string' ? arn.split(':') : [];
  const resource = parts.slice(5).join(':');
  const slash1 = resource.indexOf('/');
  const slash2 = resource.indexOf('/', slash1 + 1);
  const slash3 = resource.indexOf('/', slash2 + 1);
  if (parts.length < 6 || parts[0] !== 'arn' || parts[2] !== 'execute-api' || slash1 < 1 || slash2 <= slash1 + 1 || slash3 <= slash2 + 1) {
    throw new TypeError(`${JSON.stringify(arn)} is not a method ARN: expected arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path}`);
  }
  return {
    partition: parts[1]!,
    region: parts[3]!,
    accountId: parts[4]!,
    apiId: resource.slice(0, slash1),
    stage: resource.slice(slash1 + 1, slash2),
    method: resource.slice(slash2 + 1, slash3),
    path: resource.slice(slash3),
  };
}

/**
 * The ARN of another method of the same API and stage: `method` is an HTTP method or `*`, `path` a request path
 * (`/users/*`; `*` spans slashes in a policy) or `*`.
 *
 * @example
 * methodArnFor(event.methodArn, 'GET', '/users/*'); // 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/dev/GET/users/*'
 * methodArnFor(event.methodArn, '*', '/admin/*');   // every method under /admin
 */
export function methodArnFor(base: string | MethodArn, method: string, path: string): string {
  const arn = typeof base === 'string' ? parseMethodArn(base) : base;
  if (method !== '*' && !(HTTP_METHODS as readonly string[]).includes(method)) {
    throw new TypeError(`${JSON.stringify(method)} is not a method for an ARN: use ${HTTP_METHODS.filter((m) => m !== 'ANY').join(', ')} or *`);
  }
  if (path !== '*' && path[0] !== '/') throw new TypeError(`Path ${JSON.stringify(path)} must start with / (or be *)`);
  const tail = path === '*' ? '*' : path.slice(1);
  return `arn:${arn.partition}:execute-api:${arn.region}:${arn.accountId}:${arn.apiId}/${arn.stage}/${method === 'ANY' ? '*' : method}/${tail}`;
}

/**
 * Every method and path of the API's stage: `arn:…:{apiId}/{stage}/*​/*`. API Gateway caches an authorizer's policy
 * per token and reuses it for every method that authorizer guards, so a policy naming only the method that was
 * called would deny the next one until the cache expires; allow this (and decide per route in the function) unless
 * the policy really depends on the method.
 *
 * @example
 * policy({ principalId: 'u-1', allow: [wildcardArn(event.methodArn)] });
 */
export function wildcardArn(base: string | MethodArn): string {
  return methodArnFor(base, '*', '*');
}

/** Options of {@link policy}. */
export interface PolicyOptions {
  principalId: string;
  /** Method ARNs to allow (wildcards `*` and `?` allowed); see {@link wildcardArn} and {@link methodArnFor}. */
  allow?: readonly string[];
  /** Method ARNs to deny; an explicit Deny wins over any Allow (403 "…with an explicit deny"). */
  deny?: readonly string[];
  /** Passed to the integration as `requestContext.authorizer.<key>`, each value stringified. */
  context?: Readonly<Record<string, AuthorizerContextValue>>;
  /** The caller's API key, when the API's key source is AUTHORIZER (usage plans). */
  usageIdentifierKey?: string;
}

/** API Gateway's limit on a policy statement's resource ARN (`api-gateway-lambda-authorizer-output.html`). */
const MAX_RESOURCE_LENGTH = 512;

/**
 * The answer API Gateway expects from a Lambda authorizer, checked now so a mistake is a clear error in the
 * authorizer's log rather than API Gateway's bare 500: a non-empty `principalId`, at least one ARN, each `*` or an
 * `execute-api` ARN of at most 512 characters, and context values that are strings, numbers (finite) or booleans.
 *
 * @example
 * policy({ principalId: 'user-1', allow: [wildcardArn(event.methodArn)], context: { tenant: 't-9', admin: false } });
 * // { principalId: 'user-1', policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke',
 * //   Effect: 'Allow', Resource: ['arn:aws:execute-api:…:a1b2c3d4e5/dev/*​/*'] }] }, context: { tenant: 't-9', admin: false } }
 */
export function policy(options: PolicyOptions): AuthorizerResult {
  const { principalId, allow = [], deny = [], context, usageIdentifierKey } = options;
  if (typeof principalId !== 'string' || principalId === '') throw new TypeError('policy() needs a principalId: the caller\'s id, e.g. the token\'s sub');
  if (allow.length === 0 && deny.length === 0) {
    throw new TypeError('policy() needs at least one ARN in allow or deny: to refuse the caller, throw unauthorized() (401) or deny: [wildcardArn(event.methodArn)] (403)');
  }
  const Statement: PolicyStatement[] = [];
  if (allow.length > 0) Statement.push({ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: resources(allow, 'allow') });
  if (deny.length > 0) Statement.push({ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: resources(deny, 'deny') });
  const result: AuthorizerResult = { principalId, policyDocument: { Version: '2012-10-17', Statement } };
  if (context !== undefined) result.context = checkedContext(context);
  if (usageIdentifierKey !== undefined) {
    if (typeof usageIdentifierKey !== 'string' || usageIdentifierKey === '') throw new TypeError('policy() usageIdentifierKey must be an API key value (a non-empty string)');
    result.usageIdentifierKey = usageIdentifierKey;
  }
  return result;
}

function resources(arns: readonly string[], field: string): string[] {
  const out: string[] = [];
  for (const arn of arns) {
    if (typeof arn !== 'string' || (arn !== '*' && !isExecuteApiArn(arn))) {
      throw new TypeError(`policy() ${field} holds ${JSON.stringify(arn)}: use * or an execute-api ARN such as methodArnFor(event.methodArn, 'GET', '/users/*')`);
    }
    if (arn.length > MAX_RESOURCE_LENGTH) throw new TypeError(`policy() ${field} holds an ARN of ${arn.length} characters: API Gateway allows ${MAX_RESOURCE_LENGTH}; use a wildcard`);
    out.push(arn);
  }
  return out;
}

/** `arn:{partition}:execute-api:{region}:{account}:{rest}`, wildcards allowed in every part. */
function isExecuteApiArn(arn: string): boolean {
  const parts = arn.split(':');
  return parts.length >= 6 && parts[0] === 'arn' && parts[1] !== '' && (parts[2] === 'execute-api' || parts[2] === '*') && parts.slice(5).join(':') !== '';
}

function checkedContext(context: Readonly<Record<string, AuthorizerContextValue>>): Record<string, AuthorizerContextValue> {
  if (context === null || typeof context !== 'object' || Array.isArray(context)) throw new TypeError('policy() context must be an object of strings, numbers and booleans');
  const out: Record<string, AuthorizerContextValue> = {};
  for (const key of Object.keys(context)) {
    const value: unknown = context[key];
    const ok = typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
    if (!ok) {
      const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'number' ? String(value) : `a ${typeof value}`;
      throw new TypeError(`policy() context.${key} is ${what}: API Gateway accepts only strings, finite numbers and booleans (it answers 500 otherwise); JSON.stringify objects`);
    }
    out[key] = value as AuthorizerContextValue;
  }
  return out;
}

/**
 * Refuses the caller with 401: API Gateway answers `{"message":"Unauthorized"}` when an authorizer fails with exactly
 * this error message (any other error is a 500). Usable as a value (`token ?? unauthorized()`) or a catch handler.
 *
 * @example
 * const claims = await verifier.verify(token).catch(unauthorized);
 */
export function unauthorized(): never {
  throw new Error('Unauthorized');
}

/**
 * The token of a `Bearer` credential (scheme matched case-insensitively), or the value as it is when it has no
 * scheme; `undefined` when absent or empty. Reads `authorizationToken` (TOKEN) or the `Authorization` header (REQUEST).
 *
 * @example
 * bearerToken({ type: 'TOKEN', authorizationToken: 'Bearer eyJ…', methodArn }); // 'eyJ…'
 */
export function bearerToken(event: AuthorizerEvent): string | undefined {
  const raw = event.type === 'TOKEN' ? event.authorizationToken : authorizerHeaders(event).get('authorization');
  if (typeof raw !== 'string') return undefined;
  const value = raw.trim();
  const scheme = value.slice(0, 6).toLowerCase() === 'bearer' && (value.length === 6 || value[6] === ' ');
  const token = scheme ? value.slice(6).trim() : value;
  return token === '' ? undefined : token;
}

/**
 * A REQUEST authorizer's headers, read case-insensitively (clients choose the case).
 *
 * @example
 * authorizerHeaders(event).get('x-tenant-id');
 */
export function authorizerHeaders(event: RequestAuthorizerEvent): HeaderMap {
  return new HeaderMap(event.headers, event.multiValueHeaders);
}

/** Where {@link createAuthorizer} logs a failure. */
export interface AuthorizerLogger {
  error(entry: { level: 'error'; message: string; type: string; methodArn: string; error: { name: string; message: string; stack?: string } }): void;
}

/** The Lambda handler {@link createAuthorizer} returns. */
export type AuthorizerHandler<E extends AuthorizerEvent> = (event: E, context?: unknown) => Promise<AuthorizerResult>;

type EventOf<T extends AuthorizerEvent['type']> = Extract<AuthorizerEvent, { type: T }>;

/**
 * Wraps an authorizer function for Lambda: checks the event is the `type` the function expects, and that what it
 * returns is a policy API Gateway can use. `unauthorized()` passes through (401); any other error is logged as one
 * JSON line and rethrown, so API Gateway answers 500 and the log says why.
 *
 * @example
 * export const handler = createAuthorizer('REQUEST', (event) => {
 *   const tenant = authorizerHeaders(event).get('x-tenant-id') ?? unauthorized();
 *   return policy({ principalId: tenant, allow: [wildcardArn(event.methodArn)], context: { tenant } });
 * });
 */
export function createAuthorizer<T extends AuthorizerEvent['type']>(
  type: T,
  authorize: (event: EventOf<T>) => AuthorizerResult | Promise<AuthorizerResult>,
  options: { logger?: AuthorizerLogger } = {},
): AuthorizerHandler<EventOf<T>> {
  if (type !== 'TOKEN' && type !== 'REQUEST') throw new TypeError(`createAuthorizer() type must be 'TOKEN' or 'REQUEST', not ${JSON.stringify(type)}`);
  const logger = options.logger ?? { error: (entry) => console.error(JSON.stringify(entry)) };
  return async (event) => {
    try {
      const got = event !== null && typeof event === 'object' ? (event as { type?: unknown }).type : undefined;
      if (got !== type) throw new TypeError(`This authorizer expects ${type} events but received ${JSON.stringify(got)}: check the authorizer's type in the API`);
      parseMethodArn(event.methodArn);
      return checkResult(await authorize(event));
    } catch (error) {
      if (error instanceof Error && error.message === 'Unauthorized') throw error;
      const e = error instanceof Error ? error : new Error(String(error));
      try {
        logger.error({
          level: 'error',
          message: `Authorizer failed: ${e.message}`,
          type,
          methodArn: String((event as { methodArn?: unknown } | null)?.methodArn),
          error: { name: e.name, message: e.message, stack: e.stack },
        });
      } catch {
        // A broken logger must not hide the authorizer's own error.
      }
      throw e;
    }
  };
}

/** A result built by hand (not by `policy()`) gets the same checks. */
function checkResult(result: AuthorizerResult): AuthorizerResult {
  if (result === null || typeof result !== 'object') throw new TypeError('The authorizer returned no policy: return policy({ principalId, allow })');
  const statements = result.policyDocument?.Statement;
  if (!Array.isArray(statements)) throw new TypeError('The authorizer returned no policyDocument.Statement: return policy({ principalId, allow })');
  const allow: string[] = [];
  const deny: string[] = [];
  for (const s of statements) {
    if (s?.Effect !== 'Allow' && s?.Effect !== 'Deny') throw new TypeError(`A policy statement's Effect is ${JSON.stringify(s?.Effect)}, not "Allow" or "Deny"`);
    const list: unknown = s.Resource;
    (s.Effect === 'Allow' ? allow : deny).push(...((Array.isArray(list) ? list : [list]) as string[]));
  }
  // @types/aws-lambda lets a hand-built result carry null for both.
  policy({ principalId: result.principalId, allow, deny, context: result.context ?? undefined, usageIdentifierKey: result.usageIdentifierKey ?? undefined });
  return result;
}
