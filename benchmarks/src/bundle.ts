/**
 * Bundles every variant the same way a Lambda would ship it: esbuild, minified, platform node, target node22, ESM.
 * A second build with valibot external isolates what the framework itself adds, since every variant validates the
 * request body with the same valibot schema.
 */
import { build, type Metafile } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { HarnessId } from './shared/events';

/** This package's folder, found from the working directory so the module loads under tsx (ESM) and jest (CJS) alike. */
export const ROOT = findPackageRoot(process.cwd());
export const OUT_DIR = join(ROOT, 'dist', 'http');

export interface Variant {
  id: string;
  label: string;
  /** A measuring aid, not a framework: no status checks, no targets. */
  reference?: boolean;
}

export const VARIANTS: readonly Variant[] = [
  { id: 'switch', label: 'hand-written switch' },
  { id: 'portico', label: '@portico/http' },
  { id: 'middy7', label: 'Middy 7' },
  { id: 'middy6', label: 'Middy 6' },
  { id: 'hono', label: 'Hono 4 (aws-lambda)' },
  { id: 'powertools', label: 'Powertools event-handler' },
  { id: 'schema-only', label: 'valibot schema alone (reference)', reference: true },
  { id: 'floor', label: 'empty handler (harness floor)', reference: true },
];

export interface BundleInfo {
  file: string;
  bytes: number;
  gzipBytes: number;
  /** Minified bytes per package (or `app` for the benchmark's own code), from esbuild's metafile. */
  byPackage: Record<string, number>;
  /** Minified bytes per @portico/http source file, to show where the package's weight sits. */
  porticoFiles: Record<string, number>;
}

export interface VariantBundles {
  full: BundleInfo;
  noSchema: BundleInfo;
}

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    for (const candidate of [dir, join(dir, 'benchmarks')]) {
      const manifest = join(candidate, 'package.json');
      if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === '@portico/benchmarks') return candidate;
    }
    if (dirname(dir) === dir) throw new Error(`Run from inside the Portico repo: no @portico/benchmarks above ${from}`);
  }
}

function packageOf(input: string): string {
  const nm = input.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = input.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (input.includes('packages/http/')) return '@portico/http';
  return 'app';
}

async function bundleOne(entry: string, name: string, schemaExternal: boolean, outDir = OUT_DIR): Promise<BundleInfo> {
  const file = join(outDir, schemaExternal ? `${name}.no-schema.mjs` : `${name}.mjs`);
  const result = await build({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    metafile: true,
    logLevel: 'error',
    external: schemaExternal ? ['valibot'] : [],
  });
  const code = readFileSync(file);
  return {
    file: relative(ROOT, file),
    bytes: code.length,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    byPackage: sumByPackage(result.metafile),
    porticoFiles: porticoFiles(result.metafile),
  };
}

function sumByPackage(meta: Metafile): Record<string, number> {
  // One entry point, one output file.
  const out = Object.values(meta.outputs)[0]!;
  const sums: Record<string, number> = {};
  for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) {
    const key = packageOf(input);
    sums[key] = (sums[key] ?? 0) + bytesInOutput;
  }
  return sums;
}

function porticoFiles(meta: Metafile): Record<string, number> {
  const out = Object.values(meta.outputs)[0]!;
  const files: Record<string, number> = {};
  for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) {
    const at = input.indexOf('packages/http/src/');
    if (at >= 0 && !input.includes('node_modules/')) files[input.slice(at + 'packages/http/src/'.length)] = bytesInOutput;
  }
  return files;
}

/** A variant's source: `variants/<harness>/<id>.ts`, except the floor, which is the same for every harness. */
function entryOf(harness: HarnessId, id: string): string {
  return id === 'floor' ? join(ROOT, 'src', 'variants', 'floor.ts') : join(ROOT, 'src', 'variants', harness, `${id}.ts`);
}

/** Bundles one variant twice (with valibot, and valibot external); `outDir` lets the tests build apart from a running bench. */
export async function bundleVariant(harness: HarnessId, id: string, outDir = OUT_DIR): Promise<VariantBundles> {
  const entry = entryOf(harness, id);
  const name = `${harness}-${id}`;
  const [full, noSchema] = await Promise.all([bundleOne(entry, name, false, outDir), bundleOne(entry, name, true, outDir)]);
  return { full, noSchema };
}

/** The @portico/http runtime bundled alone, valibot external: the whole app runtime, and "router + helpers" only. */
export async function bundlePorticoSurfaces(): Promise<{ app: BundleInfo; routerHelpers: BundleInfo }> {
  const [app, routerHelpers] = await Promise.all([
    bundleOne(join(ROOT, 'src', 'size', 'app-runtime.ts'), 'portico-app-runtime', true),
    bundleOne(join(ROOT, 'src', 'size', 'router-helpers.ts'), 'portico-router-helpers', true),
  ]);
  return { app, routerHelpers };
}
