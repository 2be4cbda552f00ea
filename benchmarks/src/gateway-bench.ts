/**
 * Issue 4's benchmark: autocannon against `GET /dev/hello` and `GET /dev/users/{id}` through the local gateway
 * running the synthesized users-api dev stack, and against the same users-api bundle behind serverless-offline, on
 * the same machine in the same run. Both read one dynalite (started here, in-process) seeded with one user.
 * Not a timed test: the figures depend on the machine; compare the two servers within one run only.
 *
 *   pnpm --filter @portico/benchmarks bench:gateway      (BENCH_DURATION=<s> to change the 10 s per measurement)
 */
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import dynalite from 'dynalite';
import { ROOT } from './bundle';
import { int, pass, table } from './stats';

const REPO = resolve(ROOT, '..');
const STACK = join(REPO, 'infra', 'cdktf.out', 'stacks', 'users-api-dev', 'cdk.tf.json');
const BUNDLE = join(REPO, 'apps', 'users-api', 'dist', 'handler.mjs');
const GATEWAY_DIST = join(REPO, 'packages', 'local-gateway', 'dist', 'cli.js');
const GATEWAY_SRC = join(REPO, 'packages', 'local-gateway', 'src', 'cli.ts');
const SLS_DIR = join(ROOT, 'serverless-offline');
const WORK = join(ROOT, 'dist', 'gateway-bench');

const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
/**
 * Two loads per row. Saturating (every connection sends as fast as answers come back) gives req/s; by Little's law
 * its mean latency is simply connections / throughput, so p99 < 5 ms at 50 connections would need > 10,000 req/s.
 * A fixed offered rate, well under both servers' capacity, shows the latency a request sees at 50 open connections.
 */
const FIXED_RATE = Number(process.env.BENCH_FIXED_RATE ?? 400);
const LOADS: readonly { label: string; rate?: number }[] = [{ label: 'saturating' }, { label: `${FIXED_RATE} req/s`, rate: FIXED_RATE }];
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

