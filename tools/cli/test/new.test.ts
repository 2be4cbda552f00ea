/**
 * `portico new`'s checks and rendering: which names it takes and what it says about the others, templates filled by
 * plain substitution, the dev port and logging-role choices, and that a dry run or a refusal writes nothing. The
 * generated API built, tested, synthesized, planned and served is `new-e2e.test.ts`.
 */
import { defineApi, type ApiConfig } from '@portico/infra/api';
import { discoverApis } from '@portico/infra/discover';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  apiNameProblem,
  createApi,
  devPortProblem,
  kebabCase,
  loggingRoleOwner,
  nextDevPort,
  nextSteps,
  renderApi,
  renderTemplate,
  templateFiles,
  workspacePackages,
  type TakenNames,
} from '../src/new';

const FREE: TakenNames = { folderExists: false, packages: new Map(), apis: new Map() };
const CLI_DIR = resolve(__dirname, '..');
const REPO_ROOT = resolve(CLI_DIR, '../..');

/** What `nextDevPort` and `loggingRoleOwner` read of a declared API. */
const apiNamed = (name: string, stages: Record<string, object> = { dev: { region: 'us-east-1' } }, port?: number): ApiConfig =>
  ({ name, stages, ...(port === undefined ? {} : { dev: { port } }) }) as unknown as ApiConfig;

describe('apiNameProblem', () => {
  it.each(['orders-api', 'ab', 'billing', 'v2-orders', 'a1', 'x'.repeat(40)])('takes %s', (name) => {
    expect(apiNameProblem(name, FREE)).toBeUndefined();
  });

  it.each([
    ['../orders-api', 'is a path'],
    ['..', 'is a path'],
    ['apps/../../etc', 'is a path'],
    ['orders/api', 'is a path'],
    ['orders\\api', 'is a path'],
    ['.orders', 'is a path'],
    ['/tmp/orders', 'is a path'],
    ['', 'give the new API a name'],
    ['   ', 'give the new API a name'],
    ['OrdersApi', 'try "orders-api"'],
    ['orders_api', 'try "orders-api"'],
    ['orders api', 'try "orders-api"'],
    ['orders--api', 'try "orders-api"'],
    ['orders-', 'try "orders"'],
    ['-orders', 'try "orders"'],
    ['2fa-api', 'try "fa-api"'],
    ['a', 'not an API name'],
    ['x'.repeat(41), 'not an API name'],
    ['orders-api\n', 'not an API name'],
  ])('refuses %j: "…%s…"', (name, says) => {
    expect(apiNameProblem(name, FREE)).toContain(says);
  });

  it('refuses a name whose folder, API or package exists, saying where', () => {
    expect(apiNameProblem('orders-api', { ...FREE, folderExists: true })).toBe('apps/orders-api already exists: pick another name, or remove that folder first');
    expect(apiNameProblem('orders-api', { ...FREE, apis: new Map([['orders-api', 'apps/shop']]) })).toBe(
      'apps/shop already declares the API "orders-api": pick another name',
    );
    expect(apiNameProblem('orders-api', { ...FREE, packages: new Map([['@portico/orders-api', 'packages/orders-api']]) })).toContain(
      '@portico/orders-api (packages/orders-api)',
    );
  });

  it('takes only names defineApi takes too, so a new API always loads', () => {
    expect(() => defineApi(apiNamed('Orders') as never)).toThrow(/the name must be/);
    const candidates = ['orders-api', 'a--b', 'ab', 'a', 'A-b', 'a-', '1a', 'a'.repeat(40), 'a'.repeat(41), 'a_b', 'a.b'];
    for (const name of candidates) {
      if (apiNameProblem(name, FREE) !== undefined) continue;
      // defineApi checks the name first: whatever it says next is about the rest of this partial config.
      expect(() => defineApi(apiNamed(name) as never)).not.toThrow(/the name must be/);
    }
  });

  it('suggests kebab-case', () => {
    expect(['OrdersApi', 'orders_API', 'HTTPServer', ' orders  api ', '99-orders'].map(kebabCase)).toEqual([
      'orders-api',
      'orders-api',
      'httpserver',
      'orders-api',
      'orders',
    ]);
  });
});

