/// <reference path="./dynalite-module.d.ts" />
/**
 * dynalite (an in-process DynamoDB) on loopback, for tests of code that talks to DynamoDB: a real server speaking
 * the real protocol, never an in-memory stand-in for the store.
 */
import type { AddressInfo } from 'node:net';

/** A running dynalite. */
export interface LocalDynamoDb {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** TCP connections it has accepted so far (keep-alive checks). */
  readonly connections: number;
  stop(): Promise<void>;
}

/**
 * Starts dynalite on 127.0.0.1 and a free port, tables created and deleted at once (no simulated delays).
 *
 * @example
 * const dynamo = await startDynalite();
 * const db = createDynamoDb({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } });
 * await dynamo.stop();
 */
export async function startDynalite(options: { path?: string } = {}): Promise<LocalDynamoDb> {
  const { default: dynalite } = await import('dynalite');
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  let connections = 0;
  server.on('connection', () => connections++);
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get connections() {
      return connections;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
