import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** A local server standing in for DynamoDB, with what it has seen. */
export interface FakeDynamo {
  endpoint: string;
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** HTTP requests received so far (0 for a server that never reads them). */
  readonly requests: number;
  /** The `X-Amz-Target` of each request received, in order. */
  readonly targets: readonly string[];
  /** The headers of each request received, in order. */
  readonly headers: readonly IncomingHttpHeaders[];
  stop(): Promise<void>;
}

async function listening(server: Server, sockets: Set<Socket>, counts: { connections: number }): Promise<string> {
  server.on('connection', (socket: Socket) => {
    counts.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function stopper(server: Server, sockets: Set<Socket>): () => Promise<void> {
  return async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}

/** Accepts connections and never answers a byte: a database that hangs. */
export async function startSilentServer(): Promise<FakeDynamo> {
  const sockets = new Set<Socket>();
  const counts = { connections: 0 };
  const server = createNetServer();
  const endpoint = await listening(server, sockets, counts);
  return {
    endpoint,
    get connections() {
      return counts.connections;
    },
    requests: 0,
    targets: [],
    headers: [],
    stop: stopper(server, sockets),
  };
}

/** An endpoint nothing listens on: connecting is refused. */
export async function closedEndpoint(): Promise<string> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** One answer: status and JSON body, as DynamoDB sends them. */
export interface FakeAnswer {
  status: number;
  body: unknown;
}

/** DynamoDB's error body for `code` (e.g. `ProvisionedThroughputExceededException`). */
export function dynamoError(status: number, code: string, message = `${code} (from a test server)`): FakeAnswer {
  return { status, body: { __type: `com.amazonaws.dynamodb.v20120810#${code}`, message } };
}

/**
 * An HTTP server that speaks enough of DynamoDB's JSON protocol to answer each request with the next of `answers`
 * (the last one repeats).
 */
export async function startScriptedServer(answers: readonly FakeAnswer[]): Promise<FakeDynamo> {
  const sockets = new Set<Socket>();
  const counts = { connections: 0, requests: 0 };
  const targets: string[] = [];
  const headers: IncomingHttpHeaders[] = [];
  const server = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const answer = answers[Math.min(counts.requests, answers.length - 1)]!;
    counts.requests++;
    targets.push(String(req.headers['x-amz-target']));
    headers.push(req.headers);
    req.resume().on('end', () => {
      res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(answer.body));
    });
  });
  const endpoint = await listening(server, sockets, counts);
  return {
    endpoint,
    get connections() {
      return counts.connections;
    },
    get requests() {
      return counts.requests;
    },
    targets,
    headers,
    stop: stopper(server, sockets),
  };
}
