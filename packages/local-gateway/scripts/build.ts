// Bundles the CLI to dist/ with esbuild. The Lambda runtime and the dynalite server are plain .mjs files started as
// processes from next to the bundle, so they are copied rather than bundled.
//
// Third-party packages stay external (they install with this one); workspace packages (@portico/http) are bundled in,
// because they publish TypeScript sources that Node.js cannot load from dist/ until they ship built output of their own.
import { build, type Plugin } from 'esbuild';
import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(join(root, 'dist'), { recursive: true });

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
await build({
  entryPoints: { cli: join(root, 'src/cli.ts') },
  outdir: join(root, 'dist'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  plugins: [externalThirdParty],
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});
copyFileSync(join(root, 'src/lambda-runtime.mjs'), join(root, 'dist/lambda-runtime.mjs'));
copyFileSync(join(root, 'src/local-dynamodb-server.mjs'), join(root, 'dist/local-dynamodb-server.mjs'));
chmodSync(join(root, 'dist/cli.js'), 0o755);
