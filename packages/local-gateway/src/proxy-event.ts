/**
 * Builds the Lambda proxy integration input (payload v1) from an HTTP request, field by field as API Gateway REST
 * APIs do. Hand-written rather than borrowed from an emulator library because drift here is exactly what users of
 * other emulators complain about (encoded path parameters, repeated query keys, null vs {}).
 */
import { randomFillSync, randomUUID } from 'node:crypto';

/** The parts of an incoming request the event is made from. */
export interface IncomingRequestParts {
  httpMethod: string;
  /** Path as sent, percent-encoding intact, without the stage prefix. */
  path: string;
  stage: string;
  /** Raw query string without `?`, or '' */
  rawQuery: string;
  /** `rawQuery` already parsed with {@link parseQuery}, when the caller has it (the gateway parses it to validate). */
  query?: ReturnType<typeof parseQuery>;
  /** Header pairs in arrival order, names as sent. */
  rawHeaders: Array<[string, string]>;
  body: Buffer;
  sourceIp: string;
  userAgent?: string;
  domainName: string;
  localPort: number;
  protocol: string;
}

export interface EventContext {
  resourceId: string;
  resourcePath: string;
  pathParameters: Record<string, string>;
  stageVariables: Record<string, string>;
  apiId: string;
  accountId: string;
  requestId: string;
  extendedRequestId: string;
  requestTimeEpoch: number;
  binaryMediaTypes: string[];
  apiKey?: { value: string; id: string };
  deploymentId: string;
}

/** An API Gateway REST proxy event (payload v1). */
export interface ProxyEvent {
  resource: string;
  path: string;
  httpMethod: string;
  headers: Record<string, string> | null;
  multiValueHeaders: Record<string, string[]> | null;
  queryStringParameters: Record<string, string> | null;
  multiValueQueryStringParameters: Record<string, string[]> | null;
  pathParameters: Record<string, string> | null;
  stageVariables: Record<string, string> | null;
  requestContext: Record<string, unknown> & { identity: Record<string, unknown> };
  body: string | null;
  isBase64Encoded: boolean;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

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
  const two = (n: number) => String(n).padStart(2, '0');
  const text = `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(
    d.getUTCMinutes(),
  )}:${two(d.getUTCSeconds())} +0000`;
  lastRequestTime = { second, text };
  return text;
}

/** The format has one-second resolution: requests within the same second share the string. */
let lastRequestTime = { second: Number.NaN, text: '' };

/**
 * Random bytes for ids, drawn from a pool refilled a few kilobytes at a time: one `randomFillSync` call per request
 * (two, with the trace id) costs more than the ids are worth.
 */
const RANDOM_POOL = Buffer.alloc(4096);
let randomOffset = RANDOM_POOL.length;

function randomSlice(size: number): Buffer {
  if (randomOffset + size > RANDOM_POOL.length) {
    randomFillSync(RANDOM_POOL);
    randomOffset = 0;
  }
  const slice = RANDOM_POOL.subarray(randomOffset, randomOffset + size);
  randomOffset += size;
  return slice;
}

/** A fresh request id (a UUID, like API Gateway's) and extended request id (base64-ish, ends in `=`). */
export function newRequestIds(): { requestId: string; extendedRequestId: string } {
  return { requestId: randomUUID(), extendedRequestId: `${randomSlice(11).toString('base64').slice(0, 15)}=` };
}

/**
 * Query strings decode like HTML forms (`+` is a space, AWS does the same); repeated keys keep every value in the
 * multi-value map and the last one in the single-value map.
 *
 * @example
 * parseQuery('a=1&a=2&b=x+y'); // { single: { a: '2', b: 'x y' }, multi: { a: ['1', '2'], b: ['x y'] } }
 */
export function parseQuery(rawQuery: string): { single: Record<string, string>; multi: Record<string, string[]> } {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  if (rawQuery === '') return { single, multi };
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = formDecode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : formDecode(pair.slice(eq + 1));
    single[key] = value;
    (multi[key] ??= []).push(value);
  }
  return { single, multi };
}

