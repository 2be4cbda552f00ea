import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';

/** Bundles a small handler the way the users API does, and returns the code. */
async function bundleApp(contents: string): Promise<string> {
  const result = await build({
    stdin: { contents, resolveDir: resolve(__dirname, '..'), loader: 'ts', sourcefile: 'app.ts' },
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

const APP = `
  import * as v from 'valibot';
  import { createApp, defineRoute, json } from './src/index';
  const app = createApp({ cors: { origins: ['https://app.example.com'] } });
  app.handle(defineRoute({ method: 'POST', path: '/users', body: v.object({ name: v.string() }) }), (req) => json(req.body));
  export const handler = app.lambda();
`;

describe('Lambda bundle', () => {
  it('leaves JSON Schema generation, OpenAPI and the test helpers out of a handler bundle', async () => {
    const code = await bundleApp(APP);

    expect(code).toContain('application/problem+json');
    expect(code).not.toContain('draft-04');
    expect(code).not.toMatch(/JSONSchemaGenerator|openapi|x-amazon-apigateway/);
    expect(code).not.toContain('execute-api');
  });

  it('pulls JSON Schema generation in only when the handler calls toGatewayModel', async () => {
    const code = await bundleApp(`${APP}\nimport { toGatewayModel } from './src/index';\nexport const model = toGatewayModel(v.string());`);

    expect(code).toContain('draft-04');
  });

  it('never touches the global fetch classes (Request, Response, Headers) on the Lambda path', async () => {
    const code = await bundleApp(APP);

    expect(code).not.toMatch(/\bnew (Request|Response|Headers)\(/);
  });
});

describe('Lambda bundle from the published build (dist/, which turbo builds before these tests)', () => {
  it('is as small as one from the source, without JSON Schema generation or OpenAPI', async () => {
    if (!existsSync(resolve(__dirname, '..', 'dist', 'index.js'))) throw new Error('dist/ is not built: run `pnpm --filter @portico/http build`');

    const fromSource = await bundleApp(APP);
    const fromDist = await bundleApp(APP.replace("'./src/index'", "'./dist/index.js'"));

    // Module for module, the build keeps what a bundler can drop: a few bytes of difference at most, not a chunk.
    expect(fromDist.length).toBeLessThanOrEqual(fromSource.length * 1.005);
    expect(fromDist).not.toMatch(/draft-04|JSONSchemaGenerator|openapi|x-amazon-apigateway/);
    expect(fromDist).not.toMatch(/\bnew (Request|Response|Headers)\(/);
  });
});
