/**
 * How an API declares itself: one typed file per app, `apps/<name>/portico.config.ts`, whose default export is a
 * `defineApi({...})`. Infra's composition root discovers these files and synthesizes one `<name>-<stage>` stack per
 * declared stage; `pnpm dev` serves them. This module is data and types only (no CDKTF), so an app's config loads in
 * a blink and a test can import it.
 */
import { routeAuth, type ResolvedAuth, type RouteSpec } from '@portico/http';
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

/** The API's Lambda function in one stage. */
export interface LambdaConfig {
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /**
   * Executions the function may run at once (`reserved_concurrent_executions`); it also caps what one API can take
   * of the account's shared concurrency. @default unreserved
   */
  readonly reservedConcurrency?: number;
}

/** Everything that differs between two stages of one API. */
export interface StageSettings {
  readonly region: string;
  readonly throttle: ThrottleConfig;
  /** Usage plans by name; each plan gets one API key of the same name. */
  readonly usagePlans: Readonly<Record<string, UsagePlanConfig>>;
  readonly cache: CacheConfig;
  /**
   * Browser origins allowed by CORS, exact match (scheme + host + port). With one origin, the gateway's own error
   * answers carry it too; with several, only the edge (CloudFront) can tell them apart (see `Cors`).
   */
  readonly corsOrigins: readonly string[];
  /** Retention of every log group of the stack, in days. */
  readonly logRetentionDays: number;
  readonly lambda: LambdaConfig;
  /** Serve CloudFront on this domain instead of the default `*.cloudfront.net` name. */
  readonly customDomain?: CustomDomainConfig;
  /** Stage variables, visible to the function as `event.stageVariables`. */
  readonly stageVariables: Readonly<Record<string, string>>;
  /** Extra environment variables for the function (table names, CORS_ORIGINS and STAGE are set for you). @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Whether this stack sets the region's API Gateway CloudWatch role (needed before a stage may write access logs).
   * It is one setting per account and region: when two stacks share an account and region, let one of them own it.
   */
  readonly manageGatewayLoggingRole: boolean;
  /**
   * Keep the tables (and their data) when the stack is destroyed, and make destroying the stack take an explicit
   * `--confirm <stack>`.
   */
  readonly protectData: boolean;
  /**
   * The traffic this stage is assumed to serve in a month: what the plan's monthly cost estimate prices. Without it
   * the plan says so instead of estimating.
   */
  readonly traffic?: TrafficProfile;
}

/** One stage as the stack consumes it: the settings plus the stage's name. */
export interface StageConfig extends StageSettings {
  /** The API Gateway stage name; it is also the path prefix of the invoke URL and the CloudFront origin path. */
  readonly stage: string;
}

/** A DynamoDB key attribute. */
export interface KeyAttribute {
  readonly name: string;
  /** S: string, N: number, B: binary. */
  readonly type: 'S' | 'N' | 'B';
}

/** The DynamoDB actions a function may be granted on its table. */
export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:Query'
  | 'dynamodb:Scan'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:BatchWriteItem'
  | 'dynamodb:ConditionCheckItem'
  | 'dynamodb:DescribeTable';

/** A table the API owns: on-demand, encrypted, with point-in-time recovery. */
export interface TableConfig {
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /** The function environment variable that holds the table's name. */
  readonly env: string;
  /**
   * Exactly the actions the function's store calls; the function's role is granted these and nothing else. `[]` for
   * a table only Lambda authorizers read (`auth.authorizers.<name>.tables`): the function then gets neither a grant
   * on it nor its name.
   */
  readonly actions: readonly TableAction[];
  /** Attribute holding an expiry time (epoch seconds) after which DynamoDB deletes the item. */
  readonly ttlAttribute?: string;
}

/** Who may call an API: its Cognito user pool and its Lambda authorizers (routes pick one with `auth`). */
export interface AuthConfig {
  /**
   * A Cognito user pool per stage with one app client, for routes with `auth: { cognito: … }`; the gateway checks
   * the token (ID token, or access token with the route's scopes) before the function runs.
   */
  readonly cognito?: CognitoConfig;
  /** Lambda authorizers by name, for routes with `auth: { lambda: '<name>' }`. */
  readonly authorizers?: Readonly<Record<string, LambdaAuthorizerConfig>>;
  /**
   * Who the example caller role of `auth: 'iam'` routes trusts (the role may invoke exactly those methods).
   * @default { service: 'lambda.amazonaws.com' }: another service's function
   */
  readonly iamCaller?: { readonly service?: string; readonly accounts?: readonly string[] };
}

/** The API's Cognito user pool. */
export interface CognitoConfig {
  /** Use an existing pool instead of creating one per stage (its app client ids must be listed). */
  readonly pool?: { readonly arn: string; readonly clientIds: readonly string[] };
  /** Groups the pool has (e.g. `admin`); a route can require one (`auth: { cognito: { groups } }`). */
  readonly groups?: readonly string[];
  /** Custom OAuth scopes of the API's resource server (`<api>/<name>`), by name, with their descriptions. */
  readonly scopes?: Readonly<Record<string, string>>;
}

