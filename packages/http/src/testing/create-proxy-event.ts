import { randomBytes, randomUUID } from 'node:crypto';
import type { ProxyEvent } from '../aws/types';
import type { AnyRouteSpec } from '../route';
import { matchResource, rawParams } from './match-resource';

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
}

const ACCOUNT_ID = '123456789012';
const REGION = 'us-east-1';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Characters a client may send unescaped in a path; anything else is escaped as a client would. */
const PATH_UNSAFE = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]/gu;

/**
 * Builds a complete API Gateway REST (v1) proxy event, the way API Gateway builds it: `path` and `pathParameters`
 * stay percent-encoded as sent, query values are decoded, repeated keys keep the last value in the single-value
 * maps, absent maps are `null`, `body` is `null` without a payload, and `requestContext.path` carries the stage.
 *
 * @example
 * const event = createProxyEvent({ method: 'POST', path: '/users', json: { name: 'Ada' }, apiKey: 'k-123' });
 * const get = createProxyEvent({ path: '/users/a%20b', resource: '/users/{id}' }); // pathParameters { id: 'a%20b' }
 */
export function createProxyEvent(init: ProxyEventInit): ProxyEvent & { requestContext: Record<string, unknown> } {
  const method = (init.method ?? 'GET').toUpperCase();
  const stage = init.stage ?? 'dev';
  const questionMark = init.path.indexOf('?');
  const rawPath = questionMark === -1 ? init.path : init.path.slice(0, questionMark);
  const path = rawPath.replace(PATH_UNSAFE, (char) => encodeURIComponent(char));
  const queryString = questionMark === -1 ? '' : init.path.slice(questionMark + 1);

  const found = init.resource === undefined && init.routes ? matchResource(init.routes, path) : undefined;
  const resource = init.resource ?? found?.resource ?? path;
  const pathParameters = init.pathParameters ?? found?.pathParameters ?? rawParams(resource, path);

  const multiQuery = parseQuery(queryString);
  for (const [name, value] of Object.entries(init.query ?? {})) {
    const values = typeof value === 'string' ? [value] : [...value];
    multiQuery.set(name, [...(multiQuery.get(name) ?? []), ...values]);
  }

  const apiId = randomId(10);
  const domainName = `${apiId}.execute-api.${REGION}.amazonaws.com`;
  const sourceIp = init.sourceIp ?? '198.51.100.7';
  const headers = new Map<string, string[]>();
  const setDefault = (name: string, value: string) => {
    if (![...headers.keys()].some((key) => key.toLowerCase() === name.toLowerCase())) headers.set(name, [value]);
  };
  for (const [name, value] of Object.entries(init.headers ?? {})) {
    headers.set(name, typeof value === 'string' ? [value] : [...value]);
  }

  let body: string | null = null;
  let isBase64Encoded = false;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    setDefault('Content-Type', 'application/json');
  } else if (typeof init.body === 'string') {
    body = init.body;
    isBase64Encoded = init.isBase64Encoded === true;
  } else if (init.body !== undefined) {
    body = Buffer.from(init.body).toString('base64');
    isBase64Encoded = true;
  }
  if (init.apiKey !== undefined) setDefault('x-api-key', init.apiKey);
  // Headers API Gateway (regional endpoint) adds to every request.
  setDefault('Host', domainName);
  setDefault('User-Agent', 'portico-test/1.0');
  setDefault('X-Amzn-Trace-Id', `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomHex(12)}`);
  setDefault('X-Forwarded-For', sourceIp);
  setDefault('X-Forwarded-Port', '443');
  setDefault('X-Forwarded-Proto', 'https');
  if (body !== null) {
    setDefault('Content-Length', String(isBase64Encoded ? Buffer.from(body, 'base64').length : Buffer.byteLength(body)));
  }

  const now = new Date();
  const identity: Record<string, unknown> = {
    cognitoIdentityPoolId: null,
    accountId: null,
    cognitoIdentityId: null,
    caller: null,
    sourceIp,
    principalOrgId: null,
    accessKey: null,
    cognitoAuthenticationType: null,
    cognitoAuthenticationProvider: null,
    userArn: null,
    userAgent: lastValue(headers, 'user-agent') ?? null,
    user: null,
  };
  if (init.apiKey !== undefined) {
    identity.apiKey = init.apiKey;
    identity.apiKeyId = `key${randomId(7)}`;
  }

  return {
    resource,
    path,
    httpMethod: method,
    headers: mapOrNull(headers, (values) => values[values.length - 1]!),
    multiValueHeaders: mapOrNull(headers, (values) => values),
    queryStringParameters: mapOrNull(multiQuery, (values) => values[values.length - 1]!),
    multiValueQueryStringParameters: mapOrNull(multiQuery, (values) => values),
    pathParameters: pathParameters && Object.keys(pathParameters).length > 0 ? { ...pathParameters } : null,
    stageVariables: init.stageVariables ? { ...init.stageVariables } : null,
    requestContext: {
      resourceId: randomId(6),
      resourcePath: resource,
      httpMethod: method,
      extendedRequestId: `${randomBytes(9).toString('base64').replace(/[+/]/g, 'A')}=`,
      requestTime: formatRequestTime(now),
      path: `/${stage}${path}`,
      accountId: ACCOUNT_ID,
      protocol: 'HTTP/1.1',
      stage,
      domainPrefix: apiId,
      requestTimeEpoch: now.getTime(),
      requestId: init.requestId ?? randomUUID(),
      identity,
      domainName,
      deploymentId: randomId(6),
      apiId,
    },
    body,
    isBase64Encoded,
  };
}

/** `name=a&b=%20` → decoded values per key; a malformed escape is kept as sent. */
function parseQuery(queryString: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (queryString === '') return out;
  for (const pair of queryString.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = safeDecode(equals === -1 ? pair : pair.slice(0, equals));
    const value = equals === -1 ? '' : safeDecode(pair.slice(equals + 1));
    out.set(name, [...(out.get(name) ?? []), value]);
  }
  return out;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function mapOrNull<T>(map: Map<string, string[]>, pick: (values: string[]) => T): Record<string, T> | null {
  if (map.size === 0) return null;
  const out: Record<string, T> = {};
  // defineProperty, so a `__proto__` key is an own key, as it is in the JSON API Gateway sends.
  for (const [name, values] of map) {
    Object.defineProperty(out, name, { value: pick(values), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function lastValue(headers: Map<string, string[]>, name: string): string | undefined {
  for (const [key, values] of headers) if (key.toLowerCase() === name) return values[values.length - 1];
  return undefined;
}

/** API Gateway's `requestTime`: `24/Nov/2026:17:42:57 +0000`. */
function formatRequestTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

function randomId(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (const byte of randomBytes(length)) out += alphabet[byte % alphabet.length];
  return out;
}

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
