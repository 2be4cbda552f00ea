// Builds the published form of @portico/http into dist/: one ES module and one .d.ts per source module.
//
// tsc writes both in one pass (the declarations need the type checker anyway, so esbuild would only add a second
// tool). A module per source file keeps a consumer's bundle what it is from source: a bundler drops whole modules
// (`"sideEffects": false`), so a Lambda that imports the main entry never loads openapi, the JSON Schema converter or
// the test helpers (test/build.test.ts bundles a handler from dist/ and from src/ and compares them).
//
// The source imports its own modules without extensions (Bundler resolution); Node.js and TypeScript's NodeNext
// resolution need `./route.js`, so tsc-alias writes the full path into every emitted import and `import()` type.
//
// The workspace never reads dist/: `exports` name src/, and pnpm swaps in `publishConfig.exports` when it packs.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { replaceTscAliasPaths } from 'tsc-alias';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const project = join(root, 'tsconfig.build.json');
// `--out-dir` builds elsewhere (the tests build a fresh copy rather than trust whatever dist/ holds).
const { values } = parseArgs({ options: { 'out-dir': { type: 'string' } } });
const outDir = resolve(values['out-dir'] ?? join(root, 'dist'));

// A module renamed or removed in src/ must not linger in a package built from this folder.
rmSync(outDir, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', project, '--outDir', outDir], { cwd: root, stdio: 'inherit' });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);
await replaceTscAliasPaths({ configFile: project, outDir, resolveFullPaths: true });
