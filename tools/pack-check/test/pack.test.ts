/**
 * The packages as a team outside the repository gets them: `pnpm pack` both (so `publishConfig` and `workspace:`
 * ranges are rewritten as on publish), install the tarballs with npm into a fresh project in the system temp dir, and
 * type-check (NodeNext, library checks on), run, bundle and serve a handler written against them.
 *
 * npm installs TypeScript, valibot and esbuild from the registry: without it this suite skips and says so, and fails
 * under PORTICO_REQUIRE_TOOLS=1. It reads the packages' dist/, which turbo builds before this package's tests.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { zipSync } from 'fflate';

const REPO = join(__dirname, '..', '..', '..');
const PACKAGES = { http: join(REPO, 'packages', 'http'), gateway: join(REPO, 'packages', 'local-gateway') };
// What the consumer installs beside the tarballs, pinned so a registry release cannot change the outcome.
const CONSUMER_DEPENDENCIES = ['typescript@5.9.3', '@types/node@22.20.7', 'valibot@1.5.0', 'esbuild@0.28.2'];
const REQUIRE_TOOLS = process.env.PORTICO_REQUIRE_TOOLS === '1';
const MINUTES = 60_000;

/**
 * The environment a developer's shell would have: without the variables `pnpm run` adds (the workspace's .npmrc as
 * npm_config_*, npm_package_*), so npm in the temp project reads only its own configuration. Where the registry is
 * and how to reach it stays.
 */
const KEEP_NPM_CONFIG = new Set(['registry', 'cache', 'proxy', 'https_proxy', 'noproxy', 'cafile', 'strict_ssl', 'userconfig']);
const ENV: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => {
    const lower = name.toLowerCase();
    if (lower.startsWith('npm_config_')) return KEEP_NPM_CONFIG.has(lower.slice('npm_config_'.length));
    return !lower.startsWith('npm_') && !lower.startsWith('pnpm_') && name !== 'INIT_CWD';
  }),
);
// The installed bin's `#!/usr/bin/env node` finds this Node.js (the Lambda runtime's version) first.
ENV.PATH = `${dirname(process.execPath)}${delimiter}${ENV.PATH ?? ''}`;

function run(command: string, args: string[], cwd: string, timeout = 10 * MINUTES): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env: ENV, encoding: 'utf8', timeout });
}

function ok(result: SpawnSyncReturns<string>, what: string): string {
  if (result.status !== 0) {
    throw new Error(`${what} failed (exit ${result.status ?? result.signal}):\n${result.stdout ?? ''}${result.stderr ?? ''}${result.error ?? ''}`);
  }
  return result.stdout;
}

/** Why the suite cannot run here (pnpm or the npm registry missing), or undefined. */
function missingTool(): string | undefined {
  const pnpm = run('pnpm', ['--version'], REPO, MINUTES);
  if (pnpm.status !== 0) return `pnpm is not on PATH (${pnpm.error?.message ?? pnpm.stderr.trim()})`;
  // An empty cache: npm answers `view` from a stale cache entry when the registry fails, which proves nothing.
  const cache = mkdtempSync(join(tmpdir(), 'portico-npm-cache-'));
  const registry = run('npm', ['view', 'typescript@5.9.3', 'version', `--cache=${cache}`, '--fetch-retries=1', '--fetch-timeout=20000'], tmpdir(), MINUTES);
  rmSync(cache, { recursive: true, force: true });
  if (registry.status !== 0 || registry.stdout.trim() !== '5.9.3') {
    const why = registry.error?.message ?? registry.stderr.split('\n').filter((line) => /^npm error (code|request)/.test(line)).join('; ');
    return `the npm registry is not reachable (npm view typescript@5.9.3: ${why || `exit ${registry.status}`})`;
  }
  return undefined;
}

function describeWithRegistry(name: string, fn: () => void): void {
  const missing = missingTool();
  if (missing === undefined) return describe(name, fn);
  if (REQUIRE_TOOLS) {
    return describe(name, () => {
      it('needs pnpm and the npm registry', () => {
        throw new Error(`required here (PORTICO_REQUIRE_TOOLS=1): ${missing}`);
      });
    });
  }
  console.warn(`skipping the pack-and-install test: ${missing} (set PORTICO_REQUIRE_TOOLS=1 to make this a failure)`);
  describe.skip(name, fn);
}

/** `pnpm pack`s a package into `dir` and returns the tarball's path. */
function pack(packageDir: string, dir: string): string {
  const before = new Set(readdirSync(dir));
  ok(run('pnpm', ['pack', '--pack-destination', dir], packageDir), `pnpm pack in ${packageDir}`);
  const tarball = readdirSync(dir).find((file) => file.endsWith('.tgz') && !before.has(file));
  if (!tarball) throw new Error(`pnpm pack wrote no tarball for ${packageDir}`);
  return join(dir, tarball);
}

/**
 * A REST API in Terraform JSON, as a team would write or synthesize it: GET /users/{id} and POST /users proxied to
 * one function whose code is the zipped bundle.
 */
