/**
 * How the Lambda bundle and its zip are made, shared by `build.ts` (dist/) and `measure-init.ts` (the SDK bundled
 * vs external comparison), so the measurement measures what ships.
 */
import type { BuildOptions, Metafile } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ZipFile } from 'yazl';

/** Bundle file name; Lambda's `handler` setting is `<file stem>.<export>`. */
export const BUNDLE_FILE = 'handler.mjs';
/** Lambda `handler` setting for the bundle. */
export const LAMBDA_HANDLER = 'handler.handler';
export const ZIP_FILE = 'lambda.zip';
export const META_FILE = 'build-meta.json';

/**
 * Whether `@aws-sdk/*` goes into the bundle or is left to the copy the nodejs22.x runtime ships: bundled, by
 * measurement (`pnpm --filter @portico/users-api measure:init`: fresh `node` per run, median of 21, 2 cores,
 * Node 20, SDK 3.1169, 2026-12-01):
 *
 *   sdk       bundle / gzip           import     first /hello   first DynamoDB call   total over bare node
 *   bundled   362 KiB / 114 KiB       60.4 ms    0.9 ms         30.4 ms               101.7 ms
 *   external   26 KiB /  10 KiB      138.8 ms    1.0 ms         33.9 ms               172.3 ms
 *
 * Earlier runs (idle machine, and under load) kept the same ranking: 76.8 ms vs 199.3 ms, 100-110 ms vs 225-250 ms.
 *
 * One pre-linked, tree-shaken, minified file parses and evaluates ~3x faster than the SDK's few hundred modules
 * resolved and loaded one by one, and it pins the SDK version the tests ran against instead of whatever the runtime
 * carries that day. It costs ~260 KiB more zip, which does not count toward init. Caveat: locally the external SDK
 * resolves through pnpm's symlinked store, in Lambda through plain directories under /var/runtime/node_modules, so the
 * real gap may be somewhat smaller; at ~3x the ranking should hold.
 */
export type SdkMode = 'bundled' | 'external';
export const DEFAULT_SDK_MODE: SdkMode = 'bundled';

/**
 * esbuild options for the handler bundle of the package at `packageDir` (apps/users-api), written to `outdir`.
 * The caller passes the package directory because this module is also loaded by jest, which has no `import.meta`.
 */
export function bundleOptions(
  packageDir: string,
  outdir: string,
  sdk: SdkMode = DEFAULT_SDK_MODE,
): BuildOptions & { metafile: true } {
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
    // No `createRequire` banner: with ESM builds preferred nothing bundled calls `require()`. Should a CommonJS
    // dependency need it one day, its first call throws "Dynamic require ... is not supported" and the bundle suite,
    // which runs the built zip, fails.
    external: sdk === 'external' ? ['@aws-sdk/*', '@smithy/*'] : [],
    metafile: true,
    logLevel: 'warning',
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
  sdk: SdkMode;
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
export async function packageBundle(outdir: string, sdk: SdkMode): Promise<BuildMeta> {
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
    sdk,
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
