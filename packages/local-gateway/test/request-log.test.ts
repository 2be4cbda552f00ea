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
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
    const { stream, writes } = capture();
    const log = createBatchedLog(stream);
    log('a');
    await nextTurn();
    log('b');
    log('c');
    await nextTurn();
    expect(writes).toEqual(['a\n']);
    await sleep(FLUSH_INTERVAL_MS + 5);
    expect(writes).toEqual(['a\n', 'b\nc\n']);
  });

  it('writes pending lines on flush()', () => {
    const { stream, writes } = capture();
    const log = createBatchedLog(stream);
    log('x');
    log.flush();
    expect(writes).toEqual(['x\n']);
  });
});
