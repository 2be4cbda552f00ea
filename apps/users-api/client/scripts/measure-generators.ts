/**
 * Measures the three ways to get a typed fetch client from users-api's OpenAPI document, side by side in one run,
 * and writes results/generators.md:
 *
 *   openapi-typescript + openapi-fetch   types generated, a small generic runtime from npm (what this package uses)
 *   @hey-api/openapi-ts                  an SDK function per operation, its fetch client generated into the output
 *   orval (fetch client)                 an async function per operation over the platform's fetch
 *
 * For each: a scratch folder (outside the repository) gets the generator installed from npm at the pinned version;
 * generation runs with no network (`unshare -n`, where the machine allows it) and no Java on PATH; then the
 * generated code is counted, a tiny consumer making the same six calls is bundled with esbuild (minified, gzip) and
 * run against a recording fetch (what goes on the wire: URLs, where the key goes), the consumer is type-checked
 * `--runs` times in alternation (median wall time and tsc's own check time), and a probe file of wrong calls shows
 * which mistakes each one's types catch. Nothing is installed into the workspace.
 *
 *   pnpm --filter @portico/users-api-client measure:generators [--runs 7] [--keep]
 *
 * Needs `pnpm build` first (users-api's dist/openapi.json) and the npm registry.
 */
import { build } from 'esbuild';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus, loadavg, tmpdir } from 'node:os';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const SPEC = join(PACKAGE_DIR, '..', 'dist', 'openapi.json');
const RESULTS = join(PACKAGE_DIR, 'results', 'generators.md');
/** The workspace's TypeScript: every candidate is checked by the same compiler the repository uses. */
const TSC = createRequire(import.meta.url).resolve('typescript/lib/tsc.js');
const TS_VERSION = (createRequire(import.meta.url)('typescript/package.json') as { version: string }).version;
const BASE_URL = 'http://127.0.0.1:3000/dev';
const API_KEY = 'key-123';

const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '7' }, keep: { type: 'boolean', default: false } },
});
const RUNS = Number(args.runs);

interface Candidate {
  id: string;
  label: string;
  /** Installed to generate (pinned). */
  generator: Record<string, string>;
  /** What a consumer ships besides the generated code (pinned). */
  runtime: Record<string, string>;
  /** Extra files in the scratch folder (generator config). */
  files?: Record<string, string>;
  /** The generator's bin (package, bin name) and its arguments. */
  bin: [string, string];
  args: string[];
  /** Makes the six calls; exported `run` so the bundle can be imported, then run against a recording fetch. */
  consumer: string;
  /** Statements, one per probe id; `expectError` probes must not compile, the others must. */
  probes: { head: string; lines: Record<ProbeId, string> };
  /** How the API key reaches the request, in words (checked against the recorded requests). */
  keyHow: string;
}

type ProbeId = keyof typeof PROBES;

/** The mistakes (and two guarantees) the probe file checks. */
const PROBES = {
  wrongPath: { expectError: true, label: 'unknown path or operation' },
  queryType: { expectError: true, label: 'query `limit: 10` (a number; the API takes a string)' },
  missingQuery: { expectError: true, label: 'required query `q` missing' },
  missingPathParam: { expectError: true, label: 'path parameter `id` missing' },
  missingBodyField: { expectError: true, label: 'body without required `name`' },
  unknownBodyKey: { expectError: true, label: 'unknown body key (`role`)' },
  unknownQueryKey: { expectError: true, label: 'unknown query key (`page` beside `limit`)' },
  errorIsProblem: { expectError: false, label: '400 on `POST /users`: `error.code` is a string (problem typed)' },
  notFoundIsProblem: { expectError: false, label: '404 on `GET /users/{id}`: `error.code` is a string' },
  errorNotAny: { expectError: true, label: 'the error body is not `any` (assigning it to `number` fails)' },
} as const;

