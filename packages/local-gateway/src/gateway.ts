/**
 * The local API Gateway: a node:http server that serves one stage of a REST API from a loaded stack.
 *
 * The request pipeline is hand-written to follow API Gateway's order — route, API key, throttling and quota,
 * request validation, stage cache, integration, result check — because matching its observable behaviour (status
 * codes, bodies, headers, event shape) is the product. Libraries are used only where behaviour is standard (JSON
 * Schema validation, zip reading).
 */
import { watch, type FSWatcher } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { basename, dirname } from 'node:path';
import type { Writable } from 'node:stream';
import { SYSTEM_CLOCK, type Clock } from './clock';
import {
  forbidden,
  GatewayError,
  integrationTimeout,
  lambdaFailure,
  missingAuthenticationToken,
  quotaExceeded,
  renderGatewayError,
  requestTooLarge,
  throttled,
} from './gateway-responses';
import { FunctionPool } from './lambda-pool';
import { interpret, invokeWithTimeout } from './lambda-proxy';
import { runMockIntegration } from './mock-integration';
import { buildProxyEvent, collectHeaders, newRequestIds, parseQuery } from './proxy-event';
import type { HttpResult } from './proxy-result';
import type { TemplateRequest } from './mapping-template';
import { createRequestValidator } from './request-validation';
import { createResourceRouter, type RouteMatch } from './resource-router';
import { cacheKey, StageCache } from './stage-cache';
import { createBatchedLog, type LineLog } from './request-log';
import type { ApiKeyDef, MethodDef, MethodSettingDef, ResourceDef, RestApiDef, Stack, StageDef, UsagePlanDef } from './terraform-stack';
import { QuotaCounter, TokenBucket } from './throttling';

/** API Gateway's hard payload limit. */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
/** API Gateway's default integration timeout. */
export const INTEGRATION_TIMEOUT_MS = 29_000;
/** How long a function's code file must stay unchanged before hot reload picks it up. */
const RELOAD_QUIET_MS = 25;

export interface GatewayOptions {
  /** Stage to serve, e.g. `dev`. */
  stage: string;
  /** Which REST API, by name, when the stack has several with that stage. */
  apiName?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  clock?: Clock;
  /** function name → bundle (.js/.mjs/.cjs) or zip to run instead of the stack's `filename`. */
  functions?: Record<string, string>;
  /** Variables for every function, over the stack's (e.g. AWS_ENDPOINT_URL_DYNAMODB). */
  env?: Record<string, string>;
  /** Caps every integration timeout (29 s, or the integration's own timeout_milliseconds) — for tests. */
  integrationTimeoutMs?: number;
  /** Overrides the 10 MB payload limit (tests). */
  maxPayloadBytes?: number;
  /** Execution environments per function (default: one per CPU core, 2 to 8). */
  concurrency?: number;
  /** Reload a function when its code file changes (default true). */
  watch?: boolean;
  /** One line per request and the startup banner. Default: stdout, written once per event-loop turn. */
  log?: (line: string) => void;
  /** Where functions' console output goes. Default: the process's stdout/stderr. */
  functionOutput?: { stdout: Writable; stderr: Writable };
}

export interface ApiKeyInfo {
  name: string;
  id: string;
  value: string;
  generated: boolean;
}

/** A running (or ready to run) local gateway. */
export interface Gateway {
  /** Starts listening; resolves to the stage URL, e.g. `http://127.0.0.1:3000/dev`. */
  listen(): Promise<string>;
  close(): Promise<void>;
  /** The stage URL once listening. */
  readonly url: string;
  /** API keys that open this stage's key-required methods. */
  readonly apiKeys: ApiKeyInfo[];
  /** Re-reads every function's code (or one, by name); the next request gets a fresh cold start. */
  reload(functionName?: string): void;
  /** Drops the stage cache (FlushStageCache). */
  flushCache(): void;
  readonly server: Server;
}

