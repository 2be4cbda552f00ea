/**
 * `pnpm dev` in a Node process of its own, for {@link startDevProcess}: `startDev` for the APIs, port and folders
 * given, under tsx. Not in a test runner's process: the cli imports each API's config bundle and `src/seed.ts` as
 * native ES modules, which jest's CommonJS module system cannot load.
 *
 * Prints one JSON line `{ apis: [{ name, url, apiKeys }] }` once the gateways listen, the dev log on stderr; closes
 * everything on SIGTERM, SIGINT or when its stdin ends (the test runner went away).
 *
 *   node --import tsx serve-dev.ts '{"apis":["orders-api"],"dataDir":"…","workDir":"…"}'
 */
import { startDev } from '../dev';

const { apis, dataDir, workDir } = JSON.parse(process.argv[2] ?? '{}') as { apis?: string[]; dataDir?: string; workDir?: string };
if (!apis || !dataDir || !workDir) throw new Error('usage: serve-dev.ts \'{"apis":[…],"dataDir":"…","workDir":"…"}\'');

const dev = await startDev({ apis, port: 0, dataDir, workDir, log: (line) => process.stderr.write(`${line}\n`) });
const served = dev.apis.map((api) => ({ name: api.name, url: api.url, apiKeys: api.gateway.apiKeys.map((key) => key.value) }));
process.stdout.write(`${JSON.stringify({ apis: served })}\n`);

let closing: Promise<void> | undefined;
const stop = () => {
  closing ??= dev.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.stdin.on('end', stop).resume();
