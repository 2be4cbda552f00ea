/**
 * Builds the Lambda: dist/handler.mjs (+ .map), dist/lambda.zip and dist/build-meta.json, then prints sizes; a
 * one-shot build also writes dist/openapi.json, the OpenAPI 3 document of the route table.
 *
 *   tsx scripts/build.ts                    one build
 *   tsx scripts/build.ts --watch            rebuild dist/ on every source change (what `pnpm dev` sits on)
 */
import { toOpenApi } from '@portico/http/openapi';
import * as esbuild from 'esbuild';
import { watch, type FSWatcher } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleOptions, formatBytes, largestInputs, packageBundle, writeFileAtomic, type BuildMeta } from './bundle';
import { routeList } from '../src/routes';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const { values: args } = parseArgs({
  options: {
    watch: { type: 'boolean', default: false },
    outdir: { type: 'string', default: join(PACKAGE_DIR, 'dist') },
  },
});
const outdir = args.outdir;

type Result = esbuild.BuildResult<{ metafile: true; write: false }>;

/** Writes esbuild's outputs atomically, the source map before the bundle that points at it, then zips them. */
async function emit(result: Result): Promise<BuildMeta> {
  const files = [...result.outputFiles].sort(
    (a, b) => Number(a.path.endsWith('.mjs')) - Number(b.path.endsWith('.mjs')),
  );
  for (const file of files) await writeFileAtomic(file.path, file.contents);
  return packageBundle(outdir);
}

function sizeLine(meta: BuildMeta): string {
  const { bundle, zip, bytes } = meta;
  return `${bundle.file} ${formatBytes(bundle.bytes)} (gzip ${formatBytes(bundle.gzipBytes)}), ${zip} ${formatBytes(bytes)}`;
}

/**
 * Rebuilds on every change to a file the bundle is made of. Not esbuild's own `watch()`: it polls, and takes up to
 * about two seconds to notice a file it has not seen change before, so a first save could wait that long. Native
 * file-system events get a save into dist/ in a fraction of a second. The directories watched are those of every
 * input of the last build outside node_modules (the app and the workspace packages it bundles from source), so a
 * newly imported file is watched from the rebuild that first includes it.
 */
async function watchSources(ctx: esbuild.BuildContext<typeof options>): Promise<() => void> {
  const watchers = new Map<string, FSWatcher>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let pending = false;
  const follow = (metafile: esbuild.Metafile) => {
    for (const input of Object.keys(metafile.inputs)) {
      if (input.includes('node_modules/')) continue;
      const dir = dirname(resolve(PACKAGE_DIR, input));
      if (!watchers.has(dir)) watchers.set(dir, watch(dir, schedule));
    }
  };
  const rebuild = async (): Promise<void> => {
    try {
      follow((await ctx.rebuild()).metafile);
    } catch {
      // esbuild has printed the errors; the last good dist/ stays in place until the next save fixes them.
    }
  };
  // One rebuild at a time; saves during a rebuild collapse into one more after it.
  function schedule(): void {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (running) {
        pending = true;
        return;
      }
      running = rebuild().finally(() => {
        running = undefined;
        if (pending) {
          pending = false;
          schedule();
        }
      });
    }, 10);
  }
  await rebuild();
  return () => {
    clearTimeout(timer);
    for (const watcher of watchers.values()) watcher.close();
  };
}

// No clean step: dist/ is overwritten file by file, atomically, so a watcher (the local gateway) never sees it empty.
await mkdir(outdir, { recursive: true });
const options = { ...bundleOptions(PACKAGE_DIR, outdir), write: false as const };

if (args.watch) {
  let started = 0;
  const ctx = await esbuild.context({
    ...options,
    plugins: [
      ...(options.plugins ?? []),
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
  const unwatch = await watchSources(ctx);
  console.log(`users-api: watching its sources and rebuilding ${outdir} (Ctrl-C to stop)`);
  const stop = async () => {
    unwatch();
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
      `users-api bundle -> ${outdir}`,
      `  ${meta.bundle.file.padEnd(16)} ${formatBytes(meta.bundle.bytes).padStart(10)}   gzip ${formatBytes(meta.bundle.gzipBytes)}`,
      `  ${meta.zip.padEnd(16)} ${formatBytes(meta.bytes).padStart(10)}   sha256 ${meta.sha256}`,
      `  openapi.json     ${Object.keys(openApi.paths).length} paths`,
      '  largest inputs:',
      ...largestInputs(result.metafile, 6).map(({ path, bytes }) => `    ${formatBytes(bytes).padStart(10)}  ${path}`),
    ].join('\n'),
  );
}
