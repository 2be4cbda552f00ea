/**
 * `pnpm dev`: every declared API (or the ones named) served locally the way API Gateway would serve its dev stage.
 * Per API: a watch build of its Lambda, its dev stack synthesized from its `portico.config.ts`, its tables created
 * (and seeded by the app's own `src/seed.ts` when empty) in one shared DynamoDB (dynalite, in a process of its own),
 * and a local gateway on the API's stable port. A saved handler is served on the next request; a saved route table
 * (or anything the config imports) is re-synthesized and deployed to the running gateway.
 *
 * This is the composition root: it knows the apps only through discovery, and the library packages it uses
 * (infra, local-gateway) know no app at all.
 */
import { devStageOf, stackName, type ApiConfig } from '@portico/infra/api';
import { discoverApis, findRepoRoot, loadLambdaArtifact, synthesize, type DiscoveredApi } from '@portico/infra';
import { createGateway, loadStackFile, startLocalDynamoDb, type Gateway, type LocalDynamoDb, type Stack } from '@portico/local-gateway';
import * as esbuild from 'esbuild';
import { existsSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { authorizerDir, BUNDLE_FILE, META_FILE, watchApp, type WatchBuild } from './build';

/** What an app's `src/seed.ts` receives: where its tables are, by the keys its config gives them. */
export interface SeedContext {
  /** Table key (as in `portico.config.ts`) → the local table's name. */
  readonly tables: Readonly<Record<string, string>>;
  /** The local DynamoDB endpoint. */
  readonly endpoint: string;
  readonly region: string;
}

/** An app's seed module: fills its (empty) tables through its own store; returns what it did, for the log. */
export type Seed = (context: SeedContext) => Promise<string | void>;

export interface DevOptions {
  /** Repository root. @default found upwards from the working directory */
  readonly root?: string;
  /** API names to serve. @default every declared API */
  readonly apis?: readonly string[];
  /** Serve these declarations instead of discovering them (tests serve an editable copy of an app). */
  readonly declared?: readonly DiscoveredApi[];
  /** Port of the first API (in name order); the others keep their declared offsets from it. 0: free ports. @default each API's declared port */
  readonly port?: number;
  /** @default 127.0.0.1 */
  readonly host?: string;
  /** Where dynalite keeps its data. @default <root>/.portico/dynamodb (git-ignored) */
  readonly dataDir?: string;
  /**
   * Where watch builds and synthesized stacks go. @default <root>/.portico/dev (git-ignored), apart from the apps'
   * dist/ and infra/cdktf.out so `pnpm build`/`pnpm synth` running meanwhile cannot pull files away.
   */
  readonly workDir?: string;
  readonly log?: (line: string) => void;
}

/** One API as `pnpm dev` serves it. */
export interface ServedApi {
  readonly name: string;
  readonly stage: string;
  /** The stage URL, e.g. `http://127.0.0.1:3000/dev`. */
  readonly url: string;
  readonly gateway: Gateway;
  /**
   * Where the dev users' signed-in tokens are written (`.portico/dev/<api>/tokens.json`) when the API has a Cognito
   * pool: `{ signInUrl, poolId, clientId, users: { <username>: { idToken, accessToken, refreshToken, expiresAt } } }`.
   */
  readonly tokensFile?: string;
}

export interface DevServer {
  readonly apis: readonly ServedApi[];
  readonly db: LocalDynamoDb;
  close(): Promise<void>;
}

/**
 * Where `pnpm dev` keeps dynalite's data unless told otherwise: under `.portico/`, which the repository git-ignores.
 *
 * @example
 * defaultDataDir('/repo'); // '/repo/.portico/dynamodb'
 */
export function defaultDataDir(root: string): string {
  return join(root, '.portico', 'dynamodb');
}

/** The port of each API: declared, else 3000 + its index in name order; `base` shifts them all (0: free ports). */
export function devPorts(apis: readonly ApiConfig[], base?: number): number[] {
  const declared = apis.map((api, index) => api.dev?.port ?? 3000 + index);
  if (base === undefined) return declared;
  if (base === 0) return declared.map(() => 0);
  const lowest = Math.min(...declared);
  return declared.map((port) => base + port - lowest);
}

/**
 * Starts everything `pnpm dev` runs; resolves once every gateway is listening.
 *
 * @example
 * const dev = await startDev({ apis: ['orders-api'] });
 * console.log(dev.apis[0].url); // http://127.0.0.1:3000/dev
 * await dev.close();
 */
export async function startDev(options: DevOptions = {}): Promise<DevServer> {
  const root = options.root ?? findRepoRoot(process.cwd());
  const log = options.log ?? ((line: string) => console.log(line));
  const workDir = options.workDir ?? join(root, '.portico', 'dev');
  const all = options.declared ?? (await discoverApis(root));
  const chosen = options.apis?.length ? all.filter((api) => options.apis!.includes(api.config.name)) : all;
  const unknown = options.apis?.find((name) => !all.some((api) => api.config.name === name));
  if (unknown) throw new Error(`No API named "${unknown}" (declared: ${all.map((a) => a.config.name).join(', ') || 'none'})`);
  if (chosen.length === 0) throw new Error('No API to serve: declare one in apps/<name>/portico.config.ts (pnpm create-api <name>)');
  const ports = devPorts(chosen.map((api) => api.config), options.port);
  const prefix = chosen.length > 1;
  const served: Array<{ close(): Promise<void> } & Partial<ServedApi>> = [];
  let db: LocalDynamoDb | undefined;

  const close = async () => {
    for (const api of served.splice(0).reverse()) await api.close();
    await db?.close();
  };
  try {
    db = await startLocalDynamoDb({ dataDir: options.dataDir ?? defaultDataDir(root) });
    log(`dev: dynalite ${db.endpoint} (pid ${db.pid}, data in ${options.dataDir ?? defaultDataDir(root)})`);
    for (const [index, api] of chosen.entries()) {
      const apiLog = prefix ? (line: string) => log(`${api.config.name} | ${line}`) : log;
      const service = await serveApi(api, {
        db,
        port: ports[index]!,
        host: options.host ?? '127.0.0.1',
        workDir: join(workDir, api.config.name),
        log: apiLog,
      });
      served.push(service);
    }
    return { apis: served as ServedApi[], db, close };
  } catch (error) {
    await close();
    throw error;
  }
}

interface ServeOptions {
  readonly db: LocalDynamoDb;
  readonly port: number;
  readonly host: string;
  readonly workDir: string;
  readonly log: (line: string) => void;
}

/** One API: watch build → synth → tables → gateway, and re-synth when its declaration changes. */
async function serveApi(api: DiscoveredApi, options: ServeOptions): Promise<ServedApi & { close(): Promise<void> }> {
  const { db, log, workDir } = options;
  const stage = devStageOf(api.config);
  const name = api.config.name;
  const buildDir = join(workDir, 'build');
  log(`dev: building ${name} (watch mode)…`);
  const build: WatchBuild = watchApp(api.config, api.dir, { outdir: buildDir, log });
  let gateway: Gateway | undefined;
  let configWatch: ConfigWatch | undefined;
  let tokensFile: string | undefined;
  let current = '';
  // Re-synths run one at a time, and closing waits for the one under way: a Ctrl-C that lands while the gateway is
  // being replaced must not close the old one and leave the new one listening.
  let changes: Promise<void> = Promise.resolve();
  let closed = false;

  /** Synthesizes the dev stack from `config`; returns the stack when it differs from the one served. */
  const synth = async (config: ApiConfig): Promise<Stack | undefined> => {
    const [stack] = synthesize({
      apis: [{ config, dir: api.dir }],
      artifact: () => loadLambdaArtifact(join(buildDir, META_FILE), buildDir),
      target: { offline: true, backend: { kind: 'local', dir: join(workDir, 'state') } },
      outdir: join(workDir, 'cdktf.out'),
      stages: [stage],
    });
    const file = join(stack!.dir, 'cdk.tf.json');
    const text = readFileSync(file, 'utf8');
    if (text === current) return undefined;
    current = text;
    return loadStackFile(file);
  };

  /**
   * Creates the stack's tables, seeds them through the app when they are all empty, and serves the stack: the first
   * time on a new gateway, later as a new deployment to the same one (same port, same connections; requests under way
   * finish on the deployment they started on).
   */
  const serve = async (stack: Stack, config: ApiConfig): Promise<void> => {
    await ensureTables(stack, config, api, db, log);
    const stackOptions = {
      functions: functionCode(stack, config, buildDir),
      users: (config.dev?.users ?? []).map((user) => ({ ...user, groups: [...(user.groups ?? [])] })),
    };
    if (gateway) {
      await gateway.deploy(stack, stackOptions);
      log(`dev: ${stackName(config, stage)} re-synthesized; the gateway serves the new stack at ${gateway.url}`);
      tokensFile = await writeDevTokens(gateway, config, workDir, log, false);
      return;
    }
    gateway = createGateway(stack, {
      stage,
      port: options.port,
      host: options.host,
      ...stackOptions,
      env: { AWS_ENDPOINT_URL_DYNAMODB: db.endpoint },
      watch: true,
      log,
      // Signing keys kept across deployments and restarts, so a token printed earlier still opens the API.
      keysDir: join(workDir, 'keys'),
      cognitoPort: options.port === 0 ? 0 : (api.config.dev?.cognitoPort ?? options.port + 1000),
    });
    await gateway.listen();
    tokensFile = await writeDevTokens(gateway, config, workDir, log, true);
  };

  try {
    await build.ready;
    log(`dev: synthesizing ${stackName(api.config, stage)}…`);
    configWatch = await watchConfig(api.dir, join(workDir, 'config'), (config) => {
      changes = changes.then(async () => {
        if (closed) return;
        try {
          const stack = await synth(config);
          if (stack && !closed) await serve(stack, config);
        } catch (error) {
          log(`dev: ${name}: the changed declaration does not synthesize; still serving the last one: ${(error as Error).message}`);
        }
      });
      return changes;
    });
    const stack = await synth(configWatch.config);
    await serve(stack!, configWatch.config);
  } catch (error) {
    configWatch?.close();
    await gateway?.close();
    await build.close();
    throw error;
  }
  return {
    name,
    stage,
    get url() {
      return gateway!.url;
    },
    get gateway() {
      return gateway!;
    },
    get tokensFile() {
      return tokensFile;
    },
    close: async () => {
      closed = true;
      configWatch?.close();
      await changes;
      await gateway?.close();
      await build.close();
    },
  };
}

/**
 * The code each function of the dev stack runs: an authorizer its own watch-built bundle, every other function the
 * API's handler bundle (the synthesized zips are copies taken at synth time, stale after the next save).
 */
function functionCode(stack: Stack, config: ApiConfig, buildDir: string): Record<string, string> {
  const authorizers = Object.keys(config.auth?.authorizers ?? {});
  return Object.fromEntries(
    [...stack.functions.keys()].map((fn) => {
      const authorizer = authorizers.find((name) => fn.endsWith(`-${name}-authorizer`));
      return [fn, authorizer ? join(buildDir, authorizerDir(authorizer), BUNDLE_FILE) : join(buildDir, BUNDLE_FILE)];
    }),
  );
}

/**
 * Signs in every dev user of the API's local Cognito pool, writes their tokens to `tokens.json` and prints them
 * (in full on the first start; after a re-synth, only where they are). Returns the file, when the API has a pool.
 */
async function writeDevTokens(gateway: Gateway, config: ApiConfig, workDir: string, log: (line: string) => void, first: boolean): Promise<string | undefined> {
  const pool = gateway.userPools[0];
  if (!pool) return undefined;
  const tokens = await gateway.tokensFor();
  const file = join(workDir, 'tokens.json');
  const expiresAt = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
  const users = Object.fromEntries(
    tokens.map((t) => [t.username, { idToken: t.idToken, accessToken: t.accessToken, refreshToken: t.refreshToken, expiresAt: expiresAt(t.expiresIn) }]),
  );
  await mkdir(workDir, { recursive: true });
  await writeFile(file, `${JSON.stringify({ signInUrl: pool.signInUrl, poolId: pool.id, clientId: pool.clientIds[0], users }, null, 2)}\n`);
  if (tokens.length === 0) {
    log(`dev: Cognito pool ${pool.id}: no dev users (declare dev.users in portico.config.ts); sign in at ${pool.signInUrl}`);
    return file;
  }
  if (first) {
    const groups = new Map((config.dev?.users ?? []).map((u) => [u.username, u.groups ?? []]));
    for (const t of tokens) {
      const of = groups.get(t.username)?.length ? ` (groups ${groups.get(t.username)!.join(', ')})` : '';
      log(`dev: ID token for ${t.username}${of}, valid ${Math.round(t.expiresIn / 60)} min: ${t.idToken}`);
    }
  }
  log(`dev: tokens of ${tokens.map((t) => t.username).join(', ')} in ${file}; others sign in at ${pool.signInUrl} (InitiateAuth, USER_PASSWORD_AUTH, client ${pool.clientIds[0]})`);
  return file;
}

/** Creates the tables a stack declares; when every one of them is empty, runs the app's seed, if it has one. */
async function ensureTables(stack: Stack, config: ApiConfig, api: DiscoveredApi, db: LocalDynamoDb, log: (line: string) => void): Promise<void> {
  const created: string[] = [];
  for (const table of stack.tables) if (await db.ensureTable(table)) created.push(table.name);
  const names = Object.fromEntries(
    Object.keys(config.tables ?? {}).map((key) => [key, stack.tables.find((t) => t.name.endsWith(`-${key}`))?.name ?? key]),
  );
  for (const table of stack.tables) log(`dev: table ${table.name} ${created.includes(table.name) ? 'created' : 'ready'}`);
  const seedFile = join(api.dir, 'src', 'seed.ts');
  if (stack.tables.length === 0 || !existsSync(seedFile)) return;
  const empty = await Promise.all(stack.tables.map((t) => db.isEmpty(t.name)));
  if (empty.every(Boolean)) {
    const mod = (await import(pathToFileURL(seedFile).href)) as { default?: Seed };
    if (typeof mod.default !== 'function') throw new Error(`${seedFile} must export default async function seed(context)`);
    log(`dev: ${api.config.name}: ${(await mod.default({ tables: names, endpoint: db.endpoint, region: stack.region })) || 'seeded'}`);
    return;
  }
  // The seed writes every table at once, so it runs only into empty ones: a table added to an API whose other tables
  // hold local data starts empty, and saying so beats a dev login that mysteriously fails.
  const unseeded = stack.tables.filter((t, i) => empty[i] && created.includes(t.name)).map((t) => t.name);
  if (unseeded.length > 0) {
    log(`dev: ${unseeded.join(', ')} left empty: the seed (src/seed.ts) runs only when every table of ${api.config.name} is empty; remove the local data (the folder printed beside dynalite above) to seed again`);
  }
}

interface ConfigWatch {
  readonly config: ApiConfig;
  close(): void;
}

/**
 * Loads an app's `portico.config.ts` and calls `onChange` with a fresh copy whenever it, or anything it imports (the
 * route table, its schemas), is saved. Each load bundles the config into a new file and imports that, so every
 * change is seen: a module imported once is cached for the life of the process.
 */
async function watchConfig(appDir: string, outdir: string, onChange: (config: ApiConfig) => Promise<void>): Promise<ConfigWatch> {
  await mkdir(outdir, { recursive: true });
  let generation = 0;
  const watchers = new Map<string, FSWatcher>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const load = async (): Promise<ApiConfig> => {
    const outfile = join(outdir, `portico.config.${++generation}.mjs`);
    const result = await esbuild.build({
      absWorkingDir: appDir,
      entryPoints: ['portico.config.ts'],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      metafile: true,
      logLevel: 'silent',
    });
    for (const input of Object.keys(result.metafile.inputs)) {
      if (input.includes('node_modules/')) continue;
      const dir = dirname(resolve(appDir, input));
      if (!watchers.has(dir)) watchers.set(dir, watch(dir, changed));
    }
    const mod = (await import(pathToFileURL(outfile).href)) as { default?: ApiConfig };
    if (!mod.default) throw new Error(`${join(appDir, 'portico.config.ts')} must \`export default defineApi({ … })\``);
    return mod.default;
  };
  function changed(): void {
    if (closed) return;
    clearTimeout(timer);
    // An editor writes a file in a few steps: reload once they are done.
    timer = setTimeout(() => {
      load().then(onChange, (error: unknown) => console.error(`dev: the declaration in ${appDir} does not load: ${(error as Error).message}`));
    }, 50);
  }
  const config = await load();
  return {
    config,
    close: () => {
      closed = true;
      clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
    },
  };
}