interface Measured {
  target: string;
  route: string;
  load: string;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

async function main(): Promise<void> {
  const missing = [
    [BUNDLE, 'the users-api bundle (`pnpm --filter @portico/users-api build`)'],
    [STACK, 'the synthesized dev stack (`pnpm --filter @portico/infra synth`)'],
  ].filter(([file]) => !existsSync(file!));
  if (!existsSync(GATEWAY_DIST) && !existsSync(GATEWAY_SRC)) missing.push([GATEWAY_SRC, 'the local gateway CLI']);
  if (missing.length) {
    const why = missing.map(([file, what]) => `- missing ${what}: ${file}`).join('\n');
    writeResult(`# Local gateway vs serverless-offline\n\nNot run:\n\n${why}\n`);
    log(`not run:\n${why}`);
    return;
  }
  mkdirSync(WORK, { recursive: true });
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
    const gwCli = existsSync(GATEWAY_DIST) ? [GATEWAY_DIST] : ['--import', 'tsx', GATEWAY_SRC];
    const gwArgs = [...gwCli, '--stack', benchStack.file, '--stage', 'dev', '--host', '127.0.0.1', '--port', String(gwPort)];
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
      { name: 'local gateway', base: `http://127.0.0.1:${gwPort}/dev`, version: '@portico/local-gateway (workspace)' },
      {
        name: 'serverless-offline',
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

    const results: Measured[] = [];
    for (const route of routes) {
      for (const t of targets) {
        log(`${t.name} GET /dev${route}: ${WARMUP_S}s warm-up at ${CONNECTIONS} connections`);
        await autocannon(t.base + route, WARMUP_S);
        for (const load of LOADS) {
          log(`  ${load.label}: ${DURATION_S}s measured`);
          const m = await autocannon(t.base + route, DURATION_S, load.rate);
          results.push({ target: t.name, route: `GET /dev${route}`, load: load.label, ...m });
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

function report(
  results: Measured[],
  checks: string[][],
  targets: Target[],
  fnName: string,
  tableName: string,
  throttleNote: string,
  load: string,
): string {
  const rows = results.map((m) => [
    m.target,
    m.route,
    m.load,
    int(m.rps),
    m.p50.toFixed(2),
    m.p99.toFixed(2),
    m.max.toFixed(1),
    int(m.requests),
    String(m.errors + m.timeouts),
    String(m.non2xx),
  ]);
  const targetRows: string[][] = [];
  const find = (route: string, target: string, load: string) =>
    results.find((m) => m.route === route && m.target === target && m.load === load);
  for (const route of [...new Set(results.map((m) => m.route))]) {
    const gw = find(route, 'local gateway', LOADS[0]!.label);
    const sls = find(route, 'serverless-offline', LOADS[0]!.label);
    const gwFixed = find(route, 'local gateway', LOADS[1]!.label);
    if (!gw || !sls || !gwFixed) continue;
    const ratio = gw.rps / sls.rps;
    const gwAll = results.filter((m) => m.route === route && m.target === 'local gateway');
    const failures = gwAll.reduce((n, m) => n + m.errors + m.timeouts + m.non2xx, 0);
    targetRows.push(
      [`${route}: req/s ≥ 5x serverless-offline`, `${ratio.toFixed(2)}x (${int(gw.rps)} vs ${int(sls.rps)} req/s, saturating)`, pass(ratio >= 5)],
      [
        `${route}: p99 < 5 ms at ${CONNECTIONS} connections`,
        `${gwFixed.p99.toFixed(2)} ms at ${gwFixed.load}; ${gw.p99.toFixed(2)} ms saturating (mean ≥ ${((CONNECTIONS / gw.rps) * 1000).toFixed(1)} ms by Little's law)`,
        `${pass(gwFixed.p99 < 5)} at ${gwFixed.load} / ${pass(gw.p99 < 5)} saturating`,
      ],
      [`${route}: 0 errors`, `${failures} errors/timeouts/non-2xx over ${int(gwAll.reduce((n, m) => n + m.requests, 0))} requests`, pass(failures === 0)],
    );
  }
  return [
    '# Local gateway vs serverless-offline: the users-api bundle over HTTP',
    '',
    `Generated by \`pnpm --filter @portico/benchmarks bench:gateway\` on ${new Date().toISOString().slice(0, 16)}Z — Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${load}.`,
    `Load: autocannon ${pkgVersion('autocannon')} in its own process, ${CONNECTIONS} connections, ${DURATION_S} s per row after a ${WARMUP_S} s warm-up, loopback only. Two loads: saturating (req/s) and a fixed ${FIXED_RATE} req/s offered over the same ${CONNECTIONS} connections (latency under load that both servers can carry; a saturating run's mean latency is just connections ÷ throughput).`,
    `Same bundle (\`apps/users-api/dist/handler.mjs\`, function \`${fnName}\`) in both; both read one dynalite (in the benchmark process) with table \`${tableName}\` seeded with one user.`,
    `Servers as shipped: the gateway runs the synthesized \`users-api-dev\` stack (default 4 execution environments, request log to a file); ${targets[1]!.version} with its defaults (worker threads, request log to a file).`,
    throttleNote,
    'The load generator, both servers and dynalite share the same 2 cores: absolute numbers are low, the ratio is what this shows.',
    '',
    table(['server', 'route', 'load', 'req/s (mean)', 'p50 ms', 'p99 ms', 'max ms', 'requests', 'errors', 'non-2xx'], rows, ['l', 'l', 'l']),
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
 * stage limits are raised to AWS's account-level defaults (10,000 rps, burst 5,000); everything else is unchanged.
 */
function unthrottledCopy(stack: TerraformJson): { file: string; note: string } {
  const copy = structuredClone(stack);
  const changed: string[] = [];
  for (const settings of Object.values(copy.resource?.aws_api_gateway_method_settings ?? {})) {
    const s = settings.settings as Record<string, unknown> | undefined;
    if (!s || (s.throttling_rate_limit === undefined && s.throttling_burst_limit === undefined)) continue;
    changed.push(`\`${String(settings.method_path)}\` ${String(s.throttling_rate_limit)} rps / burst ${String(s.throttling_burst_limit)}`);
    s.throttling_rate_limit = 10_000;
    s.throttling_burst_limit = 5_000;
  }
  const dir = join(WORK, 'stack');
  mkdirSync(dir, { recursive: true });
  // Relative asset paths (the function zip) must still resolve from the copy.
  const assets = join(dirname(STACK), 'assets');
  if (existsSync(assets) && !existsSync(join(dir, 'assets'))) symlinkSync(assets, join(dir, 'assets'), 'dir');
  const file = join(dir, 'cdk.tf.json');
  writeFileSync(file, JSON.stringify(copy, null, 2));
  const note = changed.length
    ? `Stage throttling lifted for the benchmark (the synthesized dev stage sets ${[...new Set(changed)].join(', ')}; the copy uses AWS's account defaults, 10,000 rps / burst 5,000); nothing else in the stack is changed.`
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

async function autocannon(url: string, seconds: number, rate?: number): Promise<Omit<Measured, 'target' | 'route' | 'load'>> {
  // autocannon runs in its own process so the load generator doesn't share an event loop with dynalite.
  const bin = join(pkgDir('autocannon'), 'autocannon.js');
  const args = [bin, '-c', String(CONNECTIONS), '-d', String(seconds), '-j'];
  if (rate) args.push('-R', String(rate));
  const child = spawn(process.execPath, [...args, url], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const code = await new Promise<number | null>((ok) => child.on('close', ok));
  if (code !== 0) throw new Error(`autocannon failed (${code}): ${stderr.slice(-500)}`);
  const r = JSON.parse(stdout) as {
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

await main();
