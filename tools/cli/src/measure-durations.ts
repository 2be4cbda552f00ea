/**
 * How long an API's function runs per route: the Lambda duration the plan's cost estimate bills, measured the one way
 * every app's `measure:durations` script shares. The app says what is particular to it (its tables, what it seeds,
 * one request per route); this module runs the built bundle in process and writes `cost/lambda-durations.json` in
 * the format `@portico/infra/durations` checks.
 *
 * The method: the bundle (what Lambda runs) is imported in this process after its environment is set, as Lambda's
 * is; tables are created in a dynalite (a local DynamoDB) in the same process; after the warm-up rounds, routes take
 * turns invocation by invocation, so machine load hits them alike. Each invocation's billed duration is its wall time
 * rounded up to the next whole millisecond, as Lambda bills; per route the file keeps the median of those, their 90th
 * percentile, the median wall time, the median response size and the status codes seen.
 */
import { createDynamoDb, type CreateTableInput } from '@portico/dynamodb';
import { startDynalite, type LocalDynamoDb } from '@portico/dynamodb/testing';
import type { AnyRouteSpec, ProxyResult } from '@portico/http';
import { createProxyEvent, type ProxyEventInit } from '@portico/http/testing';
import { devStageOf, stageOf, stackName, type ApiConfig } from '@portico/infra/api';
import { findRepoRoot } from '@portico/infra/discover';
import { parseDurations, type LambdaDurations } from '@portico/infra/durations';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The handler a bundle exports, as the measurement calls it. */
export type MeasuredHandler = (event: unknown, context: unknown) => Promise<ProxyResult>;

/** What an app's `setup` gets: the loaded handler to seed through, and the local DynamoDB. */
export interface MeasureContext {
  /** Calls the handler once with an event built from `init` (untimed): seeding through the API, as a client would. */
  invoke(init: ProxyEventInit): Promise<ProxyResult>;
  /**
   * Calls the handler `count` times (untimed) with `init(i)`, failing on an answer other than `status`: items to read,
   * and one per round for a route that deletes one. Resolves to the answers, in order.
   */
  seed(count: number, init: (i: number) => ProxyEventInit, status?: number): Promise<ProxyResult[]>;
  /** Rounds each route is invoked: warm-up and measured; a DELETE route needs this many items of its own. */
  readonly rounds: number;
  /** dynalite's URL, when `tables` started one. */
  readonly endpoint: string | undefined;
}

export interface MeasureDurationsOptions {
  /** The built bundle Lambda runs, e.g. `apps/orders-api/dist/handler.mjs`; it must export `handler`. */
  readonly bundle: string;
  /** Route keys (`GET /orders/{id}`) to measure, in the order they take turns; {@link trafficRoutes} lists an API's. */
  readonly routes: readonly string[];
  /**
   * The request of `route` in `round` (warm-up rounds included, counted from 0): called once per invocation, in
   * order, so it may hand out ids to delete. Undefined for a route it does not know fails the run with its name.
   */
  request(route: string, round: number): ProxyEventInit | undefined;
  /** The route table, so each event carries its resource and path parameters as API Gateway matched them. */
  readonly routeTable?: readonly AnyRouteSpec[];
  /** Headers every request carries (a request's own headers win), e.g. `{ Origin: 'http://localhost:5173' }`. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * DynamoDB tables to create in a dynalite started for the run; the bundle then finds it through
   * `AWS_ENDPOINT_URL_DYNAMODB`, with `AWS_REGION` (unless `env` sets it: `us-east-1`) and placeholder credentials.
   */
  readonly tables?: readonly CreateTableInput[];
  /** The function's environment (table names, CORS origins…), set before the bundle loads, as Lambda's is. */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Runs once the handler is loaded, before the warm-up: seeds what the requests read. What it returns describes the
   * data measured against, e.g. `500 users in the table`, and goes into the file's `method`.
   */
  setup?(context: MeasureContext): Promise<string | void>;
  /** Measured invocations per route. @default 201 */
  readonly invocations?: number;
  /** Rounds run first and not kept: the JIT, the kept-alive connection, the caches settle. @default 30 */
  readonly warmup?: number;
  /** The script that writes the file, repository-relative, named in its `$comment`. */
  readonly writtenBy: string;
  /** What paths in the file are relative to. @default the repository holding the bundle */
  readonly root?: string;
  /** The clock wall times are read from, in milliseconds. @default performance.now */
  readonly now?: () => number;
  /** Loads the bundle's handler. @default a native import of `bundle` and its `handler` export */
  readonly loadHandler?: (bundle: string) => Promise<MeasuredHandler>;
}

