/**
 * `pnpm create-api orders-api` end to end, in a copy of this repository (its tracked and new files, linked with
 * `pnpm install --offline` from the local store): the generated API builds, type-checks, passes its own tests
 * against dynalite, synthesizes its stacks, gets a priced terraform plan, and `pnpm --filter … dev` serves it on
 * loopback, seeded, answering GET /health and POST, GET and DELETE /items (writes with the stage's API key).
 *
 * Skipped with the reason where terraform or its provider mirror (TF_PLUGIN_MIRROR) is missing, or where this is
 * not a git checkout; PORTICO_REQUIRE_TOOLS=1 makes that a failure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '../../..');
const NAME = 'orders-api';
const PACKAGE = `@portico/${NAME}`;

/** Why this test cannot run here, or `undefined`. */
function missingTool(): string | undefined {
  const git = spawnSync('git', ['-C', REPO_ROOT, 'rev-parse', '--is-inside-work-tree'], { encoding: 'utf8' });
  if (git.status !== 0) return `git cannot list the repository's files (${git.error?.message ?? git.stderr.trim()})`;
  const terraform = spawnSync(process.env.PORTICO_TERRAFORM ?? 'terraform', ['version'], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  if (terraform.error || terraform.status !== 0) return `terraform does not run (${terraform.error?.message ?? terraform.stderr.trim()}): install Terraform >= 1.10`;
  const mirror = process.env.TF_PLUGIN_MIRROR;
  if (!mirror || !existsSync(join(mirror, 'registry.terraform.io', 'hashicorp', 'aws'))) {
    return `TF_PLUGIN_MIRROR (${mirror ?? 'unset'}) holds no hashicorp/aws provider, and the plan may not download one`;
  }
  return undefined;
}

const missing = missingTool();
if (missing !== undefined) {
  const message = `terraform unavailable for the portico new end-to-end test: ${missing}`;
  if (process.env.PORTICO_REQUIRE_TOOLS === '1') throw new Error(`${message} (PORTICO_REQUIRE_TOOLS=1 makes this a failure)`);
  console.warn(`SKIPPED: ${message}. Set PORTICO_REQUIRE_TOOLS=1 to fail instead.`);
}
const describeWithTools = missing === undefined ? describe : describe.skip;

/** A command in the copy; resolves with its output, rejects with it on a non-zero exit. */
function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolvePromise(out) : reject(new Error(`${command} ${args.join(' ')} in ${cwd} exited with ${code ?? signal}:\n${out}`)),
    );
  });
}

