/**
 * `measureLambdaDurations` on a two-route function (test/fixtures/two-routes) with a scripted clock: each request
 * says, in an `x-wall-ms` header, how long its invocation takes on that clock, so rounding, medians and percentiles
 * are asserted exactly and nothing depends on this machine's speed. The fixture reads DynamoDB through a real client
 * from the dynalite the measurement starts, and its environment at import.
 */
import { createDynamoDb } from '@portico/dynamodb';
import { loadDurations, type LambdaDurations } from '@portico/infra/durations';
import type { ProxyResult } from '@portico/http';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { routes as twoRoutes } from './fixtures/two-routes/routes';
import type { ApiConfig } from '@portico/infra/api';
import { mkdirSync } from 'node:fs';
import { describeDurations, measureLambdaDurations, measureOptionsOf, responseBytes, trafficRoutes, writeLambdaDurations, type MeasuredHandler } from '../src/index';

const FIXTURES = resolve(__dirname, 'fixtures');
const BUNDLE = join(FIXTURES, 'two-routes', 'handler.ts');
const ORIGIN = 'http://localhost:5173';
const IMAGE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4, 5, 6]);

// Three warm-up invocations per route that take 500 ms (they must not count), then eleven measured ones each.
const WARMUP = 3;
const INVOCATIONS = 11;
const WALL_MS: Record<string, number[]> = {
  // Sorted: 0.25 0.25 0.5 0.75 0.9921875 [1] 1 1.0078125 1.25 2.5 3.75; billed: 1 ×7, 2, 2, [3], 4.
  'GET /hello': [500, 500, 500, 0.25, 3.75, 0.5, 0.9921875, 1, 0.25, 1.0078125, 1.25, 2.5, 1, 0.75],
  // Sorted: 0.5 0.75 1 1.0078125 1.0078125 [1.0078125] 2 2.5 3 9.5 12.25; billed: 1 1 1 2 2 [2] 2 3 3 [10] 13.
  'GET /items/{id}': [500, 500, 500, 2, 9.5, 1.0078125, 0.5, 12.25, 1.0078125, 3, 1, 2.5, 0.75, 1.0078125],
};

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe('measureLambdaDurations', () => {
  let clock = 0;
  const timed: string[] = [];
  const origins: Array<string | undefined> = [];
  let setupAnswer: ProxyResult | undefined;
  let seeded: ProxyResult[] = [];
  let seedRefused: unknown;
  let rounds = 0;
  let endpoint: string | undefined;
  let durations: LambdaDurations;
  const envBefore = { ...process.env };

  beforeAll(async () => {
    durations = await measureLambdaDurations({
      bundle: BUNDLE,
      root: FIXTURES,
      routes: ['GET /items/{id}', 'GET /hello'],
      routeTable: Object.values(twoRoutes),
      headers: { Origin: ORIGIN },
      tables: [
        {
          TableName: 'items-measure',
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        },
      ],
      env: { ITEMS_TABLE: 'items-measure', GREETING: 'measured' },
      invocations: INVOCATIONS,
      warmup: WARMUP,
      writtenBy: 'tools/cli/test/measure-durations.test.ts',
      now: () => clock,
      // jest's module system cannot import an ES module bundle: load the fixture through it instead, the same way.
      loadHandler: async () => {
        const { handler } = (await import('./fixtures/two-routes/handler')) as { handler: MeasuredHandler };
        return async (event, context) => {
          const { resource, headers } = event as { resource: string; headers: Record<string, string> };
          origins.push(headers.Origin);
          const result = await handler(event, context);
          // The invocation "takes" what its request says, on the scripted clock.
          if (headers['x-wall-ms'] !== undefined) {
            timed.push(resource);
            clock += Number(headers['x-wall-ms']);
          }
          return result;
        };
      },
      async setup(context) {
        endpoint = context.endpoint;
        const db = createDynamoDb();
        await db.send('PutItem', { TableName: 'items-measure', Item: { id: { S: 'a' }, image: { B: IMAGE.toString('base64') } } });
        db.close();
        setupAnswer = await context.invoke({ path: '/hello' });
        seeded = await context.seed(2, () => ({ path: '/items/a' }), 200);
        rounds = context.rounds;
        seedRefused = await context.seed(1, () => ({ path: '/items/missing' }), 200).catch((error: Error) => error);
        return '1 item in the table';
      },
      request: (route, round) => {
        const headers = { 'x-wall-ms': String(WALL_MS[route]![round]) };
        // Two measured rounds of eleven ask for an item that does not exist.
        if (route === 'GET /items/{id}') return { path: `/items/${round % 5 === 4 ? 'missing' : 'a'}`, headers };
        return { path: '/hello', headers };
      },
    });
  });

  it('bills each invocation its wall time rounded up to 1 ms, and keeps medians and the 90th percentile of the measured rounds only', () => {
    expect(durations.routes['GET /hello']).toMatchObject({ medianMs: 1, medianBilledMs: 1, p90BilledMs: 3 });
    expect(durations.routes['GET /items/{id}']).toMatchObject({ medianMs: 1.008, medianBilledMs: 2, p90BilledMs: 10 });
    expect(durations.invocationsPerRoute).toBe(INVOCATIONS);
  });

  it('runs the warm-up, then the routes in turn, invocation by invocation', () => {
    expect(timed).toEqual(Array.from({ length: WARMUP + INVOCATIONS }, () => ['/items/{id}', '/hello']).flat());
  });

  it('loads the bundle after its environment and tables are in place, and seeds through setup untimed', () => {
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(setupAnswer).toMatchObject({ statusCode: 200, body: '{"message":"measured"}' });
    expect(seeded.map((answer) => [answer.statusCode, answer.body])).toEqual([
      [200, IMAGE.toString('base64')],
      [200, IMAGE.toString('base64')],
    ]);
    expect(String(seedRefused)).toContain('seeding answered 404, not 200: {"status":404,"code":"NOT_FOUND"}');
    expect(rounds).toBe(WARMUP + INVOCATIONS);
    // The items came out of DynamoDB: answered 200 with the stored bytes, 404 for the missing one.
    expect(durations.routes['GET /items/{id}']!.statuses).toEqual([200, 404]);
    expect(durations.routes['GET /hello']!.statuses).toEqual([200]);
  });

  it('counts the bytes a viewer receives: status line, headers (multi-value ones too) and body, a base64 body decoded', () => {
    expect(durations.routes['GET /hello']!.medianResponseBytes).toBe(Buffer.byteLength('HTTP/1.1 200 X\r\ncontent-type: application/json\r\n\r\n{"message":"measured"}'));
    expect(durations.routes['GET /items/{id}']!.medianResponseBytes).toBe(
      Buffer.byteLength('HTTP/1.1 200 X\r\ncontent-type: image/png\r\nvary: Accept\r\nvary: Origin\r\n\r\n') + IMAGE.length,
    );
  });

  it('sends every request with the default headers beside its own', () => {
    expect(origins).toHaveLength(4 + 2 * (WARMUP + INVOCATIONS));
    expect(new Set(origins)).toEqual(new Set([ORIGIN]));
  });

  it('says what was measured, where and how, in the format the estimate reads', () => {
    expect(durations).toEqual({
      $comment: expect.stringMatching(/^Written by tools\/cli\/test\/measure-durations\.test\.ts; read by the plan's cost estimate .* against dynalite .* make real durations longer\.$/),
      measured: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      bundle: join('two-routes', 'handler.ts'),
      bundleSha256: createHash('sha256').update(readFileSync(BUNDLE)).digest('hex'),
      node: process.version,
      cpu: expect.stringMatching(/ \(\d+ cores\)$/),
      method: '3 warm-up rounds, then 11 rounds of one invocation per route, routes in turn; 1 item in the table; billed = wall time rounded up to 1 ms',
      invocationsPerRoute: INVOCATIONS,
      routes: { 'GET /items/{id}': expect.any(Object), 'GET /hello': expect.any(Object) },
    });
  });

  it('leaves the environment as it found it and stops dynalite', async () => {
    expect(process.env).toEqual(envBefore);
    await expect(fetch(endpoint!)).rejects.toThrow();
  });
});

describe('measureLambdaDurations refuses', () => {
  const base = {
    bundle: BUNDLE,
    root: FIXTURES,
    invocations: 2,
    warmup: 1,
    writtenBy: 'apps/x-api/scripts/measure-lambda-durations.ts',
  };
  const answering = (status: number): (() => Promise<MeasuredHandler>) => async () => async () => ({ statusCode: status, body: 'boom' });

  it('a route that answers 5xx: a measurement of a failure would mislead', async () => {
    const run = measureLambdaDurations({ ...base, routes: ['GET /boom'], request: () => ({ path: '/boom' }), loadHandler: answering(502) });

    await expect(run).rejects.toThrow('GET /boom answered 502: boom');
  });

  it('a route without a request, naming the script to add it to', async () => {
    const run = measureLambdaDurations({ ...base, routes: ['GET /nope'], request: () => undefined, loadHandler: answering(200) });

    await expect(run).rejects.toThrow('No request for GET /nope: add one to apps/x-api/scripts/measure-lambda-durations.ts');
  });

  it('a bundle that is not built, and restores the environment it set', async () => {
    const envBefore = { ...process.env };
    const run = measureLambdaDurations({ ...base, bundle: join(FIXTURES, 'nowhere.mjs'), routes: ['GET /a'], request: () => ({ path: '/a' }), env: { X: '1' } });

    await expect(run).rejects.toThrow('run `pnpm build` first');
    const failing = measureLambdaDurations({ ...base, routes: ['GET /a'], request: () => ({ path: '/a' }), env: { MEASURE_X: '1' }, loadHandler: answering(500) });
    await expect(failing).rejects.toThrow('answered 500');
    expect(process.env).toEqual(envBefore);
  });

  it('counts that are not whole numbers', async () => {
    const run = (counts: { invocations?: number; warmup?: number }) =>
      measureLambdaDurations({ ...base, ...counts, routes: ['GET /a'], request: () => ({ path: '/a' }), loadHandler: answering(200) });

    await expect(run({ invocations: 0 })).rejects.toThrow('invocations must be a whole number from 1, not 0');
    await expect(run({ warmup: 1.5 })).rejects.toThrow('warmup must be a whole number from 0, not 1.5');
  });
});

describe('measureLambdaDurations with its own loader', () => {
  it('imports an ES module bundle after setting its environment, as a script runs it (a Node process of its own)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'portico-measure-'));
    scratch.push(dir);
    writeFileSync(join(dir, 'handler.mjs'), 'const greeting = process.env.GREETING;\nexport const handler = async () => ({ statusCode: 200, body: greeting });\n');
    writeFileSync(
      join(dir, 'run.mts'),
      `import { measureLambdaDurations } from ${JSON.stringify(resolve(__dirname, '..', 'src', 'measure-durations.ts'))};
const durations = await measureLambdaDurations({
  bundle: ${JSON.stringify(join(dir, 'handler.mjs'))}, root: ${JSON.stringify(dir)}, routes: ['GET /greet'],
  request: () => ({ path: '/greet' }), env: { GREETING: 'from the environment' }, invocations: 3, warmup: 1, writtenBy: 'run.ts',
});
console.log(JSON.stringify(durations));
`,
    );

    const run = spawnSync(process.execPath, ['--import', 'tsx', join(dir, 'run.mts')], { cwd: resolve(__dirname, '..'), encoding: 'utf8' });

    expect(run.stderr).toBe('');
    const durations = JSON.parse(run.stdout) as LambdaDurations;
    expect(durations.bundle).toBe('handler.mjs');
    expect(durations.routes['GET /greet']).toMatchObject({ statuses: [200], medianResponseBytes: Buffer.byteLength('HTTP/1.1 200 X\r\n\r\nfrom the environment') });
    // No tables, no dynalite: the file does not claim one.
    expect(durations.$comment).not.toContain('dynalite');
    expect(durations.method).toBe('1 warm-up rounds, then 3 rounds of one invocation per route, routes in turn; billed = wall time rounded up to 1 ms');
  });
});

