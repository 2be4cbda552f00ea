import { resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(__dirname, '..', '..');

/**
 * Bundles a small handler the way the users API does, and returns the code. Bare imports also resolve from this
 * package's node_modules, so a build written outside the package (a temp dir) bundles too.
 */
export async function bundleApp(contents: string): Promise<string> {
  const result = await build({
    stdin: { contents, resolveDir: ROOT, loader: 'ts', sourcefile: 'app.ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    nodePaths: [resolve(ROOT, 'node_modules')],
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** A handler as the users API writes one: CORS, one route with a body schema, the Lambda edge. */
export const APP = `
  import * as v from 'valibot';
  import { createApp, defineRoute, json } from './src/index';
  const app = createApp({ cors: { origins: ['https://app.example.com'] } });
  app.handle(defineRoute({ method: 'POST', path: '/users', body: v.object({ name: v.string() }) }), (req) => json(req.body));
  export const handler = app.lambda();
`;
