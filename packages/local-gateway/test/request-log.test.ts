import { Writable } from 'node:stream';
import { createBatchedLog, FLUSH_INTERVAL_MS } from '../src/request-log';

function capture() {
  const writes: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push(chunk.toString());
      done();
    },
  });
  return { stream, writes };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
/** Waits, however long the machine takes, until the log has written `count` times. */
async function writesOf(writes: string[], count: number): Promise<void> {
  while (writes.length < count) await new Promise((resolve) => setTimeout(resolve, 1));
}

describe('batched request log', () => {
  it('writes a lone line on the next turn of the event loop', async () => {
    // Arrange
    const { stream, writes } = capture();
    const log = createBatchedLog(stream);
    // Act
    log('GET /dev/hello 200 1ms');
    // Assert
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual(['GET /dev/hello 200 1ms\n']);
  });

  it('coalesces the lines of one interval into one write, in order', async () => {
    // Arrange: a clock that stands still, so the second and third lines fall in the first line's interval however
    // slowly this machine runs
    const { stream, writes } = capture();
    const log = createBatchedLog(stream, () => 1_000);
    log('a');
    await nextTurn();
    // Act
    log('b');
    log('c');
    await nextTurn();
    // Assert
    expect(writes).toEqual(['a\n']);
    await writesOf(writes, 2);
    expect(writes).toEqual(['a\n', 'b\nc\n']);
  });

  it('writes a line at once when the interval since the last write has passed', async () => {
    let now = 1_000;
    const { stream, writes } = capture();
    const log = createBatchedLog(stream, () => now);
    log('a');
    await nextTurn();
    now += FLUSH_INTERVAL_MS;
    log('b');
    await nextTurn();
    expect(writes).toEqual(['a\n', 'b\n']);
  });

  it('writes pending lines on flush()', () => {
    const { stream, writes } = capture();
    const log = createBatchedLog(stream);
    log('x');
    log.flush();
    expect(writes).toEqual(['x\n']);
  });
});
