/**
 * Everything about one stage that depends only on the stack, worked out once: the API and stage served, the router,
 * the request validator, the stage cache, one function pool per function, the API keys bound to the stage through
 * usage plans, and per method (on its first request) its throttle bucket, cache settings and integration timeout.
 */
import type { Writable } from 'node:stream';
import type { Router } from '@portico/http';
import { defaultCredentials } from './auth/iam-authorizer';
import { LambdaAuthorizer } from './auth/lambda-authorizer';
import type { LocalCredentials } from './auth/sigv4';
import type { Clock } from './clock';
import { LocalUserPool, type LocalUser } from './cognito/local-user-pool';
import { FunctionPool } from './lambda-pool';
import { createRequestValidator, type ValidationInput } from './request-validation';
import { routeApi, type ResourceMethod } from './resource-router';
import { cacheCapacityBytes, StageCache } from './stage-cache';
import type { ApiKeyDef, MethodDef, MethodSettingDef, ResourceDef, RestApiDef, Stack, StageDef, UsagePlanDef } from './terraform-stack';
import { QuotaCounter, TokenBucket } from './throttling';

/** API Gateway's default integration timeout. */
export const INTEGRATION_TIMEOUT_MS = 29_000;

export interface ApiKeyInfo {
  name: string;
  id: string;
  value: string;
  generated: boolean;
}

/** An API key as it opens this stage: through one usage plan, with that plan's buckets and quota. */
export interface KeyBinding {
  key: ApiKeyDef;
  plan: UsagePlanDef;
  throttle: Map<string, TokenBucket>;
  planBucket?: TokenBucket;
  quota?: QuotaCounter;
}

/**
 * Usage plans' counters (throttle buckets, quota) per plan and key. They belong to the usage plan, not to a deployment
 * of the stage: hand the same ledger to each deployment's runtime and a key's quota and buckets carry over, as AWS
 * keeps a key's usage across deployments. A plan whose limits changed starts its counters afresh.
 */
export type UsageLedger = Map<string, { limits: string; counters: Pick<KeyBinding, 'throttle' | 'planBucket' | 'quota'> }>;

/** What a request to one method needs from the stack, worked out on its first request. */
export interface MethodPlan {
  /** Key of a usage plan's per-method throttle: `/orders/{id}/GET`. */
  clientThrottleKey: string;
  stageBucket: TokenBucket | null;
  /** The method's own `caching_enabled` (undefined: `*​/*` decides, for GET only). */
  cachingSpecific: boolean | undefined;
  cachingStar: boolean;
  /** `*​/*` settings overlaid with the method's own. */
  settings: MethodSettingDef;
  ttl: number;
  pool: FunctionPool | undefined;
  timeoutMs: number;
}

export interface StageRuntimeOptions {
  stage: string;
  apiName?: string;
  clock: Clock;
  functions?: Record<string, string>;
  env?: Record<string, string>;
  integrationTimeoutMs?: number;
  concurrency?: number;
  functionOutput?: { stdout: Writable; stderr: Writable };
  /** Users of the stack's local Cognito user pools. */
  users?: readonly LocalUser[];
  /** Where the local user pools keep their signing keys (tokens then survive a restart). */
  keysDir?: string;
  /** Credentials AWS_IAM methods accept; one stable pair for `portico-local` when left out. */
  credentials?: readonly LocalCredentials[];
  /** Usage plans' counters, shared with earlier deployments of the stage. Default: a new ledger. */
  usage?: UsageLedger;
}

