/** Reading an upload's dimensions: real images are read, anything else is refused without throwing. */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkImage } from '../src/image';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name));

it('reads the size of a real PNG and JPEG', () => {
  expect(checkImage(fixture('avatar.png'), 'image/png')).toEqual({ ok: true, width: 64, height: 48 });
  expect(checkImage(fixture('avatar.jpg'), 'image/jpeg')).toEqual({ ok: true, width: 40, height: 30 });
});

it('never throws, whatever the bytes: random, truncated or corrupted images are refused with a reason', () => {
  const png = fixture('avatar.png');
  const jpeg = fixture('avatar.jpg');
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 2048 }),
        fc.nat({ max: png.length }).map((n) => png.subarray(0, n)),
        fc.nat({ max: jpeg.length }).map((n) => jpeg.subarray(0, n)),
        fc.tuple(fc.nat({ max: png.length - 1 }), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => Buffer.from(png).fill(byte, at, at + 1)),
      ),
      fc.constantFrom('image/png' as const, 'image/jpeg' as const),
      (bytes, type) => {
        const result = checkImage(bytes, type);
        return result.ok ? result.width > 0 && result.height > 0 : result.reason.length > 0;
      },
    ),
    { numRuns: 2000 },
  );
});