/** Defaults of {@link MeasureDurationsOptions}: what the committed files were measured with. */
export const MEASURE_DEFAULTS = { invocations: 201, warmup: 30 } as const;

const CONTEXT = Object.freeze({ awsRequestId: 'measure', functionName: 'measure', getRemainingTimeInMillis: () => 10_000 });

/**
 * Every route key an API's stages send traffic to (`traffic.routes` in its `portico.config.ts`): what its
 * durations file must cover for the estimate to bill them all. Sorted.
 *
 * @example
 * trafficRoutes(ordersApi); // ['DELETE /orders/{id}', 'GET /orders', 'GET /orders/{id}', 'POST /orders']
 */
export function trafficRoutes(api: Pick<ApiConfig, 'stages'>): string[] {
  return [...new Set(Object.values(api.stages).flatMap((stage) => Object.keys(stage.traffic?.routes ?? {})))].sort();
}

/** What {@link measureOptionsOf} reads from an API's declaration. */
export type ApiMeasureOptions = Pick<MeasureDurationsOptions, 'bundle' | 'routes' | 'routeTable' | 'headers' | 'tables' | 'env'> & {
  /** The table created for each of the API's, by its key: `<api>-measure-<key>`. */
  readonly tableNames: Readonly<Record<string, string>>;
};

/**
 * The part of a measurement an API's `portico.config.ts` already says: its bundle (from `buildMeta`), the routes its
 * stages send traffic to, its route table, its tables (created empty, on-demand) and the function environment infra
 * gives it in `stage` (table names, `CORS_ORIGINS`, `STAGE`, the stage's own variables and region), with requests
 * sent from the stage's first CORS origin as a browser would.
 *
 * @example
 * await measureLambdaDurations({ ...measureOptionsOf(ordersApi, APP_DIR), setup, request, writtenBy: 'apps/orders-api/scripts/measure-lambda-durations.ts' });
 */
export function measureOptionsOf(api: ApiConfig, appDir: string, stage = devStageOf(api)): ApiMeasureOptions {
  const settings = stageOf(api, stage);
  const metaFile = join(appDir, api.buildMeta);
  if (!existsSync(metaFile)) throw new Error(`No build of ${api.name} at ${metaFile}: run \`pnpm build\` first`);
  const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as { bundle?: { file?: string } };
  if (!meta.bundle?.file) throw new Error(`${metaFile} names no bundle file: rebuild with \`pnpm build\``);
  const tables = Object.entries(api.tables ?? {}).map(([key, table]) => ({ key, table, name: `${stackName(api, 'measure')}-${key}` }));
  return {
    bundle: join(dirname(metaFile), meta.bundle.file),
    routes: trafficRoutes(api),
    routeTable: api.routes,
    headers: settings.corsOrigins[0] ? { Origin: settings.corsOrigins[0] } : {},
    tables: tables.map(({ table, name }) => ({
      TableName: name,
      AttributeDefinitions: [table.partitionKey, ...(table.sortKey ? [table.sortKey] : [])].map((key) => ({ AttributeName: key.name, AttributeType: key.type })),
      KeySchema: [
        { AttributeName: table.partitionKey.name, KeyType: 'HASH' as const },
        ...(table.sortKey ? [{ AttributeName: table.sortKey.name, KeyType: 'RANGE' as const }] : []),
      ],
      BillingMode: 'PAY_PER_REQUEST' as const,
    })),
    env: {
      AWS_REGION: settings.region,
      ...Object.fromEntries(tables.map(({ table, name }) => [table.env, name])),
      CORS_ORIGINS: settings.corsOrigins.join(','),
      STAGE: stage,
      ...settings.environment,
    },
    tableNames: Object.fromEntries(tables.map(({ key, name }) => [key, name])),
  };
}

