/**
 * The users API's Lambda as `portico build` bundles it (tools/cli): reproducible, self-contained (only Node
 * built-ins outside it, reached through process.getBuiltinModule), and the watch build `pnpm dev` serves loads and
 * answers like the one-shot build.
 */
import { buildApp, bundleOptions, watchApp } from '@portico/cli';
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import usersApi from '../portico.config';

const PACKAGE_DIR = resolve(__dirname, '..');
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'users-api-build-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('the build', () => {
  it('produces the same zip and hash when run twice', async () => {
    const [first, second] = [join(scratch, 'one'), join(scratch, 'two')];

    const [a, b] = [await buildApp(usersApi, PACKAGE_DIR, { outdir: first }), await buildApp(usersApi, PACKAGE_DIR, { outdir: second })];

    expect(a.meta.sha256).toBe(b.meta.sha256);
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
    const watching = watchApp(usersApi, PACKAGE_DIR, { outdir, log: () => undefined });
    try {
      await watching.ready;
    } finally {
      await watching.close();
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
