/**
 * The local gateway's benchmark: `GET /dev/hello` and `GET /dev/users/{id}` through the local gateway running the synthesized
 * users-api dev stack, and against the same users-api bundle behind serverless-offline, on the same machine in the
 * same run. Both read one dynalite (started here, in-process) seeded with one user.
 * Not a timed test: the figures depend on the machine; compare within one run only.
 *
 * Each round measures, route by route:
 * - saturating: autocannon against each server over 50 keep-alive connections, every connection sending its next
 *   request as soon as the answer arrives → req/s, and (Linux) the CPU each process spent per request;
 * - the function alone: the same bundle imported into a plain process and called directly, 50 invocations in flight,
 *   no HTTP, against the same dynalite → what the function and DynamoDB cost by themselves, whatever serves them;
 * - paced: requests at evenly spaced instants at a fixed rate (see `pacedLoad`) against each server, against a no-op
 *   HTTP server (what the load generator, loopback and the machine add by themselves) and, without HTTP, against the
 *   function alone (its own latency) → the latency a request sees at a load every server carries.
 *
 *   pnpm --filter @portico/benchmarks bench:gateway
 *   BENCH_DURATION=<s> (10 s per measurement), BENCH_RUNS=<n> (3; the tables show medians), BENCH_FIXED_RATE=<req/s>
 *   (default: half of serverless-offline's saturating req/s on that route), BENCH_ONLY=hello|user
 */
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { buildProxyEvent, type ProxyEvent } from '@portico/local-gateway';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import dynalite from 'dynalite';
import { ROOT } from './bundle';
import { int, median, pass, table } from './stats';

const REPO = resolve(ROOT, '..');
const STACK = join(REPO, 'infra', 'cdktf.out', 'stacks', 'users-api-dev', 'cdk.tf.json');
const BUNDLE = join(REPO, 'apps', 'users-api', 'dist', 'handler.mjs');
const GATEWAY_DIR = join(REPO, 'packages', 'local-gateway');
const GATEWAY_DIST = join(GATEWAY_DIR, 'dist', 'cli.js');
const SLS_DIR = join(ROOT, 'serverless-offline');
const WORK = join(ROOT, 'dist', 'gateway-bench');
const SELF = fileURLToPath(import.meta.url);

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
const CORES = availableParallelism();
// users-api only asks DynamoDB about UUID ids (anything else is a 404 without a lookup), so the seed must be one.
const SEED = { id: '6f1c2b9e-3d4a-4e5f-8a7b-9c0d1e2f3a4b', name: 'Bench User', email: 'bench@example.com' };
// Local credentials: dynalite accepts anything, and no real AWS account is ever reachable from here.
const LOCAL_AWS = { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_REGION: 'us-east-1' };

/** The routes measured, with the API Gateway resource each one matches (for the function-alone event). */
const ROUTES: Array<{ path: string; resource: string; pathParameters: Record<string, string> }> = [
  { path: '/hello', resource: '/hello', pathParameters: {} },
  { path: `/users/${SEED.id}`, resource: '/users/{id}', pathParameters: { id: SEED.id } },
];

const GATEWAY = 'local gateway';
const SLS = 'serverless-offline';
const FUNCTION_ALONE = 'function alone (no HTTP)';
const NOOP = 'no-op HTTP server';

interface Target {
  name: string;
  base: string;
  version: string;
  pid: number;
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
  /** Paced loads: p99 of how late the generator's own timer issued a request (not counted as latency). */
  lateP99?: number;
}

/** µs of CPU per request, by process; measured from /proc on Linux. */
interface CpuPerRequest {
  /** The server process, all threads and child processes (for the function alone: the process calling it). */
  server: number;
  /** The gateway's event-loop thread; the rest is the function's execution environments and V8's helper threads. */
  serverMainThread?: number;
  /** The benchmark process: dynalite, otherwise idle while a load runs. */
  dynalite: number;
  /** autocannon (0 for the function alone, which drives itself). */
  loadGenerator: number;
}

interface Measured extends Load {
  target: string;
  route: string;
  /** 'saturating' or 'paced' */
  load: string;
  run: number;
  /** Offered rate of a paced load. */
  rate?: number;
  cpu?: CpuPerRequest;
}

