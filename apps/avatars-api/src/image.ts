/**
 * What an upload really is: its bytes must be the image its Content-Type says, with sane dimensions. image-size's
 * PNG and JPEG readers (only those two, so the bundle carries no other format's parser).
 */
import { JPG } from 'image-size/types/jpg';
import { PNG } from 'image-size/types/png';
import { View } from 'image-size/types/view';
import type { AvatarType } from './routes';

/** The largest width or height an avatar may have, in pixels. */
export const MAX_DIMENSION = 4096;

const READERS = { 'image/png': PNG, 'image/jpeg': JPG } as const;

/** An image's size, or why the bytes are not one. */
export type ImageCheck = { ok: true; width: number; height: number } | { ok: false; reason: string };

/**
 * Reads the dimensions of a PNG or JPEG, checking the bytes are that format.
 *
 * @example
 * checkImage(bytes, 'image/png'); // { ok: true, width: 64, height: 64 }
 */
export function checkImage(bytes: Uint8Array, type: AvatarType): ImageCheck {
  const reader = READERS[type];
  const name = type === 'image/png' ? 'PNG' : 'JPEG';
  try {
    const view = View.from(bytes);
    if (!reader.validate(view)) return { ok: false, reason: `The body is not a ${name} image` };
    const { width, height } = reader.calculate(view);
    if (!(width > 0 && height > 0)) return { ok: false, reason: `The ${name} image has no size` };
    if (width > MAX_DIMENSION || height > MAX_DIMENSION) {
      return { ok: false, reason: `The image is ${width}x${height}: at most ${MAX_DIMENSION}x${MAX_DIMENSION} pixels` };
    }
    return { ok: true, width, height };
  } catch {
    // The readers throw on truncated or corrupt headers: the client's bytes, not our bug.
    return { ok: false, reason: `The body is not a readable ${name} image` };
  }
}