describe('renderTemplate', () => {
  it('fills every placeholder with its value as text', () => {
    expect(renderTemplate("name: '{{name}}', port: {{port}}, again {{name}}", { name: 'orders-api', port: '3002' })).toBe(
      "name: 'orders-api', port: 3002, again orders-api",
    );
  });

  it('reads a value once: placeholders and code inside it stay text', () => {
    const values = { name: '{{port}} ${process.exit(1)} `rm -rf`', port: '1' };

    expect(renderTemplate('[{{name}}]', values)).toBe('[{{port}} ${process.exit(1)} `rm -rf`]');
  });

  it('refuses a placeholder without a value, naming the file and what it knows', () => {
    expect(() => renderTemplate('{{nmae}}', { name: 'x' }, 'templates/api/README.md')).toThrow(
      'templates/api/README.md: no value for {{nmae}} (known: name)',
    );
  });

  it('never takes a value from the prototype chain', () => {
    const values = Object.assign(Object.create(null) as Record<string, string>, { name: 'x' });

    expect(() => renderTemplate('{{constructor}}', values)).toThrow('no value for {{constructor}}');
    expect(() => renderTemplate('{{toString}}', { name: 'x' })).toThrow('no value for {{toString}}');
  });

  it('leaves text that only looks like a placeholder alone', () => {
    expect(renderTemplate('{{ name }} {{na-me}} {name} {{}}', { name: 'x' })).toBe('{{ name }} {{na-me}} {name} {{}}');
  });
});

describe('renderApi', () => {
  const files = renderApi({ name: 'orders-api', port: 3002, region: 'eu-west-1', apis: [] });
  const text = (path: string) => files.find((file) => file.path === path)!.text;

  it('renders every template file, with no placeholder left', () => {
    expect(files.map((file) => file.path)).toEqual(templateFiles());
    for (const file of files) expect([file.path, /\{\{[A-Za-z]+\}\}/.exec(file.text)?.[0]]).toEqual([file.path, undefined]);
  });

  it('writes what a fresh items API needs, and nothing of another app', () => {
    const paths = files.map((file) => file.path);

    expect(paths).toEqual(expect.arrayContaining(['package.json', 'tsconfig.json', 'jest.config.cjs', 'README.md', 'portico.config.ts', 'src/seed.ts', 'test/handler.test.ts']));
    expect(paths.filter((path) => /avatar|users|zod|compare|bench/i.test(path))).toEqual([]);
  });

  it('names the package, the API, its port and its region', () => {
    const pkg = JSON.parse(text('package.json')) as { name: string; scripts: Record<string, string> };
    const config = text('portico.config.ts');

    expect(pkg.name).toBe('@portico/orders-api');
    expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(['build', 'typecheck', 'test', 'synth', 'plan', 'deploy', 'dev']));
    expect(pkg.scripts.dev).toBe('portico dev orders-api');
    expect(config).toContain("name: 'orders-api'");
    expect(config).toContain('dev: { port: 3002 }');
    expect(config.match(/region: 'eu-west-1'/g)).toHaveLength(2);
    expect(config.match(/traffic: itemsTraffic\(/g)).toHaveLength(2);
  });

  it("lets the new API's dev stack set the region's logging role only when no other dev stack does", () => {
    const owner = apiNamed('users-api', { dev: { region: 'us-east-1', manageGatewayLoggingRole: true } });
    const config = (apis: ApiConfig[]) => renderApi({ name: 'orders-api', port: 3002, region: 'us-east-1', apis }).find((f) => f.path === 'portico.config.ts')!.text;

    expect(config([])).toMatch(/manageGatewayLoggingRole: true,\n {2}protectData: false/);
    expect(config([owner])).toMatch(/manageGatewayLoggingRole: false,\n {2}protectData: false/);
    expect(loggingRoleOwner('dev', 'us-east-1', [owner]).why).toContain("users-api's dev stack sets it in us-east-1");
    expect(loggingRoleOwner('dev', 'eu-west-1', [owner]).manage).toBe(true);
  });
});

describe('dev ports', () => {
  const apis = [apiNamed('users-api', undefined, 3000), apiNamed('avatars-api', undefined, 3001)];

  it('picks one above the highest declared, so no API moves', () => {
    expect(nextDevPort(apis)).toBe(3002);
    expect(nextDevPort([])).toBe(3000);
    expect(nextDevPort([apiNamed('a-api', undefined, 4100), ...apis])).toBe(4101);
  });

  it('refuses a taken or impossible port, naming the holder and a free one', () => {
    expect(devPortProblem(3001, apis)).toBe('--port 3001: avatars-api already serves on it in pnpm dev (the next free one is 3002)');
    expect(devPortProblem(0, apis)).toContain('use a whole number from 1 to 65535');
    expect(devPortProblem(70_000, apis)).toContain('use a whole number from 1 to 65535');
    expect(devPortProblem(3005, apis)).toBeUndefined();
  });
});