/** A Lambda authorizer: its own function, role and log group. */
export interface LambdaAuthorizerConfig {
  /** TOKEN: one header's value; REQUEST: headers, query strings, stage and context variables. */
  readonly type: 'TOKEN' | 'REQUEST';
  /** The module exporting `handler`, relative to the app folder, e.g. `src/authorizers/partner.ts`. */
  readonly entry: string;
  /** `method.request.header.Authorization`, or for REQUEST a comma-separated list. */
  readonly identitySource: string;
  /** TOKEN only: a regular expression the token must match before the function is called. */
  readonly validationExpression?: string;
  /** How long API Gateway caches a result per identity-source values (0 to 3600). @default 300 */
  readonly resultTtlSeconds?: number;
  /** Tables the authorizer reads, by key, with exactly the actions it calls. @default none */
  readonly tables?: Readonly<Record<string, readonly TableAction[]>>;
}

/** A local user of `pnpm dev`'s Cognito pool (never deployed). */
export interface DevUser {
  readonly username: string;
  readonly password: string;
  readonly email?: string;
  readonly groups?: readonly string[];
}

/** One request of the post-deploy smoke test. */
export interface SmokeCheck {
  /** A path under the stage URL, e.g. `/hello`; it must need no API key or token. */
  readonly path: string;
  /** @default 200 */
  readonly status?: number;
  /** Text the body must contain. */
  readonly contains?: string;
}

/** An API, as its `portico.config.ts` declares it. */
export interface ApiConfig {
  /** Lower-case letters, digits and dashes; stacks are named `<name>-<stage>`. */
  readonly name: string;
  readonly description?: string;
  /** The route table (data only: never the handler). */
  readonly routes: readonly RouteSpec[];
  /** The Lambda build: the `build-meta.json` the app's build writes (`{ handler, zip }`), relative to the app folder. */
  readonly buildMeta: string;
  /** The module exporting the Lambda `handler`, relative to the app folder. @default 'src/handler.ts' */
  readonly entry?: string;
  /** Tables by key; each is named `<name>-<stage>-<key>`. @default {} */
  readonly tables?: Readonly<Record<string, TableConfig>>;
  /**
   * Media types API Gateway passes to the function as base64 bytes (and returns as bytes when the function answers
   * `isBase64Encoded` and the client's `Accept` names one of them), e.g. `['image/png', 'image/jpeg']`. @default []
   */
  readonly binaryMediaTypes?: readonly string[];
  /** The stages, by name; every one becomes a stack. */
  readonly stages: Readonly<Record<string, StageSettings>>;
  /**
   * Measured Lambda durations per route, which the cost estimate bills (a JSON file the app's measuring script
   * writes), relative to the app folder. @default 'cost/lambda-durations.json'
   */
  readonly durations?: string;
  /**
   * What a deploy checks on the stage it just deployed (the smoke test): public GET requests and what they must
   * answer. @default none: the deploy only checks that the stage answers at all
   */
  readonly smoke?: readonly SmokeCheck[];
  /** Who may call it: Cognito, Lambda authorizers, IAM (routes choose with `auth`). @default API keys only */
  readonly auth?: AuthConfig;
  /** `pnpm dev`: which stage it serves and on which port (stable, so URLs can be bookmarked). */
  readonly dev?: {
    /** @default 'dev' when declared, else the first stage */
    readonly stage?: string;
    /** @default 3000 + the API's index in name order */
    readonly port?: number;
    /** Users of the local Cognito pool; `pnpm dev` prints a ready token for each. */
    readonly users?: readonly DevUser[];
    /** Port of the local Cognito endpoint (sign-in, JWKS). @default the API's port + 1000 */
    readonly cognitoPort?: number;
  };
}

const NAME = /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/;
const STAGE = /^[A-Za-z0-9_]{1,128}$/;
const ENV = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Declares an API. Checks what Terraform or AWS would refuse later (names, stage names, key types, throttles), so a
 * typo fails at the first synth with the fix in the message.
 *
 * @example
 * export default defineApi({
 *   name: 'orders-api',
 *   routes: routeList,
 *   buildMeta: 'dist/build-meta.json',
 *   tables: { orders: { partitionKey: { name: 'id', type: 'S' }, env: 'ORDERS_TABLE', actions: ['dynamodb:GetItem'] } },
 *   stages: { dev: devSettings, prod: prodSettings },
 * });
 */
