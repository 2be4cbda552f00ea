import { randomBytes, randomUUID } from 'node:crypto';
import { cognitoAuthorizer, lambdaAuthorizer, type AuthorizerContextValue } from '../aws/authorizer-context';
import { buildProxyEvent, parseQuery, type CallerIdentityFields, type FullProxyEvent } from '../aws/event';
import type { ProxyEvent } from '../aws/types';
import type { AnyRouteSpec } from '../route';
import { matchResource, paramsOf } from './match-resource';

/** What a test says about a request; everything else gets API Gateway's defaults. */
export interface ProxyEventInit {
  method?: string;
  /** Request path as the client sent it, optionally with `?query`; characters a client must escape are escaped. */
  path: string;
  /** The matched resource template, e.g. `/users/{id}`; derived from `routes` or taken as the path when absent. */
  resource?: string;
  /** Path parameters, percent-encoded as API Gateway passes them; derived from `resource` when absent. */
  pathParameters?: Record<string, string>;
  /** Route table used to find `resource` when it is not given. */
  routes?: readonly AnyRouteSpec[] | Readonly<Record<string, AnyRouteSpec>>;
  /** Decoded query values; arrays are repeated keys. Merged with any `?query` in `path`. */
  query?: Record<string, string | readonly string[]>;
  headers?: Record<string, string | readonly string[]>;
  /** Raw body: a string as sent, or bytes (sent base64-encoded, as for a binary media type). */
  body?: string | Uint8Array;
  /** A JSON body: serialised, with `Content-Type: application/json` unless a content type is given. */
  json?: unknown;
  /** With a string `body`, says the string is already base64. */
  isBase64Encoded?: boolean;
  /** @default 'dev' */
  stage?: string;
  /** The `x-api-key` value; also fills `requestContext.identity.apiKey`/`apiKeyId`. */
  apiKey?: string;
  /** @default '198.51.100.7' */
  sourceIp?: string;
  requestId?: string;
  stageVariables?: Record<string, string>;
  /** Who called, filled in `requestContext` as the method's authorizer would (see {@link EventAuth}). */
  auth?: EventAuth;
}

/**
 * An authenticated caller, as API Gateway hands it to a proxy integration:
 *
 * - `cognito`: a user pool token's claims under `requestContext.authorizer.claims`, rendered as REST APIs render them
 *   (strings; `exp`/`iat` as Java dates; `cognito:groups` comma-joined). With `scopes` the claims are an access
 *   token's (`token_use: 'access'`, `scope`, `client_id`, `username`), else an ID token's (`token_use: 'id'`, `aud`,
 *   `cognito:username`, `email_verified` when `claims` has an `email`): the claim sets the local gateway's user pools
 *   sign. `claims` adds or replaces claims.
 * - `lambda`: `principalId` and the context values stringified beside it, plus `integrationLatency`.
 * - `iam`: the SigV4 caller in `requestContext.identity` (`caller`, `user`, `userArn`, `accessKey`, `accountId`).
 */
export type EventAuth =
  | {
      cognito: {
        /** @default a random UUID */
        sub?: string;
        /** @default 'test-user' */
        username?: string;
        groups?: readonly string[];
        scopes?: readonly string[];
        /** Extra or replacing claims, as the token holds them (numbers, booleans, lists); rendered as API Gateway renders them. */
        claims?: Readonly<Record<string, unknown>>;
      };
    }
  | { lambda: { principalId: string; context?: Readonly<Record<string, AuthorizerContextValue>> } }
  | {
      iam: Partial<Omit<CallerIdentityFields, 'userArn'>> & {
        /** @default 'arn:aws:iam::123456789012:user/test-user' */
        userArn?: string;
      };
    };

const ACCOUNT_ID = '123456789012';
const REGION = 'us-east-1';
/** Characters a client may send unescaped in a path; anything else is escaped as a client would. */
const PATH_UNSAFE = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]/gu;
const NO_BYTES = new Uint8Array(0);

/**
 * Builds a complete API Gateway REST (v1) proxy event with the builder the local gateway uses (`buildProxyEvent`),
 * filling in what a test leaves out the way a regional endpoint would: ids, a documentation source IP, `Host`, a
 * `User-Agent`, port 443 over https. `path` and `pathParameters` stay percent-encoded as sent, query values are
 * decoded, repeated keys keep the last value in the single-value maps, absent maps are `null`, `body` is `null`
 * without a payload, and `requestContext.path` carries the stage.
 *
 * @example
 * const event = createProxyEvent({ method: 'POST', path: '/users', json: { name: 'Ada' }, apiKey: 'k-123' });
 * const get = createProxyEvent({ path: '/users/a%20b', resource: '/users/{id}' }); // pathParameters { id: 'a%20b' }
 */