export interface StageRuntime {
  readonly stack: Stack;
  readonly api: RestApiDef;
  readonly stage: StageDef;
  readonly clock: Clock;
  readonly router: Router<ResourceMethod>;
  readonly validate: (method: MethodDef, input: ValidationInput) => void;
  readonly cache: StageCache;
  readonly pools: Map<string, FunctionPool>;
  /** API key value → its binding to this stage. */
  readonly bindings: Map<string, KeyBinding>;
  readonly apiKeys: ApiKeyInfo[];
  /** `$stageVariables` as the flat `stageVariables.x` entries template contexts use. */
  readonly stageVariableContext: Record<string, string>;
  readonly defaultDomain: string;
  readonly deploymentId: string;
  /** Lambda authorizers by authorizer id, each with its result cache. */
  readonly lambdaAuthorizers: Map<string, LambdaAuthorizer>;
  /** The stack's Cognito user pools, served locally, by pool id. */
  readonly userPools: Map<string, LocalUserPool>;
  /** Credentials AWS_IAM methods accept, by access key id. */
  readonly credentials: Map<string, LocalCredentials>;
  /** Whether any method of the API is AWS_IAM (the credentials are then worth printing). */
  readonly usesIam: boolean;
  /** The `integrationTimeoutMs` option: caps how long the gateway waits for any function (tests). */
  readonly integrationTimeoutCapMs: number;
  planOf(resource: ResourceDef, method: MethodDef): MethodPlan;
}

/**
 * @example
 * const runtime = createStageRuntime(loadStackFile('cdk.tf.json'), { stage: 'dev', clock: SYSTEM_CLOCK });
 * runtime.router.match('GET', '/orders/42');
 */
export function createStageRuntime(stack: Stack, options: StageRuntimeOptions): StageRuntime {
  const api = pickApi(stack, options);
  const stage = api.stages.get(options.stage)!;
  const clock = options.clock;

  for (const name of Object.keys(options.functions ?? {})) {
    if (!stack.functions.has(name)) {
      const known = [...stack.functions.keys()].join(', ') || 'none';
      throw new Error(`function override "${name}": the stack has no aws_lambda_function with that function_name (it has: ${known})`);
    }
  }
  const router = routeApi(api);
  const pools = new Map<string, FunctionPool>();
  const poolOf = (name: string): FunctionPool => {
    let pool = pools.get(name);
    if (!pool) {
      pool = new FunctionPool(stack.functions.get(name)!, {
        region: stack.region,
        envOverrides: options.env,
        codeOverride: options.functions?.[name],
        concurrency: options.concurrency,
        output: options.functionOutput,
      });
      pools.set(name, pool);
    }
    return pool;
  };
  let usesIam = false;
  for (const resource of api.resources.values()) {
    for (const method of resource.methods.values()) {
      if (method.authorization === 'AWS_IAM') usesIam = true;
      const name = method.integration?.functionName;
      if (name) poolOf(name);
    }
  }
  // An authorizer function runs in execution environments of its own, as any other function does.
  const lambdaAuthorizers = new Map<string, LambdaAuthorizer>();
  for (const authorizer of api.authorizers.values()) {
    if (authorizer.functionName) lambdaAuthorizers.set(authorizer.id, new LambdaAuthorizer(authorizer, poolOf(authorizer.functionName), clock));
  }
  const userPools = new Map<string, LocalUserPool>();
  for (const pool of stack.userPools.values()) {
    userPools.set(pool.id, LocalUserPool.create(pool, { region: stack.region, clock, users: options.users, keysDir: options.keysDir }));
  }
  const credentials = new Map<string, LocalCredentials>();
  for (const c of options.credentials ?? [defaultCredentials(api.id, stack.accountId)]) credentials.set(c.accessKeyId, c);

  const bindings = bindKeys(stack, api, stage, clock, options.usage ?? new Map());
  const apiKeys = [...bindings.values()].map(({ key }) => ({ name: key.name, id: key.id, value: key.value, generated: key.generated }));

  // Stage throttling is per method ("default per-method limits"): `*/*` gives every method a bucket of its own with
  // those limits, a method's own settings replace them. -1 means "no limit" in method settings.
  const stageBucket = (settings: MethodSettingDef | undefined): TokenBucket | null => {
    const rate = settings?.throttlingRateLimit;
    return rate === undefined || rate < 0 ? null : new TokenBucket({ rateLimit: rate, burstLimit: settings?.throttlingBurstLimit }, clock);
  };
  const plans = new Map<MethodDef, MethodPlan>();
  const planOf = (resource: ResourceDef, method: MethodDef): MethodPlan => {
    let plan = plans.get(method);
    if (plan) return plan;
    const star = stage.methodSettings.get('*/*');
    const specific = stage.methodSettings.get(`${resource.path.slice(1)}/${method.httpMethod}`);
    const settings: MethodSettingDef = { ...star, ...specific };
    const integration = method.integration;
    plan = {
      clientThrottleKey: `${resource.path}/${method.httpMethod}`,
      stageBucket: stageBucket(specific?.throttlingRateLimit !== undefined ? specific : star),
      // Stage cache: only with a provisioned cache cluster and caching on for this method ("*/*" covers GET only).
      cachingSpecific: stage.cacheClusterEnabled ? specific?.cachingEnabled : false,
      cachingStar: stage.cacheClusterEnabled ? star?.cachingEnabled === true : false,
      settings,
      ttl: settings.cacheTtlSeconds ?? 300,
      pool: integration?.functionName === undefined ? undefined : pools.get(integration.functionName),
      // The stack's timeout_milliseconds as deployed (AWS accepts more than 29 s only where the quota was raised);
      // the integrationTimeoutMs option caps it.
      timeoutMs: Math.min(integration?.timeoutMs ?? INTEGRATION_TIMEOUT_MS, options.integrationTimeoutMs ?? Number.POSITIVE_INFINITY),
    };
    plans.set(method, plan);
    return plan;
  };

  const stageVariableContext: Record<string, string> = {};
  for (const [k, v] of Object.entries(stage.variables)) stageVariableContext[`stageVariables.${k}`] = v;

  return {
    stack,
    api,
    stage,
    clock,
    router,
    validate: createRequestValidator(api),
    cache: new StageCache(clock, cacheCapacityBytes(stage.cacheClusterSizeGb)),
    pools,
    bindings,
    apiKeys,
    stageVariableContext,
    defaultDomain: `${api.id}.execute-api.${stack.region}.amazonaws.com`,
    deploymentId: api.id.slice(0, 6),
    lambdaAuthorizers,
    userPools,
    credentials,
    usesIam,
    integrationTimeoutCapMs: options.integrationTimeoutMs ?? Number.POSITIVE_INFINITY,
    planOf,
  };
}