export function defineApi<const T extends ApiConfig>(config: T): T {
  const fail = (why: string): never => {
    throw new TypeError(`API "${config.name}": ${why}`);
  };
  if (!NAME.test(config.name)) fail('the name must be 2-40 lower-case letters, digits or dashes, starting with a letter');
  const stages = Object.keys(config.stages);
  if (stages.length === 0) fail('declare at least one stage');
  for (const stage of stages) {
    if (!STAGE.test(stage)) fail(`stage "${stage}" may only use letters, digits and "_" (API Gateway's rule)`);
    const settings = config.stages[stage]!;
    for (const [name, plan] of [['stage throttle', settings.throttle] as const, ...Object.entries(settings.usagePlans)]) {
      if (!(plan.rateLimit > 0) || !(plan.burstLimit >= 0)) fail(`${stage}: ${name} needs a positive rateLimit and a burstLimit >= 0`);
    }
    if (settings.lambda.reservedConcurrency !== undefined && !(settings.lambda.reservedConcurrency >= 0)) {
      fail(`${stage}: lambda.reservedConcurrency must be 0 or more (leave it out for unreserved)`);
    }
  }
  const envs = new Set(['CORS_ORIGINS', 'STAGE']);
  for (const [key, table] of Object.entries(config.tables ?? {})) {
    if (!/^[a-z][a-z0-9-]*$/.test(key)) fail(`table key "${key}" must be lower-case letters, digits or dashes`);
    if (!ENV.test(table.env)) fail(`table "${key}": env "${table.env}" is not a valid environment variable name`);
    if (envs.has(table.env)) fail(`table "${key}": env "${table.env}" is already used`);
    envs.add(table.env);
    const readByAuthorizer = Object.values(config.auth?.authorizers ?? {}).some((authorizer) => (authorizer.tables?.[key]?.length ?? 0) > 0);
    if (table.actions.length === 0 && !readByAuthorizer) fail(`table "${key}": list the actions the function calls on it (none only for a table a Lambda authorizer reads)`);
  }
  if (config.dev?.stage !== undefined && !stages.includes(config.dev.stage)) fail(`dev.stage "${config.dev.stage}" is not a declared stage`);
  const authorizers = config.auth?.authorizers ?? {};
  for (const [name, authorizer] of Object.entries(authorizers)) {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) fail(`authorizer "${name}" must be lower-case letters, digits or dashes`);
    const ttl = authorizer.resultTtlSeconds ?? 300;
    if (!(ttl >= 0 && ttl <= 3600)) fail(`authorizer "${name}": resultTtlSeconds must be 0 to 3600`);
    if (authorizer.validationExpression !== undefined && authorizer.type !== 'TOKEN') fail(`authorizer "${name}": only TOKEN authorizers take a validationExpression`);
    for (const key of Object.keys(authorizer.tables ?? {})) {
      if (!config.tables?.[key]) fail(`authorizer "${name}" reads table "${key}", which the API does not declare`);
    }
  }
  for (const route of config.routes) {
    const where = `route "${route.method} ${route.path}"`;
    const auth = ((): ResolvedAuth => {
      try {
        return routeAuth(route);
      } catch (error) {
        return fail((error as Error).message);
      }
    })();
    if (auth.kind === 'lambda' && !Object.hasOwn(authorizers, auth.authorizer)) fail(`${where} uses authorizer "${auth.authorizer}", which auth.authorizers does not declare`);
    if (auth.kind === 'cognito') {
      if (!config.auth?.cognito) fail(`${where} needs Cognito: declare auth.cognito`);
      for (const scope of auth.scopes) {
        const custom = scope.includes('/') ? scope.split('/').pop()! : undefined;
        if (custom !== undefined && !config.auth?.cognito?.scopes?.[custom]) fail(`${where} asks for scope "${scope}", which auth.cognito.scopes does not declare`);
      }
      for (const group of auth.groups) {
        if (!config.auth?.cognito?.groups?.includes(group)) fail(`${where} asks for group "${group}", which auth.cognito.groups does not declare`);
      }
    }
  }
  return config;
}

/** The stage `name` of an API, with its name filled in; throws with the API's stage names when it has no such stage. */
export function stageOf(api: ApiConfig, name: string): StageConfig {
  const settings = Object.hasOwn(api.stages, name) ? api.stages[name] : undefined;
  if (!settings) throw new Error(`${api.name} has no stage "${name}": use one of ${Object.keys(api.stages).join(', ')}`);
  return { ...settings, stage: name };
}

/** `<api>-<stage>`, e.g. `orders-api-dev`. */
export const stackName = (api: Pick<ApiConfig, 'name'>, stage: string): string => `${api.name}-${stage}`;

/** The stage `pnpm dev` serves: `dev.stage`, else `dev` when declared, else the first stage. */
export function devStageOf(api: ApiConfig): string {
  return api.dev?.stage ?? (Object.hasOwn(api.stages, 'dev') ? 'dev' : Object.keys(api.stages)[0]!);
}

export type { TrafficProfile, RouteTraffic, ViewerGeography } from './plan/traffic';
