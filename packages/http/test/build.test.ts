/**
 * The published build (dist/, written by scripts/build.ts; turbo builds it before these tests): modules Node.js and
 * NodeNext resolution can load, and a Lambda bundle from dist/ as lean as one from the source.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(__dirname, '..');
const DIST = join(ROOT, 'dist');

function distFiles(dir = DIST): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? distFiles(path) : [path];
  });
}

/** Bundles the users API's shape of handler against `entry`, minified, as a Lambda build would. */
async function bundleHandler(entry: string): Promise<string> {
  const contents = `
    import * as v from 'valibot';
    import { createApp, defineRoute, json, NotFoundError } from '${entry}';
    const app = createApp({ cors: { origins: ['https://app.example.com'] } });
    app.handle(defineRoute({ method: 'POST', path: '/users', body: v.object({ name: v.string() }) }), (req) => json(req.body));
    app.handle(defineRoute({ method: 'GET', path: '/users/{id}' }), (req) => { throw new NotFoundError(req.params.id); });
    export const handler = app.lambda();
  `;
  const result = await build({
    stdin: { contents, resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

describe('published build (dist/)', () => {
  beforeAll(() => {
    if (!existsSync(join(DIST, 'index.js'))) throw new Error('dist/ is not built: run `pnpm --filter @portico/http build`');
  });

  it('names a file that exists in every relative import of its modules and declarations', () => {
    const specifier = /(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]*)['"]/g;
    const unresolved: string[] = [];

    for (const file of distFiles().filter((f) => f.endsWith('.js') || f.endsWith('.d.ts'))) {
      for (const [, path] of readFileSync(file, 'utf8').matchAll(specifier)) {
        const target = resolve(dirname(file), path!);
        // A declaration's `./route.js` is read from `./route.d.ts`, as TypeScript resolves it.
        const exists = file.endsWith('.d.ts') ? existsSync(target.replace(/\.js$/, '.d.ts')) : existsSync(target);
        if (!path!.endsWith('.js') || !exists) unresolved.push(`${file.slice(DIST.length + 1)}: ${path}`);
      }
    }

    expect(unresolved).toEqual([]);
  });

  it('bundles a handler from dist/ as small as from the source, without OpenAPI or JSON Schema generation', async () => {
    const fromSource = await bundleHandler('./src/index');
    const fromDist = await bundleHandler('./dist/index.js');

    // Module for module, the build keeps what a bundler can drop: a few bytes of difference at most, not a chunk.
    expect(fromDist.length).toBeLessThanOrEqual(fromSource.length * 1.005);
    expect(fromDist).not.toMatch(/draft-04|x-amazon-apigateway|openapi/);
    expect(fromDist).not.toMatch(/\bnew (Request|Response|Headers)\(/);
  });
});
