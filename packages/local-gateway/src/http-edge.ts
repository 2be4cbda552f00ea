/**
 * The gateway's edge on node:http: accepting connections with the timeouts a public endpoint keeps, reading the
 * payload within API Gateway's limit, turning each request into a {@link RequestContext}, writing the answer in one
 * piece, and one log line per request. It knows nothing of routes or integrations: `handle` does.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { collectHeaders } from '@portico/http';
import type { Clock } from './clock';
import { newRequestIds } from './ids';
import type { HttpResult } from './proxy-result';
import type { RequestContext } from './request-context';

/** API Gateway's hard payload limit. */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
/** The longest a client may take to send its request line and headers. */
export const HEADERS_TIMEOUT_MS = 10_000;
/** The longest a client may take to send a whole request, body included (10 MiB at under 3 Mbit/s still fits). */
export const REQUEST_TIMEOUT_MS = 30_000;
/**
 * How long an idle kept-alive connection stays open. A server that closes an idle connection races the client's next
 * request on it (the client sees ECONNRESET for a request the server never read), so the client must always be the
 * side that closes first: this is longer than any common client keeps an idle connection (undici 4 s, Node.js's agent
 * and browsers by the server's hint or about a minute, CloudFront's origin keep-alive at most 60 s), and no hint is
 * sent, as API Gateway sends none.
 */
export const KEEP_ALIVE_IDLE_MS = 65_000;

export interface EdgeOptions {
  clock: Clock;
  log: (line: string) => void;
  maxPayloadBytes: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** Everything after the payload has arrived. */
  handle(ctx: RequestContext): Promise<HttpResult>;
  /** The answer to a payload over the limit (413 through the gateway responses). */
  tooLarge(ctx: RequestContext): HttpResult;
}

const EMPTY_BODY = Buffer.alloc(0);

/**
 * @example
 * const server = createEdge({ clock, log, maxPayloadBytes: MAX_PAYLOAD_BYTES, headersTimeoutMs: 10_000,
 *   requestTimeoutMs: 30_000, handle: (ctx) => handleRequest(runtime, ctx), tooLarge: (ctx) => reject(runtime, ctx, requestTooLarge()) });
 * server.listen(3000);
 */
export function createEdge(options: EdgeOptions): Server {
  const { clock, log } = options;
  const server = createServer(
    {
      headersTimeout: options.headersTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      // How often Node.js checks those two timeouts; its default (30 s) would let a slow client overstay by as much.
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(options.headersTimeoutMs / 4))),
    },
    (req, res) => {
      void serve(req, res).catch((error: unknown) => {
        log(`gateway error: ${(error as Error).stack ?? String(error)}`);
        if (!res.headersSent) res.writeHead(500).end('{"message":"Internal server error"}');
      });
    },
  );
  server.keepAliveTimeout = KEEP_ALIVE_IDLE_MS;
  // Answers are written in one piece; don't let Nagle hold the last segment back waiting for an ACK.
  server.on('connection', (socket: Socket) => socket.setNoDelay(true));

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const ctx = contextOf(req, clock.now());
    // Read the payload first: API Gateway rejects oversize requests before routing them. A request without
    // Content-Length or Transfer-Encoding has no body in HTTP/1.1, so there is nothing to wait for.
    const payload = hasPayload(req) ? await readBody(req, options.maxPayloadBytes) : EMPTY_BODY;
    if (payload === 'aborted') {
      log(`${ctx.httpMethod} ${ctx.rawPath} aborted by the client before its body arrived`);
      return;
    }
    let result: HttpResult;
    if (payload === 'too-large') result = options.tooLarge(ctx);
    else {
      ctx.body = payload;
      result = await options.handle(ctx);
    }
    if (res.destroyed) {
      log(`${ctx.httpMethod} ${ctx.rawPath} ${result.statusCode} ${Math.round(performance.now() - started)}ms${ctx.note} (the client went away)`);
      return;
    }
    const headers: string[] = [];
    for (const { name, values } of result.headers.values()) for (const value of values) headers.push(name, value);
    // The body is complete before the answer starts, so say how long it is, as API Gateway does, rather than let
    // node:http fall back to chunked encoding (extra framing for every client to parse).
    if (mayHaveBody(result.statusCode)) headers.push('Content-Length', String(result.body.length));
    // Said explicitly, so node:http adds no `Keep-Alive: timeout=` hint: a client that took the hint would time its
    // idle connections to the server's own close and race it. (A proxy result cannot set this: it is remapped.)
    if (res.shouldKeepAlive) headers.push('Connection', 'keep-alive');
    res.writeHead(result.statusCode, headers);
    res.end(result.body);
    log(`${ctx.httpMethod} ${ctx.rawPath} ${result.statusCode} ${Math.round(performance.now() - started)}ms${ctx.note}`);
  }

  return server;
}

function contextOf(req: IncomingMessage, epoch: number): RequestContext {
  const { requestId, extendedRequestId } = newRequestIds();
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const rawHeaders = req.rawHeaders;
  return {
    httpMethod: req.method ?? 'GET',
    rawPath: q === -1 ? rawUrl : rawUrl.slice(0, q),
    rawQuery: q === -1 ? '' : rawUrl.slice(q + 1),
    rawHeaders,
    headers: collectHeaders(rawHeaders).single,
    body: EMPTY_BODY,
    sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    host: req.headers.host ?? '',
    localPort: req.socket.localPort ?? 0,
    requestId,
    extendedRequestId,
    epoch,
    path: '/',
    pathParameters: Object.create(null) as Record<string, string>,
    note: '',
  };
}

/** 1xx, 204 and 304 answers never carry a body, nor a Content-Length (RFC 9110). */
function mayHaveBody(statusCode: number): boolean {
  return statusCode >= 200 && statusCode !== 204 && statusCode !== 304;
}

/** HTTP/1.1 requests carry a body only when they say so with Content-Length or Transfer-Encoding. */
function hasPayload(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/**
 * The whole payload, or 'too-large' once it is all in and over the limit, or 'aborted' when the client went away.
 * An oversize body is read to its end and dropped rather than cut off: answering while the client is still sending
 * (and closing, with `Connection: close`) resets the connection under it, and the client sees `EPIPE` instead of the
 * 413. The request timeout bounds how long that can take.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = Number(req.headers['content-length'] ?? 0) > limit;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? 'too-large' : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    // 'aborted' (the client closed mid-body) comes as an error on the request; either way nothing more will arrive.
    req.on('error', () => resolve('aborted'));
    req.on('close', () => {
      if (!req.complete) resolve('aborted');
    });
  });
}