const CANDIDATES: Candidate[] = [
  {
    id: 'openapi-fetch',
    label: 'openapi-typescript 7.13.0 + openapi-fetch 0.17.0',
    generator: { 'openapi-typescript': '7.13.0' },
    runtime: { 'openapi-fetch': '0.17.0' },
    bin: ['openapi-typescript', 'openapi-typescript'],
    args: ['openapi.json', '--output', 'gen/schema.ts'],
    consumer: `import createClient from 'openapi-fetch';
import type { paths } from './gen/schema';

export async function run(baseUrl: string, apiKey: string): Promise<void> {
  const api = createClient<paths>({ baseUrl });
  const key = { 'x-api-key': apiKey };
  await api.GET('/hello');
  await api.GET('/users', { params: { query: { limit: '2' } } });
  await api.POST('/users', { body: { name: 'Ada' }, headers: key });
  await api.GET('/users/{id}', { params: { path: { id: 'a/b' } } });
  await api.DELETE('/users/{id}', { params: { path: { id: 'x' } }, headers: key });
  await api.GET('/search', { params: { query: { q: 'ad' } } });
}
`,
    probes: {
      head: `import createClient from 'openapi-fetch';\nimport type { paths } from './gen/schema';\nconst api = createClient<paths>({ baseUrl: '' });`,
      lines: {
        wrongPath: `await api.GET('/user/{id}', { params: { path: { id: 'x' } } });`,
        queryType: `await api.GET('/users', { params: { query: { limit: 10 } } });`,
        missingQuery: `await api.GET('/search', { params: { query: { limit: '5' } } });`,
        missingPathParam: `await api.GET('/users/{id}', { params: { path: {} } });`,
        missingBodyField: `await api.POST('/users', { body: { email: 'a@example.com' } });`,
        unknownBodyKey: `await api.POST('/users', { body: { name: 'a', role: 'admin' } });`,
        unknownQueryKey: `await api.GET('/users', { params: { query: { limit: '2', page: '2' } } });`,
        errorIsProblem: `{ const r = await api.POST('/users', { body: { name: 'a' } }); if (r.error) { const code: string = r.error.code; void code; } }`,
        notFoundIsProblem: `{ const r = await api.GET('/users/{id}', { params: { path: { id: 'x' } } }); if (r.error) { const code: string = r.error.code; void code; } }`,
        errorNotAny: `{ const r = await api.POST('/users', { body: { name: 'a' } }); if (r.error) { const n: number = r.error; void n; } }`,
      },
    },
    keyHow: 'not from the document: a header per call (or client-wide); this package generates the key routes from `security` and adds it in a middleware',
  },
  {
    id: 'hey-api',
    label: '@hey-api/openapi-ts 0.99.0 (fetch client)',
    generator: { '@hey-api/openapi-ts': '0.99.0' },
    runtime: {},
    bin: ['@hey-api/openapi-ts', 'openapi-ts'],
    args: ['--input', 'openapi.json', '--output', 'gen', '--client', '@hey-api/client-fetch'],
    consumer: `import { client } from './gen/client.gen';
import { createUser, deleteUser, getUser, hello, listUsers, searchUsers } from './gen/sdk.gen';

export async function run(baseUrl: string, apiKey: string): Promise<void> {
  client.setConfig({ baseUrl, auth: () => apiKey });
  await hello();
  await listUsers({ query: { limit: '2' } });
  await createUser({ body: { name: 'Ada' } });
  await getUser({ path: { id: 'a/b' } });
  await deleteUser({ path: { id: 'x' } });
  await searchUsers({ query: { q: 'ad' } });
}
`,
    probes: {
      head: `import * as sdk from './gen/sdk.gen';`,
      lines: {
        wrongPath: `await sdk.getUserById({ path: { id: 'x' } });`,
        queryType: `await sdk.listUsers({ query: { limit: 10 } });`,
        missingQuery: `await sdk.searchUsers({ query: { limit: '5' } });`,
        missingPathParam: `await sdk.getUser({ path: {} });`,
        missingBodyField: `await sdk.createUser({ body: { email: 'a@example.com' } });`,
        unknownBodyKey: `await sdk.createUser({ body: { name: 'a', role: 'admin' } });`,
        unknownQueryKey: `await sdk.listUsers({ query: { limit: '2', page: '2' } });`,
        errorIsProblem: `{ const r = await sdk.createUser({ body: { name: 'a' } }); if (r.error) { const code: string = r.error.code; void code; } }`,
        notFoundIsProblem: `{ const r = await sdk.getUser({ path: { id: 'x' } }); if (r.error) { const code: string = r.error.code; void code; } }`,
        errorNotAny: `{ const r = await sdk.createUser({ body: { name: 'a' } }); if (r.error) { const n: number = r.error; void n; } }`,
      },
    },
    keyHow: 'from the document: each SDK function carries its `security`; the client\'s `auth` callback supplies the key',
  },
  {
    id: 'orval',
    label: 'orval 8.38.0 (fetch client)',
    generator: { orval: '8.38.0' },
    runtime: {},
    files: {
      'orval.config.mjs': `export default {
  users: {
    input: { target: './openapi.json' },
    output: {
      target: './gen/users.ts',
      client: 'fetch',
      mode: 'single',
      // The stage URL is known at run time only: orval reads it from an expression, here a module's variable.
      baseUrl: { runtime: 'baseUrl.current', imports: [{ name: 'baseUrl', importPath: '../base-url' }] },
    },
  },
};
`,
      'base-url.ts': `export const baseUrl = { current: '' };\n`,
    },
    bin: ['orval', 'orval'],
    args: ['--config', 'orval.config.mjs'],
    consumer: `import { baseUrl as base } from './base-url';
import { createUser, deleteUser, getUser, hello, listUsers, searchUsers } from './gen/users';

export async function run(baseUrl: string, apiKey: string): Promise<void> {
  base.current = baseUrl;
  const key = { headers: { 'x-api-key': apiKey } };
  await hello();
  await listUsers({ limit: '2' });
  await createUser({ name: 'Ada' }, key);
  await getUser('a/b');
  await deleteUser('x', key);
  await searchUsers({ q: 'ad' });
}
`,
    probes: {
      head: `import * as api from './gen/users';`,
      lines: {
        wrongPath: `await api.getUserById('x');`,
        queryType: `await api.listUsers({ limit: 10 });`,
        missingQuery: `await api.searchUsers({ limit: '5' });`,
        missingPathParam: `await api.getUser();`,
        missingBodyField: `await api.createUser({ email: 'a@example.com' });`,
        unknownBodyKey: `await api.createUser({ name: 'a', role: 'admin' });`,
        unknownQueryKey: `await api.listUsers({ limit: '2', page: '2' });`,
        errorIsProblem: `{ const r = await api.createUser({ name: 'a' }); if (r.status !== 201) { const code: string = r.data.code; void code; } }`,
        notFoundIsProblem: `{ const r = await api.getUser('x'); if (r.status !== 200) { const code: string = r.data.code; void code; } }`,
        errorNotAny: `{ const r = await api.createUser({ name: 'a' }); if (r.status !== 201) { const n: number = r.data; void n; } }`,
      },
    },
    keyHow: 'not from the document: `RequestInit` headers per call (untyped); the `security` is ignored',
  },
];

