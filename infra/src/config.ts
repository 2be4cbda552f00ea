/**
 * One typed configuration per stage. A stack is a pure function of its stage config, the route table and the
 * deploy target (see `target.ts`), so `dev` and `prod` differ only where this file says they do.
 */
import type { TrafficProfile } from './plan/traffic';

/** Stage-wide throttling, applied to every method through the stage's method settings. */
export interface ThrottleConfig {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Bucket size: requests allowed in a burst above the rate. */
  readonly burstLimit: number;
}

/** One usage plan: the limits a group of API keys shares. */
export interface UsagePlanConfig extends ThrottleConfig {
  /** Requests allowed per quota period. */
  readonly quotaLimit: number;
  /** The quota window. */
  readonly quotaPeriod: 'DAY' | 'WEEK' | 'MONTH';
}

/** The stage cache (API Gateway's per-stage cache cluster). */
export interface CacheConfig {
  /** Whether the stage provisions a cache cluster (billed per hour while it exists; the smallest size is enough for dev). */
  readonly enabled: boolean;
  /** Cluster size in GB, one of the sizes API Gateway sells. */
  readonly clusterSize: '0.5' | '1.6' | '6.1' | '13.5' | '28.4' | '58.2' | '118' | '237';
  /** Default time to live of a cached response, in seconds (0 to 3600). */
  readonly ttlSeconds: number;
}

/** A custom domain served by CloudFront. The certificate must live in us-east-1 (a CloudFront rule). */
export interface CustomDomainConfig {
  readonly domainName: string;
  readonly certificateArn: string;
}

export interface StageConfig {
  /** The API Gateway stage name; it is also the path prefix of the invoke URL and the CloudFront origin path. */
  readonly stage: string;
  readonly region: string;
  readonly throttle: ThrottleConfig;
  /** Usage plans by name; each plan gets one API key of the same name. */
  readonly usagePlans: Readonly<Record<string, UsagePlanConfig>>;
  readonly cache: CacheConfig;
  /** Browser origins allowed by CORS, exact match (scheme + host + port). */
  readonly corsOrigins: readonly string[];
  /** Retention of every log group of the stack, in days. */
  readonly logRetentionDays: number;
  readonly lambda: { readonly memoryMb: number; readonly timeoutSeconds: number };
  /** Serve CloudFront on this domain instead of the default `*.cloudfront.net` name. */
  readonly customDomain?: CustomDomainConfig;
  /** Stage variables, visible to the function as `event.stageVariables`. */
  readonly stageVariables: Readonly<Record<string, string>>;
  /**
   * Whether this stack sets the region's API Gateway CloudWatch role (needed before a stage may write access logs).
   * It is one setting per account and region: when two stages share an account and region, let one of them own it.
   */
  readonly manageGatewayLoggingRole: boolean;
  /** Keep the table (and its data) when the stack is destroyed. */
  readonly protectData: boolean;
}

export const STAGES = {
  dev: {
    stage: 'dev',
    region: 'eu-west-1',
    throttle: { rateLimit: 50, burstLimit: 100 },
    usagePlans: {
      basic: { rateLimit: 5, burstLimit: 10, quotaLimit: 1_000, quotaPeriod: 'DAY' },
      partner: { rateLimit: 20, burstLimit: 40, quotaLimit: 10_000, quotaPeriod: 'DAY' },
    },
    cache: { enabled: true, clusterSize: '0.5', ttlSeconds: 60 },
    corsOrigins: ['http://localhost:5173', 'http://127.0.0.1:5173'],
    logRetentionDays: 7,
    lambda: { memoryMb: 512, timeoutSeconds: 10 },
    stageVariables: { environment: 'dev', logLevel: 'debug' },
    manageGatewayLoggingRole: true,
    protectData: false,
  },
  prod: {
    stage: 'prod',
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
  },
} as const satisfies Record<string, StageConfig>;

export type StageName = keyof typeof STAGES;

