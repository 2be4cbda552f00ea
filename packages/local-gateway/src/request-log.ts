/**
 * The request log's default sink. One line per request is part of the contract (`pnpm dev`, the CLI), but writing
 * each line with its own `write()` costs a system call per request on the gateway's only thread, and stdout to a file or
 * a pipe is written synchronously. Lines are collected instead: the first line after a quiet spell is written on the
 * next turn of the event loop, so a lone request shows up at once; under sustained traffic the lines of each
 * `FLUSH_INTERVAL_MS` go out in one write. Whatever is pending when the process exits is written before it does.
 */
import type { Writable } from 'node:stream';

/** Longest a line waits under sustained traffic; short enough to read as immediate on a terminal. */
export const FLUSH_INTERVAL_MS = 20;

/** A line sink with an explicit flush. */
export interface LineLog {
  (line: string): void;
  flush(): void;
}

/**
 * Batches lines into at most one write per {@link FLUSH_INTERVAL_MS}.
 *
 * `now` (milliseconds, monotonic) is injectable so a test decides how much time passed between lines.
 *
 * @example
 * const log = createBatchedLog(process.stdout);
 * log('GET /dev/hello 200 1ms'); // written on the next turn of the event loop, with its neighbours
 */
export function createBatchedLog(stream: Writable, now: () => number = () => performance.now()): LineLog {
  let pending = '';
  let scheduled = false;
  let lastWrite = -Infinity;
  const flush = () => {
    scheduled = false;
    if (pending === '') return;
    const text = pending;
    pending = '';
    lastWrite = now();
    stream.write(text);
  };
  let hooked = false;
  const log = ((line: string) => {
    pending += `${line}\n`;
    if (scheduled) return;
    scheduled = true;
    if (!hooked) {
      hooked = true;
      process.once('exit', () => flush());
    }
    const wait = lastWrite + FLUSH_INTERVAL_MS - now();
    if (wait <= 0) setImmediate(flush);
    // Unref'd: a pending line never keeps the process alive; the exit hook writes it.
    else setTimeout(flush, wait).unref();
  }) as LineLog;
  log.flush = flush;
  return log;
}
