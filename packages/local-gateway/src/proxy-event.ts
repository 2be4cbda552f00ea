/**
 * Builds the Lambda proxy integration input (payload v1) from an HTTP request, field by field as API Gateway REST
 * APIs do. Hand-written rather than borrowed from an emulator library because drift here is exactly what users of
 * other emulators complain about (encoded path parameters, repeated query keys, null vs {}).
 */
import { randomBytes, randomUUID } from 'node:crypto';

/** The parts of an incoming request the event is made from. */
export interface IncomingRequestParts {
  httpMethod: string;
  /** Path as sent, percent-encoding intact, without the stage prefix. */
  path: string;
  stage: string;
  /** Raw query string without `?`, or '' */
  rawQuery: string;
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
  const d = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(
    d.getUTCMinutes(),
  )}:${two(d.getUTCSeconds())} +0000`;
}

/** A fresh request id (a UUID, like API Gateway's) and extended request id (base64-ish, ends in `=`). */
export function newRequestIds(): { requestId: string; extendedRequestId: string } {
  return { requestId: randomUUID(), extendedRequestId: `${randomBytes(11).toString('base64').slice(0, 15)}=` };
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
  const nameOf = new Map<string, string>();
  for (const [rawName, value] of rawHeaders) {
    const lower = rawName.toLowerCase();
    if (DROPPED_HEADERS.has(lower)) continue;
    let name = nameOf.get(lower);
    if (!name) {
      name = TITLE_CASED.get(lower) ?? rawName;
      nameOf.set(lower, name);
    }
    single[name] = value;
    (multi[name] ??= []).push(value);
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
  const forwarded: Array<[string, string]> = [
    ['X-Amzn-Trace-Id', `Root=1-${Math.floor(ctx.requestTimeEpoch / 1000).toString(16)}-${randomBytes(12).toString('hex')}`],
    ['X-Forwarded-For', req.sourceIp],
    ['X-Forwarded-Port', String(req.localPort)],
    ['X-Forwarded-Proto', req.protocol],
  ];
  // The gateway appends the client to X-Forwarded-For rather than trusting what the client claims alone.
  const sent = req.rawHeaders.filter(([name]) => !/^x-forwarded-(port|proto)$|^x-amzn-trace-id$/i.test(name));
  const priorXff = sent.filter(([name]) => name.toLowerCase() === 'x-forwarded-for').map(([, v]) => v);
  const withoutXff = sent.filter(([name]) => name.toLowerCase() !== 'x-forwarded-for');
  if (priorXff.length > 0) forwarded[1] = ['X-Forwarded-For', `${priorXff.join(', ')}, ${req.sourceIp}`];
  const headers = collectHeaders([...withoutXff, ...forwarded]);
  const query = parseQuery(req.rawQuery);
  const contentType = headers.single[Object.keys(headers.single).find((k) => k.toLowerCase() === 'content-type') ?? ''];
  const binary = isBinaryMediaType(contentType, ctx.binaryMediaTypes);
  const hasBody = req.body.length > 0;
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
  const nonEmpty = <T>(map: Record<string, T>) => (Object.keys(map).length === 0 ? null : map);
  return {
    resource: ctx.resourcePath,
    path: req.path,
    httpMethod: req.httpMethod,
    headers: nonEmpty(headers.single),
    multiValueHeaders: nonEmpty(headers.multi),
    queryStringParameters: nonEmpty(query.single),
    multiValueQueryStringParameters: nonEmpty(query.multi),
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
      domainPrefix: req.domainName.split('.')[0]!.split(':')[0]!,
      requestTimeEpoch: ctx.requestTimeEpoch,
      requestId: ctx.requestId,
      identity,
      domainName: req.domainName,
      deploymentId: ctx.deploymentId,
      apiId: ctx.apiId,
    },
    body: hasBody ? (binary ? req.body.toString('base64') : req.body.toString('utf8')) : null,
    isBase64Encoded: hasBody && binary,
  };
}
