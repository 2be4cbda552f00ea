/**
 * Builds the Lambda: dist/handler.mjs (+ .map), dist/lambda.zip and dist/build-meta.json, then prints sizes; a
 * one-shot build also writes dist/openapi.json, the OpenAPI 3 document of the route table.
 *
 *   tsx scripts/build.ts                    one build
 *   tsx scripts/build.ts --watch            rebuild dist/ on every source change (what `pnpm dev` sits on)
 *   tsx scripts/build.ts --sdk=external     leave @aws-sdk/* to the Lambda runtime (for comparison only)
 */
import { toOpenApi } from '@portico/http/openapi';
import * as esbuild from 'esbuild';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  DEFAULT_SDK_MODE,
  bundleOptions,
  formatBytes,
  largestInputs,
  packageBundle,
  writeFileAtomic,
  type BuildMeta,
  type SdkMode,
} from './bundle';
import { routeList } from '../src/routes';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const { values: args } = parseArgs({
  options: {
    watch: { type: 'boolean', default: false },
    sdk: { type: 'string', default: DEFAULT_SDK_MODE },
    outdir: { type: 'string', default: join(PACKAGE_DIR, 'dist') },
  },
});
if (args.sdk !== 'bundled' && args.sdk !== 'external') {
  throw new Error(`--sdk must be "bundled" or "external", got "${args.sdk}"`);
}
const sdk: SdkMode = args.sdk;
const outdir = args.outdir;

type Result = esbuild.BuildResult<{ metafile: true; write: false }>;

/** Writes esbuild's outputs atomically, the source map before the bundle that points at it, then zips them. */
async function emit(result: Result): Promise<BuildMeta> {
  const files = [...result.outputFiles].sort(
    (a, b) => Number(a.path.endsWith('.mjs')) - Number(b.path.endsWith('.mjs')),
  );
  for (const file of files) await writeFileAtomic(file.path, file.contents);
  return packageBundle(outdir, sdk);
}

function sizeLine(meta: BuildMeta): string {
  const { bundle, zip, bytes } = meta;
  return `${bundle.file} ${formatBytes(bundle.bytes)} (gzip ${formatBytes(bundle.gzipBytes)}), ${zip} ${formatBytes(bytes)}`;
}

// No clean step: dist/ is overwritten file by file, atomically, so a watcher (the local gateway) never sees it empty.
await mkdir(outdir, { recursive: true });
const options = { ...bundleOptions(PACKAGE_DIR, outdir, sdk), write: false as const };

if (args.watch) {
  let started = 0;
  const ctx = await esbuild.context({
    ...options,
    plugins: [
      {
        name: 'emit-on-rebuild',
        setup(build) {
          build.onStart(() => {
            started = performance.now();
          });
          build.onEnd(async (result) => {
            if (result.errors.length > 0) return; // esbuild printed them; the last good dist/ stays in place
            const meta = await emit(result as Result);
            console.log(`users-api: rebuilt ${sizeLine(meta)} in ${Math.round(performance.now() - started)} ms`);
          });
        },
      },
    ],
  });
  await ctx.watch();
  console.log(`users-api: watching src/ and rebuilding ${outdir} (Ctrl-C to stop)`);
  const stop = async () => {
    await ctx.dispose();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} else {
  const result = await esbuild.build(options);
  const meta = await emit(result);
  const openApi = toOpenApi(routeList, { title: 'Users API', version: '1.0.0', description: 'Portico users API (API Gateway REST, Lambda proxy)' });
  await writeFileAtomic(join(outdir, 'openapi.json'), `${JSON.stringify(openApi, null, 2)}\n`);
  console.log(
    [
      `users-api bundle (sdk ${sdk}) -> ${outdir}`,
      `  ${meta.bundle.file.padEnd(16)} ${formatBytes(meta.bundle.bytes).padStart(10)}   gzip ${formatBytes(meta.bundle.gzipBytes)}`,
      `  ${meta.zip.padEnd(16)} ${formatBytes(meta.bytes).padStart(10)}   sha256 ${meta.sha256}`,
      `  openapi.json     ${Object.keys(openApi.paths).length} paths`,
      '  largest inputs:',
      ...largestInputs(result.metafile, 6).map(({ path, bytes }) => `    ${formatBytes(bytes).padStart(10)}  ${path}`),
    ].join('\n'),
  );
}
