/**
 * Issue 4's benchmark: `GET /dev/hello` and `GET /dev/users/{id}` through the local gateway running the synthesized
 * users-api dev stack, and against the same users-api bundle behind serverless-offline, on the same machine in the
 * same run. Both read one dynalite (started here, in-process) seeded with one user.
 * Not a timed test: the figures depend on the machine; compare the two servers within one run only.
 *
 * Two loads, each from its own process over 50 keep-alive connections:
 * - saturating: autocannon, every connection sending its next request as soon as the answer arrives → req/s;
 * - paced: requests sent at evenly spaced instants at a fixed rate (see `pacedLoad`) → the latency a request sees.
 *
 *   pnpm --filter @portico/benchmarks bench:gateway
 *   BENCH_DURATION=<s> (10 s per measurement), BENCH_RUNS=<n> (3; the table shows medians), BENCH_FIXED_RATE=<req/s>
 *   (default: half of serverless-offline's saturating req/s on that route), BENCH_ONLY=hello|user
 */
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import dynalite from 'dynalite';
import { ROOT } from './bundle';
import { int, pass, table } from './stats';

const REPO = resolve(ROOT, '..');
const STACK = join(REPO, 'infra', 'cdktf.out', 'stacks', 'users-api-dev', 'cdk.tf.json');
const BUNDLE = join(REPO, 'apps', 'users-api', 'dist', 'handler.mjs');
const GATEWAY_DIR = join(REPO, 'packages', 'local-gateway');
const GATEWAY_DIST = join(GATEWAY_DIR, 'dist', 'cli.js');
const SLS_DIR = join(ROOT, 'serverless-offline');
const WORK = join(ROOT, 'dist', 'gateway-bench');

const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
/**
 * Saturating load gives req/s; by Little's law its mean latency is simply connections / throughput, so p99 < 5 ms at
 * 50 connections would need well over 10,000 req/s. The paced load asks what latency a request sees at a rate both
 * servers can carry: by default half of what serverless-offline sustains on that route (measured in the same run,
 * first round), so neither server is at its limit.
 */
const FIXED_RATE = process.env.BENCH_FIXED_RATE ? Number(process.env.BENCH_FIXED_RATE) : undefined;
const FIXED_SHARE = 0.5;
const WARMUP_S = Math.min(3, DURATION_S);
// users-api only asks DynamoDB about UUID ids (anything else is a 404 without a lookup), so the seed must be one.
const SEED = { id: '6f1c2b9e-3d4a-4e5f-8a7b-9c0d1e2f3a4b', name: 'Bench User', email: 'bench@example.com' };
// Local credentials: dynalite accepts anything, and no real AWS account is ever reachable from here.
const LOCAL_AWS = { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_REGION: 'us-east-1' };

interface Target {
  name: string;
  base: string;
  version: string;
}

