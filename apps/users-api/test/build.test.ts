import * as esbuild from 'esbuild';
import { execFileSync, spawn } from 'node:child_process';
import { builtinModules } from 'node:module';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleOptions, deterministicZip, packageBundle } from '../scripts/bundle';
import { readZip } from './support/zip';

const PACKAGE_DIR = resolve(__dirname, '..');
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'users-api-build-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('deterministicZip', () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    process.env.TZ = originalTz;
  });

  it('gives the same bytes in every time zone, with fixed times and modes', async () => {
    const file = join(scratch, 'handler.mjs');
    await writeFile(file, 'export const handler = async () => ({ statusCode: 200, body: "" });\n');

    process.env.TZ = 'UTC';
    const utc = await deterministicZip([file]);
    process.env.TZ = 'Pacific/Auckland';
    const auckland = await deterministicZip([file]);
    const [entry] = await readZip(auckland);

    expect(auckland.equals(utc)).toBe(true);
    expect(entry).toMatchObject({ name: 'handler.mjs', mode: 0o100644 });
    expect([entry!.mtime.getFullYear(), entry!.mtime.getMonth(), entry!.mtime.getDate()]).toEqual([1980, 0, 1]);
  });
});

describe('the build', () => {
  it('produces the same zip and hash when run twice', async () => {
    const [first, second] = [join(scratch, 'one'), join(scratch, 'two')];

    await esbuild.build(bundleOptions(PACKAGE_DIR, first));
    await esbuild.build(bundleOptions(PACKAGE_DIR, second));
    const [a, b] = [await packageBundle(first), await packageBundle(second)];

    expect(a.sha256).toBe(b.sha256);
    expect((await readFile(join(first, 'lambda.zip'))).equals(await readFile(join(second, 'lambda.zip')))).toBe(true);
  }, 60_000);

  it('imports nothing but Node built-ins (its dependencies are bundled, not taken from the runtime)', async () => {
    const outdir = join(scratch, 'imports');

    const result = await esbuild.build(bundleOptions(PACKAGE_DIR, outdir));

    const imports = Object.values(result.metafile.outputs).flatMap((output) => output.imports.map((i) => i.path));
    expect(imports.filter((path) => !path.startsWith('node:') && !builtinModules.includes(path))).toEqual([]);
  }, 60_000);
});

describe('the watch build (`pnpm dev`)', () => {
  it('bundles as the one-shot build does: built-ins through process.getBuiltinModule, so the bundle loads and answers', async () => {
    const outdir = join(scratch, 'watch');
    const watcher = spawn(process.execPath, [require.resolve('tsx/cli'), 'scripts/build.ts', '--watch', '--outdir', outdir], { cwd: PACKAGE_DIR });
    try {
      await new Promise<void>((resolve, reject) => {
        let output = '';
        watcher.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('watching')) resolve();
        });
        watcher.once('exit', (code) => reject(new Error(`the watch build exited (${code}): ${output}`)));
      });
    } finally {
      watcher.kill();
    }

    const bundle = await readFile(join(outdir, 'handler.mjs'), 'utf8');
    const answer = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', `const { handler } = await import(${JSON.stringify(join(outdir, 'handler.mjs'))}); const r = await handler({ httpMethod: 'GET', path: '/hello', resource: '/hello', requestContext: {} }, {}); console.log(r.body);`],
      { env: { ...process.env, USERS_TABLE: 'users' }, encoding: 'utf8' },
    );
    expect(bundle).not.toMatch(/from\s*"node:/);
    expect(answer.trim()).toBe('{"message":"Hello, World!"}');
  }, 60_000);
});
