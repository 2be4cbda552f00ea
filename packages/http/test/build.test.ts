/**
 * The published build (dist/, written by scripts/build.ts; turbo builds it before these tests) is made of modules
 * Node.js and TypeScript's NodeNext resolution can load. test/bundle.test.ts bundles a handler from it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const DIST = resolve(__dirname, '..', 'dist');

function distFiles(dir = DIST): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? distFiles(path) : [path];
  });
}

describe('published build (dist/)', () => {
  it('names a file that exists in every relative import of its modules and declarations', () => {
    if (!existsSync(join(DIST, 'index.js'))) throw new Error('dist/ is not built: run `pnpm --filter @portico/http build`');
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
});