/** API keys open a stage only through a usage plan that lists it, as on AWS. */
function bindKeys(stack: Stack, api: RestApiDef, stage: StageDef, clock: Clock, ledger: UsageLedger): Map<string, KeyBinding> {
  const bindings = new Map<string, KeyBinding>();
  for (const plan of stack.usagePlans) {
    const apiStage = plan.apiStages.find((s) => s.apiId === api.id && s.stage === stage.name);
    if (!apiStage) continue;
    for (const keyId of plan.apiKeyIds) {
      const key = stack.apiKeys.get(keyId);
      if (!key || !key.enabled || bindings.has(key.value)) continue;
      const entry = `${plan.id}/${key.id}`;
      const limits = JSON.stringify([plan.throttle ?? null, plan.quota ?? null, [...apiStage.throttle]]);
      let kept = ledger.get(entry);
      if (kept?.limits !== limits) {
        kept = {
          limits,
          counters: {
            throttle: new Map([...apiStage.throttle].map(([path, l]) => [path, new TokenBucket(l, clock)])),
            planBucket: plan.throttle?.rateLimit !== undefined ? new TokenBucket(plan.throttle, clock) : undefined,
            quota: plan.quota ? new QuotaCounter(plan.quota, clock) : undefined,
          },
        };
        ledger.set(entry, kept);
      }
      bindings.set(key.value, { key, plan, ...kept.counters });
    }
  }
  return bindings;
}

function pickApi(stack: Stack, options: StageRuntimeOptions): RestApiDef {
  const candidates = stack.apis.filter((api) => (options.apiName ? api.name === options.apiName : api.stages.has(options.stage)));
  const api = candidates[0];
  if (!api) {
    const known = stack.apis.flatMap((a) => [...a.stages.keys()].map((s) => `${a.name}/${s}`));
    throw new Error(`No REST API with stage "${options.stage}" in the stack (found: ${known.join(', ') || 'none'})`);
  }
  if (candidates.length > 1) throw new Error(`Several REST APIs have stage "${options.stage}"; pick one with apiName`);
  if (!api.stages.has(options.stage)) throw new Error(`${api.address} has no stage "${options.stage}"`);
  return api;
}
