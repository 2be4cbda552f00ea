/**
 * The users API, as Portico deploys and serves it: its route table, its Lambda build, its table and one typed
 * configuration per stage. Infra discovers this file and synthesizes `users-api-<stage>` stacks; `pnpm dev` serves
 * its dev stage. `dev` and `prod` differ only where this file says they do.
 */
import { defineApi, type StageSettings } from '@portico/infra/api';
import { routeList } from './src/routes';
import { USERS_TABLE_ENV, USERS_TABLE_KEY } from './src/table';

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
  dev: { stage: 'dev', port: 3000 },
});
