/**
 * The avatars API, as Portico deploys and serves it: small PNG and JPEG images per user. Different in shape from the
 * users API on purpose — binary bodies both ways (the REST API's binary media types, `isBase64Encoded`, conversion
 * driven by `Accept`), a `{proxy+}` catch-all, its own tables, its own usage plan and a TOKEN Lambda authorizer for
 * the partners that write avatars — and declared without a line of infra or gateway code.
 */
import { defineApi, type StageSettings, type TrafficProfile } from '@portico/infra/api';
import { routeList } from './src/routes';
import { PARTNER_AUTHORIZATION, PARTNERS_TABLE_ENV } from './src/partners';
import { AVATARS_TABLE_ENV } from './src/store';

/**
 * A month of avatar traffic: mostly image reads (a 12 KB average avatar, as the size cap and typical 128x128 PNGs
 * suggest), few uploads. DynamoDB units from what `src/store.ts` asks for: an eventually consistent read of a 12 KB
 * item (0.5 unit per 4 KB: 1.5), a write of one (1 unit per KB: 12; a replace tries a conditional write first, not
 * counted); the catch-all touches no table.
 */
function avatarTraffic(requestsPerMonth: number, edgeCacheHitRatio: number): TrafficProfile {
  return {
    requestsPerMonth,
    viewerGeography: 'unitedStates',
    // Avatars say Cache-Control: public, max-age=300: CloudFront answers repeats itself.
    edgeCacheHitRatio,
    cacheHitRatio: 0,
    functionLogBytesPerInvocation: 330,
    accessLogBytesPerRequest: 550,
    routes: {
      'GET /avatars/{userId}': { share: 0.85, responseBytes: 12_600, dynamodb: { readUnits: 1.5, writeUnits: 0 } },
      'GET /avatars/{userId}/info': { share: 0.05, responseBytes: 620, dynamodb: { readUnits: 1.5, writeUnits: 0 } },
      'PUT /avatars/{userId}': { share: 0.05, responseBytes: 620, requestBytes: 12_300, dynamodb: { readUnits: 0, writeUnits: 12 } },
      'DELETE /avatars/{userId}': { share: 0.01, responseBytes: 300, dynamodb: { readUnits: 0, writeUnits: 12 } },
      'ANY /{proxy+}': { share: 0.04, responseBytes: 480 },
    },
  };
}

const dev: StageSettings = {
  region: 'us-east-1',
  throttle: { rateLimit: 50, burstLimit: 100 },
  usagePlans: { uploader: { rateLimit: 5, burstLimit: 10, quotaLimit: 2_000, quotaPeriod: 'DAY' } },
  cache: { enabled: false, clusterSize: '0.5', ttlSeconds: 0 },
  corsOrigins: ['http://localhost:5173'],
  logRetentionDays: 7,
  lambda: { memoryMb: 512, timeoutSeconds: 10 },
  stageVariables: { environment: 'dev' },
  // API Gateway's CloudWatch role is one setting per account and region: dev's stack owns it in us-east-1.
  manageGatewayLoggingRole: true,
  protectData: false,
  traffic: avatarTraffic(100_000, 0),
};

const prod: StageSettings = {
  region: 'us-east-1',
  throttle: { rateLimit: 200, burstLimit: 400 },
  usagePlans: { uploader: { rateLimit: 20, burstLimit: 40, quotaLimit: 100_000, quotaPeriod: 'MONTH' } },
  cache: { enabled: false, clusterSize: '0.5', ttlSeconds: 0 },
  corsOrigins: ['https://app.portico.dev'],
  logRetentionDays: 30,
  lambda: { memoryMb: 512, timeoutSeconds: 10, reservedConcurrency: 50 },
  stageVariables: { environment: 'prod' },
  manageGatewayLoggingRole: false,
  protectData: true,
  traffic: avatarTraffic(5_000_000, 0.5),
};

export default defineApi({
  name: 'avatars-api',
  description: 'Portico avatars API',
  routes: routeList,
  buildMeta: 'dist/build-meta.json',
  tables: {
    avatars: {
      partitionKey: { name: 'userId', type: 'S' },
      env: AVATARS_TABLE_ENV,
      // Exactly what src/store.ts calls (test/iam.test.ts records the calls and compares).
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
    },
    // Partners by the SHA-256 of their token (src/partners.ts). The API's function never reads it: only the partner
    // authorizer does, with its own role (auth.authorizers.partner.tables), so the handler's role gets no action on it.
    partners: {
      partitionKey: { name: 'tokenHash', type: 'S' },
      env: PARTNERS_TABLE_ENV,
      actions: [],
    },
  },
  auth: {
    authorizers: {
      // Writes need a partner's token (src/authorizers/partner.ts).
      partner: {
        type: 'TOKEN',
        entry: 'src/authorizers/partner.ts',
        identitySource: 'method.request.header.Authorization',
        // `Bearer ptk_` + 43 base64url characters, or API Gateway answers 401 without invoking the function.
        validationExpression: PARTNER_AUTHORIZATION.source,
        // AWS's default: a partner's writes cost one authorizer call and one partners read per token per five
        // minutes, and a deactivated token stops working within five minutes (at once after a cache flush).
        resultTtlSeconds: 300,
        // Exactly what src/partners.ts's find() calls (test/iam.test.ts records the calls and compares).
        tables: { partners: ['dynamodb:GetItem'] },
      },
    },
  },
  // The types sent and answered as bytes. `image/*` too: a browser's <img> asks with `Accept: image/avif,image/webp,…`,
  // and API Gateway decodes an answer only when the first Accept type is a binary media type.
  binaryMediaTypes: ['image/png', 'image/jpeg', 'image/*'],
  stages: { dev, prod },
  smoke: [{ path: '/avatars/nobody', status: 404, contains: '"code":"NOT_FOUND"' }],
  dev: { port: 3001 },
});
