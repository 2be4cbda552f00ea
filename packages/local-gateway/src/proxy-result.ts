/**
 * Checks a Lambda proxy result the way API Gateway does and turns it into an HTTP response.
 *
 * What API Gateway accepts (and this mirrors): a JSON object whose only keys are `statusCode`, `headers`,
 * `multiValueHeaders`, `body` and `isBase64Encoded`; every one is optional. A missing `statusCode` means 200
 * (AWS behaviour, also what LocalStack's AWS-validated snapshots show). `statusCode` may be a number or a numeric
 * string in 100..599; `body` must be a string when present; header values must be strings (booleans are accepted
 * and sent as "true"/"false"); anything else is "Malformed Lambda proxy response" → 502.
 *
 * Headers the gateway sets itself are not the function's to set: a function's `Content-Length`, `Date`, `Server`,
 * `Connection`, `Authorization`, `WWW-Authenticate` or `x-amzn-RequestId` reaches the client renamed
 * `x-amzn-Remapped-<name>`, as REST APIs answer. `Transfer-Encoding` is renamed the same way: the gateway sends the
 * whole body with its length, so the function's framing must not contradict it.
 */
import { isBinaryMediaType } from './proxy-event';

export interface HttpResult {
  statusCode: number;
  /** lower-case name → values */
  headers: Map<string, { name: string; values: string[] }>;
  body: Buffer;
}

export type ProxyResultCheck = { ok: true; result: HttpResult } | { ok: false; reason: string };

const ALLOWED_KEYS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']);
const REMAPPED_HEADERS = new Set([
  'authorization',
  'connection',
  'content-length',
  'date',
  'server',
  'transfer-encoding',
  'www-authenticate',
  'x-amzn-requestid',
]);

/** The name a function's response header reaches the client under. */
function responseHeaderName(name: string): string {
  return REMAPPED_HEADERS.has(name.toLowerCase()) ? `x-amzn-Remapped-${name}` : name;
}

/**
 * Validates a parsed Lambda payload and builds the response. `accept` decides whether a base64 body is decoded:
 * API Gateway only converts when the first `Accept` media type is a binary media type of the API; a request without
 * `Accept` gets the base64 text.
 *
 * @example
 * const check = checkProxyResult({ statusCode: 201, body: '{}' }, { accept: undefined, binaryMediaTypes: [] });
 * if (check.ok) check.result.statusCode; // 201
 */
export function checkProxyResult(
  payload: unknown,
  options: { accept: string | undefined; binaryMediaTypes: string[] },
): ProxyResultCheck {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return { ok: false, reason: 'result is not a JSON object' };
  const result = payload as Record<string, unknown>;
  for (const key of Object.keys(result)) {
    if (!ALLOWED_KEYS.has(key)) return { ok: false, reason: `unexpected field "${key}"` };
  }
  let statusCode = 200;
  if (result.statusCode !== undefined && result.statusCode !== null) {
    const raw = result.statusCode;
    const parsed = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isInteger(parsed) || parsed < 100 || parsed > 599) return { ok: false, reason: `invalid statusCode ${JSON.stringify(raw)}` };
    statusCode = parsed;
  }
  if (result.body !== undefined && result.body !== null && typeof result.body !== 'string') {
    return { ok: false, reason: 'body is not a string' };
  }
  if (result.isBase64Encoded !== undefined && result.isBase64Encoded !== null && typeof result.isBase64Encoded !== 'boolean') {
    return { ok: false, reason: 'isBase64Encoded is not a boolean' };
  }
  const headers = new Map<string, { name: string; values: string[] }>();
  const headerValue = (v: unknown): string | undefined =>
    typeof v === 'string' ? v : typeof v === 'boolean' ? String(v) : undefined;
  if (result.headers !== undefined && result.headers !== null) {
    if (typeof result.headers !== 'object' || Array.isArray(result.headers)) return { ok: false, reason: 'headers is not an object' };
    for (const [name, raw] of Object.entries(result.headers)) {
      const value = headerValue(raw);
      if (value === undefined) return { ok: false, reason: `header "${name}" is not a string` };
      const sent = responseHeaderName(name);
      headers.set(sent.toLowerCase(), { name: sent, values: [value] });
    }
  }
  if (result.multiValueHeaders !== undefined && result.multiValueHeaders !== null) {
    if (typeof result.multiValueHeaders !== 'object' || Array.isArray(result.multiValueHeaders)) {
      return { ok: false, reason: 'multiValueHeaders is not an object' };
    }
    for (const [name, raw] of Object.entries(result.multiValueHeaders)) {
      if (!Array.isArray(raw)) return { ok: false, reason: `multiValueHeaders "${name}" is not a list` };
      const values: string[] = [];
      for (const item of raw) {
        const value = headerValue(item);
        if (value === undefined) return { ok: false, reason: `multiValueHeaders "${name}" holds a non-string` };
        values.push(value);
      }
      // Same name in both maps: API Gateway merges them into one list, a pair given in both appearing once (the
      // proxy integration's output format docs).
      const sent = responseHeaderName(name);
      const key = sent.toLowerCase();
      const single = headers.get(key);
      headers.set(key, { name: single?.name ?? sent, values: single ? [...single.values.filter((v) => !values.includes(v)), ...values] : values });
    }
  }
  if (!headers.has('content-type')) headers.set('content-type', { name: 'Content-Type', values: ['application/json'] });

  const text = typeof result.body === 'string' ? result.body : '';
  let body: Buffer;
  if (result.isBase64Encoded === true) {
    // Only the client's first Accept media type decides, never the function's Content-Type: without an Accept header
    // nothing asks for binary, so the base64 text goes out as it is (AWS docs, "Content type conversions").
    const firstAccept = options.accept?.split(',')[0]?.trim();
    body = firstAccept && isBinaryMediaType(firstAccept, options.binaryMediaTypes) ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  } else {
    body = Buffer.from(text, 'utf8');
  }
  return { ok: true, result: { statusCode, headers, body } };
}
