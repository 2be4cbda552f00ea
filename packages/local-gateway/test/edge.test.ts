/**
 * The node:http edge: what a public endpoint does with clients that send too much, too slowly, or go away.
 */
import { request as httpRequest } from 'node:http';
import { open, parseResponse, rawGet, send } from './raw-http';
import { startTestGateway, type Harness } from './helpers';

const LIMIT = 10 * 1024 * 1024;

/** POSTs `size` bytes with Connection: close through node:http, writing it in 64 KiB pieces as a client streams a file. */
function postLarge(url: string, size: number): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, method: 'POST', path: '/test/echo', headers: { 'content-length': size, connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    const piece = Buffer.alloc(64 * 1024, 120);
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        const chunk = piece.subarray(0, Math.min(piece.length, size - sent));
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

describe('payloads over the limit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startTestGateway();
  });
  afterAll(() => h.close());

  it('always delivers the 413 to a client streaming 10 MiB + 1 with Connection: close', async () => {
    // Act: several in a row, since a reset loses the answer only some of the time
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await postLarge(h.url, LIMIT + 1));
    // Assert
    for (const answer of answers) expect(answer).toEqual({ status: 413, body: '{"message":"Request Too Long"}' });
  });

  it('answers only once the declared body has arrived, so the client is never cut off mid-send', async () => {
    // Arrange: a declared length over the limit, the body held back until the server had every chance to answer
    const small = await startTestGateway({ maxPayloadBytes: 1024 });
    try {
      const conn = open(small.url);
      conn.socket.write(`POST /test/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\nConnection: close\r\n\r\n`);
      conn.socket.write(Buffer.alloc(1024, 120));
      // Act: wait for the server to answer early or to keep reading (a round trip through the gateway and back)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 300);
        conn.socket.once('data', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      const earlyAnswer = conn.received();
      conn.socket.end(Buffer.alloc(3072, 120));
      const error = await conn.closed;
      // Assert
      expect(earlyAnswer).toBe('');
      expect(error).toBeUndefined();
      expect(parseResponse(conn.received())).toMatchObject({ status: 413, body: '{"message":"Request Too Long"}' });
    } finally {
      await small.close();
    }
  });
});

describe('kept-alive connections', () => {
  it('leave closing an idle connection to the client, and send no Keep-Alive hint to time it by', async () => {
    // Arrange
    const h = await startTestGateway();
    try {
      const conn = open(h.url);
      const request = 'GET /test/echo HTTP/1.1\r\nHost: x\r\n\r\n';
      const first = await send(conn, request);
      // Act: idle past Node.js's 5 s keep-alive (plus its 1 s grace), where undici's 4 s pool timer, fired late by
      // a loaded machine, used to meet the server's close
      await new Promise((resolve) => setTimeout(resolve, 7_000));
      const second = await send(conn, request);
      conn.socket.destroy();
      // Assert
      expect(first).toMatchObject({ status: 200, headers: { connection: 'keep-alive' } });
      expect(first!.headers['keep-alive']).toBeUndefined();
      expect(second).toMatchObject({ status: 200 });
      expect(h.gateway.server.keepAliveTimeout).toBeGreaterThan(60_000);
    } finally {
      await h.close();
    }
  }, 20_000);

  it('still close after the answer when the client asks', async () => {
    // Arrange
    const h = await startTestGateway();
    try {
      // Act
      const answer = await rawGet(h.url, '/test/echo');
      // Assert
      expect(answer).toMatchObject({ status: 200, headers: { connection: 'close' } });
    } finally {
      await h.close();
    }
  });
});

describe('slow and vanishing clients', () => {
  it('sets header and body timeouts a public endpoint would, not Node.js defaults', async () => {
    const h = await startTestGateway();
    try {
      expect(h.gateway.server.headersTimeout).toBe(10_000);
      expect(h.gateway.server.requestTimeout).toBe(30_000);
    } finally {
      await h.close();
    }
  });

  it.each([
    ['headers that trickle in past the header timeout', 'GET /test/echo HTTP/1.1\r\nHost: x\r\nX-Slow: '],
    ['a body that trickles in past the request timeout', 'POST /test/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n'],
  ])('answers 408 and closes the connection for %s', async (_label, start) => {
    // Arrange
    const h = await startTestGateway({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
    try {
      const conn = open(h.url);
      conn.socket.write(start);
      // Act: one more byte every 50 ms, never finishing
      const drip = setInterval(() => conn.socket.write('a'), 50);
      const error = await conn.closed;
      clearInterval(drip);
      // Assert
      expect(error === undefined || /EPIPE|ECONNRESET/.test(error.message)).toBe(true);
      expect(conn.received()).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      await h.close();
    }
  });

  it('logs a client that goes away mid-body as an abort, without a stack trace', async () => {
    // Arrange
    const h = await startTestGateway();
    try {
      const conn = open(h.url);
      conn.socket.write('POST /test/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\npartial');
      // Act
      await new Promise((resolve) => setTimeout(resolve, 50));
      conn.socket.destroy();
      await conn.closed;
      // Assert: the line shows up once the gateway notices
      while (!h.logs.some((line) => line.includes('/test/echo') || line.includes('gateway error'))) await new Promise((resolve) => setTimeout(resolve, 10));
      const lines = h.logs.filter((line) => line.includes('/test/echo') || line.includes('gateway error'));
      expect(lines).toEqual([expect.stringMatching(/^POST \/test\/echo aborted by the client/)]);
      expect(lines[0]).not.toMatch(/\n\s+at /);
    } finally {
      await h.close();
    }
  });
});