async function main(): Promise<void> {
  const missing = [
    [BUNDLE, 'the users-api bundle (`pnpm --filter @portico/users-api build`)'],
    [STACK, 'the synthesized dev stack (`pnpm --filter @portico/users-api synth`)'],
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

  const db = dynalite({ createTableMs: 0, deleteTableMs: 0 });
  const dbPort = await new Promise<number>((ok) => db.listen(0, '127.0.0.1', () => ok((db.address() as AddressInfo).port)));
  const dbUrl = `http://127.0.0.1:${dbPort}`;
  const children: ChildProcess[] = [];
  try {
    await seed(dbUrl, tableName);
    const bench = await startAll(fn, tableName, benchStack.file, dbUrl, children);
    // BENCH_ONLY=hello|user narrows a run while investigating; the report is written either way.
    const only = process.env.BENCH_ONLY;
    const routes = ROUTES.filter((r) => !only || r.path.includes(only));

    // Both must answer the same thing before their speed means anything.
    const checks: string[][] = [];
    for (const route of routes) {
      for (const t of bench.servers) {
        const r = await fetchOnce(t.base + route.path);
        checks.push([t.name, `GET /dev${route.path}`, String(r.status), r.body.slice(0, 80)]);
      }
    }

    // Rounds take the routes in turn, and every target within a route, so drift in the machine's load hits all alike.
    const results: Measured[] = [];
    const rates = new Map<string, number>();
    for (let run = 1; run <= RUNS; run++) {
      for (const route of routes) results.push(...(await measureRoute(bench, route, run, rates)));
    }
    const load = `1-min load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after`;
    const md = report(results, checks, bench.servers, fn.name, tableName, benchStack.note, load);
    writeResult(md);
    process.stdout.write(`\n${md}\n`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await new Promise<void>((ok) => db.close(() => ok()));
  }
}

/** Everything measured, started and answering. */
interface Bench {
  servers: Target[];
  noopBase: string;
  fnRunner: FunctionRunner;
  gatewayPort: number;
}

/** Starts the gateway, serverless-offline, the no-op server and the function runner, and waits until each answers. */
async function startAll(
  fn: ReturnType<typeof lambdaFunction>,
  tableName: string,
  stackFile: string,
  dbUrl: string,
  children: ChildProcess[],
): Promise<Bench> {
  const env = { ...LOCAL_AWS, AWS_ENDPOINT_URL_DYNAMODB: dbUrl };
  // What the function sees in both servers: the stack's variables, the table, the local endpoint and credentials.
  const functionEnv = { ...env, ...fn.env, USERS_TABLE: tableName };

  const gatewayPort = await freePort();
  const gwArgs = [GATEWAY_DIST, '--stack', stackFile, '--stage', 'dev', '--host', '127.0.0.1', '--port', String(gatewayPort)];
  gwArgs.push('--function', `${fn.name}=${BUNDLE}`, '--no-watch');
  for (const [k, v] of Object.entries(env)) gwArgs.push('--env', `${k}=${v}`);
  const gateway = startServer('gateway', process.execPath, gwArgs, {}, REPO);
  children.push(gateway);

  // serverless-offline reads the handler from its own service folder: give it the very same bundle.
  mkdirSync(join(SLS_DIR, 'dist'), { recursive: true });
  copyFileSync(BUNDLE, join(SLS_DIR, 'dist', 'handler.mjs'));
  const [slsPort, slsLambdaPort] = [await freePort(), await freePort()];
  const slsEnv = {
    ...functionEnv,
    SLS_HTTP_PORT: String(slsPort),
    SLS_LAMBDA_PORT: String(slsLambdaPort),
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    SLS_INTERACTIVE_SETUP_DISABLE: '1',
  };
  const slsBin = join(pkgDir('serverless'), 'bin', 'serverless.js');
  const sls = startServer('serverless-offline', process.execPath, [slsBin, 'offline', 'start'], slsEnv, SLS_DIR);
  children.push(sls);

  const noopPort = await freePort();
  children.push(startServer('no-op', process.execPath, [...process.execArgv, SELF, NOOP_FLAG, String(noopPort)], {}, ROOT));
  const fnRunner = startFunctionRunner(BUNDLE, fn.exportName, { ...functionEnv, AWS_LAMBDA_FUNCTION_NAME: fn.name });
  children.push(fnRunner.child);

  const servers: Target[] = [
    { name: GATEWAY, base: `http://127.0.0.1:${gatewayPort}/dev`, version: '@portico/local-gateway (workspace)', pid: gateway.pid! },
    {
      name: SLS,
      base: `http://127.0.0.1:${slsPort}/dev`,
      version: `serverless-offline ${pkgVersion('serverless-offline')} on serverless ${pkgVersion('serverless')}`,
      pid: sls.pid!,
    },
  ];
  const noopBase = `http://127.0.0.1:${noopPort}/dev`;
  for (const t of servers) await waitFor(`${t.base}/hello`, t.name, children);
  await waitFor(`${noopBase}/hello`, NOOP, children);
  await fnRunner.ready;
  return { servers, noopBase, fnRunner, gatewayPort };
}

/** One round of one route: every target saturated, then every target at the paced rate. */
async function measureRoute(bench: Bench, route: (typeof ROUTES)[number], run: number, rates: Map<string, number>): Promise<Measured[]> {
  const label = `GET /dev${route.path}`;
  const round = `round ${run}/${RUNS} ${label}`;
  const results: Measured[] = [];
  for (const t of bench.servers) {
    log(`${round} ${t.name}: ${WARMUP_S}s warm-up, ${DURATION_S}s saturating`);
    await autocannon(t.base + route.path, WARMUP_S);
    const measured = await withCpu(t.pid, t.name === GATEWAY, () => autocannon(t.base + route.path, DURATION_S));
    results.push({ target: t.name, route: label, load: 'saturating', run, ...measured });
  }
  const event = benchEvent(route, bench.gatewayPort);
  const { fnRunner } = bench;
  log(`${round} ${FUNCTION_ALONE}: ${WARMUP_S}s warm-up, ${DURATION_S}s with ${CONNECTIONS} invocations in flight`);
  await fnRunner.run({ kind: 'saturating', event, seconds: WARMUP_S, inFlight: CONNECTIONS });
  const alone = await withCpu(fnRunner.child.pid!, false, () => fnRunner.run({ kind: 'saturating', event, seconds: DURATION_S, inFlight: CONNECTIONS }));
  results.push({ target: FUNCTION_ALONE, route: label, load: 'saturating', run, ...alone });

  if (!rates.has(label)) {
    const sls = results.find((m) => m.target === SLS)!;
    rates.set(label, FIXED_RATE ?? Math.max(10, Math.round((sls.rps * FIXED_SHARE) / 10) * 10));
  }
  const rate = rates.get(label)!;
  for (const [name, base] of [...bench.servers.map((t) => [t.name, t.base] as const), [NOOP, bench.noopBase] as const]) {
    log(`${round} ${name}: ${DURATION_S}s paced at ${rate} req/s`);
    results.push({ target: name, route: label, load: 'paced', run, rate, ...(await pacedLoad(base + route.path, rate, DURATION_S)) });
  }
  log(`${round} ${FUNCTION_ALONE}: ${DURATION_S}s paced at ${rate} req/s`);
  results.push({ target: FUNCTION_ALONE, route: label, load: 'paced', run, rate, ...(await fnRunner.run({ kind: 'paced', event, seconds: DURATION_S, rate })) });
  return results;
}

/** The proxy event the gateway would send for `GET /dev<route>` (built by the builder the gateway uses). */
function benchEvent(route: (typeof ROUTES)[number], port: number): ProxyEvent {
  const host = `127.0.0.1:${port}`;
  const now = Date.now();
  return buildProxyEvent({
    httpMethod: 'GET',
    path: route.path,
    stage: 'dev',
    resourcePath: route.resource,
    resourceId: 'bench0',
    pathParameters: route.pathParameters,
    rawQuery: '',
    rawHeaders: ['Host', host, 'User-Agent', 'portico-bench'],
    body: new Uint8Array(0),
    binaryMediaTypes: [],
    sourceIp: '127.0.0.1',
    forwardedPort: String(port),
    forwardedProto: 'http',
    traceId: `Root=1-${Math.floor(now / 1000).toString(16)}-000000000000000000000000`,
    stageVariables: null,
    accountId: '123456789012',
    apiId: 'bench00000',
    domainName: host,
    deploymentId: 'bench0',
    requestId: randomUUID(),
    extendedRequestId: 'BenchBenchBench=',
    requestTimeEpoch: now,
  });
}

// ---- report ----------------------------------------------------------------------------------------------------------

const us = (n: number | undefined): string => (n === undefined ? '–' : int(n));

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
  const medianOf = (runs: Measured[], pick: (m: Measured) => number | undefined) => {
    const values = runs.map(pick).filter((v): v is number => v !== undefined);
    return values.length ? median(values) : undefined;
  };

  const rows: string[][] = [];
  for (const route of routes) {
    for (const kind of ['saturating', 'paced']) {
      for (const target of [GATEWAY, SLS, FUNCTION_ALONE, NOOP]) {
        const runs = group(route, target, kind);
        if (runs.length === 0) continue;
        const errors = runs.reduce((n, r) => n + r.errors + r.timeouts, 0);
        rows.push([
          target,
          route,
          kind === 'paced' ? `paced ${int(runs[0]!.rate!)} req/s` : 'saturating',
          int(median(runs.map((r) => r.rps))),
          median(runs.map((r) => r.p50)).toFixed(2),
          median(runs.map((r) => r.p99)).toFixed(2),
          Math.max(...runs.map((r) => r.max)).toFixed(1),
          runs.map((r) => `${int(r.rps)} / ${r.p99.toFixed(1)}`).join(', '),
          int(runs.reduce((n, r) => n + r.requests, 0)),
          String(errors),
          String(runs.reduce((n, r) => n + r.non2xx, 0)),
        ]);
      }
    }
  }

  const cpuRows: string[][] = [];
  const cpuTotal = new Map<string, number>();
  for (const route of routes) {
    for (const target of [GATEWAY, SLS, FUNCTION_ALONE]) {
      const runs = group(route, target, 'saturating').filter((r) => r.cpu);
      if (runs.length === 0) continue;
      const server = medianOf(runs, (r) => r.cpu!.server)!;
      const mainThread = medianOf(runs, (r) => r.cpu!.serverMainThread);
      const dynaliteCpu = medianOf(runs, (r) => r.cpu!.dynalite)!;
      const generator = medianOf(runs, (r) => r.cpu!.loadGenerator)!;
      const total = server + dynaliteCpu + generator;
      cpuTotal.set(`${route}|${target}`, total);
      cpuRows.push([
        target,
        route,
        us(server),
        mainThread === undefined ? '–' : `${us(mainThread)} / ${us(server - mainThread)}`,
        us(dynaliteCpu),
        us(generator),
        us(total),
        int((CORES * 1e6) / total),
      ]);
    }
  }

  const pacedP99 = (route: string, target: string) => medianOf(group(route, target, 'paced'), (r) => r.p99);
  const targetRows: string[][] = [];
  for (const route of routes) {
    const gw = group(route, GATEWAY, 'saturating');
    const sls = group(route, SLS, 'saturating');
    const gwPaced = group(route, GATEWAY, 'paced');
    if (!gw.length || !sls.length || !gwPaced.length) continue;
    const gwRps = median(gw.map((r) => r.rps));
    const slsRps = median(sls.map((r) => r.rps));
    const ratios = gw.map((g) => g.rps / sls.find((s) => s.run === g.run)!.rps);
    const ratio = median(ratios);
    const alone = group(route, FUNCTION_ALONE, 'saturating');
    const ratioNote = ratio >= 5 ? '' : cpuNote(route, alone, cpuTotal);
    const p99 = median(gwPaced.map((r) => r.p99));
    const rate = gwPaced[0]!.rate!;
    const aloneP99 = pacedP99(route, FUNCTION_ALONE);
    const p99Note = p99 >= 5 && aloneP99 !== undefined && aloneP99 >= 5 ? ': the function alone already misses 5 ms here' : '';
    const gwP99Saturating = median(gw.map((r) => r.p99));
    const failures = [...gw, ...gwPaced].reduce((n, r) => n + r.errors + r.timeouts + r.non2xx, 0);
    const requests = [...gw, ...gwPaced].reduce((n, r) => n + r.requests, 0);
    targetRows.push(
      [
        `${route}: req/s ≥ 5x serverless-offline`,
        `${ratio.toFixed(2)}x (median of ${ratios.length} rounds: ${ratios.map((r) => `${r.toFixed(2)}x`).join(', ')}; ${int(gwRps)} vs ${int(slsRps)} req/s)${ratioNote}`,
        pass(ratio >= 5),
      ],
      [
        `${route}: p99 < 5 ms at ${CONNECTIONS} connections`,
        `${p99.toFixed(2)} ms paced at ${int(rate)} req/s (same load: no-op HTTP server ${pacedP99(route, NOOP)?.toFixed(2)} ms, function alone ${aloneP99?.toFixed(2)} ms${p99Note}); ${gwP99Saturating.toFixed(2)} ms saturating (mean ≥ ${((CONNECTIONS / gwRps) * 1000).toFixed(1)} ms there by Little's law)`,
        `${pass(p99 < 5)} paced / ${pass(gwP99Saturating < 5)} saturating`,
      ],
      [`${route}: 0 errors`, `${failures} errors/timeouts/non-2xx over ${int(requests)} requests`, pass(failures === 0)],
    );
  }
  const lateness = medianOf(results.filter((r) => r.load === 'paced' && r.target !== FUNCTION_ALONE), (r) => r.lateP99);

  return [
    '# Local gateway vs serverless-offline: the users-api bundle over HTTP',
    '',
    `Generated by \`pnpm --filter @portico/benchmarks bench:gateway\` on ${new Date().toISOString().slice(0, 16)}Z — Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${load}.`,
    `Each figure is the median of ${rounds} round${rounds > 1 ? 's' : ''}; a round measures everything route by route, one after the other (${DURATION_S} s per measurement, saturating ones after a ${WARMUP_S} s warm-up), so drift in the machine's load hits all alike. Loopback only; ${CONNECTIONS} keep-alive connections throughout.`,
    `- **saturating**: autocannon ${pkgVersion('autocannon')} in its own process, each connection sending its next request as soon as the previous answer arrives. Gives req/s; its latency is mostly queueing (mean = connections ÷ throughput).`,
    `- **paced**: requests at evenly spaced instants at a fixed rate, spread over the ${CONNECTIONS} connections (least recently used first), from a separate process (this file's \`pacedLoad\`). Latency runs from the moment a request is due, or from when the generator issued it if its own timer fired late (the generator's lateness is not the server's; its p99 was ${lateness?.toFixed(2) ?? '–'} ms here): waiting for a free connection counts, so a server that falls behind is not hidden (no coordinated omission). The rate is ${FIXED_RATE ? 'fixed by BENCH_FIXED_RATE' : "half of serverless-offline's saturating req/s on that route in the first round"}: a load both servers carry. autocannon's own fixed-rate mode (\`-R\`) is not used: each connection sends its share of a second back to back as soon as the second starts and then idles, so it measures bursts of ${CONNECTIONS} concurrent requests, and its latency runs from when a request was sent, not when it was due.`,
    `- **${NOOP}** (paced only): a raw TCP server in its own process answering every request with a fixed 200, no parsing beyond the blank line: the latency the generator, loopback and this machine's scheduling add by themselves.`,
    `- **${FUNCTION_ALONE}**: the same bundle imported into a plain Node process and called directly with the event the gateway builds, against the same dynalite; saturating = ${CONNECTIONS} invocations in flight on one thread (Lambda runs one per environment; many in flight share event-loop turns, so this is the function at its cheapest); paced = calls issued at the paced rate, latency per call. No HTTP, no load generator: the work every server has to pay for.`,
    `Same bundle (\`apps/users-api/dist/handler.mjs\`, function \`${fnName}\`) everywhere; all read one dynalite (in the benchmark process) with table \`${tableName}\` seeded with one user.`,
    `Servers as shipped: the gateway runs the synthesized \`users-api-dev\` stack with its defaults (execution environments up to the number of CPU cores, each a child process as each Lambda environment is a sandbox of its own; request log to a file); ${targets[1]!.version} with its defaults (worker threads in its own process, request log to a file).`,
    throttleNote,
    'The load generators, the servers and dynalite share the same machine (other work may be running on it too): absolute numbers move between runs, the comparison within a run is what this shows.',
    '',
    table(
      ['server', 'route', 'load', 'req/s (median)', 'p50 ms', 'p99 ms', 'max ms', 'each round: req/s / p99', 'requests', 'errors', 'non-2xx'],
      rows,
      ['l', 'l', 'l'],
    ),
    '',
    ...(cpuRows.length
      ? [
          '## Where the CPU goes (saturating, µs per request, medians)',
          '',
          `From /proc: each server's CPU time over the measurement (its threads and the child processes it started) ÷ requests answered. The gateway's is split into its event-loop thread (HTTP, routing, event building, result check, log, hand-off to the function) and the rest (the function's execution environments, child processes running lambda-runtime.mjs and the handler, plus V8's garbage-collector and compiler helpers). The last column is what that much CPU allows on ${CORES} cores.`,
          '',
          table(['server', 'route', 'server process', 'gateway: event loop / environments and helpers', 'dynalite', 'load generator', 'total', 'req/s the CPU allows'], cpuRows, ['l', 'l']),
          '',
        ]
      : []),
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

/**
 * Why a ratio falls short, from CPU per request (which other load on the machine disturbs far less than req/s): what
 * each server spends, and the most any server could do when every call costs the function's and dynalite's CPU.
 */
function cpuNote(route: string, alone: Measured[], cpuTotal: Map<string, number>): string {
  const gateway = cpuTotal.get(`${route}|${GATEWAY}`);
  const sls = cpuTotal.get(`${route}|${SLS}`);
  const fnCpu = median(alone.filter((r) => r.cpu).map((r) => r.cpu!.server));
  const dbCpu = median(alone.filter((r) => r.cpu).map((r) => r.cpu!.dynalite));
  if (gateway === undefined || sls === undefined || Number.isNaN(fnCpu)) return '';
  const slsAllowed = (CORES * 1e6) / sls;
  const bound = (CORES * 1e6) / (fnCpu + dbCpu);
  return (
    `. By CPU per request (load generator and dynalite included): ${int(gateway)} vs ${int(sls)} µs, ${(sls / gateway).toFixed(2)}x. ` +
    `A call of the function alone costs ${int(fnCpu + dbCpu)} µs (function ${int(fnCpu)} + dynalite ${int(dbCpu)}), so ${CORES} cores run at most ${int(bound)} req/s of it with nothing else on them; ` +
    `5x serverless-offline (${int(slsAllowed)} req/s by its CPU) would be ${int(5 * slsAllowed)} req/s${5 * slsAllowed > bound ? ': out of reach for any server on this machine' : ''}`
  );
}

// ---- CPU accounting (Linux /proc) -------------------------------------------------------------------------------------

/** Clock ticks per second in /proc/<pid>/stat: USER_HZ, 100 on every Linux architecture Node runs on. */
const USER_HZ = 100;

interface CpuState {
  /** The measured process, all threads, and its main thread (seconds). */
  process: number;
  mainThread: number;
  /** This process (dynalite) and its reaped children (the load generators). */
  self: number;
  children: number;
}

/** utime + stime (+ cutime + cstime with `children`) of a /proc stat file, in seconds; undefined where there is none. */
function statSeconds(file: string, children = false): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the parenthesised command name, from field 3 (state) on: utime is field 14.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ').map(Number);
  const ticks = children ? fields[13]! + fields[14]! : fields[11]! + fields[12]!;
  return ticks / USER_HZ;
}

function cpuState(pid: number): CpuState | undefined {
  const process_ = treeSeconds(pid);
  const mainThread = statSeconds(`/proc/${pid}/task/${pid}/stat`);
  const children = statSeconds('/proc/self/stat', true);
  if (process_ === undefined || mainThread === undefined || children === undefined) return undefined;
  const self = process.cpuUsage();
  return { process: process_, mainThread, self: (self.user + self.system) / 1e6, children };
}

/**
 * A server's CPU with everything it started: its own threads, the children it has reaped, and each live descendant
 * (the local gateway runs every execution environment of a function as a child process, as Lambda runs each in a
 * sandbox of its own), so the comparison charges each server for all the work a request causes.
 */
function treeSeconds(pid: number): number | undefined {
  const own = statSeconds(`/proc/${pid}/stat`);
  const reaped = statSeconds(`/proc/${pid}/stat`, true);
  if (own === undefined || reaped === undefined) return undefined;
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let text: string;
    try {
      text = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone since the listing
    }
    const ppid = Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]);
    parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
  }
  let total = own + reaped;
  const pending = [...(parents.get(pid) ?? [])];
  while (pending.length > 0) {
    const child = pending.pop()!;
    total += (statSeconds(`/proc/${child}/stat`) ?? 0) + (statSeconds(`/proc/${child}/stat`, true) ?? 0);
    pending.push(...(parents.get(child) ?? []));
  }
  return total;
}