interface Load {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

interface Measured extends Load {
  target: string;
  route: string;
  /** 'saturating' or 'paced' */
  load: string;
  run: number;
  /** Offered rate of a paced load. */
  rate?: number;
}

async function main(): Promise<void> {
  const missing = [
    [BUNDLE, 'the users-api bundle (`pnpm --filter @portico/users-api build`)'],
    [STACK, 'the synthesized dev stack (`pnpm --filter @portico/infra synth`)'],
  ].filter(([file]) => !existsSync(file!));
  if (missing.length) {
    const why = missing.map(([file, what]) => `- missing ${what}: ${file}`).join('\n');
    writeResult(`# Local gateway vs serverless-offline\n\nNot run:\n\n${why}\n`);
    log(`not run:\n${why}`);
    return;
  }
  mkdirSync(WORK, { recursive: true });
  // The gateway as its package builds it, from the current source (a stale dist/ would measure old code).
  const built = spawnSync(process.execPath, [...process.execArgv, join(GATEWAY_DIR, 'scripts', 'build.ts')], { cwd: GATEWAY_DIR, stdio: 'inherit' });
  if (built.status !== 0) throw new Error(`building @portico/local-gateway failed (exit ${built.status})`);
  const loadBefore = loadavg()[0]!;

  const stack = JSON.parse(readFileSync(STACK, 'utf8')) as TerraformJson;
  const fn = lambdaFunction(stack);
  const benchStack = unthrottledCopy(stack);
  const tableName = fn.env.USERS_TABLE ?? dynamoTableName(stack);
  if (!tableName) throw new Error(`No USERS_TABLE on ${fn.name} and no aws_dynamodb_table in ${STACK}`);

  const children: ChildProcess[] = [];
  const db = dynalite({ createTableMs: 0, deleteTableMs: 0 });
  const dbPort = await new Promise<number>((ok) => db.listen(0, '127.0.0.1', () => ok((db.address() as AddressInfo).port)));
  const dbUrl = `http://127.0.0.1:${dbPort}`;
  try {
    await seed(dbUrl, tableName);
    const env = { ...LOCAL_AWS, AWS_ENDPOINT_URL_DYNAMODB: dbUrl };

    const gwPort = await freePort();
    const gwArgs = [GATEWAY_DIST, '--stack', benchStack.file, '--stage', 'dev', '--host', '127.0.0.1', '--port', String(gwPort)];
    gwArgs.push('--function', `${fn.name}=${BUNDLE}`, '--no-watch');
    for (const [k, v] of Object.entries(env)) gwArgs.push('--env', `${k}=${v}`);
    children.push(startServer('gateway', process.execPath, gwArgs, {}, REPO));

    // serverless-offline reads the handler from its own service folder: give it the very same bundle.
    mkdirSync(join(SLS_DIR, 'dist'), { recursive: true });
    copyFileSync(BUNDLE, join(SLS_DIR, 'dist', 'handler.mjs'));
    const [slsPort, slsLambdaPort] = [await freePort(), await freePort()];
    const slsEnv = {
      ...env,
      ...fn.env,
      USERS_TABLE: tableName,
      SLS_HTTP_PORT: String(slsPort),
      SLS_LAMBDA_PORT: String(slsLambdaPort),
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
      SLS_INTERACTIVE_SETUP_DISABLE: '1',
    };
    const slsBin = join(pkgDir('serverless'), 'bin', 'serverless.js');
    children.push(startServer('serverless-offline', process.execPath, [slsBin, 'offline', 'start'], slsEnv, SLS_DIR));

    const targets: Target[] = [
      { name: GATEWAY, base: `http://127.0.0.1:${gwPort}/dev`, version: '@portico/local-gateway (workspace)' },
      {
        name: SLS,
        base: `http://127.0.0.1:${slsPort}/dev`,
        version: `serverless-offline ${pkgVersion('serverless-offline')} on serverless ${pkgVersion('serverless')}`,
      },
    ];
    // BENCH_ONLY=hello|user narrows a run while investigating; the report is written either way.
    const only = process.env.BENCH_ONLY;
    const routes = ['/hello', `/users/${SEED.id}`].filter((r) => !only || r.includes(only));
    for (const t of targets) await waitFor(`${t.base}/hello`, t.name, children);

    // Both must answer the same thing before their speed means anything.
    const checks: string[][] = [];
    for (const route of routes) {
      for (const t of targets) {
        const r = await fetchOnce(t.base + route);
        checks.push([t.name, `GET /dev${route}`, String(r.status), r.body.slice(0, 80)]);
      }
    }

    // Rounds alternate the servers route by route, so drift in the machine's load hits both alike.
    const results: Measured[] = [];
    const rates = new Map<string, number>();
    for (let run = 1; run <= RUNS; run++) {
      for (const route of routes) {
        const label = `GET /dev${route}`;
        for (const t of targets) {
          log(`round ${run}/${RUNS} ${t.name} ${label}: ${WARMUP_S}s warm-up, ${DURATION_S}s saturating`);
          await autocannon(t.base + route, WARMUP_S);
          results.push({ target: t.name, route: label, load: 'saturating', run, ...(await autocannon(t.base + route, DURATION_S)) });
        }
        if (!rates.has(label)) {
          const sls = results.find((m) => m.route === label && m.target === SLS)!;
          rates.set(label, FIXED_RATE ?? Math.max(10, Math.round((sls.rps * FIXED_SHARE) / 10) * 10));
        }
        const rate = rates.get(label)!;
        for (const t of targets) {
          log(`round ${run}/${RUNS} ${t.name} ${label}: ${DURATION_S}s paced at ${rate} req/s`);
          results.push({ target: t.name, route: label, load: 'paced', run, rate, ...(await pacedLoad(t.base + route, rate, DURATION_S)) });
        }
      }
    }
    const load = `1-min load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after`;
    const md = report(results, checks, targets, fn.name, tableName, benchStack.note, load);
    writeResult(md);
    process.stdout.write(`\n${md}\n`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await new Promise<void>((ok) => db.close(() => ok()));
  }
}

const GATEWAY = 'local gateway';
const SLS = 'serverless-offline';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function report(
  results: Measured[],
  checks: string[][],
  targets: Target[],
  fnName: string,
  tableName: string,
  throttleNote: string,
  load: string,
): string {
  const rounds = Math.max(...results.map((m) => m.run));
  const group = (route: string, target: string, kind: string) =>
    results.filter((m) => m.route === route && m.target === target && m.load === kind);
  const routes = [...new Set(results.map((m) => m.route))];
  const rows: string[][] = [];
  const summary = new Map<string, { rps: number; p50: number; p99: number; failures: number; requests: number; rate?: number }>();
  for (const route of routes) {
    for (const kind of ['saturating', 'paced']) {
      for (const target of [GATEWAY, SLS]) {
        const runs = group(route, target, kind);
        if (runs.length === 0) continue;
        const m = {
          rps: median(runs.map((r) => r.rps)),
          p50: median(runs.map((r) => r.p50)),
          p99: median(runs.map((r) => r.p99)),
          max: Math.max(...runs.map((r) => r.max)),
          requests: runs.reduce((n, r) => n + r.requests, 0),
          errors: runs.reduce((n, r) => n + r.errors + r.timeouts, 0),
          non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
        };
        summary.set(`${route}|${target}|${kind}`, { ...m, failures: m.errors + m.non2xx, rate: runs[0]!.rate });
        const loadLabel = kind === 'paced' ? `paced ${int(runs[0]!.rate!)} req/s` : 'saturating';
        rows.push([
          target,
          route,
          loadLabel,
          int(m.rps),
          m.p50.toFixed(2),
          m.p99.toFixed(2),
          m.max.toFixed(1),
          runs.map((r) => `${int(r.rps)} / ${r.p99.toFixed(1)}`).join(', '),
          int(m.requests),
          String(m.errors),
          String(m.non2xx),
        ]);
      }
    }
  }
  const targetRows: string[][] = [];
  for (const route of routes) {
    const gw = summary.get(`${route}|${GATEWAY}|saturating`);
    const sls = summary.get(`${route}|${SLS}|saturating`);
    const gwPaced = summary.get(`${route}|${GATEWAY}|paced`);
    if (!gw || !sls || !gwPaced) continue;
    const ratios = group(route, GATEWAY, 'saturating').map((g) => g.rps / group(route, SLS, 'saturating').find((s) => s.run === g.run)!.rps);
    const ratio = median(ratios);
    const failures = [...summary].filter(([k]) => k.startsWith(`${route}|${GATEWAY}|`)).reduce((n, [, v]) => n + v.failures, 0);
    const requests = [...summary].filter(([k]) => k.startsWith(`${route}|${GATEWAY}|`)).reduce((n, [, v]) => n + v.requests, 0);
    targetRows.push(
      [
        `${route}: req/s ≥ 5x serverless-offline`,
        `${ratio.toFixed(2)}x (median of ${ratios.length} rounds: ${ratios.map((r) => `${r.toFixed(2)}x`).join(', ')}; ${int(gw.rps)} vs ${int(sls.rps)} req/s)`,
        pass(ratio >= 5),
      ],
      [
        `${route}: p99 < 5 ms at ${CONNECTIONS} connections`,
        `${gwPaced.p99.toFixed(2)} ms paced at ${int(gwPaced.rate!)} req/s; ${gw.p99.toFixed(2)} ms saturating (mean ≥ ${((CONNECTIONS / gw.rps) * 1000).toFixed(1)} ms there by Little's law)`,
        `${pass(gwPaced.p99 < 5)} paced / ${pass(gw.p99 < 5)} saturating`,
      ],
      [`${route}: 0 errors`, `${failures} errors/timeouts/non-2xx over ${int(requests)} requests`, pass(failures === 0)],
    );
  }
  return [
    '# Local gateway vs serverless-offline: the users-api bundle over HTTP',
    '',
    `Generated by \`pnpm --filter @portico/benchmarks bench:gateway\` on ${new Date().toISOString().slice(0, 16)}Z — Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${load}.`,
    `Each figure is the median of ${rounds} round${rounds > 1 ? 's' : ''}; a round measures both servers route by route, one after the other (${DURATION_S} s per measurement, after a ${WARMUP_S} s warm-up at ${CONNECTIONS} connections), so drift in the machine's load hits both. Loopback only; ${CONNECTIONS} keep-alive connections throughout.`,
    `- **saturating**: autocannon ${pkgVersion('autocannon')} in its own process, each connection sending its next request as soon as the previous answer arrives. Gives req/s; its latency is mostly queueing (mean = connections ÷ throughput).`,
    `- **paced**: requests at evenly spaced instants at a fixed rate, spread round-robin over the ${CONNECTIONS} connections, from a separate process (this file's \`pacedLoad\`; latency from the moment a request is due, so time spent waiting for a free connection counts). The rate is ${FIXED_RATE ? `fixed by BENCH_FIXED_RATE` : `half of serverless-offline's saturating req/s on that route in the first round`}: a load both servers carry. (autocannon's own \`-R\` sends each connection's share in a burst at the start of every second, which measures bursts of ${CONNECTIONS} concurrent requests, not a steady rate.)`,
    `Same bundle (\`apps/users-api/dist/handler.mjs\`, function \`${fnName}\`) in both; both read one dynalite (in the benchmark process) with table \`${tableName}\` seeded with one user. \`GET /users/{id}\` is dominated by the function's own work (AWS SDK v3 GetItem, ~0.5–1 ms of CPU per call here) and dynalite's, the same for both servers.`,
    `Servers as shipped: the gateway runs the synthesized \`users-api-dev\` stack with its defaults (execution environments up to the number of CPU cores, request log to a file); ${targets[1]!.version} with its defaults (worker threads, request log to a file).`,
    throttleNote,
    'The load generators, both servers and dynalite share the same machine (other work was running on it too): absolute numbers move between runs, the ratio within a run is what this shows.',
    '',
    table(
      ['server', 'route', 'load', 'req/s (median)', 'p50 ms', 'p99 ms', 'max ms', 'each round: req/s / p99', 'requests', 'errors', 'non-2xx'],
      rows,
      ['l', 'l', 'l'],
    ),
    '',
    '## Targets (local gateway)',
    '',
    table(['target', 'measured', 'result'], targetRows, ['l', 'l', 'l']),
    '',
    '## Same answers first (one request each, before the load)',
    '',
    table(['server', 'request', 'status', 'body (first 80 chars)'], checks.map((c) => c.map((x) => x.replaceAll('|', '\\|'))), ['l', 'l', 'r', 'l']),
    '',
  ].join('\n');
}

// ---- stack reading: just enough to find the function and the table name -------------------------------------------

interface TerraformJson {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
}

function lambdaFunction(stack: TerraformJson): { name: string; env: Record<string, string> } {
  const fns = Object.values(stack.resource?.aws_lambda_function ?? {});
  if (fns.length !== 1) throw new Error(`Expected one aws_lambda_function in ${STACK}, found ${fns.length}`);
  const fn = fns[0]!;
  const vars = ((fn.environment as { variables?: Record<string, string> }[] | { variables?: Record<string, string> } | undefined) ?? {});
  const variables = (Array.isArray(vars) ? vars[0]?.variables : vars.variables) ?? {};
  // Interpolations (`${aws_dynamodb_table.x.name}`) are resolved below from the table resource instead.
  const env = Object.fromEntries(Object.entries(variables).filter(([, v]) => typeof v === 'string' && !v.includes('${')));
  return { name: String(fn.function_name), env };
}

/**
 * The dev stage throttles every method (stage method settings), and the gateway enforces that like API Gateway does,
 * so a load test of the stack as synthesized measures the throttle, not the gateway. The benchmark runs a copy whose
 * stage limits are raised far above what this machine can offer (the token buckets still run on every request, they
 * just never refuse one); everything else is unchanged. AWS's own account-level limit (10,000 rps, burst 5,000) is not
 * something the local gateway models, so it is not a ceiling here either.
 */
const LIFTED_RATE = 1_000_000;
const LIFTED_BURST = 100_000;

function unthrottledCopy(stack: TerraformJson): { file: string; note: string } {
  const copy = structuredClone(stack);
  const changed: string[] = [];
  for (const settings of Object.values(copy.resource?.aws_api_gateway_method_settings ?? {})) {
    const s = settings.settings as Record<string, unknown> | undefined;
    if (!s || (s.throttling_rate_limit === undefined && s.throttling_burst_limit === undefined)) continue;
    changed.push(`\`${String(settings.method_path)}\` ${String(s.throttling_rate_limit)} rps / burst ${String(s.throttling_burst_limit)}`);
    s.throttling_rate_limit = LIFTED_RATE;
    s.throttling_burst_limit = LIFTED_BURST;
  }
  const dir = join(WORK, 'stack');
  mkdirSync(dir, { recursive: true });
  // Relative asset paths (the function zip) must still resolve from the copy.
  const assets = join(dirname(STACK), 'assets');
  if (existsSync(assets) && !existsSync(join(dir, 'assets'))) symlinkSync(assets, join(dir, 'assets'), 'dir');
  const file = join(dir, 'cdk.tf.json');
  writeFileSync(file, JSON.stringify(copy, null, 2));
  const note = changed.length
    ? `Stage throttling lifted for the benchmark: the synthesized dev stage sets ${[...new Set(changed)].join(', ')}, which would answer most of the load with 429; the copy raises them to ${int(LIFTED_RATE)} rps / burst ${int(LIFTED_BURST)} (the token buckets still run on every request but never refuse one; AWS's account-level 10,000 rps is not modelled locally). Nothing else in the stack is changed.`
    : 'The synthesized stack sets no stage throttling; it is run unchanged.';
  return { file, note };
}

function dynamoTableName(stack: TerraformJson): string | undefined {
  const tables = Object.values(stack.resource?.aws_dynamodb_table ?? {});
  return tables.length === 1 ? String(tables[0]!.name) : undefined;
}

// ---- infrastructure ------------------------------------------------------------------------------------------------

async function seed(endpoint: string, tableName: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: LOCAL_AWS.AWS_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await client.send(
    new PutItemCommand({
      TableName: tableName,
      // The item shape users-api writes: nameLower is what its search matches on.
      Item: {
        id: { S: SEED.id },
        name: { S: SEED.name },
        nameLower: { S: SEED.name.toLowerCase() },
        email: { S: SEED.email },
        createdAt: { S: '2026-01-01T00:00:00.000Z' },
      },
    }),
  );
  client.destroy();
}

function startServer(name: string, cmd: string, args: string[], env: Record<string, string>, cwd: string): ChildProcess {
  // Logs go to a file, not a pipe: a pipe the benchmark must drain would slow the server down under load.
  const out = openSync(join(WORK, `${name}.log`), 'w');
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', out, out] });
  child.on('exit', (code, signal) => {
    if (signal !== 'SIGTERM') log(`${name} exited (${code ?? signal}); see ${join(WORK, `${name}.log`)}`);
  });
  return child;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => ok(port));
    });
  });
}

