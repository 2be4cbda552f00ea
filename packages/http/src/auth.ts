/**
 * Who called: the identity API Gateway established for a route, read from what it hands a REST (v1) proxy
 * integration, and checked again in the function (defence in depth: a function invoked directly, or a method whose
 * authorizer was left off, must never run a protected handler for an anonymous caller).
 *
 * Where API Gateway puts it (developerguide `set-up-lambda-proxy-integrations.html`, input format):
 * - Cognito user pool authorizer: `requestContext.authorizer.claims`, every claim a string
 *   (`apigateway-integrate-with-cognito.html`): lists comma-joined (`cognito:groups`: `admins,editors`), `exp`/`iat`
 *   as Java dates (`Wed Feb 12 00:16:27 UTC 2020`), numbers and booleans as their text.
 * - Lambda authorizer: `requestContext.authorizer.principalId`, each `context` key beside it with its value
 *   stringified (`1` → `"1"`, `true` → `"true"`; `api-gateway-lambda-authorizer-output.html`), and
 *   `integrationLatency` (a number).
 * - AWS_IAM: `requestContext.identity`: `caller`, `user`, `userArn`, `accessKey`, `accountId` (and the Cognito
 *   identity pool fields when the credentials came from one).
 */
import { problemResponse } from './errors';
import type { InboundRequest } from './request';
import type { HttpResponse } from './responses';
import type { AnyRouteSpec, RouteAuth } from './route';

/** A Cognito user pool caller, from the claims API Gateway verified. */
export interface CognitoAuth {
  readonly kind: 'cognito';
  /** The user's stable id (`sub`). */
  readonly sub: string;
  /** `cognito:username` (ID token) or `username` (access token); `''` when neither is there. */
  readonly username: string;
  /** `cognito:groups`, split (`admins,editors` → `['admins', 'editors']`); `[]` for a user in no group. */
  readonly groups: readonly string[];
  /** The access token's `scope`, split on spaces; `[]` for an ID token. */
  readonly scopes: readonly string[];
  /** Every claim as API Gateway passes it: strings (`exp`: `'Wed Feb 12 00:16:27 UTC 2020'`, `email_verified`: `'true'`). */
  readonly claims: Readonly<Record<string, string>>;
}

/** A caller a Lambda authorizer allowed. */
export interface LambdaAuth {
  readonly kind: 'lambda';
  readonly principalId: string;
  /**
   * The authorizer's `context`, each value a string as API Gateway passes it (`{ admin: true, n: 1 }` arrives as
   * `{ admin: 'true', n: '1' }`): compare with `'true'`, parse numbers with `Number()`.
   */
  readonly context: Readonly<Record<string, string>>;
}

/** A SigV4-signed caller, as API Gateway identified it for an AWS_IAM method. */
export interface IamAuth {
  readonly kind: 'iam';
  /** The principal's unique id: `AIDA…` for an IAM user, `AROA…:session` for an assumed role. */
  readonly caller: string;
  readonly user: string;
  /** `arn:aws:iam::123456789012:user/alice`, or `arn:aws:sts::…:assumed-role/role/session`. */
  readonly userArn: string;
  readonly accessKey: string;
  readonly accountId: string;
  /** The identity id, when the credentials came from a Cognito identity pool. */
  readonly cognitoIdentityId?: string;
}

/** Any authenticated caller. */
export type RequestAuth = CognitoAuth | LambdaAuth | IamAuth;

/** `req.auth`'s type for a route's `auth` (the field's type, `undefined` included): `undefined` for an open route. */
export type AuthFor<A> = [Exclude<A, undefined>] extends [never] ? undefined : CallerOf<Exclude<A, undefined>>;

type CallerOf<A> = A extends 'iam'
  ? IamAuth
  : A extends { readonly cognito: unknown }
    ? CognitoAuth
    : A extends { readonly lambda: string }
      ? LambdaAuth
      : undefined;

/** A route's `auth`, checked and spelled out for tools that read the route table (infra, OpenAPI, the app). */
export type ResolvedAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'cognito'; readonly scopes: readonly string[]; readonly groups: readonly string[] }
  | { readonly kind: 'lambda'; readonly authorizer: string }
  | { readonly kind: 'iam' };

