/**
 * The one builder of API Gateway REST (v1) Lambda proxy events. `@portico/http/testing`'s `createProxyEvent` and the
 * local gateway both build their events here, so a handler tested with the factory sees what it sees behind the
 * gateway. Hand-written rather than borrowed from an emulator library because drift here is exactly what users of
 * other emulators complain about (encoded path parameters, repeated query keys, null vs {}).
 *
 * Every key that comes from a client (query names, header names, path parameter names) lands in a null-prototype
 * object: `?constructor=1` or a header named `__proto__` is data, never a property of `Object.prototype`.
 *
 * It runs once per request on the gateway's only thread: no regular expressions, no intermediate arrays beyond the
 * maps it returns.
 */
import type { ProxyEvent } from './types';

/** Single- and multi-value maps, as the event carries them (null-prototype objects). */
export interface ValueMaps {
  single: Record<string, string>;
  multi: Record<string, string[]>;
}

/** A null-prototype object: keys from a client can never reach `Object.prototype`. */
export function dictionary<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/**
 * Query strings decode like HTML forms (`+` is a space, as API Gateway does); repeated keys keep every value in the
 * multi-value map and the last one in the single-value map; a malformed escape is kept as sent.
 *
 * @example
 * parseQuery('a=1&a=2&b=x+y'); // { single: { a: '2', b: 'x y' }, multi: { a: ['1', '2'], b: ['x y'] } }
 */
export function parseQuery(rawQuery: string): ValueMaps {
  const single = dictionary<string>();
  const multi = dictionary<string[]>();
  let start = 0;
  const end = rawQuery.length;
  while (start <= end) {
    let amp = rawQuery.indexOf('&', start);
    if (amp === -1) amp = end;
    if (amp > start) {
      const eq = rawQuery.indexOf('=', start);
      const split = eq === -1 || eq > amp ? amp : eq;
      const key = formDecode(rawQuery.slice(start, split));
      const value = split === amp ? '' : formDecode(rawQuery.slice(split + 1, amp));
      single[key] = value;
      const values = multi[key];
      if (values === undefined) multi[key] = [value];
      else values.push(value);
    }
    start = amp + 1;
  }
  return { single, multi };
}

function formDecode(text: string): string {
  const spaced = text.indexOf('+') === -1 ? text : text.replaceAll('+', ' ');
  if (spaced.indexOf('%') === -1) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** Headers API Gateway never forwards to a Lambda proxy integration (it frames the request itself). */
const DROPPED_HEADERS = new Set(['content-length', 'connection', 'transfer-encoding', 'keep-alive']);
/** Headers API Gateway sets itself; what a client sends under these names is replaced (X-Forwarded-For: appended to). */
const GATEWAY_SET = new Set(['x-forwarded-port', 'x-forwarded-proto', 'x-amzn-trace-id']);
/** API Gateway (behind its own CloudFront) title-cases these whatever case the client used. */
const TITLE_CASED: Record<string, string> = Object.assign(dictionary<string>(), { authorization: 'Authorization', 'user-agent': 'User-Agent' });

/**
 * Single- and multi-value header maps from name/value pairs laid flat (`[name, value, name, value, …]`, Node's
 * `req.rawHeaders`). Names keep the case of their first appearance; a repeated header keeps its last value in the
 * single-value map; headers API Gateway does not forward are left out.
 *
 * @example
 * collectHeaders(['Accept', 'a', 'accept', 'b']); // { single: { Accept: 'b' }, multi: { Accept: ['a', 'b'] } }
 */
export function collectHeaders(rawHeaders: readonly string[]): ValueMaps {
  const maps: ValueMaps = { single: dictionary<string>(), multi: dictionary<string[]>() };
  const names = dictionary<string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) addHeader(maps, names, rawHeaders[i]!, rawHeaders[i + 1]!);
  return maps;
}

function addHeader(maps: ValueMaps, names: Record<string, string>, rawName: string, value: string, lower = rawName.toLowerCase()): void {
  const name = names[lower];
  if (name !== undefined) {
    maps.single[name] = value;
    maps.multi[name]!.push(value);
    return;
  }
  if (DROPPED_HEADERS.has(lower)) return;
  const shown = TITLE_CASED[lower] ?? rawName;
  names[lower] = shown;
  maps.single[shown] = value;
  maps.multi[shown] = [value];
}

/**
 * True when the media type is one of the API's binary media types (`image/png`, `image/*`, `*​/*`).
 *
 * @example
 * isBinaryMediaType('image/png; q=1', ['image/*']); // true
 */
