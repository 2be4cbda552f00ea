/**
 * The DynamoDB client comparison behind `@portico/dynamodb` (packages/dynamodb): every candidate built into the same handler bundle and
 * measured side by side, in one run, against the same dynalite. Writes `results/cold-init.md` (and prints it). Not a
 * test and not timed in CI: run it by hand.
 *
 *   pnpm --filter @portico/users-api measure:init [--runs 21] [--rounds 3] [--requests 5000] [--warmup 5000]
 *
 * Variants differ from the shipped bundle only in the module they swap (scripts/bundle.ts `swaps`): the old store on
 * the SDK v3 document client (scripts/baseline/, the build as it was), the bare SDK v3 client, aws-lite, aws4fetch,
 * the shipped client with the SDK's signer, and the shipped bundle itself.
 *
 * - Cold init: a fresh `node` per sample, as a Lambda cold start is, imports the bundle, answers `GET /hello`, then
 *   `GET /users/{id}` for a stored user (the first DynamoDB call: configuration, signing, first connection), once
 *   against dynalite over HTTP and once over TLS (a throwaway certificate from `openssl`; Lambda always talks TLS).
 *   Each sample counts from the moment its script starts, so Node's own boot (what a bare `node` costs, reported
 *   beside) is left out process by process rather than by subtracting two noisy medians; variants are interleaved so
 *   drifting machine load hits all alike.
 * - Warm CPU: one process per variant and round answers `GET /users/{id}` many times in a row after a warm-up;
 *   `process.cpuUsage()` over the measured calls, divided by their number, is the function's CPU per request
 *   (dynalite runs in this process, so its work is not counted). The dynalite server counts the connections each
 *   process opened: 1 means every request reused one kept-alive connection.
 * - Failure behaviour: each bundle, with 10 s left in its invocation (users-api's Lambda timeout), against a server
 *   that accepts and never answers, a closed port, and a server that answers every request with DynamoDB's
 *   ProvisionedThroughputExceededException.
 * - Store checks: each client behind the real `UserStore` against dynalite: conditional create, a duplicate id, paging,
 *   search, conditional delete.
 */
import { createProxyEvent } from '@portico/http/testing';
import dynalite from 'dynalite';
import * as esbuild from 'esbuild';
import { execFile, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { createDynamoDb, type DynamoDbClient } from '@portico/dynamodb';
import { createUsersTable, UserExistsError, UserStore } from '../src/store';
import { BUNDLE_FILE, bundleOptions, formatBytes, packageBundle, type BundleSettings } from './bundle';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(PACKAGE_DIR, 'results', 'cold-init.md');
const run = promisify(execFile);
const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '21' },
    rounds: { type: 'string', default: '3' },
    requests: { type: 'string', default: '5000' },
    warmup: { type: 'string', default: '5000' },
  },
});
const runs = Number(args.runs);
const rounds = Number(args.rounds);
const requests = Number(args.requests);
const warmup = Number(args.warmup);

interface Variant {
  name: string;
  settings: BundleSettings;
  /** Module for the in-process store checks (exports `createDynamoDb`). */
  client: string;
  /** What the library gives for robustness, read from its source and documentation (the measured columns check it). */
  features: string;
}

const variants: Variant[] = [
  {
    name: 'SDK v3 + lib-dynamodb (before)',
    settings: { swaps: { 'src/store.ts': 'scripts/baseline/store-sdk-v3.ts' }, esmBuiltins: true },
    client: '',
    features: 'retries with jitter; no timeout unless configured (was none); keep-alive; typed errors',
  },
  {
    name: 'SDK v3 client-dynamodb, lazy',
    settings: { swaps: { '@portico/dynamodb': 'scripts/candidates/dynamodb-sdk-v3.ts' } },
    client: './candidates/dynamodb-sdk-v3',
    features: 'retries with jitter; connect/request timeouts + abort signal; keep-alive; typed errors',
  },
  {
    name: '@aws-lite/client + @aws-lite/dynamodb',
    settings: { swaps: { '@portico/dynamodb': 'scripts/candidates/dynamodb-aws-lite.ts' } },
    client: './candidates/dynamodb-aws-lite',
    features: 'retries with jitter; no request timeout option; keep-alive; error name = DynamoDB code',
  },
  {
    name: 'aws4fetch + global fetch',
    settings: { swaps: { '@portico/dynamodb': 'scripts/candidates/dynamodb-aws4fetch.ts' } },
    client: './candidates/dynamodb-aws4fetch',
    features: "retries 5xx/429 only (not DynamoDB's 400 throttling); abort signal; keep-alive (undici); errors by hand",
  },
  {
    name: 'own client, @smithy/signature-v4',
    settings: { swaps: { '../../packages/dynamodb/src/sigv4.ts': 'scripts/candidates/sigv4-smithy.ts' } },
    client: '',
    features: 'as shipped, the SDK signer (async)',
  },
  {
    name: 'own client, aws4 (shipped)',
    settings: {},
    client: '@portico/dynamodb',
    features: 'retries with full jitter in a budget; connect, attempt and call timeouts from remaining time; keep-alive; one error type',
  },
];