/**
 * A route's `auth`, checked: throws with the fix in the message for a shape that is none of the four, an empty
 * authorizer name, or scopes and groups that are not lists of names without spaces. One message for every mistake:
 * this runs in every Lambda bundle, where each byte is cold start.
 *
 * @example
 * routeAuth(defineRoute({ method: 'GET', path: '/me', auth: { cognito: { scopes: ['users/read'] } } }));
 * // { kind: 'cognito', scopes: ['users/read'], groups: [] }
 */
export function routeAuth(route: Pick<AnyRouteSpec, 'method' | 'path' | 'auth'>): ResolvedAuth {
  const auth: unknown = route.auth;
  if (auth === undefined || auth === 'none' || auth === 'iam') return { kind: auth ?? 'none' } as ResolvedAuth;
  const keys = auth !== null && typeof auth === 'object' ? Object.keys(auth) : [];
  if (keys.length === 1) {
    const { lambda, cognito } = auth as { lambda?: unknown; cognito?: { scopes?: unknown; groups?: unknown } | null };
    if (typeof lambda === 'string' && lambda.trim() !== '') return { kind: 'lambda', authorizer: lambda };
    if (cognito !== null && typeof cognito === 'object' && Object.keys(cognito).every((key) => key === 'scopes' || key === 'groups')) {
      const scopes = names(cognito.scopes);
      const groups = names(cognito.groups);
      if (scopes && groups) return { kind: 'cognito', scopes, groups };
    }
  }
  throw new TypeError(
    `Route "${route.method} ${route.path}" has auth ${JSON.stringify(auth)}: use 'none', 'iam', { lambda: '<authorizer name>' } or { cognito: { scopes?: ['users/read'], groups?: ['admins'] } } (names without spaces)`,
  );
}

function names(value: unknown): string[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return undefined;
  for (const name of value) if (typeof name !== 'string' || name === '' || name.trim() !== name || name.includes(' ')) return undefined;
  return [...(value as string[])];
}

/** Why a request was refused, and what to log when the refusal means the gateway let it through. */
export interface AuthRefusal {
  readonly response: HttpResponse;
  /** Set for a 401: the route is protected but the request carries no identity (a direct invoke or a misconfigured method). */
  readonly log?: string;
}

/** Checks one request against a route's auth: the caller, or why not. */
export type AuthGuard = (input: InboundRequest) => RequestAuth | AuthRefusal;

/**
 * The guard for a route, or `undefined` for an open one (no cost per request). Built once, at `app.handle`.
 *
 * @example
 * const guard = authGuard(route); // then per request: const auth = guard?.(input)
 */
export function authGuard(route: AnyRouteSpec): AuthGuard | undefined {
  const auth = routeAuth(route);
  if (auth.kind === 'none') return undefined;
  const missing = `Route ${route.method} ${route.path} requires ${auth.kind} auth, but the request carries no identity: it reached the function without API Gateway's authorizer (a direct invoke, or a method whose authorization is not set)`;
  const challenge = auth.kind === 'cognito' ? { 'www-authenticate': 'Bearer' } : undefined;
  const refuse = (input: InboundRequest): AuthRefusal => ({
    response: problemResponse(401, 'Authentication is required', 'UNAUTHENTICATED', input.requestId, challenge),
    log: missing,
  });
  if (auth.kind === 'iam') return (input) => readIam(input.identity) ?? refuse(input);
  if (auth.kind === 'lambda') return (input) => readLambda(input.authorizer) ?? refuse(input);
  const { scopes, groups } = auth;
  return (input) => {
    const caller = readCognito(input.authorizer);
    if (caller === undefined) return refuse(input);
    if (scopes.length > 0 && !scopes.some((scope) => caller.scopes.includes(scope))) {
      const message = `The token carries none of the scopes this route requires: ${scopes.join(', ')}`;
      const header = { 'www-authenticate': `Bearer error="insufficient_scope", scope="${scopes.join(' ')}"` };
      return { response: problemResponse(403, message, 'INSUFFICIENT_SCOPE', input.requestId, header) };
    }
    if (groups.length > 0 && !groups.some((group) => caller.groups.includes(group))) {
      return { response: problemResponse(403, 'The user is in none of the groups this route requires', 'MISSING_GROUP', input.requestId) };
    }
    return caller;
  };
}