/** Bytes a viewer receives: status line, headers and body as HTTP/1.1 carries them, a base64 body as its bytes. */
export function responseBytes(result: ProxyResult): number {
  const headers = Object.entries(result.headers ?? {}).map(([name, value]) => `${name}: ${value}\r\n`);
  const multi = Object.entries(result.multiValueHeaders ?? {}).flatMap(([name, values]) => values.map((value) => `${name}: ${value}\r\n`));
  const body = result.body ?? '';
  const bodyBytes = result.isBase64Encoded ? Buffer.from(body, 'base64').length : Buffer.byteLength(body);
  return Buffer.byteLength(`HTTP/1.1 ${result.statusCode} X\r\n${[...headers, ...multi].join('')}\r\n`) + bodyBytes;
}

/** The value at quantile `p` of `values`: the one at index floor(n × p), so the median of an odd count is its middle. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

async function importHandler(bundle: string): Promise<MeasuredHandler> {
  const { handler } = (await import(pathToFileURL(bundle).href)) as { handler?: unknown };
  if (typeof handler !== 'function') throw new Error(`${bundle} exports no handler function`);
  return handler as MeasuredHandler;
}

/**
 * Measures the bundle's duration per route and returns the durations file's content, checked by the infra schema.
 * Throws when a route answers 5xx (a measurement of a failure would mislead) or has no request.
 *
 * @example
 * const durations = await measureLambdaDurations({
 *   bundle: join(APP_DIR, 'dist', 'handler.mjs'),
 *   routes: trafficRoutes(ordersApi),
 *   routeTable: ordersApi.routes,
 *   tables: [ordersTableDefinition('orders-measure')],
 *   env: { ORDERS_TABLE: 'orders-measure' },
 *   setup: async ({ invoke }) => { await invoke({ method: 'POST', path: '/orders', json: { sku: 'a' } }); return '1 order'; },
 *   request: (route) => (route === 'GET /orders' ? { method: 'GET', path: '/orders' } : undefined),
 *   writtenBy: 'apps/orders-api/scripts/measure-lambda-durations.ts',
 * });
 * writeLambdaDurations(join(APP_DIR, 'cost', 'lambda-durations.json'), durations);
 */