function fetchOnce(url: string): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
    }).on('error', fail);
  });
}

async function waitFor(url: string, name: string, children: ChildProcess[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (children.some((c) => c.exitCode !== null)) break;
    try {
      if ((await fetchOnce(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} did not answer 200 on ${url} within 60 s; see ${WORK}/*.log`);
}

async function autocannon(url: string, seconds: number): Promise<Load> {
  // autocannon runs in its own process so the load generator doesn't share an event loop with dynalite.
  const bin = join(pkgDir('autocannon'), 'autocannon.js');
  const r = JSON.parse(await runChild(process.execPath, [bin, '-c', String(CONNECTIONS), '-d', String(seconds), '-j', url])) as {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number; max: number };
    errors: number;
    timeouts: number;
    non2xx: number;
  };
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    requests: r.requests.total,
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
  };
}

/** Runs {@link pacedLoad} in a child process (this file, with the same loader), like autocannon in its own. */
async function pacedLoad(url: string, rate: number, seconds: number): Promise<Load> {
  const self = fileURLToPath(import.meta.url);
  const args = [...process.execArgv, self, PACED_FLAG, JSON.stringify({ url, rate, seconds, connections: CONNECTIONS })];
  return JSON.parse(await runChild(process.execPath, args)) as Load;
}

async function runChild(cmd: string, args: string[]): Promise<string> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const code = await new Promise<number | null>((ok) => child.on('close', ok));
  if (code !== 0) throw new Error(`${args.find((a) => a.endsWith('.js') || a.endsWith('.ts')) ?? cmd} failed (${code}): ${stderr.slice(-500)}`);
  return stdout;
}

// ---- paced load ------------------------------------------------------------------------------------------------------

const PACED_FLAG = '--paced-load';
/** An answer that takes longer than this counts as a timeout (autocannon's default is 10 s too). */
const PACED_TIMEOUT_MS = 10_000;

/**
 * An open-loop load: request i is due at start + i / rate, whatever happened to earlier ones, and goes out on the
 * least recently used idle connection (so all of them carry traffic, each about rate / connections). Latency runs from
 * the moment a request is due, or from when the generator got to it if its own timer fired late (the generator's
 * lateness is not the server's): waiting for a free connection is counted, so a server that falls behind is not hidden
 * (no coordinated omission). Plain sockets and a minimal HTTP/1.1 response reader keep the generator's own cost and
 * jitter low.
 */
async function pacedMain(options: { url: string; rate: number; seconds: number; connections: number }): Promise<void> {
  const target = new URL(options.url);
  const request = Buffer.from(`GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\n\r\n`, 'latin1');
  const total = Math.round(options.rate * options.seconds);
  const latencies = new Float64Array(total);
  let completed = 0;
  let errors = 0;
  let timeouts = 0;
  let non2xx = 0;
  const backlog: number[] = [];

  interface Connection {
    socket: Socket;
    buffer: Buffer;
    /** When the request in flight became due, or -1 when idle. */
    dueAt: number;
  }
  const idle: Connection[] = [];
  let finished: () => void = () => undefined;
  const done = new Promise<void>((ok) => (finished = ok));
  const settle = () => {
    if (completed + errors + timeouts === total) finished();
  };
  const send = (conn: Connection, dueAt: number) => {
    conn.dueAt = dueAt;
    conn.socket.write(request);
  };
  const release = (conn: Connection) => {
    conn.dueAt = -1;
    const next = backlog.shift();
    if (next !== undefined) send(conn, next);
    else idle.push(conn);
  };
  const open = (): Promise<Connection> =>
    new Promise((ok, fail) => {
      const socket = connect(Number(target.port), target.hostname);
      const conn: Connection = { socket, buffer: Buffer.alloc(0), dueAt: -1 };
      socket.setNoDelay(true);
      socket.once('connect', () => ok(conn));
      socket.once('error', fail);
      socket.on('data', (chunk: Buffer) => {
        conn.buffer = conn.buffer.length === 0 ? chunk : Buffer.concat([conn.buffer, chunk]);
        const parsed = readResponse(conn.buffer);
        if (!parsed) return;
        conn.buffer = conn.buffer.subarray(parsed.length);
        if (conn.dueAt >= 0) {
          const latency = performance.now() - conn.dueAt;
          if (latency > PACED_TIMEOUT_MS) timeouts += 1;
          else latencies[completed++] = latency;
          if (parsed.status < 200 || parsed.status >= 300) non2xx += 1;
        }
        release(conn);
        settle();
      });
    });
  const connections = await Promise.all(Array.from({ length: options.connections }, open));
  for (const conn of connections) {
    conn.socket.on('error', () => undefined);
    conn.socket.on('close', () => {
      // A connection the server closed mid-request is an error; the generator carries on with the others.
      const at = idle.indexOf(conn);
      if (at !== -1) idle.splice(at, 1);
      if (conn.dueAt >= 0) {
        errors += 1;
        conn.dueAt = -1;
        settle();
      }
    });
    idle.push(conn);
  }

  const interval = 1000 / options.rate;
  const start = performance.now();
  let issued = 0;
  const tick = () => {
    const now = performance.now();
    while (issued < total && start + issued * interval <= now) {
      const due = start + issued * interval;
      // Late timers are the generator's fault, not the server's: count from when we got here if we are late by > 1 ms.
      const dueAt = now - due > 1 ? now : due;
      issued += 1;
      const conn = idle.shift();
      if (conn) send(conn, dueAt);
      else backlog.push(dueAt);
    }
    if (issued < total) setTimeout(tick, Math.max(0, start + issued * interval - performance.now()));
  };
  tick();
  const timer = setTimeout(() => {
    timeouts += total - completed - errors - timeouts;
    finished();
  }, options.seconds * 1000 + PACED_TIMEOUT_MS);
  await done;
  clearTimeout(timer);
  const elapsed = performance.now() - start;
  for (const conn of connections) conn.socket.destroy();
  const sorted = latencies.subarray(0, completed).sort();
  const at = (q: number) => (completed === 0 ? 0 : sorted[Math.min(completed - 1, Math.floor(q * completed))]!);
  const result: Load = {
    rps: (completed / elapsed) * 1000,
    p50: at(0.5),
    p99: at(0.99),
    max: completed === 0 ? 0 : sorted[completed - 1]!,
    requests: completed,
    errors,
    timeouts,
    non2xx,
  };
  process.stdout.write(JSON.stringify(result));
}

/** One complete HTTP/1.1 response at the start of `buffer`: its status and length, or undefined if more is needed. */
function readResponse(buffer: Buffer): { status: number; length: number } | undefined {
  const headerEnd = buffer.indexOf('\r\n\r\n');
  if (headerEnd === -1) return undefined;
  const head = buffer.toString('latin1', 0, headerEnd).toLowerCase();
  const status = Number(head.slice(9, 12));
  const bodyStart = headerEnd + 4;
  const lengthMatch = /\r\ncontent-length:\s*(\d+)/.exec(head);
  if (lengthMatch) {
    const length = bodyStart + Number(lengthMatch[1]);
    return buffer.length >= length ? { status, length } : undefined;
  }
  if (/\r\ntransfer-encoding:[^\r]*chunked/.test(head)) {
    let at = bodyStart;
    for (;;) {
      const lineEnd = buffer.indexOf('\r\n', at);
      if (lineEnd === -1) return undefined;
      const size = parseInt(buffer.toString('latin1', at, lineEnd), 16);
      if (size === 0) {
        const end = buffer.indexOf('\r\n\r\n', lineEnd);
        return end === -1 ? undefined : { status, length: end + 4 };
      }
      at = lineEnd + 2 + size + 2;
      if (at > buffer.length) return undefined;
    }
  }
  return { status, length: bodyStart };
}

/** A dependency's folder; read directly because some packages' `exports` hide package.json. */
function pkgDir(name: string): string {
  return join(ROOT, 'node_modules', name);
}

function pkgVersion(name: string): string {
  return (JSON.parse(readFileSync(join(pkgDir(name), 'package.json'), 'utf8')) as { version: string }).version;
}

function writeResult(md: string): void {
  mkdirSync(join(ROOT, 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'results', 'gateway.md'), md);
}

function log(msg: string): void {
  process.stderr.write(`[bench:gateway] ${msg}\n`);
}

if (process.argv[2] === PACED_FLAG) await pacedMain(JSON.parse(process.argv[3]!) as Parameters<typeof pacedMain>[0]);
else await main();
