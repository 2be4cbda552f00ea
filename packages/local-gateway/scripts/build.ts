// Builds dist/: the library (one ES module and one .d.ts per source module, @portico/http imported as the dependency
// it is), the `portico-gateway` CLI, and the two plain .mjs files the gateway starts as processes from next to its
// modules (the Lambda runtime and the dynalite server), copied rather than compiled.
//
// The library: tsc writes JS and declarations in one pass; the source imports its own modules without extensions
// (Bundler resolution), so tsc-alias writes `./gateway.js` where Node.js and NodeNext resolution need it.
//
// The CLI is one esbuild bundle with @portico/http inside it, third-party packages left to install with this one. It
// runs as it is both here and from the package: in the workspace @portico/http resolves to its TypeScript source,
// which Node.js cannot load, so a CLI importing it would only run once installed. A process of its own shares no
// object with the caller's copy of @portico/http, so the second copy of its few modules (the event builder, the
// path compiler) costs bytes, nothing else; the library, which callers do share objects with, imports it.
import { build, type Plugin } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { replaceTscAliasPaths } from 'tsc-alias';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const project = join(root, 'tsconfig.build.json');

// A module renamed or removed in src/ must not linger in a package built from this folder.
rmSync(dist, { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', project], { cwd: root, stdio: 'inherit' });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);
await replaceTscAliasPaths({ configFile: project, resolveFullPaths: true });

/** Every bare import is external except the workspace's own packages. */
const externalThirdParty: Plugin = {
  name: 'external-third-party',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@portico/') || args.path.startsWith('node:')) return undefined;
      return { path: args.path, external: true };
    });
  },
};
// Replaces tsc's dist/cli.js, which would import @portico/http (see above); cli.ts exports nothing to declare.
await build({
  entryPoints: { cli: join(root, 'src/cli.ts') },
  outdir: dist,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  plugins: [externalThirdParty],
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});
rmSync(join(dist, 'cli.d.ts'));
copyFileSync(join(root, 'src/lambda-runtime.mjs'), join(dist, 'lambda-runtime.mjs'));
copyFileSync(join(root, 'src/local-dynamodb-server.mjs'), join(dist, 'local-dynamodb-server.mjs'));
chmodSync(join(dist, 'cli.js'), 0o755);
