/**
 * Reads a synthesized Terraform JSON stack (what `cdktf synth` writes to `cdk.tf.json`, or hand-written Terraform
 * JSON) into the REST API model the gateway serves.
 *
 * Terraform only knows computed attributes (ids, ARNs, invoke ARNs) after `apply`; locally we invent stable ones from
 * the resource address so `${aws_api_gateway_rest_api.x.id}` style references resolve the same way on every run.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { UnsupportedStackError } from './errors';

export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_ACCOUNT_ID = '123456789012';

/** A Lambda function of the stack, with the code location and runtime settings the emulator needs. */
export interface LambdaFunctionDef {
  address: string;
  functionName: string;
  handler: string;
  runtime: string;
  /** Absolute path of the deployment zip (terraform resolves `filename` from the stack's directory). */
  filename?: string;
  timeoutSeconds: number;
  memoryMb: number;
  environment: Record<string, string>;
  arn: string;
  /** `reserved_concurrent_executions`: the most environments the function may run at once; absent when unreserved (-1). */
  reservedConcurrency?: number;
}

export interface IntegrationResponseDef {
  statusCode: string;
  selectionPattern?: string;
  responseParameters: Record<string, string>;
  responseTemplates: Record<string, string>;
}

export interface IntegrationDef {
  address: string;
  type: 'AWS_PROXY' | 'MOCK';
  functionName?: string;
  requestTemplates: Record<string, string>;
  cacheKeyParameters: string[];
  /** Integration timeout from the stack; API Gateway's default (and maximum for most accounts) is 29 s. */
  timeoutMs?: number;
  responses: IntegrationResponseDef[];
}

export interface MethodResponseDef {
  statusCode: string;
  responseParameters: Record<string, boolean>;
}

export interface RequestValidatorDef {
  id: string;
  name: string;
  validateBody: boolean;
  validateParameters: boolean;
}

export interface ModelDef {
  id: string;
  name: string;
  contentType: string;
  schema: unknown;
}

export interface MethodDef {
  address: string;
  httpMethod: string;
  apiKeyRequired: boolean;
  /** `method.request.querystring.q` → required? */
  requestParameters: Record<string, boolean>;
  validator?: RequestValidatorDef;
  /** content type → model name */
  requestModels: Record<string, string>;
  integration?: IntegrationDef;
  methodResponses: Map<string, MethodResponseDef>;
}

export interface ResourceDef {
  id: string;
  /** `/users/{id}` */
  path: string;
  parentId?: string;
  pathPart: string;
  methods: Map<string, MethodDef>;
}

export interface GatewayResponseDef {
  responseType: string;
  statusCode?: number;
  responseParameters: Record<string, string>;
  responseTemplates: Record<string, string>;
}

export interface MethodSettingDef {
  throttlingBurstLimit?: number;
  throttlingRateLimit?: number;
  cachingEnabled?: boolean;
  cacheTtlSeconds?: number;
  requireAuthorizationForCacheControl?: boolean;
  unauthorizedCacheControlHeaderStrategy?: string;
}

export interface StageDef {
  address: string;
  name: string;
  variables: Record<string, string>;
  cacheClusterEnabled: boolean;
  /** `*​/*` or `users/{id}/GET` → settings */
  methodSettings: Map<string, MethodSettingDef>;
}

export interface RestApiDef {
  address: string;
  id: string;
  name: string;
  rootResourceId: string;
  binaryMediaTypes: string[];
  resources: Map<string, ResourceDef>;
  models: Map<string, ModelDef>;
  gatewayResponses: Map<string, GatewayResponseDef>;
  stages: Map<string, StageDef>;
}

export interface ApiKeyDef {
  address: string;
  id: string;
  name: string;
  value: string;
  enabled: boolean;
  /** True when the stack gave no value and one was made up locally (print it: nobody else knows it). */
  generated: boolean;
}

export interface ThrottleDef {
  burstLimit?: number;
  rateLimit?: number;
}

export interface QuotaDef {
  limit: number;
  period: 'DAY' | 'WEEK' | 'MONTH';
  offset: number;
}

export interface UsagePlanDef {
  address: string;
  id: string;
  name: string;
  apiStages: Array<{ apiId: string; stage: string; throttle: Map<string, ThrottleDef> }>;
  throttle?: ThrottleDef;
  quota?: QuotaDef;
  apiKeyIds: string[];
}

