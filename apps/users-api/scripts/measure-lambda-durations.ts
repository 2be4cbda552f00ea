/**
 * Measures how long the users-api function runs per route — the Lambda duration the plan's cost estimate bills — and
 * writes `cost/lambda-durations.json`. Not a test, not timed in CI: run it by hand after a change to the handler or
 * the store, and commit the file.
 *
 *   pnpm build && pnpm --filter @portico/users-api measure:durations [--invocations 201] [--users 500]
 *
 * The built bundle (`apps/users-api/dist/handler.mjs`, what Lambda runs) is imported in this process and invoked
 * with API Gateway proxy events for every route of the stages' traffic mixes (`traffic` in `portico.config.ts`), against
 * a dynalite (a local DynamoDB) holding `--users` users. Routes take turns invocation by invocation, after a warm-up,
 * so machine load hits them alike. Each invocation's billed duration is its wall time rounded up to the next whole
 * millisecond, as Lambda bills; the file keeps each route's median of those, its 90th percentile, the median
 * response size and the status codes seen.
 *
 * What this measures is the handler on this machine's CPU, warm. A 512 MB Lambda gets about a third of a vCPU and
 * talks to DynamoDB over the network, so real durations are longer; the file says so, and the estimate says which
 * file it read.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createProxyEvent } from '@portico/http/testing';
import { parseDurations, type LambdaDurations } from '@portico/infra/durations';
import dynalite from 'dynalite';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import usersApi from '../portico.config';
import { routeList } from '../src/routes';
import { usersTableDefinition } from '../src/table';

const { values: args } = parseArgs({
  options: { invocations: { type: 'string', default: '201' }, warmup: { type: 'string', default: '30' }, users: { type: 'string', default: '500' } },
});
const INVOCATIONS = Number(args.invocations);
const WARMUP = Number(args.warmup);
const USERS = Number(args.users);

const APP_DIR = resolve(import.meta.dirname, '..');
const REPO_DIR = resolve(APP_DIR, '..', '..');
const BUNDLE = join(APP_DIR, 'dist', 'handler.mjs');
const TABLE = 'users-measure';
const ORIGIN = 'http://localhost:5173';

interface ProxyResult {
  statusCode: number;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  body?: string;
}
type Handler = (event: unknown, context: unknown) => Promise<ProxyResult>;

const context = { awsRequestId: 'measure', functionName: 'users-api-measure', getRemainingTimeInMillis: () => 10_000 };

/** Bytes a viewer receives: status line, headers and body, as HTTP/1.1 would carry them. */
function responseBytes(result: ProxyResult): number {
  const headers = Object.entries(result.headers ?? {}).map(([name, value]) => `${name}: ${value}\r\n`);
  const multi = Object.entries(result.multiValueHeaders ?? {}).flatMap(([name, values]) => values.map((value) => `${name}: ${value}\r\n`));
  return Buffer.byteLength(`HTTP/1.1 ${result.statusCode} X\r\n${[...headers, ...multi].join('')}\r\n${result.body ?? ''}`);
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

async function main(): Promise<void> {
  if (!existsSync(BUNDLE)) throw new Error(`No bundle at ${BUNDLE}: run \`pnpm build\` first`);
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The bundle reads these once, at import: set before it loads, as Lambda's environment is.
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'measure',
    AWS_SECRET_ACCESS_KEY: 'measure',
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    USERS_TABLE: TABLE,
    CORS_ORIGINS: ORIGIN,
  });
  const client = new DynamoDBClient({});
  await client.send(new CreateTableCommand(usersTableDefinition(TABLE)));
  client.destroy();
  const { handler } = (await import(pathToFileURL(BUNDLE).href)) as { handler: Handler };

  const invoke = async (init: Parameters<typeof createProxyEvent>[0]) => {
    const event = createProxyEvent({ routes: routeList, headers: { Origin: ORIGIN }, ...init });
    const started = performance.now();
    const result = await handler(event, context);
    return { ms: performance.now() - started, result };
  };

  // Users to read, list and search; and one more per DELETE, so every DELETE removes a user that exists.
  const routes = [...new Set(Object.values(usersApi.stages).flatMap((stage) => Object.keys(stage.traffic?.routes ?? {})))].sort();
  const deletes = routes.includes('DELETE /users/{id}') ? WARMUP + INVOCATIONS : 0;
  const ids: string[] = [];
  for (let i = 0; i < USERS + deletes; i++) {
    const { result } = await invoke({ method: 'POST', path: '/users', json: { name: `User ${String(i).padStart(5, '0')}`, email: `user${i}@example.com` } });
    if (result.statusCode !== 201) throw new Error(`seeding answered ${result.statusCode}: ${result.body}`);
    ids.push((JSON.parse(result.body ?? '{}') as { id: string }).id);
  }
  const readable = ids.slice(0, USERS);
  const deletable = ids.slice(USERS);

  const request = (route: string, i: number): Parameters<typeof createProxyEvent>[0] => {
    switch (route) {
      case 'GET /hello':
        return { method: 'GET', path: '/hello' };
      case 'GET /users':
        return { method: 'GET', path: '/users' };
      case 'POST /users':
        return { method: 'POST', path: '/users', json: { name: 'Ada Lovelace', email: 'ada@example.com' } };
      case 'GET /users/{id}':
        return { method: 'GET', path: `/users/${readable[i % readable.length]}` };
      case 'DELETE /users/{id}':
        return { method: 'DELETE', path: `/users/${deletable.pop()}` };
      case 'GET /search':
        // Matches about one user in ten: the whole table is scanned for a page of them.
        return { method: 'GET', path: `/search?q=${encodeURIComponent(`User 00${i % 5}`)}` };
      default:
        throw new Error(`No request for ${route}: add one to measure-lambda-durations.ts`);
    }
  };

  const samples = new Map(routes.map((route) => [route, { ms: [] as number[], bytes: [] as number[], statuses: new Set<number>() }]));
  for (let i = 0; i < WARMUP + INVOCATIONS; i++) {
    for (const route of routes) {
      const { ms, result } = await invoke(request(route, i));
      if (result.statusCode >= 500) throw new Error(`${route} answered ${result.statusCode}: ${result.body}`);
      if (i < WARMUP) continue;
      const sample = samples.get(route)!;
      sample.ms.push(ms);
      sample.bytes.push(responseBytes(result));
      sample.statuses.add(result.statusCode);
    }
  }
  server.close();

  const measured: LambdaDurations = {
    $comment: `Written by apps/users-api/scripts/measure-lambda-durations.ts; read by the plan's cost estimate (infra/src/plan/cost.ts). Warm invocations of the built bundle in one Node process against dynalite on the machine named below: Lambda's own CPU share (about a third of a vCPU at 512 MB) and DynamoDB's network round trip make real durations longer.`,
    measured: new Date().toISOString().slice(0, 10),
    bundle: relative(REPO_DIR, BUNDLE),
    bundleSha256: createHash('sha256').update(readFileSync(BUNDLE)).digest('hex'),
    node: process.version,
    cpu: `${cpus()[0]?.model ?? 'unknown'} (${cpus().length} cores)`,
    method: `${WARMUP} warm-up rounds, then ${INVOCATIONS} rounds of one invocation per route, routes in turn; ${USERS} users in the table; billed = wall time rounded up to 1 ms`,
    invocationsPerRoute: INVOCATIONS,
    routes: Object.fromEntries(
      routes.map((route) => {
        const { ms, bytes, statuses } = samples.get(route)!;
        const billed = ms.map((value) => Math.max(1, Math.ceil(value)));
        return [
          route,
          {
            medianMs: Math.round(percentile(ms, 0.5) * 1000) / 1000,
            medianBilledMs: percentile(billed, 0.5),
            p90BilledMs: percentile(billed, 0.9),
            medianResponseBytes: percentile(bytes, 0.5),
            statuses: [...statuses].sort(),
          },
        ];
      }),
    ),
  };
  const file = join(APP_DIR, 'cost', 'lambda-durations.json');
  writeFileSync(file, `${JSON.stringify(parseDurations(measured), null, 2)}\n`);
  console.log(`wrote ${relative(REPO_DIR, file)}`);
  for (const [route, value] of Object.entries(measured.routes)) {
    console.log(`${route.padEnd(20)} median ${value.medianMs.toFixed(3)} ms, billed median ${value.medianBilledMs} ms (p90 ${value.p90BilledMs} ms), ${value.medianResponseBytes} B, status ${value.statuses.join('/')}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