/** Runs a load and adds the CPU each process spent per request during it (where /proc exists). */
async function withCpu(pid: number, splitMainThread: boolean, run: () => Promise<Load>): Promise<Load & { cpu?: CpuPerRequest }> {
  const before = cpuState(pid);
  const measured = await run();
  const after = cpuState(pid);
  if (!before || !after || measured.requests === 0) return measured;
  const perRequest = (seconds: number) => (seconds * 1e6) / measured.requests;
  return {
    ...measured,
    cpu: {
      server: perRequest(after.process - before.process),
      serverMainThread: splitMainThread ? perRequest(after.mainThread - before.mainThread) : undefined,
      dynalite: perRequest(after.self - before.self),
      loadGenerator: perRequest(after.children - before.children),
    },
  };
}

// ---- stack reading: just enough to find the function and the table name -------------------------------------------

interface TerraformJson {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
}

function lambdaFunction(stack: TerraformJson): { name: string; exportName: string; env: Record<string, string> } {
  const fns = Object.values(stack.resource?.aws_lambda_function ?? {});
  if (fns.length !== 1) throw new Error(`Expected one aws_lambda_function in ${STACK}, found ${fns.length}`);
  const fn = fns[0]!;
  const vars = ((fn.environment as { variables?: Record<string, string> }[] | { variables?: Record<string, string> } | undefined) ?? {});
  const variables = (Array.isArray(vars) ? vars[0]?.variables : vars.variables) ?? {};
  // Interpolations (`${aws_dynamodb_table.x.name}`) are resolved below from the table resource instead.
  const env = Object.fromEntries(Object.entries(variables).filter(([, v]) => typeof v === 'string' && !v.includes('${')));
  // `handler.handler`: the export follows the module name's first dot, as the Node.js runtime reads it.
  const handler = String(fn.handler).split('/').pop()!;
  return { name: String(fn.function_name), exportName: handler.slice(handler.indexOf('.') + 1), env };
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
  const args = [...process.execArgv, SELF, PACED_FLAG, JSON.stringify({ url, rate, seconds, connections: CONNECTIONS })];
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

// ---- the function alone and the no-op server -------------------------------------------------------------------------

const FUNCTION_FLAG = '--function-alone';
const NOOP_FLAG = '--noop-server';

type FunctionRun =
  | { kind: 'saturating'; event: ProxyEvent; seconds: number; inFlight: number }
  | { kind: 'paced'; event: ProxyEvent; seconds: number; rate: number };

interface FunctionRunner {
  child: ChildProcess;
  ready: Promise<void>;
  run(request: FunctionRun): Promise<Load>;
}

/**
 * The bundle in a plain process of its own (this file with FUNCTION_FLAG), kept for the whole benchmark so its JIT
 * warms up across rounds as the servers' do. Its environment is what the function gets in the servers.
 */
function startFunctionRunner(bundle: string, exportName: string, env: Record<string, string>): FunctionRunner {
  const out = openSync(join(WORK, 'function-alone.log'), 'w');
  const child = spawn(process.execPath, [...process.execArgv, SELF, FUNCTION_FLAG, JSON.stringify({ bundle, exportName })], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', out, out, 'ipc'],
  });
  const replies: Array<(load: Load) => void> = [];
  const ready = new Promise<void>((ok, fail) => {
    child.once('exit', (code) => fail(new Error(`the function runner exited (${code}); see ${join(WORK, 'function-alone.log')}`)));
    child.on('message', (msg: Load | 'ready') => (msg === 'ready' ? ok() : replies.shift()?.(msg)));
  });
  return {
    child,
    ready,
    run: (request) =>
      new Promise<Load>((ok) => {
        replies.push(ok);
        child.send(request);
      }),
  };
}

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode?: number } | undefined>;