describe('writeLambdaDurations', () => {
  const durations: LambdaDurations = {
    measured: '2026-12-07',
    bundle: 'apps/x-api/dist/handler.mjs',
    bundleSha256: 'a'.repeat(64),
    node: 'v22.23.3',
    cpu: 'test (2 cores)',
    method: 'by hand',
    invocationsPerRoute: 3,
    routes: { 'GET /a': { medianMs: 0.5, medianBilledMs: 1, p90BilledMs: 2, medianResponseBytes: 100, statuses: [200] } },
  };

  it('writes what the estimate reads back, creating the folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'portico-durations-'));
    scratch.push(dir);

    writeLambdaDurations(join(dir, 'cost', 'lambda-durations.json'), { ...durations, file: 'shown as' });

    expect(readFileSync(join(dir, 'cost', 'lambda-durations.json'), 'utf8')).toBe(`${JSON.stringify(durations, null, 2)}\n`);
    expect(loadDurations(dir)).toEqual({ ...durations, file: join('cost', 'lambda-durations.json') });
  });

  it('writes nothing the estimate would refuse', () => {
    const dir = mkdtempSync(join(tmpdir(), 'portico-durations-'));
    scratch.push(dir);
    const file = join(dir, 'lambda-durations.json');

    expect(() => writeLambdaDurations(file, { ...durations, routes: { 'GET /a': { ...durations.routes['GET /a']!, medianBilledMs: 0 } } })).toThrow(/medianBilledMs/);
    expect(existsSync(file)).toBe(false);
  });
});