export const STAGE_NAMES = Object.keys(STAGES) as StageName[];

/** The stack name of a stage: `users-api-dev`, `users-api-prod`. */
export const stackName = (stage: StageName): string => `users-api-${stage}`;

export function isStageName(value: string): value is StageName {
  return Object.hasOwn(STAGES, value);
}

/** The config of `stage`; throws with the valid names when it is not one. */
export function stageConfig(stage: string): StageConfig {
  if (!isStageName(stage)) {
    throw new Error(`Unknown stage "${stage}": use one of ${STAGE_NAMES.join(', ')}`);
  }
  return STAGES[stage];
}

/**
 * The traffic each stage is assumed to serve in a month: what the plan's monthly cost estimate prices
 * (`plan/traffic.ts` describes each field). Assumptions, to be replaced by CloudWatch's figures once a stage runs:
 *
 * - the route mix of a users directory: mostly reads of one user, listing and search, few writes;
 * - response sizes as `scripts/measure-lambda-durations.ts` measured them (`medianResponseBytes` in
 *   `infra/cost/lambda-durations.json`: status line, headers, body; a 10-user page), plus about 350 bytes of headers
 *   API Gateway and CloudFront add;
 * - DynamoDB units per invocation from what `apps/users-api/src/store.ts` asks for, all reads eventually
 *   consistent (0.5 unit per 4 KB): a GetItem, a Scan of one page (11 items, under 4 KB), a PutItem or DeleteItem of
 *   an item under 1 KB (1 unit), and `/search`, which scans the whole table — 0.5 unit per 4 KB of users, about 150
 *   bytes each: 500 users in dev (~19 units), 20,000 in prod (~375 units);
 * - log bytes: Lambda's START/END/REPORT lines (the function logs nothing per request) and the stage's JSON
 *   access log line.
 */
export const TRAFFIC = {
  dev: {
    requestsPerMonth: 300_000,
    viewerGeography: 'europe',
    edgeCacheHitRatio: 0,
    cacheHitRatio: 0.3,
    functionLogBytesPerInvocation: 330,
    accessLogBytesPerRequest: 550,
    routes: usersRoutes({ hello: 0.1, list: 0.2, create: 0.08, get: 0.4, remove: 0.02, search: 0.2 }, 19),
  },
  prod: {
    requestsPerMonth: 20_000_000,
    viewerGeography: 'europe',
    edgeCacheHitRatio: 0,
    cacheHitRatio: 0.6,
    functionLogBytesPerInvocation: 330,
    accessLogBytesPerRequest: 550,
    routes: usersRoutes({ hello: 0.02, list: 0.2, create: 0.05, get: 0.5, remove: 0.01, search: 0.22 }, 375),
  },
} as const satisfies Record<StageName, TrafficProfile>;

/**
 * The users API's routes as traffic: what each answer weighs and what each invocation asks of DynamoDB. Stages differ
 * in the mix and in the size of the table `/search` scans.
 */
function usersRoutes(
  share: Readonly<Record<'hello' | 'list' | 'create' | 'get' | 'remove' | 'search', number>>,
  searchReadUnits: number,
): TrafficProfile['routes'] {
  return {
    'GET /hello': { share: share.hello, responseBytes: 530 },
    'GET /users': { share: share.list, responseBytes: 1_940, dynamodb: { readUnits: 0.5, writeUnits: 0 } },
    'POST /users': { share: share.create, responseBytes: 690, requestBytes: 60, dynamodb: { readUnits: 0, writeUnits: 1 } },
    'GET /users/{id}': { share: share.get, responseBytes: 640, dynamodb: { readUnits: 0.5, writeUnits: 0 } },
    'DELETE /users/{id}': { share: share.remove, responseBytes: 480, dynamodb: { readUnits: 0, writeUnits: 1 } },
    'GET /search': { share: share.search, responseBytes: 1_900, dynamodb: { readUnits: searchReadUnits, writeUnits: 0 } },
  };
}