function formDecode(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** Headers the gateway never forwards, or replaces with its own. */
const DROPPED_HEADERS = new Set(['content-length', 'connection', 'transfer-encoding', 'keep-alive']);
/** API Gateway (behind its own CloudFront) title-cases these whatever case the client used. */
const TITLE_CASED = new Map([
  ['authorization', 'Authorization'],
  ['user-agent', 'User-Agent'],
]);

/**
 * Single- and multi-value header maps. Names keep the case of their first appearance; a repeated header keeps its
 * last value in the single-value map.
 */
export function collectHeaders(rawHeaders: Array<[string, string]>): {
  single: Record<string, string>;
  multi: Record<string, string[]>;
} {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  // lower-case name → the name used in the maps; a null-prototype object is cheaper than a Map for a handful of keys.
  const nameOf: Record<string, string> = Object.create(null) as Record<string, string>;
  for (let i = 0; i < rawHeaders.length; i++) {
    const [rawName, value] = rawHeaders[i]!;
    const lower = rawName.toLowerCase();
    let name = nameOf[lower];
    if (name === undefined) {
      if (DROPPED_HEADERS.has(lower)) continue;
      name = TITLE_CASED.get(lower) ?? rawName;
      nameOf[lower] = name;
      single[name] = value;
      multi[name] = [value];
    } else {
      single[name] = value;
      multi[name]!.push(value);
    }
  }
  return { single, multi };
}

/**
 * True when the media type is one of the API's binary media types (`image/png`, `image/*`, `*​/*`).
 *
 * @example
 * isBinaryMediaType('image/png; q=1', ['image/*']); // true
 */
export function isBinaryMediaType(contentType: string | undefined, binaryMediaTypes: string[]): boolean {
  if (!contentType || binaryMediaTypes.length === 0) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return binaryMediaTypes.some((pattern) => {
    const p = pattern.toLowerCase();
    if (p === '*/*') return true;
    if (p.endsWith('/*')) return type.startsWith(p.slice(0, -1));
    return p === type;
  });
}

/**
 * Builds the proxy event for one request.
 *
 * @example
 * const event = buildProxyEvent(parts, { resourcePath: '/users/{id}', pathParameters: { id: '42' }, ... });
 * event.requestContext.path; // '/dev/users/42'
 */
export function buildProxyEvent(req: IncomingRequestParts, ctx: EventContext): ProxyEvent {
  // The gateway sets X-Forwarded-Port/-Proto and X-Amzn-Trace-Id itself, and appends the client to X-Forwarded-For
  // rather than trusting what the client claims alone.
  const headers: Array<[string, string]> = [];
  let priorXff: string | undefined;
  let contentType: string | undefined;
  for (const header of req.rawHeaders) {
    const lower = header[0].toLowerCase();
    if (lower === 'x-forwarded-for') {
      priorXff = priorXff === undefined ? header[1] : `${priorXff}, ${header[1]}`;
      continue;
    }
    if (lower === 'x-forwarded-port' || lower === 'x-forwarded-proto' || lower === 'x-amzn-trace-id') continue;
    if (lower === 'content-type') contentType = header[1];
    headers.push(header);
  }
  headers.push(
    ['X-Amzn-Trace-Id', `Root=1-${Math.floor(ctx.requestTimeEpoch / 1000).toString(16)}-${randomSlice(12).toString('hex')}`],
    ['X-Forwarded-For', priorXff === undefined ? req.sourceIp : `${priorXff}, ${req.sourceIp}`],
    ['X-Forwarded-Port', String(req.localPort)],
    ['X-Forwarded-Proto', req.protocol],
  );
  const collected = collectHeaders(headers);
  const query = req.rawQuery === '' ? undefined : (req.query ?? parseQuery(req.rawQuery));
  const hasBody = req.body.length > 0;
  const binary = hasBody && isBinaryMediaType(contentType, ctx.binaryMediaTypes);
  const identity: Record<string, unknown> = {
    cognitoIdentityPoolId: null,
    accountId: null,
    cognitoIdentityId: null,
    caller: null,
    sourceIp: req.sourceIp,
    principalOrgId: null,
    accessKey: null,
    cognitoAuthenticationType: null,
    cognitoAuthenticationProvider: null,
    userArn: null,
    userAgent: req.userAgent ?? null,
    user: null,
  };
  if (ctx.apiKey) {
    identity.apiKey = ctx.apiKey.value;
    identity.apiKeyId = ctx.apiKey.id;
  }
  return {
    resource: ctx.resourcePath,
    path: req.path,
    httpMethod: req.httpMethod,
    headers: nonEmpty(collected.single),
    multiValueHeaders: nonEmpty(collected.multi),
    queryStringParameters: query ? nonEmpty(query.single) : null,
    multiValueQueryStringParameters: query ? nonEmpty(query.multi) : null,
    pathParameters: nonEmpty(ctx.pathParameters),
    stageVariables: nonEmpty(ctx.stageVariables),
    requestContext: {
      resourceId: ctx.resourceId,
      resourcePath: ctx.resourcePath,
      httpMethod: req.httpMethod,
      extendedRequestId: ctx.extendedRequestId,
      requestTime: formatRequestTime(ctx.requestTimeEpoch),
      path: `/${req.stage}${req.path === '/' ? '/' : req.path}`,
      accountId: ctx.accountId,
      protocol: 'HTTP/1.1',
      stage: req.stage,
      domainPrefix: domainPrefix(req.domainName),
      requestTimeEpoch: ctx.requestTimeEpoch,
      requestId: ctx.requestId,
      identity,
      domainName: req.domainName,
      deploymentId: ctx.deploymentId,
      apiId: ctx.apiId,
    },
    body: hasBody ? (binary ? req.body.toString('base64') : req.body.toString('utf8')) : null,
    isBase64Encoded: binary,
  };
}

function nonEmpty<T>(map: Record<string, T>): Record<string, T> | null {
  for (const _ in map) return map;
  return null;
}

/** `abc123.execute-api.…` → `abc123`; `127.0.0.1:3000` → `127`. */
function domainPrefix(domainName: string): string {
  const end = domainName.search(/[.:]/);
  return end === -1 ? domainName : domainName.slice(0, end);
}
