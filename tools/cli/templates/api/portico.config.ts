/**
 * The {{name}} API, as Portico deploys and serves it: its route table, its Lambda build, its table and one typed
 * configuration per stage. Infra discovers this file and synthesizes `{{name}}-<stage>` stacks; `pnpm dev` serves
 * the dev stage. `dev` and `prod` differ only where this file says they do.
 */
import { defineApi, type StageSettings, type TrafficProfile } from '@portico/infra/api';
import { routeList } from './src/routes';
import { ITEMS_TABLE_ENV } from './src/store';

/**
 * A month of assumed traffic, which `pnpm plan` prices (its monthly cost estimate): replace the numbers with what you
 * expect once you know. Keyed by `METHOD /path` as `src/routes.ts` writes them; the shares add up to 1. DynamoDB units
 * from what `src/store.ts` asks for with items of about 200 bytes: an eventually consistent read is 0.5 unit per 4 KB,
 * a page of `GET /items` (21 items read) about 1, a write or a delete 1 unit per KB.
 */
function itemsTraffic(requestsPerMonth: number): TrafficProfile {
  return {
    requestsPerMonth,
    viewerGeography: 'unitedStates',
    // The API's answers carry no Cache-Control: CloudFront passes every request on.
    edgeCacheHitRatio: 0,
    cacheHitRatio: 0,
    functionLogBytesPerInvocation: 330,
    accessLogBytesPerRequest: 550,
    routes: {
      'GET /health': { share: 0.05, responseBytes: 250 },
      'GET /items': { share: 0.45, responseBytes: 4_500, dynamodb: { readUnits: 1, writeUnits: 0 } },
      'GET /items/{id}': { share: 0.4, responseBytes: 450, dynamodb: { readUnits: 0.5, writeUnits: 0 } },
      'POST /items': { share: 0.08, responseBytes: 450, requestBytes: 120, dynamodb: { readUnits: 0, writeUnits: 1 } },
      'DELETE /items/{id}': { share: 0.02, responseBytes: 200, dynamodb: { readUnits: 0, writeUnits: 1 } },
    },
  };
}

const dev: StageSettings = {
  region: '{{region}}',
  throttle: { rateLimit: 50, burstLimit: 100 },
  // One plan, one API key: POST and DELETE need it (`apiKeyRequired` in src/routes.ts).
  usagePlans: { default: { rateLimit: 5, burstLimit: 10, quotaLimit: 1_000, quotaPeriod: 'DAY' } },
  // A cache cluster is billed by the hour whether used or not, and a cached `GET /items` would hide a POST for up to
  // its TTL. The list route already declares its cache keys (`limit`, `cursor`), so `enabled: true` is all it takes.
  cache: { enabled: false, clusterSize: '0.5', ttlSeconds: 0 },
  // One origin: the gateway's own error answers (403, 429…) then carry it too, so a local web app can read them.
  corsOrigins: ['http://localhost:5173'],
  logRetentionDays: 7,
  lambda: { memoryMb: 512, timeoutSeconds: 10 },
  stageVariables: { environment: 'dev' },
  // API Gateway's CloudWatch role (needed before a stage writes access logs) is one setting per account and region:
  // {{devLoggingRoleWhy}}
  manageGatewayLoggingRole: {{devLoggingRole}},
  protectData: false,
  traffic: itemsTraffic(100_000),
};

const prod: StageSettings = {
  region: '{{region}}',
  throttle: { rateLimit: 200, burstLimit: 400 },
  usagePlans: { default: { rateLimit: 20, burstLimit: 40, quotaLimit: 100_000, quotaPeriod: 'MONTH' } },
  cache: { enabled: false, clusterSize: '0.5', ttlSeconds: 0 },
  // The front end that calls this API in production: replace with its origin before the first deploy.
  corsOrigins: ['https://app.example.com'],
  logRetentionDays: 30,
  lambda: { memoryMb: 512, timeoutSeconds: 10 },
  stageVariables: { environment: 'prod' },
  // {{prodLoggingRoleWhy}}
  manageGatewayLoggingRole: {{prodLoggingRole}},
  // The table outlives a destroy, and destroying the stack takes an explicit `--confirm {{name}}-prod`.
  protectData: true,
  traffic: itemsTraffic(5_000_000),
};

export default defineApi({
  name: '{{name}}',
  description: 'Portico {{name}}',
  routes: routeList,
  buildMeta: 'dist/build-meta.json',
  tables: {
    items: {
      partitionKey: { name: 'id', type: 'S' },
      env: ITEMS_TABLE_ENV,
      // Exactly what src/store.ts calls (test/iam.test.ts records the calls and compares).
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Scan'],
    },
  },
  stages: { dev, prod },
  // After a deploy: the function answers, and a read goes through DynamoDB.
  smoke: [{ path: '/health', contains: '"status":"ok"' }, { path: '/items?limit=1', contains: '"items"' }],
  dev: { port: {{port}} },
});
