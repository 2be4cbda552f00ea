// @ts-check
// dynalite in a process of its own, so the database's work (LevelDB, JSON, its event loop) never queues behind the
// gateway's or delays it. Started by local-dynamodb.ts with fork(); tells its port over the IPC channel once listening
// and closes its store cleanly when told to stop or when its parent goes away. Plain JavaScript: it runs as-is under
// Node, from src/ in development and from dist/ when built.
import { mkdirSync } from 'node:fs';
import dynalite from 'dynalite';

/** @type {{ dataDir?: string, port?: number }} */
const options = JSON.parse(process.argv[2] ?? '{}');
if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
const server = dynalite({ path: options.dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  server.closeAllConnections?.();
  // dynalite's close also closes the LevelDB store, so everything written is on disk before the process ends.
  server.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
// Ctrl-C reaches every process of the terminal's group; the parent decides when the database stops.
process.on('SIGINT', () => undefined);
process.on('disconnect', stop);
process.on('message', (/** @type {{ type?: string }} */ msg) => {
  if (msg?.type === 'stop') stop();
});

server.once('error', (/** @type {Error} */ error) => {
  process.send?.({ type: 'error', message: error.message });
  process.exit(1);
});
server.listen(options.port ?? 0, '127.0.0.1', () => {
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  process.send?.({ type: 'listening', port: address.port });
});
