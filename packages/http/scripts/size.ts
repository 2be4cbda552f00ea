/**
 * Measures what @portico/http adds to a Lambda bundle: esbuild-bundles a small app (the users-api route shapes,
 * CORS, one validated body) against `src/index.ts`, once with zod external (the package's own bytes, the budget is
 * 3 KB gzip) and once with zod bundled (reported separately), then times require + first call over bare `node`.
 *
 * Run: `pnpm --filter @portico/http exec tsx scripts/size.ts`
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = 41;

const APP = `
import * as z from 'zod/mini';
import { createApp, defineRoute, json, created, noContent, NotFoundError } from './src/index';
const routes = {
  hello: defineRoute({ method: 'GET', path: '/hello' }),
  createUser: defineRoute({ method: 'POST', path: '/users', body: z.object({ name: z.string().check(z.minLength(1)) }) }),
  getUser: defineRoute({ method: 'GET', path: '/users/{id}' }),
  deleteUser: defineRoute({ method: 'DELETE', path: '/users/{id}' }),
};
const app = createApp({ cors: { origins: ['https://app.example.com'] } });
app.handle(routes.hello, () => json({ message: 'Hello, World!' }));
app.handle(routes.createUser, (req) => created({ id: '1', ...req.body }, '/users/1'));
app.handle(routes.getUser, (req) => { if (req.params.id !== '1') throw new NotFoundError('no'); return json({ id: '1' }); });
app.handle(routes.deleteUser, () => noContent());
export const handler = app.lambda();
`;

/** The same answer without any router: the floor the package is measured against. */
const BARE = `
export const handler = async (event) => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'Hello, World!' }) });
`;

/** The floor plus the same zod/mini schema, built at init: what the validation library alone costs. */
const ZOD_ONLY = `
import * as z from 'zod/mini';
const body = z.object({ name: z.string().check(z.minLength(1)) });
export const handler = async (event) => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'Hello, World!', ok: body !== undefined }) });
`;

async function bundle(contents: string, external: string[]): Promise<string> {
  const result = await build({
    stdin: { contents, resolveDir: PACKAGE_DIR, loader: 'ts', sourcefile: 'app.ts' },
    bundle: true,
    minify: true,
    format: 'cjs',
    platform: 'node',
    target: 'node22',
    external,
    write: false,
    legalComments: 'none',
  });
  return result.outputFiles[0]!.text;
}

function sizes(code: string): { min: number; gzip: number } {
  return { min: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).length };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Require + first call (`GET /hello` with an Origin), timed inside fresh `node` processes so process start-up (the
 * same for every variant) does not drown the difference. Variants are interleaved run by run so load on the
 * machine hits them alike; the median is reported.
 */
function timeRequireAndFirstCall(files: readonly string[]): number[] {
  const script = (file: string) => `
    const start = process.hrtime.bigint();
    const { handler } = require(${JSON.stringify(file)});
    handler({ httpMethod: 'GET', path: '/hello', headers: { Origin: 'https://app.example.com' }, requestContext: { requestId: 'r' } })
      .then(() => process.stdout.write(String(Number(process.hrtime.bigint() - start) / 1e6)));`;
  const times = files.map(() => [] as number[]);
  for (let run = 0; run < RUNS; run++) {
    files.forEach((file, index) => {
      const child = spawnSync(process.execPath, ['-e', script(file)], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`cold-start run failed for ${file}: ${child.stderr}`);
      times[index]!.push(Number(child.stdout));
    });
  }
  return times.map(median);
}

/** Minified bytes each source module contributes to the zod-external bundle. */
async function breakdown(): Promise<[string, number][]> {
  const result = await build({
    stdin: { contents: APP, resolveDir: PACKAGE_DIR, loader: 'ts', sourcefile: 'app.ts' },
    bundle: true,
    minify: true,
    format: 'cjs',
    platform: 'node',
    target: 'node22',
    external: ['zod', 'zod/*'],
    write: false,
    metafile: true,
  });
  const output = Object.values(result.metafile.outputs)[0]!;
  return Object.entries(output.inputs)
    .filter(([file]) => file.startsWith('src/') && output.inputs[file]!.bytesInOutput > 0)
    .map(([file, info]): [string, number] => [file, info.bytesInOutput])
    .sort((a, b) => b[1] - a[1]);
}

const own = sizes(await bundle(APP, ['zod', 'zod/*']));
const appOnly = sizes(await bundle(APP, ['zod', 'zod/*', './src/index']));
const withZod = await bundle(APP, []);
const zodOnly = sizes(await bundle(APP, ['./src/index']));
const full = sizes(withZod);
const portico = { min: own.min - appOnly.min, gzip: own.gzip - appOnly.gzip };

console.log('| bundle (esbuild, minified, cjs, node22) | min bytes | gzip bytes |');
console.log('|---|---:|---:|');
console.log(`| tiny app + @portico/http, zod external | ${own.min} | ${own.gzip} |`);
console.log(`| tiny app alone (@portico/http and zod external) | ${appOnly.min} | ${appOnly.gzip} |`);
console.log(`| **@portico/http's share** | ${portico.min} | ${portico.gzip} |`);
console.log(`| zod's share (zod/mini schema + zod core validation) | ${zodOnly.min - appOnly.min} | ${zodOnly.gzip - appOnly.gzip} |`);
console.log(`| everything bundled | ${full.min} | ${full.gzip} |`);
console.log('');
console.log('| module | min bytes in the bundle |');
console.log('|---|---:|');
for (const [file, bytes] of await breakdown()) console.log(`| ${file} | ${bytes} |`);
console.log('');
console.log(
  portico.gzip <= 3072 ? 'size budget: OK (<= 3 KB gzip)' : `size budget: OVER, ${portico.gzip} > 3072 bytes gzip`,
);

const dir = mkdtempSync(join(tmpdir(), 'portico-size-'));
try {
  const files = [join(dir, 'bare.cjs'), join(dir, 'zod-only.cjs'), join(dir, 'app.cjs')];
  writeFileSync(files[0]!, await bundle(BARE, []));
  writeFileSync(files[1]!, await bundle(ZOD_ONLY, []));
  writeFileSync(files[2]!, withZod);
  const [bareMs, zodMs, appMs] = timeRequireAndFirstCall(files) as [number, number, number];
  console.log('');
  console.log(`require + first call inside node, median of ${RUNS} interleaved fresh processes:`);
  console.log(`| variant | ms | over hand-written |`);
  console.log('|---|---:|---:|');
  console.log(`| hand-written handler | ${bareMs.toFixed(2)} | 0 |`);
  console.log(`| hand-written + zod/mini schema | ${zodMs.toFixed(2)} | ${(zodMs - bareMs).toFixed(2)} |`);
  console.log(`| @portico/http app (zod bundled) | ${appMs.toFixed(2)} | ${(appMs - bareMs).toFixed(2)} |`);
  console.log(`@portico/http alone (app minus zod variant): ${(appMs - zodMs).toFixed(2)} ms (budget 1 ms)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
