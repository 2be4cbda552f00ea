/**
 * The request log's default sink. One line per request is part of the contract (`pnpm dev`, the CLI), but writing
 * each line with its own synchronous `write()` costs a system call per request on the gateway's only thread. Lines are
 * collected instead and written together once per event-loop turn, and whatever is pending when the process exits is
 * written before it does.
 */
import type { Writable } from 'node:stream';

/** A line sink with an explicit flush. */
export interface LineLog {
  (line: string): void;
  flush(): void;
}

/**
 * Batches lines into one write per event-loop turn.
 *
 * @example
 * const log = createBatchedLog(process.stdout);
 * log('GET /dev/hello 200 1ms'); // written on the next turn of the event loop, with its neighbours
 */
export function createBatchedLog(stream: Writable): LineLog {
  let pending = '';
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending === '') return;
    const text = pending;
    pending = '';
    stream.write(text);
  };
  const exitFlush = () => flush();
  let hooked = false;
  const log = ((line: string) => {
    pending += `${line}\n`;
    if (scheduled) return;
    scheduled = true;
    if (!hooked) {
      hooked = true;
      process.once('exit', exitFlush);
    }
    setImmediate(flush);
  }) as LineLog;
  log.flush = flush;
  return log;
}
