import { clientError, HttpError } from './errors';

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
 * Parses a JSON request body: 415 unless the content type is JSON, 400 when it does not parse or contains a key
 * (`__proto__`, `constructor`, `prototype`) that could pollute prototypes downstream. Takes the text rather than
 * bytes: API Gateway delivers text bodies as strings, and a round trip through a Buffer costs on every POST.
 *
 * @example
 * parseJsonBody('{"name":"Ada"}', 'application/json'); // { name: 'Ada' }
 */
export function parseJsonBody(source: string, contentType: string | undefined): unknown {
  if (!isJsonContentType(contentType)) {
    throw clientError(415, `Expected a JSON body (Content-Type: application/json), got ${contentType ? `"${contentType}"` : 'no Content-Type'}`);
  }
  // The parser's SyntaxError is only a signal here; without a stack it costs a fraction as much.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return SUSPECT.test(source) ? JSON.parse(source, rejectForbiddenKeys) : JSON.parse(source);
  } catch (error) {
    throw error instanceof HttpError ? error : clientError(400, 'Request body is not valid JSON', 'MALFORMED_JSON');
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function rejectForbiddenKeys(key: string, value: unknown): unknown {
  if (FORBIDDEN_KEYS.has(key)) throw clientError(400, `Request body contains the forbidden key "${key}"`, 'FORBIDDEN_KEY');
  return value;
}