const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2023', 'DOM', 'DOM.Iterable'],
    module: 'ESNext',
    moduleResolution: 'Bundler',
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: [],
  },
};

interface Result {
  candidate: Candidate;
  install: { packages: number; bytes: number; ms: number };
  generate: { ms: number; offline: boolean | undefined; javaOnPath: boolean };
  generated: { files: number; lines: number; bytes: number };
  bundle: { bytes: number; gzipBytes: number; byPackage: Record<string, number> };
  requests: Recorded[];
  typecheck: { wallMs: number[]; checkMs: number[] };
  probes: Record<ProbeId, boolean>;
}

interface Recorded {
  method: string;
  url: string;
  key: boolean;
}

/**
 * The generators' TypeScript peer, pinned to the workspace's: left to npm, the open peer ranges resolve to
 * TypeScript 7 (the native compiler, no JavaScript API), with which @hey-api/openapi-ts 0.99 fails at load.
 */
function withTypeScript(deps: Record<string, string>): Record<string, string> {
  return { ...deps, typescript: TS_VERSION };
}

function run(cmd: string, argv: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): { ms: number; out: string } {
  const start = performance.now();
  const result = spawnSync(cmd, argv, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - start;
  if (result.status !== 0) {
    throw new Error(`${cmd} ${argv.join(' ')} failed in ${cwd}: ${result.error?.message ?? `exit ${result.status}`}\n${result.stdout}\n${result.stderr}`);
  }
  return { ms, out: `${result.stdout}${result.stderr}` };
}

/** Every installed package under node_modules (nested ones too), with its bytes; TypeScript left out (all share it). */
function installedPackages(nodeModules: string): Map<string, number> {
  const found = new Map<string, number>();
  const visit = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir)) {
      if (entry.startsWith('.')) continue;
      if (entry.startsWith('@')) {
        for (const scoped of readdirSync(join(dir, entry))) add(join(dir, entry, scoped), `${entry}/${scoped}`);
      } else add(join(dir, entry), entry);
    }
  };
  const add = (dir: string, name: string) => {
    if (name === 'typescript' || !existsSync(join(dir, 'package.json'))) return;
    found.set(relative(nodeModules, dir), bytesUnder(dir, true));
    visit(join(dir, 'node_modules'));
  };
  visit(nodeModules);
  return found;
}