export interface TableDef {
  address: string;
  name: string;
  hashKey: string;
  rangeKey?: string;
  attributes: Array<{ name: string; type: string }>;
  globalSecondaryIndexes: Array<{ name: string; hashKey: string; rangeKey?: string; projectionType: string }>;
}

/** A whole stack, ready to serve. */
export interface Stack {
  /** Directory relative paths in the stack (`filename`) resolve against. */
  dir: string;
  region: string;
  accountId: string;
  apis: RestApiDef[];
  functions: Map<string, LambdaFunctionDef>;
  apiKeys: Map<string, ApiKeyDef>;
  usagePlans: UsagePlanDef[];
  tables: TableDef[];
}

export interface LoadStackOptions {
  /** Where relative `filename`s resolve from (the stack file's directory). Default: the current directory. */
  dir?: string;
}

type Json = Record<string, unknown>;
type ResourceBlocks = Record<string, Record<string, Json>>;

const REF = /\$\{([^{}]+)\}/g;
const SIMPLE_REF = /^([a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\[(\d+)\])?\.([a-z0-9_]+)(?:\[(\d+)\])?(?:\.([a-z0-9_]+))?$/;

/**
 * Reads and loads a stack file.
 *
 * @example
 * const stack = loadStackFile('infra/cdktf.out/stacks/users-api-dev/cdk.tf.json');
 */
export function loadStackFile(file: string): Stack {
  const json = JSON.parse(readFileSync(file, 'utf8')) as Json;
  return loadStack(json, { dir: dirname(resolvePath(file)) });
}

/**
 * Turns synthesized Terraform JSON into the REST API model. Throws `UnsupportedStackError` for what the local gateway
 * cannot emulate (authorizers, non-proxy AWS integrations, HTTP integrations, OpenAPI `body` APIs).
 *
 * @example
 * const stack = loadStack(JSON.parse(readFileSync('cdk.tf.json', 'utf8')), { dir: 'infra/cdktf.out/stacks/users-api-dev' });
 * stack.apis[0].stages.get('dev');
 */
export function loadStack(json: Json, options: LoadStackOptions = {}): Stack {
  const blocks = (json.resource ?? {}) as ResourceBlocks;
  const dir = resolvePath(options.dir ?? '.');
  const region = findRegion(json);
  const accountId = DEFAULT_ACCOUNT_ID;
  const resolver = new Resolver(blocks, json, region, accountId);

  const all = (type: string): Array<{ address: string; config: Json }> =>
    Object.entries(blocks[type] ?? {}).map(([name, config]) => {
      const address = `${type}.${name}`;
      // Terraform expands these at plan time; reading the block as one resource would serve something else.
      for (const meta of ['count', 'for_each'] as const) {
        if (config[meta] !== undefined) {
          throw new UnsupportedStackError(address, `"${meta}" is not evaluated by the local gateway; declare each resource on its own`);
        }
      }
      return { address, config };
    });
  const str = (address: string, config: Json, key: string, fallback?: string): string => {
    const value = resolver.resolve(config[key]);
    if (value === undefined || value === null) {
      if (fallback !== undefined) return fallback;
      throw new UnsupportedStackError(address, `missing "${key}"`);
    }
    const text = String(value);
    if (isUnresolved(text)) {
      throw new UnsupportedStackError(address, `cannot resolve ${key} = ${JSON.stringify(text)} locally`);
    }
    return text;
  };
  const id = (address: string) => resolver.attribute(address, 'id');

  // Refuse what we cannot emulate, naming the resource, before anything serves a request.
  for (const { address } of all('aws_api_gateway_authorizer')) {
    throw new UnsupportedStackError(address, 'authorizers are not emulated by the local gateway; use authorization "NONE"');
  }

  const functions = new Map<string, LambdaFunctionDef>();
  for (const { address, config } of all('aws_lambda_function')) {
    const functionName = str(address, config, 'function_name');
    const filename = config.filename === undefined ? undefined : str(address, config, 'filename');
    const env = block(resolver.resolve(config.environment));
    const variables = (env?.variables ?? {}) as Record<string, unknown>;
    functions.set(functionName, {
      address,
      functionName,
      handler: str(address, config, 'handler', 'index.handler'),
      runtime: str(address, config, 'runtime', 'nodejs22.x'),
      filename: filename === undefined ? undefined : resolvePath(dir, filename),
      timeoutSeconds: Number(resolver.resolve(config.timeout) ?? 3),
      memoryMb: Number(resolver.resolve(config.memory_size) ?? 128),
      environment: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)])),
      arn: resolver.attribute(address, 'arn'),
      ...reservedConcurrency(resolver.resolve(config.reserved_concurrent_executions)),
    });
  }

  const apis = new Map<string, RestApiDef>();
  for (const { address, config } of all('aws_api_gateway_rest_api')) {
    if (config.body !== undefined) {
      throw new UnsupportedStackError(address, 'APIs defined by an OpenAPI "body" are not emulated; declare resources and methods');
    }
    if (config.api_key_source !== undefined && resolver.resolve(config.api_key_source) !== 'HEADER') {
      throw new UnsupportedStackError(address, 'api_key_source "AUTHORIZER" needs an authorizer, which is not emulated');
    }
    const apiId = id(address);
    const rootResourceId = resolver.attribute(address, 'root_resource_id');
    apis.set(apiId, {
      address,
      id: apiId,
      name: str(address, config, 'name', apiId),
      rootResourceId,
      binaryMediaTypes: ((resolver.resolve(config.binary_media_types) as string[] | undefined) ?? []).map(String),
      resources: new Map([[rootResourceId, { id: rootResourceId, path: '/', pathPart: '', methods: new Map() }]]),
      models: new Map(),
      gatewayResponses: new Map(),
      stages: new Map(),
    });
  }
  const apiOf = (address: string, config: Json): RestApiDef => {
    const apiId = str(address, config, 'rest_api_id');
    const api = apis.get(apiId);
    if (!api) throw new UnsupportedStackError(address, `rest_api_id ${apiId} names no aws_api_gateway_rest_api in the stack`);
    return api;
  };

  for (const { address, config } of all('aws_api_gateway_resource')) {
    const api = apiOf(address, config);
    const resourceId = id(address);
    api.resources.set(resourceId, {
      id: resourceId,
      path: '',
      parentId: str(address, config, 'parent_id'),
      pathPart: str(address, config, 'path_part'),
      methods: new Map(),
    });
  }
  for (const api of apis.values()) {
    for (const resource of api.resources.values()) resource.path = resolver.resourcePath(api, resource.id);
  }

  for (const { address, config } of all('aws_api_gateway_model')) {
    const api = apiOf(address, config);
    const raw = resolver.resolve(config.schema);
    const name = str(address, config, 'name');
    api.models.set(name, {
      id: id(address),
      name,
      contentType: str(address, config, 'content_type', 'application/json'),
      schema: typeof raw === 'string' ? JSON.parse(raw) : raw,
    });
  }

  const validators = new Map<string, RequestValidatorDef>();
  for (const { address, config } of all('aws_api_gateway_request_validator')) {
    const validatorId = id(address);
    validators.set(validatorId, {
      id: validatorId,
      name: str(address, config, 'name', validatorId),
      validateBody: resolver.resolve(config.validate_request_body) === true,
      validateParameters: resolver.resolve(config.validate_request_parameters) === true,
    });
  }

  const resourceOf = (address: string, config: Json) => {
    const api = apiOf(address, config);
    const resourceId = str(address, config, 'resource_id');
    const resource = api.resources.get(resourceId);
    if (!resource) throw new UnsupportedStackError(address, `resource_id ${resourceId} names no resource of ${api.address}`);
    return { api, resource };
  };

  for (const { address, config } of all('aws_api_gateway_method')) {
    const { resource } = resourceOf(address, config);
    const httpMethod = str(address, config, 'http_method').toUpperCase();
    const authorization = str(address, config, 'authorization', 'NONE');
    if (authorization !== 'NONE') {
      throw new UnsupportedStackError(address, `authorization "${authorization}" is not emulated by the local gateway; only "NONE" is`);
    }
    const validatorId = config.request_validator_id === undefined ? undefined : str(address, config, 'request_validator_id');
    const validator = validatorId === undefined ? undefined : validators.get(validatorId);
    if (validatorId !== undefined && !validator) {
      throw new UnsupportedStackError(address, `request_validator_id ${validatorId} names no aws_api_gateway_request_validator`);
    }
    const params = (resolver.resolve(config.request_parameters) ?? {}) as Record<string, unknown>;
    resource.methods.set(httpMethod, {
      address,
      httpMethod,
      apiKeyRequired: resolver.resolve(config.api_key_required) === true,
      requestParameters: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v === true])),
      validator,
      requestModels: stringMap(resolver.resolve(config.request_models)),
      methodResponses: new Map(),
    });
  }
  const methodOf = (address: string, config: Json) => {
    const { api, resource } = resourceOf(address, config);
    const httpMethod = str(address, config, 'http_method').toUpperCase();
    const method = resource.methods.get(httpMethod);
    if (!method) throw new UnsupportedStackError(address, `no aws_api_gateway_method ${httpMethod} on ${resource.path}`);
    return { api, resource, method };
  };

  for (const { address, config } of all('aws_api_gateway_integration')) {
    const { method } = methodOf(address, config);
    const type = str(address, config, 'type');
    const base = {
      address,
      requestTemplates: stringMap(resolver.resolve(config.request_templates)),
      cacheKeyParameters: ((resolver.resolve(config.cache_key_parameters) as string[] | undefined) ?? []).map(String),
      timeoutMs: config.timeout_milliseconds === undefined ? undefined : Number(resolver.resolve(config.timeout_milliseconds)),
      responses: method.integration?.responses ?? [],
    };
    if (type === 'MOCK') {
      method.integration = { ...base, type: 'MOCK' };
    } else if (type === 'AWS_PROXY') {
      const uri = str(address, config, 'uri');
      const match = /:lambda:path\/[^/]+\/functions\/arn:aws:lambda:[^:]*:[^:]*:function:([^/:]+)/.exec(uri);
      if (!match?.[1]) throw new UnsupportedStackError(address, `AWS_PROXY uri ${uri} is not a Lambda invoke ARN`);
      if (!functions.has(match[1])) {
        throw new UnsupportedStackError(address, `AWS_PROXY targets function "${match[1]}", which is not in the stack`);
      }
      method.integration = { ...base, type: 'AWS_PROXY', functionName: match[1] };
    } else {
      throw new UnsupportedStackError(address, `integration type "${type}" is not emulated; only AWS_PROXY (Lambda) and MOCK are`);
    }
  }

  for (const { address, config } of all('aws_api_gateway_integration_response')) {
    const { method } = methodOf(address, config);
    const response: IntegrationResponseDef = {
      statusCode: str(address, config, 'status_code'),
      selectionPattern: config.selection_pattern === undefined ? undefined : str(address, config, 'selection_pattern'),
      responseParameters: stringMap(resolver.resolve(config.response_parameters)),
      responseTemplates: stringMap(resolver.resolve(config.response_templates)),
    };
    if (method.integration) method.integration.responses.push(response);
    else throw new UnsupportedStackError(address, 'integration response declared before any aws_api_gateway_integration');
  }

  for (const { address, config } of all('aws_api_gateway_method_response')) {
    const { method } = methodOf(address, config);
    const statusCode = str(address, config, 'status_code');
    const params = (resolver.resolve(config.response_parameters) ?? {}) as Record<string, unknown>;
    method.methodResponses.set(statusCode, {
      statusCode,
      responseParameters: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v === true])),
    });
  }

  for (const { address, config } of all('aws_api_gateway_gateway_response')) {
    const api = apiOf(address, config);
    const responseType = str(address, config, 'response_type');
    api.gatewayResponses.set(responseType, {
      responseType,
      statusCode: config.status_code === undefined ? undefined : Number(str(address, config, 'status_code')),
      responseParameters: stringMap(resolver.resolve(config.response_parameters)),
      responseTemplates: stringMap(resolver.resolve(config.response_templates)),
    });
  }

  for (const { address, config } of all('aws_api_gateway_stage')) {
    const api = apiOf(address, config);
    const name = str(address, config, 'stage_name');
    api.stages.set(name, {
      address,
      name,
      variables: stringMap(resolver.resolve(config.variables)),
      cacheClusterEnabled: resolver.resolve(config.cache_cluster_enabled) === true,
      methodSettings: new Map(),
    });
  }
  // Older stacks name the stage on the deployment itself.
  for (const { address, config } of all('aws_api_gateway_deployment')) {
    if (config.stage_name === undefined) continue;
    const api = apiOf(address, config);
    const name = str(address, config, 'stage_name');
    if (!api.stages.has(name)) {
      api.stages.set(name, {
        address,
        name,
        variables: stringMap(resolver.resolve(config.variables)),
        cacheClusterEnabled: false,
        methodSettings: new Map(),
      });
    }
  }

  for (const { address, config } of all('aws_api_gateway_method_settings')) {
    const api = apiOf(address, config);
    const stageName = str(address, config, 'stage_name');
    const stage = api.stages.get(stageName);
    if (!stage) throw new UnsupportedStackError(address, `stage_name ${stageName} names no stage of ${api.address}`);
    const settings = block(resolver.resolve(config.settings)) ?? {};
    const num = (key: string) => (settings[key] === undefined ? undefined : Number(settings[key]));
    const bool = (key: string) => (settings[key] === undefined ? undefined : settings[key] === true);
    // The API's own patch paths escape "/" as "~1"; Terraform's method_path does not. Accept both.
    const methodPath = str(address, config, 'method_path').replace(/~1/g, '/').replace(/^\//, '');
    stage.methodSettings.set(methodPath, {
      throttlingBurstLimit: num('throttling_burst_limit'),
      throttlingRateLimit: num('throttling_rate_limit'),
      cachingEnabled: bool('caching_enabled'),
      cacheTtlSeconds: num('cache_ttl_in_seconds'),
      requireAuthorizationForCacheControl: bool('require_authorization_for_cache_control'),
      unauthorizedCacheControlHeaderStrategy:
        settings.unauthorized_cache_control_header_strategy === undefined
          ? undefined
          : String(settings.unauthorized_cache_control_header_strategy),
    });
  }

  const apiKeys = new Map<string, ApiKeyDef>();
  for (const { address, config } of all('aws_api_gateway_api_key')) {
    const keyId = id(address);
    const given = resolver.resolve(config.value);
    apiKeys.set(keyId, {
      address,
      id: keyId,
      name: str(address, config, 'name', keyId),
      value: given === undefined ? resolver.attribute(address, 'value') : String(given),
      enabled: resolver.resolve(config.enabled) !== false,
      generated: given === undefined,
    });
  }

  const usagePlans: UsagePlanDef[] = [];
  const plansById = new Map<string, UsagePlanDef>();
  for (const { address, config } of all('aws_api_gateway_usage_plan')) {
    const throttle = block(resolver.resolve(config.throttle_settings));
    const quota = block(resolver.resolve(config.quota_settings));
    const plan: UsagePlanDef = {
      address,
      id: id(address),
      name: str(address, config, 'name', address),
      apiStages: blockList(resolver.resolve(config.api_stages)).map((entry) => ({
        apiId: String(entry.api_id),
        stage: String(entry.stage),
        throttle: new Map(
          blockList(entry.throttle).map((t) => [
            String(t.path).replace(/~1/g, '/'),
            { burstLimit: optionalNumber(t.burst_limit), rateLimit: optionalNumber(t.rate_limit) },
          ]),
        ),
      })),
      throttle: throttle ? { burstLimit: optionalNumber(throttle.burst_limit), rateLimit: optionalNumber(throttle.rate_limit) } : undefined,
      quota: quota
        ? {
            limit: Number(quota.limit),
            period: String(quota.period ?? 'DAY').toUpperCase() as QuotaDef['period'],
            offset: Number(quota.offset ?? 0),
          }
        : undefined,
      apiKeyIds: [],
    };
    usagePlans.push(plan);
    plansById.set(plan.id, plan);
  }
  for (const { address, config } of all('aws_api_gateway_usage_plan_key')) {
    const planId = str(address, config, 'usage_plan_id');
    const plan = plansById.get(planId);
    if (!plan) throw new UnsupportedStackError(address, `usage_plan_id ${planId} names no aws_api_gateway_usage_plan`);
    plan.apiKeyIds.push(str(address, config, 'key_id'));
  }

  const tables: TableDef[] = all('aws_dynamodb_table').map(({ address, config }) => ({
    address,
    name: str(address, config, 'name'),
    hashKey: str(address, config, 'hash_key'),
    rangeKey: config.range_key === undefined ? undefined : str(address, config, 'range_key'),
    attributes: blockList(resolver.resolve(config.attribute)).map((a) => ({ name: String(a.name), type: String(a.type) })),
    globalSecondaryIndexes: blockList(resolver.resolve(config.global_secondary_index)).map((g) => ({
      name: String(g.name),
      hashKey: String(g.hash_key),
      rangeKey: g.range_key === undefined ? undefined : String(g.range_key),
      projectionType: String(g.projection_type ?? 'ALL'),
    })),
  }));

  return { dir, region, accountId, apis: [...apis.values()], functions, apiKeys, usagePlans, tables };
}

