import { clientError } from './errors';

/** Default body limit: 1 MiB of decoded bytes. */
export const DEFAULT_BODY_LIMIT = 1_048_576;

/** `application/json` and any `application/*+json`, with or without parameters such as `charset`. */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** Keys that could reach an object's prototype when a parsed body is later merged or spread. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Only bodies containing one of these can hold a forbidden key (a `\u` escape could spell one). */
const SUSPECT = /__proto__|constructor|prototype|\\u/;

/**
 * Whether a `Content-Type` value is JSON.
 *
 * @example
 * isJsonContentType('application/merge-patch+json; charset=utf-8'); // true
 */
export function isJsonContentType(contentType: string | undefined): boolean {
  return contentType === 'application/json' || (contentType !== undefined && JSON_MEDIA_TYPE.test(contentType));
}

/**
 * Why the app refuses a request before its handler runs: a status, a message and a stable code. Returned rather
 * than thrown: building an Error costs more than the rest of a request, and a refusal is an everyday answer.
 */
export class Refusal {
  constructor(
    readonly status: number,
    readonly message: string,
    readonly code: string,
  ) {}
}

const MALFORMED_JSON = new Refusal(400, 'Request body is not valid JSON', 'MALFORMED_JSON');

/**
 * Parses a JSON request body, or says why not: 415 unless the content type is JSON, 400 when it does not parse or
 * contains a key (`__proto__`, `constructor`, `prototype`) that could pollute prototypes downstream. Takes the text
 * rather than bytes: API Gateway delivers text bodies as strings, and a round trip through a Buffer costs on every POST.
 *
 * @example
 * parseJsonBody('{"name":"Ada"}', 'application/json'); // { name: 'Ada' }
 * parseJsonBody('{"name":', 'application/json'); // Refusal { status: 400, code: 'MALFORMED_JSON', … }
 */
export function parseJsonBody(source: string, contentType: string | undefined): unknown {
  if (!isJsonContentType(contentType)) {
    const got = contentType ? `"${contentType}"` : 'no Content-Type';
    return new Refusal(415, `Expected a JSON body (Content-Type: application/json), got ${got}`, 'UNSUPPORTED_MEDIA_TYPE');
  }
  // The parser's SyntaxError is only a signal here; without a stack it costs a fraction as much.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return SUSPECT.test(source) ? JSON.parse(source, rejectForbiddenKeys) : JSON.parse(source);
  } catch (error) {
    return error instanceof Refusal ? error : MALFORMED_JSON;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function rejectForbiddenKeys(key: string, value: unknown): unknown {
  // Thrown to stop the parse, caught right above; a plain object, so no stack is captured.
  if (FORBIDDEN_KEYS.has(key)) throw new Refusal(400, `Request body contains the forbidden key "${key}"`, 'FORBIDDEN_KEY');
  return value;
}

/**
 * Refuses a body over `limit` bytes with 413. Text is measured as UTF-8 only when it might be too large: UTF-8
 * takes at most 3 bytes per UTF-16 unit, so most bodies are clearly small enough without counting.
 *
 * @example
 * checkBodySize('{"name":"Ada"}', 1024); // passes
 */
export function checkBodySize(body: string | Uint8Array, limit: number): void {
  const size = typeof body !== 'string' ? body.byteLength : body.length * 3 <= limit ? 0 : Buffer.byteLength(body, 'utf8');
  if (size > limit) throw clientError(413, `Request body is larger than ${limit} bytes`);
}

/**
 * The body as text, for JSON parsing: text as sent, bytes decoded as UTF-8.
 *
 * @example
 * bodyText(Buffer.from('{"a":1}')); // '{"a":1}'
 */
export function bodyText(body: string | Uint8Array | undefined): string | undefined {
  if (body === undefined || typeof body === 'string') return body || undefined;
  return body.byteLength ? Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8') : undefined;
}