function writeStack(dir: string): string {
  const api = '${aws_api_gateway_rest_api.api.id}';
  const root = '${aws_api_gateway_rest_api.api.root_resource_id}';
  const proxy = (resource: string, method: string) => ({
    rest_api_id: api,
    resource_id: `\${aws_api_gateway_resource.${resource}.id}`,
    http_method: `\${aws_api_gateway_method.${method}.http_method}`,
    type: 'AWS_PROXY',
    integration_http_method: 'POST',
    uri: '${aws_lambda_function.users.invoke_arn}',
  });
  const stack = {
    provider: { aws: [{ region: 'eu-west-1' }] },
    resource: {
      aws_lambda_function: {
        users: { function_name: 'consumer-users', handler: 'index.handler', runtime: 'nodejs22.x', filename: 'handler.zip', role: 'arn:aws:iam::123456789012:role/consumer' },
      },
      aws_api_gateway_rest_api: { api: { name: 'consumer-api' } },
      aws_api_gateway_resource: {
        users: { rest_api_id: api, parent_id: root, path_part: 'users' },
        user: { rest_api_id: api, parent_id: '${aws_api_gateway_resource.users.id}', path_part: '{id}' },
      },
      aws_api_gateway_method: {
        create_user: { rest_api_id: api, resource_id: '${aws_api_gateway_resource.users.id}', http_method: 'POST', authorization: 'NONE' },
        get_user: { rest_api_id: api, resource_id: '${aws_api_gateway_resource.user.id}', http_method: 'GET', authorization: 'NONE' },
      },
      aws_api_gateway_integration: { create_user: proxy('users', 'create_user'), get_user: proxy('user', 'get_user') },
      aws_api_gateway_deployment: {
        deployment: { rest_api_id: api, depends_on: ['aws_api_gateway_integration.create_user', 'aws_api_gateway_integration.get_user'] },
      },
      aws_api_gateway_stage: { test: { rest_api_id: api, deployment_id: '${aws_api_gateway_deployment.deployment.id}', stage_name: 'test' } },
    },
  };
  const file = join(dir, 'stack.tf.json');
  writeFileSync(file, JSON.stringify(stack, null, 2));
  return file;
}

interface Installed {
  name: string;
  version: string;
  exports: Record<string, { types: string; default: string }>;
  dependencies?: Record<string, string>;
  bin?: Record<string, string>;
}

