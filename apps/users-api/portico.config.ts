/**
 * The users API, as Portico deploys and serves it: its route table, its Lambda build, its table, who may call it and
 * one typed configuration per stage. Infra discovers this file and synthesizes `users-api-<stage>` stacks; `pnpm dev`
 * serves its dev stage. `dev` and `prod` differ only where this file says they do.
 */
import { defineApi, type StageSettings, type TrafficProfile } from '@portico/infra/api';
import { routeList } from './src/routes';
import { USERS_TABLE_ENV, USERS_TABLE_KEY } from './src/table';

/**
 * The users API's routes as traffic, what the plan's monthly cost estimate prices: what each answer weighs and what
 * each invocation asks of DynamoDB. Stages differ in the mix and in the size of the table `/search` scans.
 * Assumptions, to be replaced by CloudWatch's figures once a stage runs:
 *
 * - response sizes as `scripts/measure-lambda-durations.ts` measured them (`medianResponseBytes` in
 *   `cost/lambda-durations.json`: status line, headers, body; a 10-user page), plus about 350 bytes of headers API
 *   Gateway and CloudFront add;
 * - DynamoDB units per invocation from what `src/store.ts` asks for, all reads eventually consistent (0.5 unit per
 *   4 KB): a GetItem, a Scan of one page (11 items, under 4 KB), a PutItem or DeleteItem of an item under 1 KB (1 unit),
 *   and `/search` and `/internal/stats`, which scan the whole table (a COUNT Scan is billed as reading every item)
 *   — 0.5 unit per 4 KB of users, about 150 bytes each: 500 users in dev (~19 units), 20,000 in prod (~375 units);
 * - `/internal/stats` is for other services: a few callers polling about once a minute each (dev 3,000 calls a
 *   month, prod 43,200);
 * - log bytes: Lambda's START/END/REPORT lines (the function logs nothing per request) and the stage's JSON access log
 *   line.
 */
function usersTraffic(
  requestsPerMonth: number,
  cacheHitRatio: number,
  share: Readonly<Record<'hello' | 'list' | 'create' | 'get' | 'remove' | 'search' | 'stats', number>>,
  tableReadUnits: number,
): TrafficProfile {
  return {
    requestsPerMonth,
    viewerGeography: 'europe',
    edgeCacheHitRatio: 0,
    cacheHitRatio,
    functionLogBytesPerInvocation: 330,
    accessLogBytesPerRequest: 550,
    routes: {
      'GET /hello': { share: share.hello, responseBytes: 530 },
      'GET /users': { share: share.list, responseBytes: 1_940, dynamodb: { readUnits: 0.5, writeUnits: 0 } },
      'POST /users': { share: share.create, responseBytes: 690, requestBytes: 60, dynamodb: { readUnits: 0, writeUnits: 1 } },
      'GET /users/{id}': { share: share.get, responseBytes: 640, dynamodb: { readUnits: 0.5, writeUnits: 0 } },
      'DELETE /users/{id}': { share: share.remove, responseBytes: 480, dynamodb: { readUnits: 0, writeUnits: 1 } },
      'GET /search': { share: share.search, responseBytes: 1_900, dynamodb: { readUnits: tableReadUnits, writeUnits: 0 } },
      'GET /internal/stats': { share: share.stats, responseBytes: 560, dynamodb: { readUnits: tableReadUnits, writeUnits: 0 } },
    },
  };
}

const dev: StageSettings = {
  region: 'eu-west-1',
  throttle: { rateLimit: 50, burstLimit: 100 },
  usagePlans: {
    basic: { rateLimit: 5, burstLimit: 10, quotaLimit: 1_000, quotaPeriod: 'DAY' },
    partner: { rateLimit: 20, burstLimit: 40, quotaLimit: 10_000, quotaPeriod: 'DAY' },
  },
  cache: { enabled: true, clusterSize: '0.5', ttlSeconds: 60 },
  // One origin: the gateway's own error answers (403, 429, 400…) can then carry it, so a local web app reads them.
  corsOrigins: ['http://localhost:5173'],
  logRetentionDays: 7,
  lambda: { memoryMb: 512, timeoutSeconds: 10 },
  stageVariables: { environment: 'dev', logLevel: 'debug' },
  manageGatewayLoggingRole: true,
  protectData: false,
  traffic: usersTraffic(300_000, 0.3, { hello: 0.1, list: 0.2, create: 0.08, get: 0.4, remove: 0.02, search: 0.19, stats: 0.01 }, 19),
};

const prod: StageSettings = {
  region: 'eu-west-1',
  throttle: { rateLimit: 500, burstLimit: 1_000 },
  usagePlans: {
    basic: { rateLimit: 10, burstLimit: 20, quotaLimit: 10_000, quotaPeriod: 'MONTH' },
    partner: { rateLimit: 100, burstLimit: 200, quotaLimit: 1_000_000, quotaPeriod: 'MONTH' },
  },
  cache: { enabled: true, clusterSize: '0.5', ttlSeconds: 300 },
  corsOrigins: ['https://app.portico.dev', 'https://admin.portico.dev'],
  logRetentionDays: 90,
  lambda: { memoryMb: 1024, timeoutSeconds: 10 },
  stageVariables: { environment: 'prod', logLevel: 'info' },
  manageGatewayLoggingRole: true,
  protectData: true,
  traffic: usersTraffic(20_000_000, 0.6, { hello: 0.02, list: 0.2, create: 0.05, get: 0.5, remove: 0.01, search: 0.21784, stats: 0.00216 }, 375),
};

export default defineApi({
  name: 'users-api',
  description: 'Portico users API',
  routes: routeList,
  buildMeta: 'dist/build-meta.json',
  tables: {
    users: {
      partitionKey: { name: USERS_TABLE_KEY, type: 'S' },
      env: USERS_TABLE_ENV,
      // Exactly what src/store.ts calls (test/iam.test.ts records the calls and compares).
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Scan'],
    },
  },
  stages: { dev, prod },
  // Writes take a Cognito user (deleting, one in `admin`); GET /internal/stats takes a SigV4 signature. See src/routes.ts.
  auth: { cognito: { groups: ['admin'] } },
  // After a deploy: the greeting, and a read that goes through DynamoDB (public routes: the smoke test has no token).
  smoke: [{ path: '/hello', contains: 'Hello, World!' }, { path: '/users?limit=1', contains: '"items"' }],
  dev: {
    stage: 'dev',
    port: 3000,
    // The local pool's users, never deployed: one who may delete and one who may only create. The passwords meet the
    // deployed pool's policy (12 characters, upper and lower case, a digit), so what works locally is what AWS takes.
    users: [
      { username: 'alice', password: 'Alice-local-2026', email: 'alice@example.com', groups: ['admin'] },
      { username: 'bob', password: 'Bob-local-2026x', email: 'bob@example.com' },
    ],
  },
});