type Raw = Readonly<Record<string, unknown>> | null | undefined;

/**
 * The Cognito caller in `requestContext.authorizer`, or `undefined` without claims or a `sub` (no user pool token is
 * without one). Values a hand-written event leaves unstringified are read as API Gateway would pass them.
 *
 * @example
 * readCognito({ claims: { sub: 'u-1', 'cognito:groups': 'admins,editors' } })?.groups; // ['admins', 'editors']
 */
export function readCognito(authorizer: Raw): CognitoAuth | undefined {
  const raw = authorizer?.claims;
  if (raw === null || typeof raw !== 'object') return undefined;
  const claims = Object.create(null) as Record<string, string>;
  for (const name in raw) {
    const value: unknown = (raw as Record<string, unknown>)[name];
    if (typeof value === 'string') claims[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') claims[name] = String(value);
  }
  const sub = claims.sub;
  if (!sub) return undefined;
  const scope = claims.scope;
  return {
    kind: 'cognito',
    sub,
    username: claims['cognito:username'] ?? claims.username ?? '',
    groups: parseGroups(claims['cognito:groups']),
    scopes: scope ? scope.split(' ').filter(Boolean) : [],
    claims,
  };
}

/**
 * `cognito:groups` as a list. REST APIs pass it comma-joined (`admins,editors`); HTTP APIs' JWT authorizers pass
 * `[admins editors]`, which is read too, so an event from either reads the same. Cognito group names hold no
 * whitespace, so the bracketed form is unambiguous; a comma inside a group name cannot be told from a separator
 * in the REST form (AWS joins without escaping).
 *
 * @example
 * parseGroups('admins,editors'); // ['admins', 'editors']
 * parseGroups('[admins editors]'); // ['admins', 'editors']
 */
export function parseGroups(value: string | undefined): string[] {
  if (!value) return [];
  const text = value.trim();
  const bracketed = text[0] === '[' && text[text.length - 1] === ']';
  return (bracketed ? text.slice(1, -1).replaceAll(',', ' ').split(' ') : text.split(',')).map((name) => name.trim()).filter(Boolean);
}

/** Keys API Gateway adds beside a Lambda authorizer's context. */
const GATEWAY_KEYS = new Set(['principalId', 'integrationLatency']);

/**
 * The Lambda authorizer's caller in `requestContext.authorizer`, or `undefined` without a `principalId`.
 *
 * @example
 * readLambda({ principalId: 'u-1', tenant: 't-9', admin: 'true', integrationLatency: 12 });
 * // { kind: 'lambda', principalId: 'u-1', context: { tenant: 't-9', admin: 'true' } }
 */
export function readLambda(authorizer: Raw): LambdaAuth | undefined {
  const principalId = authorizer?.principalId;
  if (typeof principalId !== 'string' || principalId === '') return undefined;
  const context = Object.create(null) as Record<string, string>;
  for (const key in authorizer) {
    if (GATEWAY_KEYS.has(key)) continue;
    const value = authorizer[key];
    if (typeof value === 'string') context[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') context[key] = String(value);
  }
  return { kind: 'lambda', principalId, context };
}

/**
 * The SigV4 caller in `requestContext.identity`, or `undefined` when API Gateway named none (`caller` and `userArn`
 * are null on methods without AWS_IAM).
 *
 * @example
 * readIam({ caller: 'AIDAEXAMPLE', userArn: 'arn:aws:iam::123456789012:user/alice', accessKey: 'AKIAEXAMPLE', accountId: '123456789012' });
 */
export function readIam(identity: Raw): IamAuth | undefined {
  const caller = text(identity?.caller);
  const userArn = text(identity?.userArn);
  if (caller === '' || userArn === '') return undefined;
  const auth: IamAuth = {
    kind: 'iam',
    caller,
    user: text(identity!.user) || caller,
    userArn,
    accessKey: text(identity!.accessKey),
    accountId: text(identity!.accountId),
  };
  const identityId = text(identity!.cognitoIdentityId);
  return identityId === '' ? auth : { ...auth, cognitoIdentityId: identityId };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