function bytesUnder(dir: string, skipNodeModules = false): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isSymbolicLink()) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!(skipNodeModules && entry.name === 'node_modules')) total += bytesUnder(path, skipNodeModules);
    } else total += statSync(path).size;
  }
  return total;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** `unshare`'s path where this machine can run a command in a network namespace of its own (loopback only). */
function networkIsolator(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v unshare'], { encoding: 'utf8' }).stdout.trim();
  return found && spawnSync(found, ['-n', 'true']).status === 0 ? found : undefined;
}

function binPath(dir: string, pkg: string, bin: string): string {
  const manifest = JSON.parse(readFileSync(join(dir, 'node_modules', pkg, 'package.json'), 'utf8')) as { bin: string | Record<string, string> };
  const file = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin[bin]!;
  return join(dir, 'node_modules', pkg, file);
}

async function prepare(candidate: Candidate, root: string, isolate: string | undefined): Promise<Omit<Result, 'typecheck'>> {
  const dir = join(root, candidate.id);
  mkdirSync(join(dir, 'gen'), { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: `measure-${candidate.id}`, private: true, type: 'module', dependencies: candidate.runtime, devDependencies: withTypeScript(candidate.generator) }, null, 2),
  );
  writeFileSync(join(dir, 'openapi.json'), readFileSync(SPEC));
  for (const [file, text] of Object.entries(candidate.files ?? {})) writeFileSync(join(dir, file), text);

  // Generator alone first, to count what generating pulls in; then the runtime beside it.
  const generatorOnly = join(root, `${candidate.id}-generator`);
  mkdirSync(generatorOnly);
  writeFileSync(join(generatorOnly, 'package.json'), JSON.stringify({ private: true, devDependencies: withTypeScript(candidate.generator) }));
  const npmArgs = ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'];
  const installed = run('npm', npmArgs, generatorOnly);
  const packages = installedPackages(join(generatorOnly, 'node_modules'));
  run('npm', npmArgs, dir);

  // No network (a namespace with loopback only) and no Java: PATH holds node's folder alone.
  const env = { PATH: dirname(process.execPath), HOME: dir };
  const javaOnPath = spawnSync('java', ['-version'], { env }).error === undefined;
  const bin = binPath(dir, ...candidate.bin);
  const generated = isolate
    ? run(isolate, ['-n', process.execPath, bin, ...candidate.args], dir, env)
    : run(process.execPath, [bin, ...candidate.args], dir, env);

  const genFiles = filesUnder(join(dir, 'gen'));
  const texts = genFiles.map((file) => readFileSync(file, 'utf8'));

  writeFileSync(join(dir, 'consumer.ts'), candidate.consumer);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ ...CONSUMER_TSCONFIG, include: ['consumer.ts', 'gen'] }, null, 2));
  const bundled = await build({
    absWorkingDir: dir,
    entryPoints: ['consumer.ts'],
    outfile: join(dir, 'consumer.bundle.mjs'),
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    metafile: true,
    logLevel: 'error',
  });
  const bundleText = readFileSync(join(dir, 'consumer.bundle.mjs'));
  const byPackage: Record<string, number> = {};
  for (const output of Object.values(bundled.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const nm = input.lastIndexOf('node_modules/');
      const name = nm < 0 ? (input.startsWith('gen/') ? 'generated' : 'consumer') : input.slice(nm + 13).split('/').slice(0, input.slice(nm + 13).startsWith('@') ? 2 : 1).join('/');
      byPackage[name] = (byPackage[name] ?? 0) + bytesInOutput;
    }
  }

  return {
    candidate,
    install: { packages: packages.size, bytes: [...packages.values()].reduce((a, b) => a + b, 0), ms: installed.ms },
    generate: { ms: generated.ms, offline: isolate ? true : undefined, javaOnPath },
    generated: { files: genFiles.length, lines: texts.reduce((n, t) => n + t.split('\n').length - (t.endsWith('\n') ? 1 : 0), 0), bytes: texts.reduce((n, t) => n + Buffer.byteLength(t), 0) },
    bundle: { bytes: bundleText.length, gzipBytes: gzipSync(bundleText, { level: 9 }).length, byPackage },
    requests: await recordRequests(join(dir, 'consumer.bundle.mjs')),
    probes: probe(candidate, dir),
  };
}