/** True when a string still holds a Terraform expression we could not evaluate. */
export function isUnresolved(value: string): boolean {
  return value.includes('${');
}

function findRegion(json: Json): string {
  const provider = (json.provider as Json | undefined)?.aws;
  const first = Array.isArray(provider) ? (provider[0] as Json | undefined) : (provider as Json | undefined);
  const region = first?.region;
  return typeof region === 'string' && !isUnresolved(region) ? region : DEFAULT_REGION;
}

/** Nested blocks come out of cdktf as an object or as a one-element list, depending on the schema. */
function block(value: unknown): Json | undefined {
  if (Array.isArray(value)) return value[0] as Json | undefined;
  return value && typeof value === 'object' ? (value as Json) : undefined;
}

function blockList(value: unknown): Json[] {
  if (Array.isArray(value)) return value as Json[];
  return value && typeof value === 'object' ? [value as Json] : [];
}

function stringMap(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, String(v)]));
}

/** Terraform's -1 (the default) means "no reservation": the function shares the account's concurrency. */
function reservedConcurrency(value: unknown): { reservedConcurrency?: number } {
  const n = optionalNumber(value);
  return n === undefined || n < 0 ? {} : { reservedConcurrency: n };
}

function optionalNumber(value: unknown): number | undefined {
  return value === undefined || value === null ? undefined : Number(value);
}