describeWithRegistry('@portico/http and @portico/local-gateway, packed and installed outside the workspace', () => {
  let work: string;
  let project: string;
  let stackFile: string;
  const installed = (name: string) => JSON.parse(readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8')) as Installed;

  beforeAll(() => {
    // Arrange: the packages as npm would serve them, and a project that knows nothing of this repository.
    for (const [name, dir] of Object.entries(PACKAGES)) {
      if (!existsSync(join(dir, 'dist', 'index.js'))) throw new Error(`${name} is not built: run \`pnpm build\` (turbo builds it before this test)`);
    }
    work = mkdtempSync(join(tmpdir(), 'portico-pack-'));
    const tarballs = join(work, 'tarballs');
    project = join(work, 'consumer');
    mkdirSync(tarballs);
    mkdirSync(project);
    const packed = [pack(PACKAGES.http, tarballs), pack(PACKAGES.gateway, tarballs)];
    ok(run('npm', ['init', '-y'], project), 'npm init');
    ok(run('npm', ['pkg', 'set', 'type=module'], project), 'npm pkg set');
    ok(run('npm', ['install', '--no-audit', '--no-fund', '--save-exact', ...packed, ...CONSUMER_DEPENDENCIES], project, 10 * MINUTES), 'npm install');
    cpSync(join(__dirname, 'consumer'), project, { recursive: true });
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          // Library checks on: an import a .d.ts cannot resolve is an error, not a silent `any`.
          skipLibCheck: false,
          types: ['node'],
          outDir: 'out',
        },
        include: ['handler.ts', 'check.ts'],
      }),
    );
    stackFile = writeStack(project);
  }, 15 * MINUTES);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('installs built entry points with types, and @portico/http as a registry range, not a workspace link', () => {
    const http = installed('@portico/http');
    const gateway = installed('@portico/local-gateway');

    expect(http.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    expect(http.exports['./testing']).toEqual({ types: './dist/testing/index.d.ts', default: './dist/testing/index.js' });
    expect(http.exports['./openapi']).toEqual({ types: './dist/openapi.d.ts', default: './dist/openapi.js' });
    expect(http.exports['./authorizer']).toEqual({ types: './dist/authorizer.d.ts', default: './dist/authorizer.js' });
    expect(gateway.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    expect(gateway.dependencies?.['@portico/http']).toBe(`^${http.version}`);
    // Only what `files` lists ships (CHANGELOG.md once a release has written one; node_modules is npm's own).
    const shipped = (name: string) => readdirSync(join(project, 'node_modules', name)).filter((f) => f !== 'CHANGELOG.md' && f !== 'node_modules').sort();
    expect(shipped('@portico/http')).toEqual(['README.md', 'dist', 'package.json']);
    expect(shipped('@portico/local-gateway')).toEqual(['README.md', 'bin', 'dist', 'package.json']);
    const gatewayDist = readdirSync(join(project, 'node_modules', '@portico/local-gateway', 'dist'));
    expect(gatewayDist).toEqual(expect.arrayContaining(['cli.js', 'lambda-runtime.mjs', 'local-dynamodb-server.mjs']));
  });

  it('type-checks a handler written against the packages (NodeNext resolution, strict, library checks on)', () => {
    const tsc = run(process.execPath, [join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], project);

    // The handler's @ts-expect-error lines hold only if the route's params and body types reach the consumer.
    expect(`${tsc.stdout}${tsc.stderr}`).toBe('');
    expect(tsc.status).toBe(0);
  });

  it('runs the handler with the test factory, answers problems, builds the OpenAPI document and runs an authorizer', () => {
    const output = ok(run(process.execPath, [join('out', 'check.js'), stackFile], project), 'node out/check.js');
    const result = JSON.parse(output);

    expect(result.found).toEqual({ status: 200, type: 'application/json', body: { id: '1', name: 'Alice' } });
    expect(result.missing).toMatchObject({ status: 404, type: 'application/problem+json', body: { status: 404, code: 'NOT_FOUND', detail: 'User 9 not found' } });
    expect(result.invalid).toMatchObject({ status: 400, type: 'application/problem+json', body: { code: 'VALIDATION_FAILED' } });
    expect(result.invalid.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/email', '/name']);
    expect(result.made).toMatchObject({ status: 201, location: '/users/2', body: { id: '2', name: 'Carol' } });
    expect(result.openapi.version).toBe('3.0.3');
    expect(result.openapi.paths.sort()).toEqual(['/users', '/users/{id}']);
    expect(result.openapi.createUser.post.requestBody.content['application/json'].schema.required).toEqual(['name']);
    expect(result.authorizer.allowed).toEqual({
      principalId: 'partner-1',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: ['arn:aws:execute-api:eu-west-1:123456789012:abc123/dev/*/*'] }],
      },
      context: { tier: 'gold' },
    });
    expect(result.authorizer.refused).toBe('Unauthorized');
    expect(result.stack).toEqual({ stages: ['test'], functions: expect.arrayContaining([expect.stringContaining('consumer-users')]) });
  });

  it('bundles the handler for Lambda without OpenAPI, JSON Schema generation or the test helpers', () => {
    const esbuild = join(project, 'node_modules', '.bin', 'esbuild');
    ok(run(esbuild, ['handler.ts', '--bundle', '--platform=node', '--format=esm', '--target=node22', '--outfile=bundle/index.mjs'], project), 'esbuild');
    const bundle = readFileSync(join(project, 'bundle', 'index.mjs'), 'utf8');
    writeFileSync(join(project, 'handler.zip'), zipSync({ 'index.mjs': new TextEncoder().encode(bundle) }));

    expect(bundle).toContain('application/problem+json');
    expect(bundle).not.toMatch(/draft-04|x-amazon-apigateway|createProxyEvent|toOpenApi/);
    expect(bundle).not.toMatch(/\bnew (Request|Response|Headers)\(/);
  });

  it('serves the bundled handler through portico-gateway, run from the installed package', async () => {
    const cli = spawn(join(project, 'node_modules', '.bin', 'portico-gateway'), ['--stack', stackFile, '--stage', 'test', '--port', '0', '--no-watch'], {
      cwd: project,
      env: ENV,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    cli.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    cli.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => cli.once('exit', (code) => resolve(code)));
    try {
      const base = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`portico-gateway printed no URL:\n${output}`)), MINUTES);
        const look = () => {
          const url = /at (http:\/\/127\.0\.0\.1:\d+\/test)\b/.exec(output)?.[1];
          if (url) {
            clearTimeout(timer);
            resolve(url);
          }
        };
        cli.stdout.on('data', look);
        void exited.then((code) => reject(new Error(`portico-gateway exited (${code}):\n${output}`)));
      });

      const found = await fetch(`${base}/users/1`);
      const missing = await fetch(`${base}/users/9`);
      const invalid = await fetch(`${base}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":""}' });
      const unknown = await fetch(`${base}/nowhere`);

      expect(found.status).toBe(200);
      expect(await found.json()).toEqual({ id: '1', name: 'Alice' });
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toBe('application/problem+json');
      expect(await missing.json()).toMatchObject({ code: 'NOT_FOUND', detail: 'User 9 not found' });
      expect(invalid.status).toBe(400);
      expect(await invalid.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ pointer: '/name' })] });
      // The gateway's own answer for a path no resource matches, as API Gateway gives it.
      expect(unknown.status).toBe(403);
      expect(await unknown.json()).toEqual({ message: 'Missing Authentication Token' });
    } finally {
      cli.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  }, 2 * MINUTES);
});