/** Runs a consumer bundle against a fetch that records each request and answers an empty JSON 200 (204 to DELETE). */
async function recordRequests(bundle: string): Promise<Recorded[]> {
  const recorded: Recorded[] = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    recorded.push({ method: request.method, url: request.url, key: request.headers.get('x-api-key') === API_KEY });
    return request.method === 'DELETE'
      ? new Response(null, { status: 204 })
      : new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
  };
  try {
    const mod = (await import(pathToFileURL(bundle).href)) as { run: (baseUrl: string, apiKey: string) => Promise<void> };
    await mod.run(BASE_URL, API_KEY);
  } finally {
    globalThis.fetch = realFetch;
  }
  return recorded;
}

/** Compiles one probe file: a `@ts-expect-error` before each must-fail line; true where the candidate behaves. */
function probe(candidate: Candidate, dir: string): Record<ProbeId, boolean> {
  const lines = [...candidate.probes.head.split('\n'), 'export async function probes(): Promise<void> {'];
  const at = new Map<number, ProbeId>();
  for (const [id, statement] of Object.entries(candidate.probes.lines) as Array<[ProbeId, string]>) {
    if (PROBES[id].expectError) lines.push('  // @ts-expect-error');
    lines.push(`  ${statement}`);
    at.set(lines.length, id); // 1-based line of the statement
  }
  lines.push('}', '');
  writeFileSync(join(dir, 'probes.ts'), lines.join('\n'));
  writeFileSync(join(dir, 'tsconfig.probes.json'), JSON.stringify({ ...CONSUMER_TSCONFIG, include: ['probes.ts', 'gen'] }, null, 2));
  const out = spawnSync(process.execPath, [TSC, '-p', 'tsconfig.probes.json'], { cwd: dir, encoding: 'utf8' }).stdout;
  const failing = new Set<ProbeId>();
  for (const match of out.matchAll(/^probes\.ts\((\d+),\d+\): error (TS\d+)/gm)) {
    const line = Number(match[1]);
    // An unused directive is reported on its own line, the one before its statement.
    const id = match[2] === 'TS2578' ? at.get(line + 1) : at.get(line);
    if (id) failing.add(id);
    else throw new Error(`${candidate.id}: tsc error outside any probe:\n${out}`);
  }
  return Object.fromEntries((Object.keys(PROBES) as ProbeId[]).map((id) => [id, !failing.has(id)])) as Record<ProbeId, boolean>;
}