/** What a request to one method needs from the stack, worked out on its first request. */
interface MethodPlan {
  /** Key of a usage plan's per-method throttle: `/users/{id}/GET`. */
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

const EMPTY_BODY = Buffer.alloc(0);

interface KeyBinding {
  key: ApiKeyDef;
  plan: UsagePlanDef;
  throttle: Map<string, TokenBucket>;
  planBucket?: TokenBucket;
  quota?: QuotaCounter;
}

/**
 * Builds a gateway for one stage of a loaded stack.
 *
 * @example
 * const gateway = createGateway(loadStackFile('cdk.tf.json'), { stage: 'dev', port: 3000 });
 * const url = await gateway.listen(); // http://127.0.0.1:3000/dev
 * await fetch(`${url}/hello`);
 * await gateway.close();
 */
export function createGateway(stack: Stack, options: GatewayOptions): Gateway {
  const api = pickApi(stack, options);
  const stage = api.stages.get(options.stage)!;
  const clock = options.clock ?? SYSTEM_CLOCK;
  const defaultLog: LineLog | undefined = options.log ? undefined : createBatchedLog(process.stdout);
  const log = options.log ?? defaultLog!;
  const route = createResourceRouter(api);
  const validate = createRequestValidator(api);
  const cache = new StageCache(clock);
  const maxPayload = options.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;

  for (const name of Object.keys(options.functions ?? {})) {
    if (!stack.functions.has(name)) {
      const known = [...stack.functions.keys()].join(', ') || 'none';
      throw new Error(`function override "${name}": the stack has no aws_lambda_function with that function_name (it has: ${known})`);
    }
  }
  const pools = new Map<string, FunctionPool>();
  for (const resource of api.resources.values()) {
    for (const method of resource.methods.values()) {
      const name = method.integration?.functionName;
      if (!name || pools.has(name)) continue;
      pools.set(
        name,
        new FunctionPool(stack.functions.get(name)!, {
          region: stack.region,
          envOverrides: options.env,
          codeOverride: options.functions?.[name],
          concurrency: options.concurrency,
          output: options.functionOutput,
        }),
      );
    }
  }

  // API keys open a stage only through a usage plan that lists it, as on AWS.
  const bindings = new Map<string, KeyBinding>();
  for (const plan of stack.usagePlans) {
    const apiStage = plan.apiStages.find((s) => s.apiId === api.id && s.stage === stage.name);
    if (!apiStage) continue;
    for (const keyId of plan.apiKeyIds) {
      const key = stack.apiKeys.get(keyId);
      if (!key || !key.enabled || bindings.has(key.value)) continue;
      bindings.set(key.value, {
        key,
        plan,
        throttle: new Map([...apiStage.throttle].map(([path, limits]) => [path, new TokenBucket(limits, clock)])),
        planBucket: plan.throttle?.rateLimit !== undefined ? new TokenBucket(plan.throttle, clock) : undefined,
        quota: plan.quota ? new QuotaCounter(plan.quota, clock) : undefined,
      });
    }
  }
  const apiKeys: ApiKeyInfo[] = [...bindings.values()].map(({ key }) => ({ name: key.name, id: key.id, value: key.value, generated: key.generated }));

  // Everything that depends only on the stack is worked out once per method, not on every request.
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
    const methodPath = `${resource.path.slice(1)}/${method.httpMethod}`;
    const star = stage.methodSettings.get('*/*');
    const specific = stage.methodSettings.get(methodPath);
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
  const stageVariables: Record<string, string> = {};
  for (const [k, v] of Object.entries(stage.variables)) stageVariables[`stageVariables.${k}`] = v;
  const defaultDomain = `${api.id}.execute-api.${stack.region}.amazonaws.com`;
  const deploymentId = api.id.slice(0, 6);
  const stagePrefix = `/${stage.name}`;

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      log(`gateway error: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent) res.writeHead(500).end('{"message":"Internal server error"}');
    });
  });
  server.keepAliveTimeout = 5_000;
  // Answers are written in one piece; don't let Nagle hold the last segment back waiting for an ACK.
  server.on('connection', (socket: Socket) => socket.setNoDelay(true));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const epoch = clock.now();
    const { requestId, extendedRequestId } = newRequestIds();
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q === -1 ? '' : rawUrl.slice(q + 1);
    const httpMethod = req.method ?? 'GET';
    const raw = req.rawHeaders;
    const rawHeaders: Array<[string, string]> = new Array(raw.length >> 1);
    for (let i = 0; i < raw.length; i += 2) rawHeaders[i >> 1] = [raw[i]!, raw[i + 1]!];
    const requestHeaders = collectHeaders(rawHeaders).single;
    let note = '';
    let extraHeaders: Array<[string, string]> | undefined;
    // What `$context` and `$input` show a gateway response or MOCK template; built only when one is rendered.
    let match: RouteMatch | undefined;
    let binding: KeyBinding | undefined;
    let query: Record<string, string> | undefined;
    let bodyText = '';
    let validationErrorString: string | undefined;
    const contextVars = (): Record<string, string> => {
      const vars: Record<string, string> = {
        requestId,
        extendedRequestId,
        stage: stage.name,
        apiId: api.id,
        httpMethod,
        domainName: req.headers.host ?? '',
        'identity.sourceIp': req.socket.remoteAddress ?? '',
        requestTime: String(epoch),
        ...stageVariables,
      };
      if (match) {
        vars.resourcePath = match.resource.path;
        vars.resourceId = match.resource.id;
      }
      if (binding) {
        vars['identity.apiKey'] = binding.key.value;
        vars['identity.apiKeyId'] = binding.key.id;
      }
      if (validationErrorString !== undefined) vars['error.validationErrorString'] = validationErrorString;
      return vars;
    };
    const templateRequest = (): TemplateRequest =>
      match ? { headers: requestHeaders, query: query ?? {}, path: match.pathParameters, body: bodyText } : { headers: requestHeaders, query: {}, path: {}, body: '' };

    const send = (result: HttpResult) => {
      const headers: string[] = [];
      for (const { name, values } of result.headers.values()) for (const value of values) headers.push(name, value);
      if (extraHeaders) for (const [name, value] of extraHeaders) headers.push(name, value);
      headers.push('x-amzn-RequestId', requestId, 'x-amz-apigw-id', extendedRequestId);
      // The body is complete before the answer starts, so say how long it is, as API Gateway does, rather than let
      // node:http fall back to chunked encoding (extra framing for every client to parse).
      if (mayHaveBody(result.statusCode)) headers.push('Content-Length', String(result.body.length));
      res.writeHead(result.statusCode, headers);
      res.end(result.body);
      log(`${httpMethod} ${rawPath} ${result.statusCode} ${Math.round(performance.now() - started)}ms${note}`);
    };
    const fail = (error: GatewayError) => {
      const rendered = renderGatewayError(api.gatewayResponses, error, contextVars(), templateRequest());
      const headers: HttpResult['headers'] = new Map();
      for (const [name, value] of rendered.headers) headers.set(name.toLowerCase(), { name, values: [value] });
      headers.set('x-amzn-errortype', { name: 'x-amzn-ErrorType', values: [error.errorType] });
      send({ statusCode: rendered.statusCode, headers, body: Buffer.from(rendered.body) });
    };

    // Read the payload first: API Gateway rejects oversize requests before routing them. A request without
    // Content-Length or Transfer-Encoding has no body in HTTP/1.1, so there is nothing to wait for.
    const body = hasPayload(req) ? await readBody(req, maxPayload) : EMPTY_BODY;
    if (body === undefined) return fail(requestTooLarge());

    const slash = rawPath.indexOf('/', 1);
    const stagePart = slash === -1 ? rawPath : rawPath.slice(0, slash);
    if (stagePart !== stagePrefix) return fail(missingAuthenticationToken());
    const path = slash === -1 ? '/' : rawPath.slice(slash);
    match = route(httpMethod, path);
    if (!match) return fail(missingAuthenticationToken());
    const { resource, method, pathParameters } = match;
    const plan = planOf(resource, method);
    const parsedQuery = rawQuery === '' ? undefined : parseQuery(rawQuery);
    query = parsedQuery?.single ?? {};
    if (body.length > 0) bodyText = body.toString('utf8');

    if (method.apiKeyRequired) {
      const sent = headerValue(requestHeaders, 'x-api-key');
      binding = sent === undefined ? undefined : bindings.get(sent);
      if (!binding) return fail(forbidden());
    }

    if (binding) {
      const clientBucket = binding.throttle.get(plan.clientThrottleKey) ?? binding.planBucket;
      if (clientBucket && !clientBucket.take()) return fail(throttled());
    }
    if (plan.stageBucket && !plan.stageBucket.take()) return fail(throttled());
    if (binding?.quota && !binding.quota.take()) return fail(quotaExceeded());

    if (method.validator) {
      try {
        validate(method, {
          query,
          headers: requestHeaders,
          pathParameters,
          contentType: headerValue(requestHeaders, 'content-type'),
          body,
        });
      } catch (error) {
        if (error instanceof GatewayError) {
          validationErrorString = error.validationErrorString;
          return fail(error);
        }
        throw error;
      }
    }

    const integration = method.integration;
    if (!integration) return fail(new GatewayError('API_CONFIGURATION_ERROR', 'Internal server error', 500));

    const cachingOn = (plan.cachingSpecific ?? (httpMethod === 'GET' ? plan.cachingStar : false)) === true;
    let key: string | undefined;
    if (cachingOn && plan.ttl > 0) {
      const settings = plan.settings;
      key = cacheKey(method.httpMethod, resource.path, integration.cacheKeyParameters, { query, headers: requestHeaders, path: pathParameters });
      const invalidate = /(^|,)\s*max-age\s*=\s*0\s*(,|$)/i.test(headerValue(requestHeaders, 'cache-control') ?? '');
      let authorizedInvalidation = invalidate;
      if (invalidate && (settings.requireAuthorizationForCacheControl ?? true)) {
        // Real API Gateway checks an IAM execute-api:InvalidateCache permission on a SigV4-signed request. Locally we
        // accept any SigV4 Authorization header (the signature is not verified) and treat everything else as unauthorized.
        authorizedInvalidation = /^AWS4-HMAC-SHA256 /.test(headerValue(requestHeaders, 'authorization') ?? '');
        if (!authorizedInvalidation) {
          const strategy = settings.unauthorizedCacheControlHeaderStrategy ?? 'SUCCEED_WITH_RESPONSE_HEADER';
          if (strategy === 'FAIL_WITH_403') return fail(new GatewayError('ACCESS_DENIED', 'Unauthorized cache invalidation', 403));
          if (strategy === 'SUCCEED_WITH_RESPONSE_HEADER') {
            extraHeaders = [['Warning', '199 "Cache-control headers were ignored because the caller was unauthorized."']];
          }
        }
      }
      const hit = authorizedInvalidation ? undefined : cache.get(key);
      if (hit) {
        note = ' (cache hit)';
        return send(hit);
      }
      note = authorizedInvalidation ? ' (cache invalidated)' : ' (cache miss)';
    }

    let result: HttpResult;
    if (integration.type === 'MOCK') {
      result = runMockIntegration(integration, {
        contentType: headerValue(requestHeaders, 'content-type'),
        context: contextVars(),
        request: templateRequest(),
      });
    } else {
      const event = buildProxyEvent(
        {
          httpMethod,
          path,
          stage: stage.name,
          rawQuery,
          query: parsedQuery,
          rawHeaders,
          body,
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headerValue(requestHeaders, 'user-agent'),
          domainName: req.headers.host ?? defaultDomain,
          localPort: req.socket.localPort ?? 0,
          protocol: 'http',
        },
        {
          resourceId: resource.id,
          resourcePath: resource.path,
          pathParameters,
          stageVariables: stage.variables,
          apiId: api.id,
          accountId: stack.accountId,
          requestId,
          extendedRequestId,
          requestTimeEpoch: epoch,
          binaryMediaTypes: api.binaryMediaTypes,
          apiKey: binding ? { value: binding.key.value, id: binding.key.id } : undefined,
          deploymentId,
        },
      );
      const outcome = await invokeWithTimeout(plan.pool!, event, requestId, plan.timeoutMs);
      if (outcome === 'gateway-timeout') {
        note += ' (integration timeout)';
        return fail(integrationTimeout());
      }
      if (outcome.coldStartMs !== undefined) note += ` (cold start ${Math.round(outcome.coldStartMs)}ms)`;
      const checked = interpret(outcome.outcome, headerValue(requestHeaders, 'accept'), api.binaryMediaTypes);
      if (!checked.ok) {
        note += ` (${checked.reason})`;
        return fail(checked.error ?? lambdaFailure());
      }
      result = checked.result;
    }
    if (key !== undefined && result.statusCode >= 200 && result.statusCode < 300) cache.set(key, result, plan.ttl);
    send(result);
  }

  const watchers: FSWatcher[] = [];
  if (options.watch ?? true) {
    for (const [name, pool] of pools) watchers.push(watchCode(pool, name, log));
  }

  let url = '';
  return {
    server,
    apiKeys,
    get url() {
      return url;
    },
    listen: () =>
      new Promise<string>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
          const address = server.address() as AddressInfo;
          const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          url = `http://${host}:${address.port}/${stage.name}`;
          log(`portico-gateway: ${api.name} stage "${stage.name}" at ${url}`);
          for (const key of apiKeys) log(`  API key ${key.name}: ${key.value}${key.generated ? ' (generated locally)' : ''}`);
          resolve(url);
        });
      }),
    close: async () => {
      defaultLog?.flush();
      for (const watcher of watchers) watcher.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...pools.values()].map((pool) => pool.close()));
    },
    reload: (functionName) => {
      for (const [name, pool] of pools) if (!functionName || name === functionName) pool.reload();
    },
    flushCache: () => cache.flush(),
  };
}