/**
 * Evaluates the reference subset cdktf emits: `${type.name.attr}`, `${var.x}` (defaults) and `${local.x}`.
 * Computed attributes get stable made-up values derived from the address, like the ones AWS would assign.
 */
class Resolver {
  private readonly generated = new Map<string, string>();

  constructor(
    private readonly blocks: ResourceBlocks,
    private readonly json: Json,
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  resolve(value: unknown, depth = 0): unknown {
    if (depth > 20) return value;
    if (typeof value === 'string') return this.resolveString(value, depth);
    if (Array.isArray(value)) return value.map((v) => this.resolve(v, depth + 1));
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value as Json)
          .filter(([k]) => k !== '//')
          .map(([k, v]) => [k, this.resolve(v, depth + 1)]),
      );
    }
    return value;
  }

  private resolveString(text: string, depth: number): unknown {
    const whole = /^\$\{([^{}]+)\}$/.exec(text);
    if (whole?.[1]) {
      const value = this.expression(whole[1].trim(), depth);
      return value === undefined ? text : value;
    }
    return text.replace(REF, (raw, expr: string) => {
      const value = this.expression(expr.trim(), depth);
      return value === undefined || typeof value === 'object' ? raw : String(value);
    });
  }

  private expression(expr: string, depth: number): unknown {
    const variable = /^var\.([A-Za-z0-9_-]+)$/.exec(expr);
    if (variable?.[1]) {
      const declared = (this.json.variable as Json | undefined)?.[variable[1]] as Json | undefined;
      return declared?.default === undefined ? undefined : this.resolve(declared.default, depth + 1);
    }
    const local = /^local\.([A-Za-z0-9_-]+)$/.exec(expr);
    if (local?.[1]) {
      const locals = this.json.locals as Json | undefined;
      return locals?.[local[1]] === undefined ? undefined : this.resolve(locals[local[1]], depth + 1);
    }
    const ref = SIMPLE_REF.exec(expr);
    if (!ref) return undefined;
    const [, type, name, , attr, index, subAttr] = ref;
    if (!type || !name || !attr || !this.blocks[type]?.[name]) return undefined;
    let value: unknown = this.attribute(`${type}.${name}`, attr, depth);
    if (index !== undefined && Array.isArray(value)) value = value[Number(index)];
    if (subAttr !== undefined) value = (block(value) ?? {})[subAttr];
    return value;
  }

  attribute(address: string, attr: string, depth = 0): string & unknown {
    const [type = '', name = ''] = address.split('.');
    const config = this.blocks[type]?.[name] ?? {};
    if (config[attr] !== undefined && !(type === 'aws_api_gateway_api_key' && attr === 'id')) {
      return this.resolve(config[attr], depth + 1) as string;
    }
    const hash = (length: number) => digest(address, length);
    const literal = (key: string) => {
      const value = this.resolve(config[key], depth + 1);
      return typeof value === 'string' ? value : name;
    };
    switch (`${type}.${attr}`) {
      case 'aws_lambda_function.id':
        return literal('function_name');
      case 'aws_lambda_function.arn':
      case 'aws_lambda_function.qualified_arn':
        return `arn:aws:lambda:${this.region}:${this.accountId}:function:${literal('function_name')}`;
      case 'aws_lambda_function.invoke_arn':
        return `arn:aws:apigateway:${this.region}:lambda:path/2015-03-31/functions/arn:aws:lambda:${this.region}:${this.accountId}:function:${literal('function_name')}/invocations`;
      case 'aws_dynamodb_table.id':
        return literal('name');
      case 'aws_dynamodb_table.arn':
        return `arn:aws:dynamodb:${this.region}:${this.accountId}:table/${literal('name')}`;
      case 'aws_api_gateway_rest_api.root_resource_id':
        return digest(`${address}/`, 10);
      case 'aws_api_gateway_rest_api.execution_arn':
        return `arn:aws:execute-api:${this.region}:${this.accountId}:${this.attribute(address, 'id', depth + 1)}`;
      case 'aws_api_gateway_resource.path': {
        const parent = this.resolve(config.parent_id, depth + 1);
        const part = String(this.resolve(config.path_part, depth + 1));
        const parentPath = this.pathOfResourceId(String(parent), depth + 1);
        return parentPath === '/' ? `/${part}` : `${parentPath}/${part}`;
      }
      case 'aws_api_gateway_api_key.value': {
        // AWS would pick 40 random characters. Locally the value is derived from the stack and key address instead,
        // so it survives restarts (saved curl commands keep working); it is printed at startup.
        const value = digest(`api-key:${JSON.stringify(this.json['//'] ?? '')}:${address}`, 40);
        this.generated.set(address, value);
        return value;
      }
      case 'aws_api_gateway_stage.invoke_url':
        return `https://${String(this.resolve(config.rest_api_id, depth + 1))}.execute-api.${this.region}.amazonaws.com/${literal('stage_name')}`;
      default:
        if (attr === 'id') return hash(type === 'aws_api_gateway_resource' ? 6 : 10);
        if (attr === 'arn') return `arn:aws:${type.replace(/^aws_/, '')}:${this.region}:${this.accountId}:${hash(10)}`;
        if (attr === 'name') return literal('name');
        return `\${${address}.${attr}}`;
    }
  }

  private pathOfResourceId(resourceId: string, depth: number): string {
    if (depth > 40) return '';
    for (const [name, config] of Object.entries(this.blocks.aws_api_gateway_resource ?? {})) {
      if (this.attribute(`aws_api_gateway_resource.${name}`, 'id', depth + 1) === resourceId) {
        return this.attribute(`aws_api_gateway_resource.${name}`, 'path', depth + 1);
      }
      void config;
    }
    return '/';
  }

  resourcePath(api: RestApiDef, resourceId: string): string {
    const parts: string[] = [];
    let current = api.resources.get(resourceId);
    const seen = new Set<string>();
    while (current && current.id !== api.rootResourceId && !seen.has(current.id)) {
      seen.add(current.id);
      parts.unshift(current.pathPart);
      current = current.parentId ? api.resources.get(current.parentId) : undefined;
    }
    return `/${parts.join('/')}`;
  }
}

function digest(input: string, length: number): string {
  // Lowercase alphanumerics, like the ids API Gateway hands out.
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = createHash('sha512').update(input).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}