// ---------------------------------------------------------------------------------------------------------------
// Servers: dynalite over HTTP and TLS, and the three failing DynamoDBs.

async function listen(server: Server | ReturnType<typeof createNetServer>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const scratch = await mkdtemp(join(tmpdir(), 'users-api-measure-'));
const plain = dynalite({ createTableMs: 0 });
const plainEndpoint = `http://127.0.0.1:${await listen(plain)}`;
let connections = 0;
plain.on('connection', () => connections++);

let tls: { server: Server; endpoint: string; ca: string } | undefined;
try {
  const key = join(scratch, 'key.pem');
  const cert = join(scratch, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
    '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const server = dynalite({ createTableMs: 0, ssl: true, key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8') });
  tls = { server, endpoint: `https://127.0.0.1:${await listen(server)}`, ca: cert };
} catch (error) {
  console.warn(`no TLS column: could not make a certificate with openssl (${(error as Error).message})`);
}

const hangingSockets = new Set<Socket>();
const hanging = createNetServer((socket) => {
  hangingSockets.add(socket);
  socket.on('close', () => hangingSockets.delete(socket));
});
const hangingEndpoint = `http://127.0.0.1:${await listen(hanging)}`;
const closed = createNetServer();
const closedEndpoint = `http://127.0.0.1:${await listen(closed)}`;
await new Promise((resolve) => closed.close(resolve));
let throttledRequests = 0;
const throttling = createHttpServer((req, res) => {
  throttledRequests++;
  req.resume().on('end', () => {
    res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify({
      __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
      message: 'The level of configured provisioned throughput for the table was exceeded.',
    }));
  });
});
const throttlingEndpoint = `http://127.0.0.1:${await listen(throttling)}`;

const TABLE = 'users-measure';
const awsEnv = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'measure', AWS_SECRET_ACCESS_KEY: 'measure', USERS_TABLE: TABLE };
// This process's own clients (seeding, the store checks) talk to the plain dynalite.
Object.assign(process.env, awsEnv, { AWS_ENDPOINT_URL_DYNAMODB: plainEndpoint });
const seedDb = createDynamoDb({ endpoint: plainEndpoint });
await createUsersTable(seedDb, TABLE);
const { id: userId } = await new UserStore(seedDb, TABLE).create({ name: 'Ada Lovelace', email: 'ada@example.com' });
seedDb.close();
if (tls) {
  // The same user over TLS. A child seeds it: NODE_EXTRA_CA_CERTS (the throwaway CA) is only read at process start.
  const seed = `
    const { createDynamoDb } = await import('@portico/dynamodb');
    const { createUsersTable, UserStore } = await import(${JSON.stringify(pathToFileURL(join(PACKAGE_DIR, 'src', 'store.ts')).href)});
    const db = createDynamoDb({ endpoint: ${JSON.stringify(tls.endpoint)} });
    await createUsersTable(db, ${JSON.stringify(TABLE)});
    await new UserStore(db, ${JSON.stringify(TABLE)}).create({ name: 'Ada Lovelace', email: 'ada@example.com' }, { id: ${JSON.stringify(userId)} });
    db.close();`;
  await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', seed], { cwd: PACKAGE_DIR, env: { ...process.env, NODE_EXTRA_CA_CERTS: tls.ca } });
}

// ---------------------------------------------------------------------------------------------------------------
// Bundles.

