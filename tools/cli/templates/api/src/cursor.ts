/**
 * `GET /items` cursors: the key of the last item of a page, as base64url JSON. Opaque to clients, but checked on the
 * way back in, because it becomes the next Scan's `ExclusiveStartKey`.
 */
import { BadRequestError } from '@portico/http';
import { isItemId, type PageKey } from './store';

/**
 * Encodes a page key as a cursor.
 *
 * @example
 * encodeCursor({ id: '0b6f3c5e-8a1d-4c2b-9e7f-1a2b3c4d5e6f' }); // 'eyJpZCI6IjBiNmYzYzVlLThhMWQtNGMyYi05ZTdmLTFhMmIzYzRkNWU2ZiJ9'
 */
export function encodeCursor(key: PageKey): string {
  return Buffer.from(JSON.stringify({ id: key.id }), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor back into a page key.
 *
 * @throws {BadRequestError} (400, code `INVALID_CURSOR`) unless the cursor is exactly one {@link encodeCursor} could
 *   have written: extra keys or another spelling of the same key are refused, so one page has one cursor.
 */
export function decodeCursor(cursor: string): PageKey {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  const id = typeof key === 'object' && key !== null ? (key as { id?: unknown }).id : undefined;
  if (typeof id !== 'string' || !isItemId(id) || encodeCursor({ id }) !== cursor) {
    throw new BadRequestError('cursor is not one this API returned: pass nextCursor from the previous page unchanged', {
      code: 'INVALID_CURSOR',
      details: [{ pointer: '/cursor', in: 'query', message: 'Invalid cursor', code: 'invalid_cursor' }],
    });
  }
  return { id };
}