describe('createApi', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'portico-new-'));
    writeFileSync(join(root, 'pnpm-workspace.yaml'), 'packages:\n  - packages/*\n  - apps/*\n');
    mkdirSync(join(root, 'packages', 'orders'), { recursive: true });
    writeFileSync(join(root, 'packages', 'orders', 'package.json'), JSON.stringify({ name: '@portico/orders-api' }));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const quiet = { install: false, log: () => {} };

  it('finds the workspace packages pnpm-workspace.yaml lists', () => {
    expect(workspacePackages(root)).toEqual(new Map([['@portico/orders-api', 'packages/orders']]));
  });

  it('writes apps/<name> from the templates', async () => {
    const api = await createApi({ name: 'billing-api', root, ...quiet });

    expect(api).toMatchObject({ name: 'billing-api', packageName: '@portico/billing-api', port: 3000, region: 'us-east-1', installed: false, dryRun: false });
    expect(readdirSync(api.dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length).toBe(templateFiles().length);
    expect(nextSteps(api)[1]).toContain('pnpm install');
  });

  it('writes nothing on a dry run, and lists the files it would write', async () => {
    const logged: string[] = [];

    const api = await createApi({ name: 'billing-api', root, install: false, dryRun: true, log: (line) => logged.push(line) });

    expect(existsSync(join(root, 'apps'))).toBe(false);
    expect(api.files).toEqual(templateFiles());
    expect(logged.slice(1)).toEqual(templateFiles().map((path) => `  apps/billing-api/${path}`));
    expect(nextSteps(api)).toEqual(['nothing written: run it again without --dry-run to create apps/billing-api']);
  });

  it.each([
    ['../escape', 'is a path', { name: '../escape' }],
    ['a taken package', '@portico/orders-api (packages/orders)', { name: 'orders-api' }],
    ['a bad region', 'not an AWS region name', { name: 'billing-api', region: 'moon-1' }],
    ['a bad port', 'use a whole number', { name: 'billing-api', port: 0 }],
  ])('refuses %s and writes nothing', async (_, says, options) => {
    await expect(createApi({ root, ...quiet, ...options })).rejects.toThrow(says);

    expect(existsSync(join(root, 'apps'))).toBe(false);
    expect(existsSync(join(root, '..', 'escape'))).toBe(false);
  });

  it('refuses a folder that exists, leaving it as it was', async () => {
    mkdirSync(join(root, 'apps', 'billing-api'), { recursive: true });
    writeFileSync(join(root, 'apps', 'billing-api', 'notes.txt'), 'mine');

    await expect(createApi({ name: 'billing-api', root, ...quiet })).rejects.toThrow('apps/billing-api already exists');
    expect(readdirSync(join(root, 'apps', 'billing-api'))).toEqual(['notes.txt']);
  });
});

describe('portico new (the command)', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [join(CLI_DIR, 'bin', 'portico.mjs'), 'new', ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });

  it('--dry-run picks the port after the declared APIs and lists the files, writing nothing', async () => {
    const declared = (await discoverApis(REPO_ROOT)).map((api) => api.config);

    const result = run('orders-api', '--dry-run');

    expect([result.status, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toContain(`would write apps/orders-api (@portico/orders-api, dev port ${nextDevPort(declared)}, region us-east-1)`);
    expect(result.stdout).toContain('  apps/orders-api/portico.config.ts\n');
    expect(existsSync(join(REPO_ROOT, 'apps', 'orders-api'))).toBe(false);
  });

  it('exits 1 with the reason for a refused name, and 2 with the usage for a missing one', () => {
    const refused = run('../../tmp/x');
    const missing = run();

    expect([refused.status, refused.stderr.trim()]).toEqual([1, 'portico: "../../tmp/x" is a path: give a name (e.g. orders-api), and the API is written to apps/<name>']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('portico new takes one API name');
    expect(run('orders-api', '--port', '30x2').stderr).toContain('--port 30x2: use a whole number from 1 to 65535');
  });
});