export function isBinaryMediaType(contentType: string | undefined, binaryMediaTypes: readonly string[]): boolean {
  if (!contentType || binaryMediaTypes.length === 0) return false;
  const semi = contentType.indexOf(';');
  const type = (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  for (const pattern of binaryMediaTypes) {
    const p = pattern.toLowerCase();
    if (p === '*/*' || p === type || (p.endsWith('/*') && type.startsWith(p.slice(0, -1)))) return true;
  }
  return false;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** The format has one-second resolution: requests within the same second share the string. */
let lastRequestTime = { second: Number.NaN, text: '' };

/**
 * `24/Nov/2026:17:39:52 +0000`, the CLF-style timestamp of `requestContext.requestTime`.
 *
 * @example
 * formatRequestTime(Date.UTC(2026, 10, 24, 17, 39, 52)); // '24/Nov/2026:17:39:52 +0000'
 */
export function formatRequestTime(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  if (second === lastRequestTime.second) return lastRequestTime.text;
  const d = new Date(second * 1000);
  const two = (n: number) => (n < 10 ? `0${n}` : String(n));
  const text = `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(
    d.getUTCMinutes(),
  )}:${two(d.getUTCSeconds())} +0000`;
  lastRequestTime = { second, text };
  return text;
}

/** Everything an event is made of: what the client sent, what the gateway decided, and who the gateway is. */
export interface ProxyEventParts {
  httpMethod: string;
  /** The path after the stage, percent-encoding intact, extra slashes right after the stage already merged. */
  path: string;
  /** `requestContext.path`: the stage and the path as the client sent them. Default: `/${stage}${path}`. */
  requestPath?: string;
  stage: string;
  /** The matched resource's template, e.g. `/users/{id}`. */
  resourcePath: string;
  resourceId: string;
  /** Path parameters percent-encoded as sent, or null. */
  pathParameters: Record<string, string> | null;
  /** The raw query string without `?`, or ''. */
  rawQuery: string;
  /** `rawQuery` already parsed with {@link parseQuery}, when the caller has it. */
  query?: ValueMaps;
  /** The client's headers, laid flat: `[name, value, name, value, …]` (Node's `req.rawHeaders`). */
  rawHeaders: readonly string[];
  /** The payload as received; empty for none. */
  body: Uint8Array;
  /** Forces base64 (true) or text (false); by default the request's Content-Type against `binaryMediaTypes` decides. */
  binary?: boolean;
  binaryMediaTypes: readonly string[];
  /** What API Gateway's front end knows about the connection. */
  sourceIp: string;
  forwardedPort: string;
  forwardedProto: string;
  /** The `X-Amzn-Trace-Id` the gateway gives this request. */
  traceId: string;
  stageVariables: Record<string, string> | null;
  accountId: string;
  apiId: string;
  domainName: string;
  deploymentId: string;
  requestId: string;
  extendedRequestId: string;
  requestTimeEpoch: number;
  apiKey?: { value: string; id: string };
  /**
   * `requestContext.authorizer` as the method's authorizer fills it: a Cognito authorizer's `{ claims }` (every
   * value a string), or a Lambda authorizer's `principalId`, its context values stringified and `integrationLatency`.
   * Absent on methods without an authorizer, as on API Gateway.
   */
  authorizer?: Record<string, unknown>;
  /** What an AWS_IAM method (or a Cognito identity pool's credentials) adds to `requestContext.identity`. */
  identity?: Partial<CallerIdentityFields>;
}

/** The caller fields of `requestContext.identity`: null on methods without AWS_IAM. */
export interface CallerIdentityFields {
  caller: string | null;
  user: string | null;
  userArn: string | null;
  accessKey: string | null;
  accountId: string | null;
  principalOrgId: string | null;
  cognitoIdentityId: string | null;
  cognitoIdentityPoolId: string | null;
  cognitoAuthenticationType: string | null;
  cognitoAuthenticationProvider: string | null;
}

/** A REST proxy event with every field API Gateway fills. */
export type FullProxyEvent = Required<Omit<ProxyEvent, 'requestContext'>> & {
  requestContext: Record<string, unknown> & { identity: Record<string, unknown> };
};

/**
 * Builds the proxy event for one request, field by field as API Gateway does: the client's headers minus the ones
 * it does not forward, then `X-Amzn-Trace-Id`, `X-Forwarded-For` (the client's value with the source IP appended),
 * `X-Forwarded-Port` and `X-Forwarded-Proto`; absent maps are null; `body` is null without a payload and base64 for
 * a binary media type.
 *
 * @example
 * const event = buildProxyEvent({ httpMethod: 'GET', path: '/users/42', stage: 'dev', resourcePath: '/users/{id}',
 *   pathParameters: { id: '42' }, rawQuery: '', rawHeaders: ['Host', 'api.example'], body: new Uint8Array(), … });
 * event.requestContext.path; // '/dev/users/42'
 */
export function buildProxyEvent(parts: ProxyEventParts): FullProxyEvent {
  const headers: ValueMaps = { single: dictionary<string>(), multi: dictionary<string[]>() };
  const names = dictionary<string>();
  const raw = parts.rawHeaders;
  let priorXff: string | undefined;
  let contentType: string | undefined;
  let userAgent: string | null = null;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    const lower = name.toLowerCase();
    if (lower === 'x-forwarded-for') {
      priorXff = priorXff === undefined ? value : `${priorXff}, ${value}`;
      continue;
    }
    if (GATEWAY_SET.has(lower)) continue;
    if (lower === 'content-type') contentType = value;
    else if (lower === 'user-agent') userAgent = value;
    addHeader(headers, names, name, value, lower);
  }
  addHeader(headers, names, 'X-Amzn-Trace-Id', parts.traceId, 'x-amzn-trace-id');
  addHeader(headers, names, 'X-Forwarded-For', priorXff === undefined ? parts.sourceIp : `${priorXff}, ${parts.sourceIp}`, 'x-forwarded-for');
  addHeader(headers, names, 'X-Forwarded-Port', parts.forwardedPort, 'x-forwarded-port');
  addHeader(headers, names, 'X-Forwarded-Proto', parts.forwardedProto, 'x-forwarded-proto');

  const query = parts.rawQuery === '' ? undefined : (parts.query ?? parseQuery(parts.rawQuery));
  const body = parts.body;
  const hasBody = body.length > 0;
  const binary = hasBody && (parts.binary ?? isBinaryMediaType(contentType, parts.binaryMediaTypes));
  const identity: Record<string, unknown> = {
    cognitoIdentityPoolId: null,
    accountId: null,
    cognitoIdentityId: null,
    caller: null,
    sourceIp: parts.sourceIp,
    principalOrgId: null,
    accessKey: null,
    cognitoAuthenticationType: null,
    cognitoAuthenticationProvider: null,
    userArn: null,
    userAgent,
    user: null,
  };
  if (parts.apiKey) {
    identity.apiKey = parts.apiKey.value;
    identity.apiKeyId = parts.apiKey.id;
  }
  const caller = parts.identity;
  if (caller !== undefined) {
    for (const key in caller) {
      const value = caller[key as keyof CallerIdentityFields];
      if (value !== undefined) identity[key] = value;
    }
  }
  const event: FullProxyEvent = {
    resource: parts.resourcePath,
    path: parts.path,
    httpMethod: parts.httpMethod,
    headers: headers.single,
    multiValueHeaders: headers.multi,
    queryStringParameters: query ? nonEmpty(query.single) : null,
    multiValueQueryStringParameters: query ? nonEmpty(query.multi) : null,
    pathParameters: parts.pathParameters && nonEmpty(parts.pathParameters),
    stageVariables: parts.stageVariables && nonEmpty(parts.stageVariables),
    requestContext: {
      resourceId: parts.resourceId,
      resourcePath: parts.resourcePath,
      httpMethod: parts.httpMethod,
      extendedRequestId: parts.extendedRequestId,
      requestTime: formatRequestTime(parts.requestTimeEpoch),
      path: parts.requestPath ?? `/${parts.stage}${parts.path}`,
      accountId: parts.accountId,
      protocol: 'HTTP/1.1',
      stage: parts.stage,
      domainPrefix: domainPrefix(parts.domainName),
      requestTimeEpoch: parts.requestTimeEpoch,
      requestId: parts.requestId,
      identity,
      domainName: parts.domainName,
      deploymentId: parts.deploymentId,
      apiId: parts.apiId,
    },
    body: hasBody ? Buffer.from(body.buffer, body.byteOffset, body.length).toString(binary ? 'base64' : 'utf8') : null,
    isBase64Encoded: binary,
  };
  if (parts.authorizer !== undefined) event.requestContext.authorizer = parts.authorizer;
  return event;
}

function nonEmpty<T>(map: Record<string, T>): Record<string, T> | null {
  for (const _ in map) return map;
  return null;
}

/** `abc123.execute-api.…` → `abc123`; `127.0.0.1:3000` → `127`. */
function domainPrefix(domainName: string): string {
  for (let i = 0; i < domainName.length; i++) {
    const c = domainName[i];
    if (c === '.' || c === ':') return domainName.slice(0, i);
  }
  return domainName;
}