interface Built {
  path: string;
  bytes: number;
  gzipBytes: number;
}
const root = join(PACKAGE_DIR, 'dist', '.measure');
await rm(root, { recursive: true, force: true });
const built = new Map<Variant, Built>();
for (const [index, variant] of variants.entries()) {
  const outdir = join(root, String(index));
  await mkdir(outdir, { recursive: true });
  await esbuild.build(bundleOptions(PACKAGE_DIR, outdir, variant.settings));
  const meta = await packageBundle(outdir);
  built.set(variant, { path: pathToFileURL(join(outdir, BUNDLE_FILE)).href, bytes: meta.bundle.bytes, gzipBytes: meta.bundle.gzipBytes });
}

const getUser = JSON.stringify(createProxyEvent({ method: 'GET', path: `/users/${userId}`, resource: '/users/{id}' }));
const hello = JSON.stringify(createProxyEvent({ method: 'GET', path: '/hello' }));

async function child<T>(script: string, env: Record<string, string>): Promise<T> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

// ---------------------------------------------------------------------------------------------------------------
// Cold init.

interface ColdSample {
  /** import + first /hello + first DynamoDB call: the cold init over what a bare `node` costs. */
  init: number;
  import: number;
  hello: number;
  first: number;
  status: number[];
}

// Runs inside the child. `performance.now()` counts from process start: t0 is Node's boot, which a bare node pays too.
const COLD = `
const t0 = performance.now();
const { handler } = await import(process.env.PROBE_BUNDLE);
const t1 = performance.now();
const context = { awsRequestId: 'probe', getRemainingTimeInMillis: () => 10000 };
const hello = await handler(JSON.parse(process.env.PROBE_HELLO), context);
const t2 = performance.now();
const get = await handler(JSON.parse(process.env.PROBE_GET), context);
const t3 = performance.now();
console.log(JSON.stringify({ init: t3 - t0, import: t1 - t0, hello: t2 - t1, first: t3 - t2, status: [hello.statusCode, get.statusCode] }));
process.exit(0);
`;
const probes = {
  'bare node': 'const t0 = performance.now(); console.log(JSON.stringify({ boot: t0, total: 0 }))',
  "import 'node:http'": "const t0 = performance.now(); await import('node:http'); console.log(JSON.stringify({ boot: t0, total: performance.now() - t0 }))",
  "getBuiltinModule('node:http')": "const t0 = performance.now(); process.getBuiltinModule('node:http'); console.log(JSON.stringify({ boot: t0, total: performance.now() - t0 }))",
} as const;
type Probe = keyof typeof probes;

const probeTotals = new Map<Probe, number[]>(Object.keys(probes).map((name) => [name as Probe, []]));
const boots: number[] = [];
const endpoints = [
  { label: 'http', endpoint: plainEndpoint, extra: {} as Record<string, string> },
  ...(tls ? [{ label: 'https', endpoint: tls.endpoint, extra: { NODE_EXTRA_CA_CERTS: tls.ca } }] : []),
];
const cold = new Map<string, ColdSample[]>();
console.log(`cold init: ${runs} runs of ${variants.length} bundles x ${endpoints.length} endpoints, interleaved…`);
for (let i = 0; i < runs; i++) {
  for (const [name, script] of Object.entries(probes)) {
    const sample = await child<{ boot: number; total: number }>(script, {});
    probeTotals.get(name as Probe)!.push(sample.total);
    if (name === 'bare node') boots.push(sample.boot);
  }
  for (const variant of variants) {
    for (const { label, endpoint, extra } of endpoints) {
      const env = { ...awsEnv, ...extra, AWS_ENDPOINT_URL_DYNAMODB: endpoint, PROBE_BUNDLE: built.get(variant)!.path, PROBE_HELLO: hello, PROBE_GET: getUser };
      const sample = await child<ColdSample>(COLD, env);
      if (sample.status[0] !== 200 || sample.status[1] !== 200) {
        throw new Error(`${variant.name} (${label}) answered ${sample.status.join(', ')}, expected 200, 200`);
      }
      const key = `${variant.name}|${label}`;
      cold.set(key, [...(cold.get(key) ?? []), sample]);
    }
  }
}
const bare = median(boots);