async function functionAloneMain(options: { bundle: string; exportName: string }): Promise<void> {
  const mod = (await import(pathToFileURL(options.bundle).href)) as Record<string, Handler>;
  const handler = mod[options.exportName]!;
  process.on('message', (request: FunctionRun) => {
    void measureFunction(handler, request).then((load) => process.send!(load));
  });
  process.send!('ready');
}

/** Calls the handler as the Lambda runtime does (a fresh event parsed from JSON, a context) and times each call. */
async function measureFunction(handler: Handler, request: FunctionRun): Promise<Load> {
  const payload = JSON.stringify(request.event);
  const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'function';
  const latencies: number[] = [];
  let errors = 0;
  let non2xx = 0;
  const call = async () => {
    const started = performance.now();
    const context = {
      functionName,
      functionVersion: '$LATEST',
      awsRequestId: randomUUID(),
      memoryLimitInMB: '128',
      getRemainingTimeInMillis: () => 10_000,
      callbackWaitsForEmptyEventLoop: true,
    };
    try {
      const status = Number((await handler(JSON.parse(payload), context))?.statusCode ?? 200);
      latencies.push(performance.now() - started);
      if (status < 200 || status >= 300) non2xx += 1;
    } catch {
      errors += 1;
    }
  };
  const start = performance.now();
  const lateness: number[] = [];
  if (request.kind === 'saturating') {
    const deadline = start + request.seconds * 1000;
    const loop = async () => {
      while (performance.now() < deadline) await call();
    };
    await Promise.all(Array.from({ length: request.inFlight }, loop));
  } else {
    // Open loop, like pacedLoad: call i is due at start + i / rate, whatever happened to earlier ones.
    const interval = 1000 / request.rate;
    const total = Math.round(request.rate * request.seconds);
    const calls: Promise<void>[] = [];
    await new Promise<void>((done) => {
      const tick = () => {
        const now = performance.now();
        while (calls.length < total && start + calls.length * interval <= now) {
          lateness.push(now - (start + calls.length * interval));
          calls.push(call());
        }
        if (calls.length < total) setTimeout(tick, Math.max(0, start + calls.length * interval - performance.now()));
        else done();
      };
      tick();
    });
    await Promise.all(calls);
  }
  return { ...summarize(latencies, performance.now() - start, errors, 0, non2xx), lateP99: quantile(lateness.sort((a, b) => a - b), 0.99) };
}