/** Copies the files git knows (tracked, and new ones it does not ignore) of this checkout to `dest`. */
function copyRepository(dest: string): number {
  const listed = spawnSync('git', ['-C', REPO_ROOT, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  let copied = 0;
  for (const file of listed.stdout.split('\0')) {
    // A file deleted in the work tree is still in the index; an API of the name under test would be in the way.
    if (file === '' || file.startsWith(`apps/${NAME}/`) || !existsSync(join(REPO_ROOT, file))) continue;
    mkdirSync(dirname(join(dest, file)), { recursive: true });
    copyFileSync(join(REPO_ROOT, file), join(dest, file));
    copied++;
  }
  return copied;
}

const MINUTES = 60_000;

describeWithTools(`pnpm create-api ${NAME} in a copy of the repository`, () => {
  let root: string;
  let appDir: string;
  let dev: ChildProcess | undefined;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'portico-new-e2e-'));
    appDir = join(root, 'apps', NAME);
    expect(copyRepository(root)).toBeGreaterThan(100);
    await run('pnpm', ['install', '--offline', '--frozen-lockfile'], root);
  }, 5 * MINUTES);

  afterAll(async () => {
    if (dev?.pid !== undefined && dev.exitCode === null && dev.signalCode === null) {
      process.kill(-dev.pid, 'SIGKILL');
      await new Promise((resolveExit) => dev!.once('exit', resolveExit));
    }
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('writes the API, links it and says what to run next', async () => {
    const out = await run('pnpm', ['create-api', NAME], root);

    const port = new RegExp(`portico new: wrote apps/${NAME} \\(${PACKAGE}, dev port (\\d+), region us-east-1\\)`).exec(out)?.[1];
    expect(port).toBeDefined();
    expect(out).toMatch(new RegExp(`next:\\n {2}pnpm --filter ${PACKAGE} dev +serve it at http://127\\.0\\.0\\.1:${port}/dev`));
    expect(existsSync(join(appDir, 'node_modules', '@portico', 'http'))).toBe(true);
    expect(readFileSync(join(root, 'pnpm-lock.yaml'), 'utf8')).toContain(`apps/${NAME}:`);
  }, 5 * MINUTES);

  it('builds its Lambda bundle', async () => {
    await run('pnpm', ['--filter', PACKAGE, 'build'], root);

    const meta = JSON.parse(readFileSync(join(appDir, 'dist', 'build-meta.json'), 'utf8')) as { bundle: { bytes: number } };
    expect(meta.bundle.bytes).toBeGreaterThan(0);
    expect(existsSync(join(appDir, 'dist', 'lambda.zip'))).toBe(true);
    expect(JSON.parse(readFileSync(join(appDir, 'dist', 'openapi.json'), 'utf8'))).toMatchObject({ paths: { '/items': {}, '/items/{id}': {}, '/health': {} } });
  }, 3 * MINUTES);

  it('type-checks and passes its own tests', async () => {
    await run('pnpm', ['--filter', PACKAGE, 'typecheck'], root);
    const out = await run('pnpm', ['--filter', PACKAGE, 'test'], root);

    expect(out).toMatch(/Test Suites: 5 passed, 5 total\nTests: +\d+ passed, \d+ total/);
  }, 5 * MINUTES);

  it('synthesizes a stack per stage with its API, function and table', async () => {
    await run('pnpm', ['--filter', PACKAGE, 'synth'], root);

    for (const stage of ['dev', 'prod']) {
      const file = join(root, 'infra', 'cdktf.out', 'stacks', `${NAME}-${stage}`, 'cdk.tf.json');
      const { resource } = JSON.parse(readFileSync(file, 'utf8')) as { resource: Record<string, Record<string, Record<string, unknown>>> };
      expect(Object.values(resource.aws_api_gateway_rest_api!).map((api) => api.name)).toEqual([`${NAME}-${stage}`]);
      expect(Object.values(resource.aws_dynamodb_table!).map((table) => table.name)).toEqual([`${NAME}-${stage}-items`]);
      expect(Object.values(resource.aws_lambda_function!)).toHaveLength(1);
      const methods = Object.values(resource.aws_api_gateway_method!).map((method) => method.http_method).filter((method) => method !== 'OPTIONS');
      expect(methods.sort()).toEqual(['DELETE', 'GET', 'GET', 'GET', 'POST']);
    }
  }, 3 * MINUTES);

  it('gets a terraform plan with a monthly cost from the traffic it declares', async () => {
    const out = await run('pnpm', ['--filter', PACKAGE, 'plan', '--stage', 'dev'], root, { PORTICO_PLAN_LOCK: 'false' });

    expect(out).toContain(`✓ ${NAME}-dev`);
    const summary = readFileSync(join(root, 'infra', 'plans', `${NAME}-dev`, 'summary.md'), 'utf8');
    expect(summary).toContain(`table \`${NAME}-dev-items\``);
    expect(summary).toMatch(/DynamoDB, read request units \(on-demand\): \(45,000 × 1 \+ 40,000 × 0\.5\)/);
  }, 5 * MINUTES);

  it('is served by its dev script on loopback: seeded, GET /health, POST, GET and DELETE /items', async () => {
    // Its own process group, so the test can stop pnpm and everything under it.
    dev = spawn('pnpm', ['--filter', PACKAGE, 'dev'], {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PORT: '0', PORTICO_DATA_DIR: join(root, '.portico', 'e2e-data'), PORTICO_DEV_DIR: join(root, '.portico', 'e2e-dev') },
    });
    let log = '';
    const ready = new Promise<{ url: string; apiKey: string }>((resolveReady, reject) => {
      const read = (chunk: Buffer) => {
        log += chunk.toString();
        const url = /dev: orders-api ready at (http:\/\/127\.0\.0\.1:\d+\/dev)/.exec(log)?.[1];
        const apiKey = /API key [\w-]+: (\w+)/.exec(log)?.[1];
        if (url && apiKey) resolveReady({ url, apiKey });
      };
      dev!.stdout!.on('data', read);
      dev!.stderr!.on('data', read);
      dev!.once('exit', (code) => reject(new Error(`pnpm dev exited with ${code} before serving:\n${log}`)));
    });
    const { url, apiKey } = await ready;

    const health = await fetch(`${url}/health`);
    const created = await fetch(`${url}/items`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: JSON.stringify({ name: 'Lamp' }) });
    const item = (await created.json()) as { id: string; name: string };
    const read = await fetch(`${url}/items/${item.id}`);
    const listed = (await (await fetch(`${url}/items?limit=100`)).json()) as { items: Array<{ name: string }> };
    const keyless = await fetch(`${url}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Sneaky' }) });
    const deleted = await fetch(`${url}/items/${item.id}`, { method: 'DELETE', headers: { 'x-api-key': apiKey } });
    const gone = await fetch(`${url}/items/${item.id}`);
    const left = (await (await fetch(`${url}/items?limit=100`)).json()) as { items: Array<{ name: string }> };

    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    expect([created.status, item.name]).toEqual([201, 'Lamp']);
    expect([read.status, await read.json()]).toEqual([200, item]);
    expect(listed.items.map((listedItem) => listedItem.name).sort()).toEqual(['First item', 'Lamp', 'Second item']);
    expect(log).toContain('(seeded 2 items)');
    // The gateway refuses a write without the stage's API key before the function runs; the function deletes and 404s.
    expect([keyless.status, deleted.status, gone.status]).toEqual([403, 204, 404]);
    expect(left.items.map((leftItem) => leftItem.name).sort()).toEqual(['First item', 'Second item']);

    // Stopped as a terminal's Ctrl-C stops it: the whole group at once.
    const exited = new Promise<void>((resolveExit) => dev!.once('exit', () => resolveExit()));
    process.kill(-dev.pid!, 'SIGINT');
    await exited;
    expect(log).toContain('dev: stopped; nothing left running');
  }, 3 * MINUTES);
});