// ---------------------------------------------------------------------------------------------------------------
// Warm CPU and connection reuse.

// The floor under any client: the same GetItem as a signed keep-alive POST on node:http, no handler, no store.
const FLOOR = `
const http = process.getBuiltinModule('node:http');
const { default: aws4 } = await import('aws4');
const url = new URL(process.env.AWS_ENDPOINT_URL_DYNAMODB);
const agent = new http.Agent({ keepAlive: true });
const body = JSON.stringify({ TableName: process.env.USERS_TABLE, Key: { id: { S: process.env.PROBE_ID } } });
const credentials = { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY };
const post = () => new Promise((resolve, reject) => {
  const headers = { Host: url.host, 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'DynamoDB_20120810.GetItem' };
  const signed = aws4.sign({ host: url.host, method: 'POST', path: '/', service: 'dynamodb', region: 'us-east-1', headers, body }, credentials);
  const request = http.request({ hostname: url.hostname, port: url.port, path: '/', method: 'POST', headers: signed.headers, agent }, (res) => {
    let text = '';
    res.setEncoding('utf8').on('data', (chunk) => (text += chunk)).on('end', () => resolve({ statusCode: res.statusCode, body: JSON.parse(text) }));
  });
  request.on('error', reject).end(body);
});
const handler = () => post();
`;

