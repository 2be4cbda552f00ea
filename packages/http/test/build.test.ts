/**
 * The published build (scripts/build.ts), written afresh into a temp dir so a stale dist/ proves nothing: modules
 * Node.js and TypeScript's NodeNext resolution can load, and a Lambda bundle as lean as one from the source.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { APP, bundleApp } from './support/bundle-app';

const ROOT = resolve(__dirname, '..');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? files(path) : [path];
  });
}

describe('published build', () => {
  let work: string;
  let out: string;

  beforeAll(() => {
    // Laid out as installed: dist/ beside the package.json, whose `sideEffects: false` lets a bundler drop modules.
    work = mkdtempSync(join(tmpdir(), 'portico-http-build-'));
    out = join(work, 'dist');
    copyFileSync(join(ROOT, 'package.json'), join(work, 'package.json'));
    const built = spawnSync(process.execPath, [require.resolve('tsx/cli'), join(ROOT, 'scripts', 'build.ts'), '--out-dir', out], { encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`scripts/build.ts failed (exit ${built.status}):\n${built.stdout}${built.stderr}`);
  }, 5 * 60_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('names a file that exists in every relative import of its modules and declarations', () => {
    const specifier = /(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]*)['"]/g;
    const unresolved: string[] = [];

    for (const file of files(out).filter((f) => f.endsWith('.js') || f.endsWith('.d.ts'))) {
      for (const [, path] of readFileSync(file, 'utf8').matchAll(specifier)) {
        const target = resolve(dirname(file), path!);
        // A declaration's `./route.js` is read from `./route.d.ts`, as TypeScript resolves it.
        const exists = file.endsWith('.d.ts') ? existsSync(target.replace(/\.js$/, '.d.ts')) : existsSync(target);
        if (!path!.endsWith('.js') || !exists) unresolved.push(`${file.slice(out.length + 1)}: ${path}`);
      }
    }

    expect(files(out)).toContain(join(out, 'testing', 'index.d.ts'));
    expect(unresolved).toEqual([]);
  });

  it('bundles a handler as small as one from the source, without JSON Schema generation or OpenAPI', async () => {
    const fromSource = await bundleApp(APP);
    const fromBuild = await bundleApp(APP.replace("'./src/index'", JSON.stringify(join(out, 'index.js'))));

    // Module for module, the build keeps what a bundler can drop: a few bytes of difference at most, not a chunk.
    expect(fromBuild.length).toBeLessThanOrEqual(fromSource.length * 1.005);
    expect(fromBuild).not.toMatch(/draft-04|JSONSchemaGenerator|openapi|x-amazon-apigateway/);
    expect(fromBuild).not.toMatch(/\bnew (Request|Response|Headers)\(/);
  });
});
