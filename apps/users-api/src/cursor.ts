/**
 * `GET /users` cursors: the DynamoDB exclusive start key of the next page, as base64url JSON. Opaque to clients,
 * but checked on the way back in, because it goes straight into a Scan's `ExclusiveStartKey`.
 */
import { BadRequestError } from '@portico/http';
import type { PageKey } from './store';

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** DynamoDB caps a partition key at 2048 bytes; a cursor can only hold keys this API wrote, far shorter. */
const MAX_KEY_LENGTH = 1024;

/**
 * Encodes a page key as a cursor.
 *
 * @example
 * encodeCursor({ id: '42' }); // 'eyJpZCI6IjQyIn0'
 */
export function encodeCursor(key: PageKey): string {
  return Buffer.from(JSON.stringify({ id: key.id }), 'utf8').toString('base64url');
}

function invalidCursor(): never {
  throw new BadRequestError('cursor is not one this API returned: pass nextCursor from a previous page unchanged', {
    code: 'INVALID_CURSOR',
    details: [{ pointer: '/cursor', in: 'query', message: 'Invalid cursor', code: 'invalid_cursor' }],
  });
}

/**
 * Decodes a cursor back into a page key.
 *
 * @throws {BadRequestError} (400, code `INVALID_CURSOR`) unless the cursor is exactly one {@link encodeCursor}
 *   could have produced: canonical base64url of `{"id": <non-empty string>}` and nothing else.
 */
export function decodeCursor(cursor: string): PageKey {
  if (!BASE64URL.test(cursor)) invalidCursor();
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    invalidCursor();
  }
  if (typeof key !== 'object' || key === null || Array.isArray(key)) invalidCursor();
  const { id } = key as { id?: unknown };
  if (
    typeof id !== 'string' ||
    id.length === 0 ||
    id.length > MAX_KEY_LENGTH ||
    LONE_SURROGATE.test(id) ||
    // Round-tripping rejects extra keys and non-canonical spellings, so one page has one cursor (and one cache key).
    encodeCursor({ id }) !== cursor
  ) {
    invalidCursor();
  }
  return { id };
}