/** Type-checks each consumer `RUNS` times, the candidates in alternation so machine load is spread evenly. */
function timeTypechecks(results: Array<Omit<Result, 'typecheck'>>, root: string): Array<Result['typecheck']> {
  const times = results.map(() => ({ wallMs: [] as number[], checkMs: [] as number[] }));
  for (let round = 0; round < RUNS + 1; round++) {
    for (const [index, result] of results.entries()) {
      const { ms, out } = run(process.execPath, [TSC, '-p', 'tsconfig.json', '--extendedDiagnostics'], join(root, result.candidate.id));
      if (round === 0) continue; // the first round warms the file cache
      times[index]!.wallMs.push(ms);
      times[index]!.checkMs.push(Number(/^Check time:\s+([\d.]+)s/m.exec(out)?.[1]) * 1000);
    }
  }
  return times;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const ratio = (value: number, base: number) => `${(value / base).toFixed(2)}x`;

function report(results: Result[], isolate: string | undefined, load: [number, number]): string {
  const base = results[0]!;
  const row = (label: string, cell: (r: Result) => string) => `| ${label} | ${results.map(cell).join(' | ')} |`;
  const header = `| | ${results.map((r) => r.candidate.label).join(' | ')} |\n| :-- | ${results.map(() => ':--').join(' | ')} |`;
  const keyRoutes = (r: Result) => {
    const keyed = r.requests.filter((q) => q.key).map((q) => `${q.method} ${new URL(q.url).pathname.replace('/dev', '')}`);
    return keyed.length ? keyed.join(', ') : 'none';
  };
  const encodedId = (r: Result) => {
    const get = r.requests.find((q) => q.method === 'GET' && q.url.includes('/users/a'));
    return get ? `\`${new URL(get.url).pathname}\`${get.url.includes('a%2Fb') ? '' : ' **(not encoded: a different route)**'}` : 'not sent';
  };
  const deps = (r: Result) => {
    const names = Object.entries(r.candidate.runtime).map(([name, version]) => `${name} ${version}`);
    const packages = Object.keys(r.bundle.byPackage).filter((name) => !['generated', 'consumer'].includes(name));
    return names.length ? `${names.join(', ')} (bundled: ${packages.join(', ')})` : 'none (the client is generated code)';
  };
  const probeRows = (Object.keys(PROBES) as ProbeId[]).map((id) =>
    row(PROBES[id].expectError ? `catches: ${PROBES[id].label}` : `types: ${PROBES[id].label}`, (r) => (r.probes[id] ? 'yes' : '**no**')),
  );
  return `# Typed client generators on users-api's OpenAPI document

Generated by \`pnpm --filter @portico/users-api-client measure:generators\` (\`scripts/measure-generators.ts\`) on
${new Date().toISOString().slice(0, 16)}Z — Node ${process.version}, TypeScript ${TS_VERSION}, ${cpus().length} × ${cpus()[0]?.model.trim()},
1-min load average ${load[0].toFixed(1)} before, ${load[1].toFixed(1)} after. Input: \`apps/users-api/dist/openapi.json\`
(OpenAPI 3.0.3, ${Object.keys((JSON.parse(readFileSync(SPEC, 'utf8')) as { paths: object }).paths).length} paths, 6 operations).

Each candidate was installed from npm at the pinned version into a scratch folder, generated there, and measured
side by side in this one run. The consumer makes the same six calls with each (hello, list, create with the key,
get, delete with the key, search); its bundle is esbuild, minified, ESM, platform browser, gzip level 9. Type-check:
\`tsc -p\` over the consumer and the generated code (strict, \`skipLibCheck\`), ${RUNS} runs per candidate in
alternation after a warm-up round; medians, ratios against the first column. Timings are noisy on a shared machine:
compare the columns, not runs.

${header}
${row('generated code', (r) => `${r.generated.files} file(s), ${r.generated.lines} lines, ${kib(r.generated.bytes)}`)}
${row('generated lines vs first column', (r) => ratio(r.generated.lines, base.generated.lines))}
${row('consumer bundle (min)', (r) => kib(r.bundle.bytes))}
${row('consumer bundle (gzip)', (r) => `${kib(r.bundle.gzipBytes)} (${ratio(r.bundle.gzipBytes, base.bundle.gzipBytes)})`)}
${row('type-check wall, median', (r) => `${median(r.typecheck.wallMs).toFixed(0)} ms (${ratio(median(r.typecheck.wallMs), median(base.typecheck.wallMs))})`)}
${row('tsc check time, median', (r) => `${median(r.typecheck.checkMs).toFixed(0)} ms (${ratio(median(r.typecheck.checkMs), median(base.typecheck.checkMs))})`)}
${row('runtime dependencies', deps)}
${row('generator install (npm, TypeScript excluded)', (r) => `${r.install.packages} packages, ${mib(r.install.bytes)}`)}
${row('generation time (one run)', (r) => `${r.generate.ms.toFixed(0)} ms`)}
${row('generation needs network', (r) => (r.generate.offline ? 'no (ran in a network namespace with loopback only)' : isolate ? '?' : 'not checked (no `unshare -n` here)'))}
${row('generation needs Java', (r) => (r.generate.javaOnPath ? 'not checked (java on the restricted PATH)' : 'no (ran with only node on PATH)'))}
${row('where the API key goes (recorded)', keyRoutes)}
${row('how the key is typed', (r) => r.candidate.keyHow)}
${row('path parameter `a/b` sent as', encodedId)}
${probeRows.join('\n')}

Bundle bytes by source (minified, before gzip):

${results.map((r) => `- ${r.candidate.label}: ${Object.entries(r.bundle.byPackage).sort((a, b) => b[1] - a[1]).map(([name, bytes]) => `${name} ${kib(bytes)}`).join(', ')}`).join('\n')}

Problem JSON: the document gives every 400/403/413/415/500 \`application/problem+json\` with the \`Problem\` schema, and
all three type those bodies as \`Problem\`. The 404s of \`GET\`/\`DELETE /users/{id}\` are declared without content
(the route table's own \`404\` entry has no schema), so openapi-fetch types that error \`Problem | undefined\`,
@hey-api \`unknown\` (which swallows the union: \`error.code\` no longer compiles) and orval \`void\`.
`;
}

const load0 = loadavg()[0]!;
const isolate = networkIsolator();
const root = mkdtempSync(join(tmpdir(), 'portico-generators-'));
try {
  if (!existsSync(SPEC)) throw new Error(`${SPEC} does not exist: run \`pnpm build\` first`);
  const prepared = [];
  for (const candidate of CANDIDATES) {
    console.log(`measure: ${candidate.label}…`);
    prepared.push(await prepare(candidate, root, isolate));
  }
  console.log(`measure: type-checking ${RUNS + 1} rounds…`);
  const times = timeTypechecks(prepared, root);
  const results: Result[] = prepared.map((r, index) => ({ ...r, typecheck: times[index]! }));
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, report(results, isolate, [load0, loadavg()[0]!]));
  console.log(`measure: wrote ${relative(process.cwd(), RESULTS)}`);
  execFileSync('cat', [RESULTS], { stdio: 'inherit' });
} finally {
  if (args.keep) console.log(`measure: scratch folders kept in ${root}`);
  else rmSync(root, { recursive: true, force: true });
}
