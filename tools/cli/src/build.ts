/**
 * `portico build`: an API's Lambda bundle (one minified ESM file with its source map), a deterministic zip of it,
 * `build-meta.json` (what infra deploys) and `openapi.json` (the route table as OpenAPI 3). In watch mode the bundle
 * is rebuilt on every save of a file it is made of, which is what `pnpm dev` serves from.
 */
import type { ApiConfig } from '@portico/infra/api';
import { toOpenApi } from '@portico/http/openapi';
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { builtinModules } from 'node:module';
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ZipFile } from 'yazl';

/** Bundle file name; Lambda's `handler` setting is `<file stem>.<export>`. */
export const BUNDLE_FILE = 'handler.mjs';
/** Lambda `handler` setting for the bundle. */
export const LAMBDA_HANDLER = 'handler.handler';
export const ZIP_FILE = 'lambda.zip';
export const META_FILE = 'build-meta.json';
export const OPENAPI_FILE = 'openapi.json';

/** What a build writes to `build-meta.json` and reports. */
export interface BuildMeta {
  /** Lambda `handler` setting. */
  handler: string;
  /** Zip file name, relative to the meta file. */
  zip: string;
  /** Hex SHA-256 of the zip. */
  sha256: string;
  /** Base64 SHA-256 of the zip: Terraform's `source_code_hash` format. */
  sourceCodeHash: string;
  /** Zip size in bytes. */
  bytes: number;
  runtime: 'nodejs22.x';
  bundle: { file: string; bytes: number; gzipBytes: number };
  /** The API's Lambda authorizers, each bundled and zipped on its own (`authorizers/<name>/`). */
  authorizers?: Record<string, { handler: string; zip: string; sha256: string; bytes: number }>;
}

/** Where an authorizer's bundle and zip go, under the build's output directory. */
export const authorizerDir = (name: string): string => join('authorizers', name);

/**
 * Node built-ins reach the bundle through `process.getBuiltinModule` (Node >= 22.3) instead of ES module imports,
 * which also lets CommonJS dependencies `require()` them from an ESM bundle. Measured on the users API: an ES `import`
 * of `node:http` builds its lazy exports, which loads the fetch stack, ~50 ms of cold start; `getBuiltinModule`
 * ~6 ms (apps/users-api/results/cold-init.md).
 */