/**
 * Answers every request on a connection with the same 200 as soon as its blank line arrives: no routing, no parsing,
 * no allocation per request beyond the socket's. Measures what a request costs with no server work at all.
 */
function noopServerMain(port: number): void {
  const body = '{"message":"Hello, World!"}';
  const response = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`, 'latin1');
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      for (let end = pending.indexOf('\r\n\r\n'); end !== -1; end = pending.indexOf('\r\n\r\n')) {
        pending = pending.slice(end + 4);
        socket.write(response);
      }
    });
    socket.on('error', () => undefined);
  });
  server.listen(port, '127.0.0.1');
}

function quantile(sorted: ArrayLike<number>, q: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function summarize(latencies: ArrayLike<number>, elapsedMs: number, errors: number, timeouts: number, non2xx: number): Load {
  const sorted = Float64Array.from(latencies).sort();
  return {
    rps: (sorted.length / elapsedMs) * 1000,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    max: sorted.length === 0 ? 0 : sorted[sorted.length - 1]!,
    requests: sorted.length,
    errors,
    timeouts,
    non2xx,
  };
}

// ---- paced load ------------------------------------------------------------------------------------------------------

const PACED_FLAG = '--paced-load';
/** An answer that takes longer than this counts as a timeout (autocannon's default is 10 s too). */
const PACED_TIMEOUT_MS = 10_000;

/**
 * An open-loop load: request i is due at start + i / rate, whatever happened to earlier ones, and goes out on the
 * least recently used idle connection (so all of them carry traffic, each about rate / connections). Latency runs from
 * the moment a request is due, or from when the generator got to it if its own timer fired late: Node's timers fire up
 * to a millisecond or so after their time, and that lateness is the generator's, not the server's (it is reported as
 * `lateP99`). Waiting for a free connection is counted, so a server that falls behind is not hidden (no coordinated
 * omission). Plain sockets and a minimal HTTP/1.1 response reader keep the generator's own cost and jitter low.
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
  const lateness = new Float64Array(total);

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
      lateness[issued] = now - due;
      const dueAt = Math.max(due, now);
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
  const result: Load = {
    ...summarize(latencies.subarray(0, completed), elapsed, errors, timeouts, non2xx),
    lateP99: quantile(lateness.subarray(0, issued).sort(), 0.99),
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

const [mode, argument] = [process.argv[2], process.argv[3]!];
if (mode === PACED_FLAG) await pacedMain(JSON.parse(argument) as Parameters<typeof pacedMain>[0]);
else if (mode === FUNCTION_FLAG) await functionAloneMain(JSON.parse(argument) as Parameters<typeof functionAloneMain>[0]);
else if (mode === NOOP_FLAG) noopServerMain(Number(argument));
else await main();
