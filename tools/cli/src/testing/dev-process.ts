/**
 * `pnpm dev` for a test: the APIs named, served by `startDev` (watch builds, dev stacks, dynalite, local gateways) on
 * free ports with private data and work folders, in a child process (`serve-dev.ts`), as a client's end-to-end test
 * calls them.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVE_DEV = fileURLToPath(new URL('./serve-dev.ts', import.meta.url));
const CLI_DIR = fileURLToPath(new URL('../..', import.meta.url));

/** One API as the dev server serves it. */
export interface DevApi {
  readonly name: string;
  /** The stage URL, e.g. `http://127.0.0.1:41234/dev`. */
  readonly url: string;
  /** The values of the stage's API keys, one per usage plan. */
  readonly apiKeys: readonly string[];
}

/** A running dev server. */
export interface DevProcess {
  readonly apis: readonly DevApi[];
  /** What it logged so far (its stderr): one line per request, builds, the seed. */
  readonly log: string;
  /** Stops it (the gateways, dynalite, the watch builds) and removes its folders. */
  stop(): Promise<void>;
}

/**
 * Starts `pnpm dev` for `apis` in a child process; resolves once every gateway listens.
 *
 * @example
 * const dev = await startDevProcess(['orders-api']);
 * const orders = createOrdersApiClient({ baseUrl: dev.apis[0].url, apiKey: dev.apis[0].apiKeys[0] });
 * await dev.stop();
 */
export function startDevProcess(apis: readonly string[]): Promise<DevProcess> {
  const temp = mkdtempSync(join(tmpdir(), 'portico-dev-'));
  const args = JSON.stringify({ apis, dataDir: join(temp, 'dynamodb'), workDir: join(temp, 'dev') });
  const child = spawn(process.execPath, ['--import', 'tsx', SERVE_DEV, args], { cwd: CLI_DIR, stdio: ['pipe', 'pipe', 'pipe'] });
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(temp, { recursive: true, force: true });
  };
  return new Promise((resolve, reject) => {
    let line = '';
    child.stdout.on('data', (chunk: Buffer) => {
      line += chunk.toString();
      if (!line.includes('\n')) return;
      const { apis: served } = JSON.parse(line.slice(0, line.indexOf('\n'))) as { apis: DevApi[] };
      resolve({
        apis: served,
        get log() {
          return log;
        },
        stop,
      });
    });
    child.once('exit', (code) => {
      rmSync(temp, { recursive: true, force: true });
      reject(new Error(`pnpm dev exited with ${code} before serving:\n${log}`));
    });
  });
}