export const builtinsPlugin: esbuild.Plugin = {
  name: 'builtins-via-getBuiltinModule',
  setup(build) {
    const names = new Set(builtinModules);
    build.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      return names.has(name) ? { path: `node:${name}`, namespace: 'builtin' } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
      contents: `module.exports = process.getBuiltinModule(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/**
 * esbuild options for an app's handler bundle.
 *
 * @example
 * await esbuild.build(bundleOptions('/repo/apps/orders-api', '/repo/apps/orders-api/dist'));
 */
export function bundleOptions(
  appDir: string,
  outdir: string,
  entry = 'src/handler.ts',
  authorizers: Readonly<Record<string, { readonly entry: string }>> = {},
): esbuild.BuildOptions & { metafile: true } {
  return {
    absWorkingDir: appDir,
    // One build, one output file per function: the handler, and each authorizer in its own folder.
    entryPoints: {
      handler: entry,
      ...Object.fromEntries(Object.entries(authorizers).map(([name, a]) => [join(authorizerDir(name), 'handler'), a.entry])),
    },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    // Prefer the packages' ESM builds: they tree-shake, where the CJS builds drag in whole modules.
    mainFields: ['module', 'main'],
    minify: true,
    // Mappings only: enough for `NODE_OPTIONS=--enable-source-maps` stack traces, without shipping the sources.
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'none',
    // No `createRequire` banner: built-ins come through the plugin, and a CommonJS dependency that requires anything
    // else fails its first call with "Dynamic require ... is not supported", which the app's bundle tests catch.
    plugins: [builtinsPlugin],
    metafile: true,
    logLevel: 'warning',
  };
}

/**
 * A fixed timestamp for every zip entry, so the same bundle always gives the same zip bytes and hash (Terraform
 * redeploys the function only when `source_code_hash` changes). yazl writes DOS times from local date parts, so a
 * date built from local parts, without the UTC "extended timestamp" field, is the same in every time zone.
 */
const ZIP_MTIME = new Date(1980, 0, 1, 0, 0, 0);

/** Zips `files` (paths) flat, in the given order, with fixed times and modes; returns the zip bytes. */
export async function deterministicZip(files: readonly string[]): Promise<Buffer> {
  const zip = new ZipFile();
  for (const file of files) {
    zip.addBuffer(await readFile(file), basename(file), { mtime: ZIP_MTIME, mode: 0o100644, forceDosTimestamp: true });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Writes a file by renaming a finished temporary file over it, so a reader that watches the output (the local
 * gateway's hot reload) never loads a half-written bundle or zip.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}

/** Zips one function's bundle and source map into `dir/lambda.zip`; returns its hashes and size. */
async function zipFunction(dir: string): Promise<{ zip: Buffer; code: Buffer }> {
  const bundlePath = join(dir, BUNDLE_FILE);
  const code = await readFile(bundlePath);
  const zip = await deterministicZip([bundlePath, `${bundlePath}.map`]);
  await writeFileAtomic(join(dir, ZIP_FILE), zip);
  return { zip, code };
}

/**
 * Writes the zips and `build-meta.json` next to a finished build in `outdir` (the handler, and each of
 * `authorizers` under `authorizers/<name>/`); returns the meta.
 */
export async function packageBundle(outdir: string, authorizers: readonly string[] = []): Promise<BuildMeta> {
  const { zip, code } = await zipFunction(outdir);
  const built: NonNullable<BuildMeta['authorizers']> = {};
  for (const name of authorizers) {
    const dir = authorizerDir(name);
    const { zip: authorizerZip } = await zipFunction(join(outdir, dir));
    built[name] = {
      handler: LAMBDA_HANDLER,
      zip: join(dir, ZIP_FILE),
      sha256: createHash('sha256').update(authorizerZip).digest('hex'),
      bytes: authorizerZip.length,
    };
  }
  const meta: BuildMeta = {
    handler: LAMBDA_HANDLER,
    zip: ZIP_FILE,
    sha256: createHash('sha256').update(zip).digest('hex'),
    sourceCodeHash: createHash('sha256').update(zip).digest('base64'),
    bytes: zip.length,
    runtime: 'nodejs22.x',
    bundle: { file: BUNDLE_FILE, bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length },
    ...(authorizers.length > 0 ? { authorizers: built } : {}),
  };
  await writeFileAtomic(join(outdir, META_FILE), `${JSON.stringify(meta, null, 2)}\n`);
  return meta;
}

/** `1234567` → `"1.18 MiB"`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

/** The largest inputs of a bundle, by package, for the size report. */
export function largestInputs(metafile: esbuild.Metafile, count: number): { path: string; bytes: number }[] {
  const byPackage = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/.exec(path);
      const key = match ? match[1]! : path;
      byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...byPackage]
    .map(([path, bytes]) => ({ path, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, count);
}

type EmitResult = esbuild.BuildResult<{ metafile: true; write: false }>;

/** Writes esbuild's outputs atomically, the source map before the bundle that points at it, then zips them. */
async function emit(result: EmitResult, outdir: string, authorizers: readonly string[]): Promise<BuildMeta> {
  const files = [...result.outputFiles].sort((a, b) => Number(a.path.endsWith('.mjs')) - Number(b.path.endsWith('.mjs')));
  for (const file of files) {
    await mkdir(dirname(file.path), { recursive: true });
    await writeFileAtomic(file.path, file.contents);
  }
  return packageBundle(outdir, authorizers);
}

/** The API's authorizers, as `bundleOptions` takes them. */
const authorizersOf = (api: ApiConfig) => api.auth?.authorizers ?? {};

export interface BuildOptions {
  /** @default `<app>/dist` */
  readonly outdir?: string;
  /** @default one line per build on stdout */
  readonly log?: (line: string) => void;
}

export interface BuildReport {
  readonly meta: BuildMeta;
  readonly outdir: string;
  readonly ms: number;
  /** The bundle's largest inputs, by package. */
  readonly largest: { path: string; bytes: number }[];
}

/**
 * Builds an app once: the bundle, zip, `build-meta.json` and `openapi.json`.
 *
 * @example
 * const { meta } = await buildApp(api.config, api.dir); // dist/handler.mjs, dist/lambda.zip, …
 */
export async function buildApp(api: ApiConfig, appDir: string, options: BuildOptions = {}): Promise<BuildReport> {
  const outdir = resolve(appDir, options.outdir ?? 'dist');
  const started = performance.now();
  await mkdir(outdir, { recursive: true });
  const result = await esbuild.build({ ...bundleOptions(appDir, outdir, api.entry, authorizersOf(api)), write: false });
  const meta = await emit(result, outdir, Object.keys(authorizersOf(api)));
  const version = await appVersion(appDir);
  const openApi = toOpenApi(api.routes, { title: api.description ?? api.name, version, description: `${api.name} (API Gateway REST, Lambda proxy)` });
  await writeFileAtomic(join(outdir, OPENAPI_FILE), `${JSON.stringify(openApi, null, 2)}\n`);
  return { meta, outdir, ms: Math.round(performance.now() - started), largest: largestInputs(result.metafile, 6) };
}

/** A running watch build. */
export interface WatchBuild {
  /** Where the bundle and `build-meta.json` are written. */
  readonly outdir: string;
  /** Resolves once the first build has been written (rejects when it fails). */
  readonly ready: Promise<BuildMeta>;
  close(): Promise<void>;
}

/**
 * Rebuilds an app's bundle on every save of a file it is made of. Not esbuild's own `watch()`: it polls, and takes up
 * to about two seconds to notice a file it has not seen change before, so a first save could wait that long. Native
 * file-system events get a save into the output in a fraction of a second. The directories watched are those of every
 * input of the last build outside node_modules (the app and the workspace packages it bundles from source), so a
 * newly imported file is watched from the rebuild that first includes it. A failed rebuild keeps the last good output.
 *
 * @example
 * const build = watchApp(api.config, api.dir, { outdir: '.portico/dev/orders-api' });
 * await build.ready;
 */
export function watchApp(api: ApiConfig, appDir: string, options: BuildOptions = {}): WatchBuild {
  const outdir = resolve(appDir, options.outdir ?? 'dist');
  const log = options.log ?? ((line: string) => console.log(line));
  const watchers = new Map<string, FSWatcher>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let pending = false;
  let closed = false;
  let context: esbuild.BuildContext | undefined;
  let first = true;

  const follow = (metafile: esbuild.Metafile) => {
    for (const input of Object.keys(metafile.inputs)) {
      if (input.includes('node_modules/')) continue;
      const dir = dirname(resolve(appDir, input));
      if (!watchers.has(dir)) watchers.set(dir, watch(dir, schedule));
    }
  };
  const rebuild = async (): Promise<BuildMeta | undefined> => {
    const started = performance.now();
    try {
      const result = (await context!.rebuild()) as EmitResult;
      follow(result.metafile);
      const meta = await emit(result, outdir, Object.keys(authorizersOf(api)));
      if (!first) log(`${api.name}: rebuilt ${meta.bundle.file} (${formatBytes(meta.bundle.gzipBytes)} gzip) in ${Math.round(performance.now() - started)} ms`);
      first = false;
      return meta;
    } catch (error) {
      // esbuild printed the errors; the last good output stays in place until the next save.
      if (first) throw error;
      log(`${api.name}: rebuild failed; still serving the last good build`);
      return undefined;
    }
  };
  function schedule(): void {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (running) {
        pending = true;
        return;
      }
      running = rebuild()
        .then(() => undefined)
        .finally(() => {
          running = undefined;
          if (pending) {
            pending = false;
            schedule();
          }
        });
    }, 10);
  }

  const ready = (async () => {
    await mkdir(outdir, { recursive: true });
    context = await esbuild.context({ ...bundleOptions(appDir, outdir, api.entry, authorizersOf(api)), write: false });
    const meta = await rebuild();
    return meta!;
  })();
  return {
    outdir,
    ready,
    close: async () => {
      closed = true;
      clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      await running;
      await context?.dispose();
    },
  };
}

async function appVersion(appDir: string): Promise<string> {
  try {
    return (JSON.parse(await readFile(join(appDir, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