export async function measureLambdaDurations(options: MeasureDurationsOptions): Promise<LambdaDurations> {
  const { bundle, routes, invocations = MEASURE_DEFAULTS.invocations, warmup = MEASURE_DEFAULTS.warmup } = options;
  if (!Number.isInteger(invocations) || invocations < 1) throw new RangeError(`invocations must be a whole number from 1, not ${invocations}`);
  if (!Number.isInteger(warmup) || warmup < 0) throw new RangeError(`warmup must be a whole number from 0, not ${warmup}`);
  if (routes.length === 0) throw new Error('No routes to measure: give the route keys (trafficRoutes(api) lists those of the stages\' traffic)');
  if (!existsSync(bundle)) throw new Error(`No bundle at ${bundle}: run \`pnpm build\` first`);
  const now = options.now ?? (() => performance.now());
  const root = options.root ?? findRepoRoot(dirname(bundle));

  const savedEnv = { ...process.env };
  let dynamo: LocalDynamoDb | undefined;
  try {
    if (options.tables?.length) {
      dynamo = await startDynalite();
      // The bundle reads these once, at import: set before it loads, as Lambda's environment is.
      Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'measure', AWS_SECRET_ACCESS_KEY: 'measure', AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint });
    }
    Object.assign(process.env, options.env);
    if (dynamo) {
      const db = createDynamoDb();
      try {
        for (const table of options.tables!) await db.send('CreateTable', table);
      } finally {
        db.close();
      }
    }
    const handler = await (options.loadHandler ?? importHandler)(bundle);
    const eventOf = (init: ProxyEventInit) =>
      createProxyEvent({ ...init, routes: init.routes ?? options.routeTable, headers: { ...options.headers, ...init.headers } });
    const invoke = (init: ProxyEventInit) => handler(eventOf(init), CONTEXT);
    const seed = async (count: number, init: (i: number) => ProxyEventInit, status = 201) => {
      const answers: ProxyResult[] = [];
      for (let i = 0; i < count; i++) {
        const answer = await invoke(init(i));
        if (answer.statusCode !== status) throw new Error(`seeding answered ${answer.statusCode}, not ${status}: ${answer.body}`);
        answers.push(answer);
      }
      return answers;
    };
    const conditions = await options.setup?.({ invoke, seed, rounds: warmup + invocations, endpoint: dynamo?.endpoint });

    const samples = new Map(routes.map((route) => [route, { ms: [] as number[], bytes: [] as number[], statuses: new Set<number>() }]));
    for (let round = 0; round < warmup + invocations; round++) {
      for (const route of routes) {
        const init = options.request(route, round);
        if (!init) throw new Error(`No request for ${route}: add one to ${options.writtenBy}`);
        const event = eventOf(init);
        const started = now();
        const result = await handler(event, CONTEXT);
        const ms = now() - started;
        if (result.statusCode >= 500) throw new Error(`${route} answered ${result.statusCode}: ${result.body}`);
        if (round < warmup) continue;
        const sample = samples.get(route)!;
        sample.ms.push(ms);
        sample.bytes.push(responseBytes(result));
        sample.statuses.add(result.statusCode);
      }
    }

    const against = dynamo ? ' against dynalite' : '';
    const slower = dynamo
      ? "Lambda's own CPU share (about a third of a vCPU at 512 MB) and DynamoDB's network round trip make"
      : "Lambda's own CPU share (about a third of a vCPU at 512 MB) makes";
    return parseDurations({
      $comment: `Written by ${options.writtenBy}; read by the plan's cost estimate (infra/src/plan/cost.ts). Warm invocations of the built bundle in one Node process${against} on the machine named below: ${slower} real durations longer.`,
      measured: new Date().toISOString().slice(0, 10),
      bundle: relative(root, bundle),
      bundleSha256: createHash('sha256').update(readFileSync(bundle)).digest('hex'),
      node: process.version,
      cpu: `${cpus()[0]?.model ?? 'unknown'} (${cpus().length} cores)`,
      method: [
        `${warmup} warm-up rounds, then ${invocations} rounds of one invocation per route, routes in turn`,
        ...(conditions ? [conditions] : []),
        'billed = wall time rounded up to 1 ms',
      ].join('; '),
      invocationsPerRoute: invocations,
      routes: Object.fromEntries(
        routes.map((route) => {
          const { ms, bytes, statuses } = samples.get(route)!;
          // Lambda bills each invocation in whole milliseconds, rounded up, 1 ms at least.
          const billed = ms.map((value) => Math.max(1, Math.ceil(value)));
          return [
            route,
            {
              medianMs: Math.round(percentile(ms, 0.5) * 1000) / 1000,
              medianBilledMs: percentile(billed, 0.5),
              p90BilledMs: percentile(billed, 0.9),
              medianResponseBytes: percentile(bytes, 0.5),
              statuses: [...statuses].sort((a, b) => a - b),
            },
          ];
        }),
      ),
    });
  } finally {
    await dynamo?.stop();
    for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name];
    Object.assign(process.env, savedEnv);
  }
}

/**
 * Writes durations where the estimate reads them (`<app>/cost/lambda-durations.json`), checked first: a file the
 * plan would refuse is never written.
 *
 * @example writeLambdaDurations(join(APP_DIR, 'cost', 'lambda-durations.json'), await measureLambdaDurations(options));
 */
export function writeLambdaDurations(file: string, durations: LambdaDurations): void {
  const { file: _shownAs, ...content } = durations;
  const checked = parseDurations(content);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(checked, null, 2)}\n`);
}

/**
 * One line per route, for a script's output.
 *
 * @example describeDurations(durations); // ['GET /orders  median 0.412 ms, billed median 1 ms (p90 2 ms), 530 B, status 200', …]
 */
export function describeDurations(durations: LambdaDurations): string[] {
  const width = Math.max(...Object.keys(durations.routes).map((route) => route.length));
  return Object.entries(durations.routes).map(
    ([route, value]) =>
      `${route.padEnd(width)}  median ${value.medianMs.toFixed(3)} ms, billed median ${value.medianBilledMs} ms (p90 ${value.p90BilledMs} ms), ${value.medianResponseBytes} B, status ${value.statuses.join('/')}`,
  );
}