describe('measureOptionsOf', () => {
  const stage = (corsOrigins: string[], routes: string[]) => ({
    region: 'eu-central-1',
    corsOrigins,
    environment: { FEATURE: 'on' },
    traffic: { routes: Object.fromEntries(routes.map((route) => [route, {}])) },
  });
  const api = {
    name: 'orders-api',
    routes: Object.values(twoRoutes),
    buildMeta: 'out/build-meta.json',
    tables: {
      orders: { partitionKey: { name: 'id', type: 'S' }, env: 'ORDERS_TABLE', actions: ['dynamodb:GetItem'] },
      lines: { partitionKey: { name: 'order', type: 'S' }, sortKey: { name: 'line', type: 'N' }, env: 'LINES_TABLE', actions: ['dynamodb:Query'] },
    },
    stages: { prod: stage(['https://a.example', 'https://b.example'], ['GET /hello']), dev: stage([], ['GET /items/{id}']) },
  } as unknown as ApiConfig;

  it("takes the bundle from the build, the routes from every stage's traffic, the tables and the stage's environment from the declaration", () => {
    const dir = mkdtempSync(join(tmpdir(), 'portico-measure-app-'));
    scratch.push(dir);
    mkdirSync(join(dir, 'out'));
    writeFileSync(join(dir, 'out', 'build-meta.json'), JSON.stringify({ handler: 'handler.handler', bundle: { file: 'handler.mjs' } }));

    const options = measureOptionsOf(api, dir, 'prod');

    expect(options).toEqual({
      bundle: join(dir, 'out', 'handler.mjs'),
      routes: ['GET /hello', 'GET /items/{id}'],
      routeTable: api.routes,
      headers: { Origin: 'https://a.example' },
      tables: [
        {
          TableName: 'orders-api-measure-orders',
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        },
        {
          TableName: 'orders-api-measure-lines',
          AttributeDefinitions: [
            { AttributeName: 'order', AttributeType: 'S' },
            { AttributeName: 'line', AttributeType: 'N' },
          ],
          KeySchema: [
            { AttributeName: 'order', KeyType: 'HASH' },
            { AttributeName: 'line', KeyType: 'RANGE' },
          ],
          BillingMode: 'PAY_PER_REQUEST',
        },
      ],
      env: {
        AWS_REGION: 'eu-central-1',
        ORDERS_TABLE: 'orders-api-measure-orders',
        LINES_TABLE: 'orders-api-measure-lines',
        CORS_ORIGINS: 'https://a.example,https://b.example',
        STAGE: 'prod',
        FEATURE: 'on',
      },
      tableNames: { orders: 'orders-api-measure-orders', lines: 'orders-api-measure-lines' },
    });
    // The dev stage by default; no CORS origin, no Origin header.
    expect(measureOptionsOf(api, dir)).toMatchObject({ headers: {}, env: { STAGE: 'dev' } });
  });

  it('asks for a build when there is none', () => {
    expect(() => measureOptionsOf(api, join(tmpdir(), 'portico-no-such-app'))).toThrow(/No build of orders-api at .*build-meta\.json: run `pnpm build` first/);
  });
});

