import { HttpError } from '@portico/http';
import { decodeCursor, encodeCursor } from '../src/cursor';

describe('cursors', () => {
  it('round-trip a page key through an opaque base64url string', () => {
    const key = { id: '0b1c9a3e-1111-4222-8333-444455556666' };

    const cursor = encodeCursor(key);

    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(key);
  });

  it('reject anything encodeCursor could not have produced with a 400', () => {
    const padded = `${encodeCursor({ id: 'x' })}=`;

    const thrown = (() => {
      try {
        decodeCursor(padded);
      } catch (error) {
        return error;
      }
    })();

    expect(thrown).toBeInstanceOf(HttpError);
    expect(thrown).toMatchObject({ status: 400, code: 'INVALID_CURSOR' });
  });
});
