/**
 * A recording proxy in front of a DynamoDB endpoint: every call passes through unchanged, and which operation hit
 * which table is noted. Least privilege is then checked by behaviour (what the code really called), and "the
 * authorizer never ran" by the partners table never being read.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One DynamoDB call: `dynamodb:GetItem` on a table. */
export interface RecordedCall {
  action: string;
  table: string | undefined;
}

export interface RecordingProxy {
  /** Point `AWS_ENDPOINT_URL_DYNAMODB` here. */
  readonly endpoint: string;
  /** The calls so far, in order. */
  readonly calls: RecordedCall[];
  /** The `dynamodb:` actions called on `table`, sorted, each once. */
  actionsOn(table: string): string[];
  /**
   * Tables whose calls are answered with DynamoDB's 500 `InternalServerError` instead of being forwarded (still
   * recorded): that table's DynamoDB down, every other table answering.
   */
  readonly failing: Set<string>;
  stop(): Promise<void>;
}

export async function startRecordingProxy(upstream: string): Promise<RecordingProxy> {
  const target = new URL(upstream);
  const calls: RecordedCall[] = [];
  const failing = new Set<string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = req.headers['x-amz-target'];
      if (typeof operation === 'string') {
        let table: string | undefined;
        try {
          table = (JSON.parse(body.toString('utf8')) as { TableName?: string }).TableName;
        } catch {
          table = undefined;
        }
        calls.push({ action: `dynamodb:${operation.split('.').pop()}`, table });
        if (table !== undefined && failing.has(table)) {
          res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
          res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' }));
          return;
        }
      }
      const forward = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 500, answer.headers);
        answer.pipe(res);
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    failing,
    actionsOn: (table) => [...new Set(calls.filter((call) => call.table === table).map((call) => call.action))].sort(),
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
