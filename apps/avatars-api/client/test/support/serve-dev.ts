/**
 * `pnpm dev` for avatars-api, as the client's end-to-end test needs it: `startDev` on a free port with the data and
 * work folders given, in a Node process of its own under tsx. Not in jest's process: the cli imports the config
 * bundle and the app's `src/seed.ts` as native ES modules, which jest's CommonJS module system cannot load.
 *
 * Prints one JSON line `{ url, apiKeys }` once the gateway listens, the dev log on stderr; closes everything on
 * SIGTERM, SIGINT or when its stdin ends (the test runner went away).
 *
 *   node --import tsx test/support/serve-dev.ts <dataDir> <workDir>
 */
import { startDev } from '@portico/cli';

const [dataDir, workDir] = process.argv.slice(2);
if (!dataDir || !workDir) throw new Error('usage: serve-dev.ts <dataDir> <workDir>');

const dev = await startDev({
  apis: ['avatars-api'],
  port: 0,
  dataDir,
  workDir,
  log: (line) => process.stderr.write(`${line}\n`),
});
const api = dev.apis[0]!;
process.stdout.write(`${JSON.stringify({ url: api.url, apiKeys: api.gateway.apiKeys.map((key) => key.value) })}\n`);

let closing: Promise<void> | undefined;
const stop = () => {
  closing ??= dev.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.stdin.on('end', stop).resume();
