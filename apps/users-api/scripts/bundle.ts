/**
 * How the Lambda bundle and its zip are made, shared by `build.ts` (dist/) and `measure-init.ts` (the DynamoDB client
 * comparison), so the measurement measures what ships.
 */
import type { BuildOptions, Metafile, Plugin } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { basename, join, resolve as resolvePath } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ZipFile } from 'yazl';

/** Bundle file name; Lambda's `handler` setting is `<file stem>.<export>`. */
export const BUNDLE_FILE = 'handler.mjs';
/** Lambda `handler` setting for the bundle. */
export const LAMBDA_HANDLER = 'handler.handler';
export const ZIP_FILE = 'lambda.zip';
export const META_FILE = 'build-meta.json';

/**
 * Swaps source modules for a build: package-relative path of a module → package-relative path of its stand-in. The
 * cold-init benchmark builds the handler with the old SDK store or another DynamoDB client this way, so each variant
 * differs from the shipped bundle only where it says.
 */
export type ModuleSwaps = Readonly<Record<string, string>>;

/** {@link bundleOptions} settings beyond where to write. */
export interface BundleSettings {
  /** @default {} (the shipped sources) */
  swaps?: ModuleSwaps;
  /**
   * Leave `import … from 'node:http'` (and every other built-in) as ES module imports, as esbuild does by default,
   * instead of {@link builtinsPlugin}'s `process.getBuiltinModule`. Only the baseline build sets it, to stay the
   * build it was. @default false
   */
  esmBuiltins?: boolean;
}

/**
 * esbuild options for the handler bundle of the package at `packageDir` (apps/users-api), written to `outdir`.
 * The caller passes the package directory because this module is also loaded by jest, which has no `import.meta`.
 */
export function bundleOptions(packageDir: string, outdir: string, settings: BundleSettings = {}): BuildOptions & { metafile: true } {
  const plugins: Plugin[] = [];
  if (settings.swaps && Object.keys(settings.swaps).length > 0) plugins.push(swapPlugin(packageDir, settings.swaps));
  if (!settings.esmBuiltins) plugins.push(builtinsPlugin);
  return {
    absWorkingDir: packageDir,
    entryPoints: { handler: 'src/handler.ts' },
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
    plugins,
    metafile: true,
    logLevel: 'warning',
  };
}

/**
 * Every Node built-in the bundle uses, ES import or CommonJS `require` (aws4 is CommonJS), becomes
 * `process.getBuiltinModule(name)`. Two reasons. An ES module import of a built-in builds its namespace from all its
 * exports, and `node:http`'s include lazy getters (`WebSocket`, …) that load the whole fetch stack (undici): tens of
 * milliseconds of cold start for nothing (`pnpm measure:init` shows it). And an ES module bundle has no `require`, so a
 * bundled CommonJS `require('crypto')` would otherwise throw "Dynamic require … is not supported".
 * `process.getBuiltinModule` is Node >= 22.3, which Lambda's nodejs22.x runtime is.
 */
export const builtinsPlugin: Plugin = {
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

function swapPlugin(packageDir: string, swaps: ModuleSwaps): Plugin {
  // A key is a package name (`@portico/dynamodb`) or a file path relative to the app (`../../packages/…/sigv4.ts`).
  const isPath = (key: string) => key.startsWith('.') || key.includes('/src/') || key.endsWith('.ts');
  const byPath = new Map(
    Object.entries(swaps)
      .filter(([from]) => isPath(from))
      .map(([from, to]) => [resolvePath(packageDir, from).replace(/\.ts$/, ''), resolvePath(packageDir, to)]),
  );
  const byName = new Map(Object.entries(swaps).filter(([from]) => !isPath(from)).map(([from, to]) => [from, resolvePath(packageDir, to)]));
  return {
    name: 'swap-modules',
    setup(build) {
      build.onResolve({ filter: /^\./ }, (args) => {
        const swapped = byPath.get(resolvePath(args.resolveDir, args.path).replace(/\.ts$/, ''));
        // A stand-in may import what it stands in for (its types, its error class): that import is not swapped.
        return swapped && swapped !== args.importer ? { path: swapped } : undefined;
      });
      build.onResolve({ filter: /^[@a-z]/ }, (args) => {
        const swapped = byName.get(args.path);
        return swapped && swapped !== args.importer ? { path: swapped } : undefined;
      });
    },
  };
}

/** What `build` reports and writes to `build-meta.json` for infra. */
export interface BuildMeta {
  /** Lambda `handler` setting. */
  handler: string;
  /** Zip file name, relative to dist/. */
  zip: string;
  /** Hex SHA-256 of the zip. */
  sha256: string;
  /** Base64 SHA-256 of the zip: Terraform's `source_code_hash` format. */
  sourceCodeHash: string;
  /** Zip size in bytes. */
  bytes: number;
  runtime: 'nodejs22.x';
  bundle: { file: string; bytes: number; gzipBytes: number };
}

/**
 * A fixed timestamp for every zip entry, so the same bundle always gives the same zip bytes and hash (Terraform
 * redeploys the function only when `source_code_hash` changes). yazl writes DOS times from local date parts, so a
 * date built from local parts, without the UTC "extended timestamp" field, is the same in every time zone.
 */
const ZIP_MTIME = new Date(1980, 0, 1, 0, 0, 0);

/** Zips `files` (paths) flat, in the given order, with fixed times and modes; returns the zip bytes. */
export async function deterministicZip(files: string[]): Promise<Buffer> {
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
 * Writes a file by renaming a finished temporary file over it, so a reader that watches dist/ (the local gateway's
 * hot reload) never loads a half-written bundle or zip.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}

/** Writes the zip and `build-meta.json` next to a finished bundle in `outdir`; returns the meta. */
export async function packageBundle(outdir: string): Promise<BuildMeta> {
  const bundlePath = join(outdir, BUNDLE_FILE);
  const code = await readFile(bundlePath);
  const zip = await deterministicZip([bundlePath, `${bundlePath}.map`]);
  await writeFileAtomic(join(outdir, ZIP_FILE), zip);
  const meta: BuildMeta = {
    handler: LAMBDA_HANDLER,
    zip: ZIP_FILE,
    sha256: createHash('sha256').update(zip).digest('hex'),
    sourceCodeHash: createHash('sha256').update(zip).digest('base64'),
    bytes: zip.length,
    runtime: 'nodejs22.x',
    bundle: { file: BUNDLE_FILE, bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length },
  };
  await writeFileAtomic(join(outdir, META_FILE), `${JSON.stringify(meta, null, 2)}\n`);
  return meta;
}

/** The largest inputs of a bundle, for the size report. */
export function largestInputs(metafile: Metafile, count: number): { path: string; bytes: number }[] {
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

/** `1234567` → `"1.18 MiB"`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}
