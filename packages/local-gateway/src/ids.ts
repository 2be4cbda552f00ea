/**
 * The ids API Gateway gives a request: a request id (a UUID), an extended request id (base64-ish, ends in `=`) and an
 * X-Ray trace id. Random bytes come from a pool refilled a few kilobytes at a time: one `randomFillSync` call per
 * request (two, with the trace id) costs more than the ids are worth.
 */
import { randomFillSync, randomUUID } from 'node:crypto';

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

/**
 * @example
 * newRequestIds(); // { requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef', extendedRequestId: 'KbGcrHk7PHcFbMw=' }
 */
export function newRequestIds(): { requestId: string; extendedRequestId: string } {
  return { requestId: randomUUID(), extendedRequestId: `${randomSlice(11).toString('base64').slice(0, 15)}=` };
}

/**
 * An X-Ray root trace id, `Root=1-<epoch seconds, hex>-<24 hex digits>`.
 *
 * @example
 * newTraceId(Date.UTC(2026, 10, 24)); // 'Root=1-6923a080-0f3c…'
 */
export function newTraceId(epochMs: number): string {
  return `Root=1-${Math.floor(epochMs / 1000).toString(16)}-${randomSlice(12).toString('hex')}`;
}