export function createProxyEvent(init: ProxyEventInit): ProxyEvent & { requestContext: Record<string, unknown> } {
  const httpMethod = (init.method ?? 'GET').toUpperCase();
  const questionMark = init.path.indexOf('?');
  const rawPath = questionMark === -1 ? init.path : init.path.slice(0, questionMark);
  const path = rawPath.replace(PATH_UNSAFE, (char) => encodeURIComponent(char));
  const found = init.resource === undefined && init.routes ? matchResource(init.routes, path) : undefined;
  const resource = init.resource ?? found?.resource ?? path;
  const pathParameters = init.pathParameters ?? found?.pathParameters ?? paramsOf(resource, path);

  const rawQuery = questionMark === -1 ? '' : init.path.slice(questionMark + 1);
  const query = parseQuery(rawQuery);
  for (const [name, value] of Object.entries(init.query ?? {})) {
    const values = typeof value === 'string' ? [value] : [...value];
    query.multi[name] = [...(query.multi[name] ?? []), ...values];
    query.single[name] = query.multi[name]![query.multi[name]!.length - 1]!;
  }

  const apiId = randomId(10);
  const domainName = `${apiId}.execute-api.${REGION}.amazonaws.com`;
  const rawHeaders: string[] = [];
  for (const [name, value] of Object.entries(init.headers ?? {})) {
    for (const one of typeof value === 'string' ? [value] : value) rawHeaders.push(name, one);
  }
  const has = (name: string) => rawHeaders.some((header, i) => i % 2 === 0 && header.toLowerCase() === name);
  const setDefault = (name: string, value: string) => {
    if (!has(name.toLowerCase())) rawHeaders.push(name, value);
  };

  let body: Uint8Array = NO_BYTES;
  let binary = false;
  if (init.json !== undefined) {
    body = Buffer.from(JSON.stringify(init.json));
    setDefault('Content-Type', 'application/json');
  } else if (typeof init.body === 'string') {
    binary = init.isBase64Encoded === true;
    body = Buffer.from(init.body, binary ? 'base64' : 'utf8');
  } else if (init.body !== undefined) {
    body = init.body;
    binary = true;
  }
  if (init.apiKey !== undefined) setDefault('x-api-key', init.apiKey);
  setDefault('Host', domainName);
  setDefault('User-Agent', 'portico-test/1.0');
  const givenTrace = rawHeaders.findIndex((header, i) => i % 2 === 0 && header.toLowerCase() === 'x-amzn-trace-id');

  const now = Date.now();
  const stage = init.stage ?? 'dev';
  const event: FullProxyEvent = buildProxyEvent({
    httpMethod,
    path,
    stage,
    resourcePath: resource,
    resourceId: randomId(6),
    pathParameters: pathParameters ?? null,
    rawQuery,
    query,
    rawHeaders,
    body,
    binary,
    binaryMediaTypes: [],
    sourceIp: init.sourceIp ?? '198.51.100.7',
    forwardedPort: '443',
    forwardedProto: 'https',
    traceId: givenTrace === -1 ? `Root=1-${Math.floor(now / 1000).toString(16)}-${randomBytes(12).toString('hex')}` : rawHeaders[givenTrace + 1]!,
    stageVariables: init.stageVariables ? { ...init.stageVariables } : null,
    accountId: ACCOUNT_ID,
    apiId,
    domainName,
    deploymentId: randomId(6),
    requestId: init.requestId ?? randomUUID(),
    extendedRequestId: `${randomBytes(9).toString('base64').replace(/[+/]/g, 'A')}=`,
    requestTimeEpoch: now,
    apiKey: init.apiKey === undefined ? undefined : { value: init.apiKey, id: `key${randomId(7)}` },
    ...authParts(init.auth, now),
  });
  // A query given only through `query` still counts: the event has maps even when the path had no `?`.
  if (rawQuery === '' && Object.keys(query.multi).length > 0) {
    event.queryStringParameters = query.single;
    event.multiValueQueryStringParameters = query.multi;
  }
  return event;
}

const USER_POOL = `https://cognito-idp.${REGION}.amazonaws.com/${REGION}_TestPool1`;
const APP_CLIENT = '1example23456789abcdefghij';

/** `requestContext.authorizer` / `.identity` for an authenticated caller. */
function authParts(auth: EventAuth | undefined, now: number): { authorizer?: Record<string, unknown>; identity?: Partial<CallerIdentityFields> } {
  if (auth === undefined) return {};
  if ('lambda' in auth) return { authorizer: lambdaAuthorizer(auth.lambda.principalId, auth.lambda.context) };
  if ('iam' in auth) {
    const userArn = auth.iam.userArn ?? `arn:aws:iam::${ACCOUNT_ID}:user/test-user`;
    const caller = auth.iam.caller ?? 'AIDAEXAMPLETESTUSER01';
    return {
      identity: {
        accountId: /^arn:aws:(?:iam|sts)::(\d{12}):/u.exec(userArn)?.[1] ?? ACCOUNT_ID,
        caller,
        user: caller,
        userArn,
        accessKey: 'AKIAIOSFODNN7EXAMPLE',
        ...auth.iam,
      },
    };
  }
  const { sub = randomUUID(), username = 'test-user', groups = [], scopes = [], claims = {} } = auth.cognito;
  const issuedAt = Math.floor(now / 1000);
  const token: Record<string, unknown> = { sub };
  if (groups.length > 0) token['cognito:groups'] = groups;
  Object.assign(
    token,
    scopes.length > 0
      ? { iss: USER_POOL, client_id: APP_CLIENT, origin_jti: randomUUID(), event_id: randomUUID(), token_use: 'access', scope: scopes.join(' ') }
      : {
          ...(claims.email === undefined ? {} : { email_verified: true }),
          iss: USER_POOL,
          'cognito:username': username,
          origin_jti: randomUUID(),
          aud: APP_CLIENT,
          event_id: randomUUID(),
          token_use: 'id',
        },
    { auth_time: issuedAt, exp: issuedAt + 3600, iat: issuedAt, jti: randomUUID() },
    scopes.length > 0 ? { username } : {},
    claims,
  );
  return { authorizer: cognitoAuthorizer(token) };
}

function randomId(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (const byte of randomBytes(length)) out += alphabet[byte % alphabet.length];
  return out;
}