function pickApi(stack: Stack, options: GatewayOptions): RestApiDef {
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

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  for (const key in headers) if (key.toLowerCase() === name) return headers[key];
  return undefined;
}

/** 1xx, 204 and 304 answers never carry a body, nor a Content-Length (RFC 9110). */
function mayHaveBody(statusCode: number): boolean {
  return statusCode >= 200 && statusCode !== 204 && statusCode !== 304;
}

/** HTTP/1.1 requests carry a body only when they say so with Content-Length or Transfer-Encoding. */
function hasPayload(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      req.resume();
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function watchCode(pool: FunctionPool, name: string, log: (line: string) => void): FSWatcher {
  const target = pool.watchPath;
  let timer: NodeJS.Timeout | undefined;
  const reload = (attempt: number) => {
    try {
      pool.reload();
      log(`reloaded ${name} (${basename(target)} changed)`);
    } catch (error) {
      // A bundler may still be writing the file; try again shortly before giving up until the next change.
      if (attempt < 5) timer = setTimeout(() => reload(attempt + 1), 200);
      else log(`reload of ${name} failed: ${(error as Error).message}`);
    }
  };
  const watcher = watch(dirname(target), (_event, filename) => {
    if (filename && filename !== basename(target) && !filename.startsWith(basename(target).replace(/\.[^.]+$/, ''))) return;
    clearTimeout(timer);
    // Bundlers write a build as a few files in quick succession (source map, bundle, zip): wait for a short quiet
    // spell, then reload once. Short, because this wait is part of every save-to-served round trip.
    timer = setTimeout(() => reload(0), RELOAD_QUIET_MS);
  });
  watcher.unref();
  return watcher;
}

export type { RouteMatch, StageDef };