describe('trafficRoutes, responseBytes, describeDurations', () => {
  it('lists every route any stage sends traffic to, once, sorted; a stage without traffic adds none', () => {
    const traffic = (routes: string[]) => ({ traffic: { routes: Object.fromEntries(routes.map((route) => [route, {}])) } });
    const api = { stages: { dev: traffic(['POST /b', 'GET /a']), prod: traffic(['GET /a', 'DELETE /b/{id}']), test: {} } } as unknown as Parameters<typeof trafficRoutes>[0];

    expect(trafficRoutes(api)).toEqual(['DELETE /b/{id}', 'GET /a', 'POST /b']);
  });

  it('counts a body without one as empty, and bytes beyond ASCII as bytes', () => {
    expect(responseBytes({ statusCode: 204, body: '' })).toBe(Buffer.byteLength('HTTP/1.1 204 X\r\n\r\n'));
    expect(responseBytes({ statusCode: 200, headers: { a: 'b' }, body: 'é' })).toBe(Buffer.byteLength('HTTP/1.1 200 X\r\na: b\r\n\r\n') + 2);
  });

  it('describes one route a line, names aligned', () => {
    const route = { medianMs: 0.5, medianBilledMs: 1, p90BilledMs: 2, medianResponseBytes: 100, statuses: [200, 404] };
    const lines = describeDurations({ routes: { 'GET /a': route, 'DELETE /abc/{id}': route } } as unknown as LambdaDurations);

    expect(lines).toEqual([
      'GET /a            median 0.500 ms, billed median 1 ms (p90 2 ms), 100 B, status 200/404',
      'DELETE /abc/{id}  median 0.500 ms, billed median 1 ms (p90 2 ms), 100 B, status 200/404',
    ]);
  });
});