const WARM = `
const { handler } = process.env.PROBE_BUNDLE ? await import(process.env.PROBE_BUNDLE) : await (async () => { ${FLOOR}; return { handler }; })();
const event = JSON.parse(process.env.PROBE_EVENT);
const context = { awsRequestId: 'probe', getRemainingTimeInMillis: () => 10000 };
const n = Number(process.env.PROBE_REQUESTS);
for (let i = 0; i < Number(process.env.PROBE_WARMUP); i++) await handler(event, context);
const wall0 = performance.now();
const cpu0 = process.cpuUsage();
for (let i = 0; i < n; i++) {
  const result = await handler(event, context);
  if (result.statusCode !== 200) throw new Error('answered ' + result.statusCode);
}
const cpu = process.cpuUsage(cpu0);
const wall = performance.now() - wall0;
console.log(JSON.stringify({ cpu: (cpu.user + cpu.system) / 1000 / n, wall: wall / n }));
process.exit(0);
`;
interface WarmSample {
  cpu: number;
  wall: number;
  connections: number;
}
const warm = new Map<string, WarmSample[]>();
const FLOOR_ROW = 'floor: signed keep-alive POST on node:http, no handler';
const HELLO_ROW = 'shipped bundle, GET /hello (no DynamoDB call)';
console.log(`warm: ${rounds} rounds of ${requests} requests per bundle…`);
for (let r = 0; r < rounds; r++) {
  const jobs: [string, string, string][] = [
    ...variants.map((v): [string, string, string] => [v.name, built.get(v)!.path, getUser]),
    [FLOOR_ROW, '', getUser],
    [HELLO_ROW, built.get(variants.at(-1)!)!.path, hello],
  ];
  for (const [key, bundle, event] of jobs) {
    const before = connections;
    const env = { ...awsEnv, AWS_ENDPOINT_URL_DYNAMODB: plainEndpoint, PROBE_BUNDLE: bundle, PROBE_EVENT: event, PROBE_ID: userId, PROBE_REQUESTS: String(requests), PROBE_WARMUP: String(warmup) };
    const sample = await child<Omit<WarmSample, 'connections'>>(WARM, env);
    warm.set(key, [...(warm.get(key) ?? []), { ...sample, connections: connections - before }]);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Failure behaviour.

const FAIL = `
const started = performance.now();
const { handler } = await import(process.env.PROBE_BUNDLE);
const deadline = Date.now() + 10000;
const context = { awsRequestId: 'probe', getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) };
const t0 = performance.now();
const result = await Promise.race([handler(JSON.parse(process.env.PROBE_GET), context), new Promise((r) => setTimeout(r, 12000, null))]);
const ms = performance.now() - t0;
console.log(JSON.stringify(result ? { status: result.statusCode, retryAfter: result.headers?.['retry-after'] ?? null, ms } : { status: null, ms }));
process.exit(0);
`;
interface FailSample {
  status: number | null;
  retryAfter?: string | null;
  ms: number;
}
const failures = [
  { label: 'never answers', endpoint: hangingEndpoint },
  { label: 'closed port', endpoint: closedEndpoint },
  { label: 'throttling', endpoint: throttlingEndpoint },
];
const failed = new Map<string, FailSample & { attempts?: number }>();
console.log('failure behaviour…');
for (const variant of variants) {
  for (const { label, endpoint } of failures) {
    const before = throttledRequests;
    const env = { ...awsEnv, AWS_ENDPOINT_URL_DYNAMODB: endpoint, PROBE_BUNDLE: built.get(variant)!.path, PROBE_GET: getUser };
    const sample = await child<FailSample>(FAIL, env);
    failed.set(`${variant.name}|${label}`, label === 'throttling' ? { ...sample, attempts: throttledRequests - before } : sample);
    for (const socket of hangingSockets) socket.destroy();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Store checks, in process: each client behind the real UserStore.

async function storeChecks(module: string): Promise<string> {
  if (!module) return '';
  const { createDynamoDb: create } = (await import(module)) as { createDynamoDb: (options: object) => DynamoDbClient };
  const db = create({ endpoint: plainEndpoint, env: { ...awsEnv, AWS_ENDPOINT_URL_DYNAMODB: plainEndpoint } });
  const table = `checks-${Math.random().toString(36).slice(2)}`;
  await createUsersTable(createDynamoDb({ endpoint: plainEndpoint }), table);
  const store = new UserStore(db, table);
  const passed: string[] = [];
  const check = async (name: string, test: () => Promise<boolean>) => {
    try {
      if (await test()) passed.push(name);
    } catch {
      // a check that throws has failed
    }
  };
  await check('create', async () => (await store.get((await store.create({ name: 'Ada' }, { id: 'a' })).id))?.name === 'Ada');
  await check('duplicate id', () => store.create({ name: 'Eve' }, { id: 'a' }).then(() => false, (error) => error instanceof UserExistsError));
  await check('paging', async () => {
    for (let i = 0; i < 12; i++) await store.create({ name: `user ${i}` });
    const first = await store.list(10);
    const second = await store.list(10, first.nextKey);
    return first.items.length === 10 && second.items.length === 3 && !second.nextKey;
  });
  await check('search', async () => (await store.search('USER 1', 20)).length === 3);
  await check('delete', async () => (await store.delete('a')) && !(await store.delete('a')));
  db.close();
  return `${passed.length}/5`;
}
const checks = new Map<Variant, string>();
for (const variant of variants) checks.set(variant, await storeChecks(variant.client));

// ---------------------------------------------------------------------------------------------------------------
// Report.

const ms = (value: number) => `${value.toFixed(1)} ms`;
const ms3 = (value: number) => `${value.toFixed(3)} ms`;
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const baseline = variants[0]!;
const overBare = (variant: Variant, label: string) => median(cold.get(`${variant.name}|${label}`)!.map((s) => s.init));
const coldOf = (variant: Variant, pick: (s: ColdSample) => number) => median(cold.get(`${variant.name}|http`)!.map(pick));
const warmOf = (key: string) => {
  const samples = warm.get(key)!;
  return { cpu: median(samples.map((s) => s.cpu)), wall: median(samples.map((s) => s.wall)), connections: Math.max(...samples.map((s) => s.connections)) };
};
const failCell = (variant: Variant, label: string) => {
  const sample = failed.get(`${variant.name}|${label}`)!;
  if (sample.status === null) return 'no answer in 12 s (Lambda: timeout, gateway 502)';
  const retry = sample.retryAfter ? `, Retry-After ${sample.retryAfter}` : '';
  const attempts = sample.attempts === undefined ? '' : `, ${sample.attempts} attempt${sample.attempts === 1 ? '' : 's'}`;
  return `${sample.status}${retry} in ${Math.round(sample.ms)} ms${attempts}`;
};

const lines = [
  '# users-api: DynamoDB clients compared',
  '',
  `Written by \`pnpm --filter @portico/users-api measure:init\` (scripts/measure-init.ts) on ${new Date().toISOString().slice(0, 10)}:`,
  `Node ${process.versions.node}, ${(await import('node:os')).cpus().length} cores, load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)} at the end.`,
  'Every variant is the same handler bundle with one module swapped; medians; all side by side in one run.',
  '',
  `## Cold init (median of ${runs} fresh processes each; bare \`node\` boot ${ms(bare)})`,
  '',
  'import + first `GET /hello` + first `GET /users/{id}` (a stored user) against dynalite, counted in each process',
  "from the moment its script starts: the cold init over what a bare `node` costs. The TLS column is the same total",
  'with dynalite behind TLS (loading node:https, the handshake and certificate checks: what every Lambda pays to',
  'reach DynamoDB).',
  '',
  row(['client', 'bundle', 'gzip', 'import', 'first /hello', 'first DynamoDB call', 'cold init over bare node', 'vs before', ...(tls ? ['cold init, DynamoDB over TLS'] : [])]),
  row(Array.from({ length: tls ? 9 : 8 }, () => '---')),
  ...variants.map((variant) => {
    const bundle = built.get(variant)!;
    const total = overBare(variant, 'http');
    return row([
      variant.name,
      formatBytes(bundle.bytes),
      formatBytes(bundle.gzipBytes),
      ms(coldOf(variant, (s) => s.import)),
      ms(coldOf(variant, (s) => s.hello)),
      ms(coldOf(variant, (s) => s.first)),
      ms(total),
      variant === baseline ? '1.00x' : `${(overBare(baseline, 'http') / total).toFixed(2)}x faster`,
      ...(tls ? [ms(overBare(variant, 'https'))] : []),
    ]);
  }),
  '',
  'What the cold path pays for loading `node:http` (median fresh process, after boot): an ES module import builds',
  "the module's namespace from all its exports, whose lazy getters load the fetch stack; `process.getBuiltinModule`",
  'does not. Every bundle but the baseline takes its built-ins through `process.getBuiltinModule` (scripts/bundle.ts).',
  '',
  row(['probe', 'cost in a fresh process']),
  row(['---', '---']),
  ...(["import 'node:http'", "getBuiltinModule('node:http')"] as Probe[]).map((name) => row([`\`${name}\``, ms(median(probeTotals.get(name)!))])),
  '',
  `## Warm \`GET /users/{id}\` (median of ${rounds} processes, ${requests} requests each after ${warmup} to warm up)`,
  '',
  'CPU is `process.cpuUsage()` of the function process per request (dynalite runs in another process), in the steady',
  "state of a busy warm function: the JIT keeps optimizing for a few thousand requests (its background compiles count",
  'in cpuUsage), so every variant gets the same long warm-up first. Connections are those the dynalite server',
  'accepted from that process over all its requests (1: one kept-alive connection).',
  '',
  row(['client', 'function CPU per request', 'wall per request', 'connections opened']),
  row(['---', '---', '---', '---']),
  ...[...variants.map((v) => v.name), FLOOR_ROW, HELLO_ROW].map((key) => {
    const { cpu, wall, connections: opened } = warmOf(key);
    return row([key, ms3(cpu), ms3(wall), opened]);
  }),
  '',
  '## Failure behaviour (10 s left in the invocation, as with the Lambda timeout) and store checks',
  '',
  row(['client', 'DynamoDB never answers', 'closed port', 'throttling (every answer)', 'store checks', 'what the library gives']),
  row(['---', '---', '---', '---', '---', '---']),
  ...variants.map((variant) =>
    row([variant.name, failCell(variant, 'never answers'), failCell(variant, 'closed port'), failCell(variant, 'throttling'), checks.get(variant) || 'as below', variant.features]),
  ),
  '',
  'Store checks run each client behind the real `UserStore` against dynalite: create, duplicate id (conditional',
  'write), paging, search, delete twice (conditional delete). The baseline is the old store itself and the',
  "@smithy row the shipped client with another signer, so their checks are the shipped store's tests.",
  '',
];
const report = lines.join('\n');
await mkdir(join(PACKAGE_DIR, 'results'), { recursive: true });
await writeFile(RESULTS, report);
console.log(`${report}\nwritten to ${RESULTS}`);

plain.close();
tls?.server.close();
hanging.close();
throttling.close();
await rm(root, { recursive: true, force: true });
await rm(scratch, { recursive: true, force: true });
process.exit(0);
