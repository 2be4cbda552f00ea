/**
 * Requests written byte for byte on a socket, for what fetch would normalise or refuse: a path with `//` or escapes
 * kept as typed, a header named `__proto__`, a body sent at a pace the test decides.
 */
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Parses one HTTP/1.1 response with a Content-Length (the gateway never answers chunked); a HEAD answer has no body. */
export function parseResponse(text: string, head = false): RawResponse | undefined {
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = Object.create(null);
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = head ? 0 : Number(headers['content-length'] ?? 0);
  const body = text.slice(end + 4);
  if (Buffer.byteLength(body) < length) return undefined;
  return { status: Number(statusLine!.split(' ')[1]), headers, body };
}

export interface RawExchange {
  socket: Socket;
  /** Everything the server wrote so far. */
  received(): string;
  /** Resolves when the server closes the connection (or it fails), with the error if any. */
  closed: Promise<Error | undefined>;
}

/** Opens a connection to the gateway's host and port. */
export function open(url: string): RawExchange {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let text = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (text += chunk));
  const closed = new Promise<Error | undefined>((resolve) => {
    let failure: Error | undefined;
    socket.on('error', (error) => (failure = error));
    socket.on('close', () => resolve(failure));
  });
  return { socket, received: () => text, closed };
}

/** Sends one complete request and resolves to the answer once the server closes (Connection: close). */
export async function exchange(url: string, head: string, body: Buffer | string = ''): Promise<RawResponse> {
  const conn = open(url);
  conn.socket.write(head.endsWith('\r\n\r\n') ? head : `${head}\r\n\r\n`);
  if (body.length > 0) conn.socket.write(body);
  const error = await conn.closed;
  const parsed = parseResponse(Buffer.from(conn.received(), 'latin1').toString('utf8'), head.startsWith('HEAD '));
  if (!parsed) throw error ?? new Error(`incomplete answer: ${JSON.stringify(conn.received().slice(0, 200))}`);
  return parsed;
}

/**
 * Writes one request on an open, kept-alive connection and resolves with its answer once it is complete, or with
 * undefined when the server closes the connection first.
 */
export async function send(conn: RawExchange, request: string): Promise<RawResponse | undefined> {
  const from = conn.received().length;
  let closed = false;
  void conn.closed.then(() => (closed = true));
  conn.socket.write(request);
  for (;;) {
    const answer = parseResponse(conn.received().slice(from));
    if (answer || closed) return answer;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A GET with the path exactly as given. */
export function rawGet(url: string, pathAndQuery: string, headers: string[] = []): Promise<RawResponse> {
  const { host } = new URL(url);
  return exchange(url, [`GET ${pathAndQuery} HTTP/1.1`, `Host: ${host}`, 'Connection: close', ...headers].join('\r\n'));
}
