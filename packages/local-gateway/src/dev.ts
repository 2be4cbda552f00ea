/**
 * `pnpm dev` for the users API: one command that builds the function in watch mode, synthesizes the stage's stack,
 * starts a persisted DynamoDB (dynalite, in a process of its own), creates and seeds the table, and serves the stage through the
 * local gateway with hot reload. What runs is what `cdktf synth` says is deployed, except the function code, which
 * comes from the watch build (`.portico/dev/users-api/handler.mjs`) so a saved source file is served on the next request.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { createGateway, type Gateway } from './gateway';
import { startLocalDynamoDb, type LocalDynamoDb } from './local-dynamodb';
import { loadStackFile } from './terraform-stack';

/**
 * Where `pnpm dev` keeps dynalite's data unless told otherwise: under `.portico/`, which the repository git-ignores.
 *
 * @example
 * defaultDataDir('/work/main'); // '/work/main/.portico/dynamodb'
 */
export function defaultDataDir(root: string): string {
  return join(root, '.portico', 'dynamodb');
}

/** Two users so the seed's curl examples have something to list, get and search. Ids are UUIDs, as the API mints. */
export const DEV_SEED_USERS = [
  { id: '0b6f3c5e-8a1d-4c2b-9e7f-1a2b3c4d5e6f', name: 'Alice', email: 'alice@example.com', createdAt: '2026-01-01T00:00:00.000Z' },
  { id: '7d9e2f4a-6b3c-4d1e-8f5a-9b8c7d6e5f4a', name: 'Bob', email: 'bob@example.com', createdAt: '2026-01-02T00:00:00.000Z' },
].map((user) => ({ ...user, nameLower: user.name.toLowerCase() }));

export interface DevOptions {
  /** Repository root (the folder with pnpm-workspace.yaml). Default: found upwards from the current directory. */
  root?: string;
  /**
   * The users-api package folder whose `scripts/build.ts --watch` builds the function. Default: `<root>/apps/users-api`.
   * Tests point it at a copy so they can edit its sources.
   */
  appDir?: string;
  stage?: string;
  port?: number;
  host?: string;
  /** Where dynalite keeps its data. Default: `<root>/.portico/dynamodb` (git-ignored). */
  dataDir?: string;
  /**
   * Where the watch build and the synthesized stack go. Default: `<root>/.portico/dev` (git-ignored), kept apart from
   * `apps/users-api/dist` and `infra/cdktf.out` so `pnpm build`/`pnpm synth` running meanwhile cannot pull files away.
   */
  workDir?: string;
  log?: (line: string) => void;
}

export interface DevServer {
  url: string;
  gateway: Gateway;
  db: LocalDynamoDb;
  close(): Promise<void>;
}

/**
 * Starts everything `pnpm dev` runs; resolves once the gateway is listening.
 *
 * @example
 * const dev = await startDev({ port: 3000 });
 * console.log(dev.url); // http://127.0.0.1:3000/dev
 * await dev.close();
 */
export async function startDev(options: DevOptions = {}): Promise<DevServer> {
  const root = options.root ?? findRepoRoot(process.cwd());
  const stage = options.stage ?? 'dev';
  const log = options.log ?? ((line: string) => console.log(line));
  const appDir = options.appDir ?? join(root, 'apps', 'users-api');
  const infraDir = join(root, 'infra');
  const tsx = createRequire(join(root, 'package.json')).resolve('tsx/cli');
  const workDir = options.workDir ?? join(root, '.portico', 'dev');
  const distDir = join(workDir, 'users-api');
  const cdktfOut = join(workDir, 'cdktf.out');
  const children: ChildProcess[] = [];
  let db: LocalDynamoDb | undefined;
  let gateway: Gateway | undefined;

  const close = async () => {
    await gateway?.close();
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.all(children.map((child) => (child.exitCode === null && child.signalCode === null ? new Promise((r) => child.once('exit', r)) : undefined)));
    await db?.close();
  };

  try {
    log('dev: building users-api (watch mode)…');
    const startedAt = Date.now();
    const build = spawn(process.execPath, [tsx, 'scripts/build.ts', '--watch', '--outdir', distDir], {
      cwd: appDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(build);
    lines(build, (line) => log(`[build] ${line}`));
    const bundle = join(distDir, 'handler.mjs');
    // Ready when this run has written both outputs (the zip is packaged after the bundle); the log format is not a contract.
    await waitForFiles(build, [bundle, join(distDir, 'lambda.zip'), join(distDir, 'build-meta.json')], startedAt, 120_000);

    log(`dev: synthesizing users-api-${stage}…`);
    const synth = spawn(process.execPath, ['bin/portico-infra.mjs', 'synth', '--api', 'users-api', '--stage', stage], {
      cwd: infraDir,
      env: { ...process.env, PORTICO_CDKTF_OUT: cdktfOut, PORTICO_LAMBDA_META: join(distDir, 'build-meta.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await runToEnd(synth, (line) => log(`[synth] ${line}`));
    const stackFile = join(cdktfOut, 'stacks', `users-api-${stage}`, 'cdk.tf.json');
    const stack = loadStackFile(stackFile);

    db = await startLocalDynamoDb({ dataDir: options.dataDir ?? defaultDataDir(root) });
    const usersTable = [...stack.functions.values()].map((fn) => fn.environment.USERS_TABLE).find(Boolean);
    for (const table of stack.tables) {
      const created = await db.ensureTable(table);
      const seeded = table.name === usersTable ? await db.seedIfEmpty(table.name, DEV_SEED_USERS) : 0;
      log(`dev: table ${table.name} ${created ? 'created' : 'ready'}${seeded ? `, seeded ${seeded} users` : ''} (dynalite ${db.endpoint}, pid ${db.pid})`);
    }

    // Every function of the stack runs the watch build's bundle: the synthesized zip is a copy taken at synth time.
    const functions = Object.fromEntries([...stack.functions.keys()].map((name) => [name, bundle]));
    gateway = createGateway(stack, {
      stage,
      port: options.port ?? 3000,
      host: options.host ?? '127.0.0.1',
      functions,
      env: { AWS_ENDPOINT_URL_DYNAMODB: db.endpoint },
      watch: true,
      log,
    });
    const url = await gateway.listen();
    return { url, gateway, db, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The folder holding pnpm-workspace.yaml, searching upwards.
 *
 * @example
 * findRepoRoot(process.cwd()); // '/work/main'
 */
export function findRepoRoot(from: string): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No pnpm-workspace.yaml above ${from}: run pnpm dev inside the repository`);
    dir = parent;
  }
}

function lines(child: ChildProcess, onLine: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      pending += chunk;
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const part of parts) if (part.trim()) onLine(part);
    });
  }
}

async function waitForFiles(child: ChildProcess, files: string[], since: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const fresh = (file: string) => existsSync(file) && statSync(file).mtimeMs >= since - 1000;
  while (!files.every(fresh)) {
    if (child.exitCode !== null) throw new Error(`the users-api build exited with code ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`the users-api build wrote no ${files.join(' / ')} within ${timeoutMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function runToEnd(child: ChildProcess, onLine: (line: string) => void): Promise<void> {
  lines(child, onLine);
  return new Promise((resolveRun, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolveRun() : reject(new Error(`exited with code ${code}`))));
  });
}
