// Bundles the CLI (and the dev runner) to dist/ with esbuild. The Lambda runtime and the dynalite server are plain .mjs
// files started as processes from next to the bundle, so they are copied rather than bundled.
import { build } from 'esbuild';
import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(join(root, 'dist'), { recursive: true });
await build({
  entryPoints: { cli: join(root, 'src/cli.ts'), dev: join(root, 'src/dev-cli.ts') },
  outdir: join(root, 'dist'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  packages: 'external',
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});
copyFileSync(join(root, 'src/lambda-runtime.mjs'), join(root, 'dist/lambda-runtime.mjs'));
copyFileSync(join(root, 'src/local-dynamodb-server.mjs'), join(root, 'dist/local-dynamodb-server.mjs'));
chmodSync(join(root, 'dist/cli.js'), 0o755);
