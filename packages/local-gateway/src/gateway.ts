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
import type { AddressInfo } from 'node:net';
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
import { runMockIntegration } from './mock-integration';
import { buildProxyEvent, collectHeaders, newRequestIds, parseQuery } from './proxy-event';
import { checkProxyResult, type HttpResult } from './proxy-result';
import type { TemplateRequest } from './mapping-template';
import { createRequestValidator } from './request-validation';
import { createResourceRouter, type RouteMatch } from './resource-router';
import { cacheKey, StageCache } from './stage-cache';
import type { ApiKeyDef, MethodSettingDef, RestApiDef, Stack, StageDef, UsagePlanDef } from './terraform-stack';
import { QuotaCounter, TokenBucket } from './throttling';

/** API Gateway's hard payload limit. */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
/** API Gateway's default integration timeout. */
export const INTEGRATION_TIMEOUT_MS = 29_000;

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
  /** Overrides the 29 s integration timeout (tests). */
  integrationTimeoutMs?: number;
  /** Overrides the 10 MB payload limit (tests). */
  maxPayloadBytes?: number;
  /** Execution environments per function (default 4). */
  concurrency?: number;
  /** Reload a function when its code file changes (default true). */
  watch?: boolean;
  /** One line per request and the startup banner. Default: console.log. */
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
  const log = options.log ?? ((line: string) => console.log(line));
  const route = createResourceRouter(api);
  const validate = createRequestValidator(api);
  const cache = new StageCache(clock);
  const maxPayload = options.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;
  const integrationLimit = options.integrationTimeoutMs ?? INTEGRATION_TIMEOUT_MS;

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

  const stageBuckets = new Map<string, TokenBucket | null>();
  const stageBucket = (methodPath: string, settings: MethodSettingDef | undefined): TokenBucket | null => {
    if (!stageBuckets.has(methodPath)) {
      const rate = settings?.throttlingRateLimit;
      // -1 means "no limit" in method settings.
      stageBuckets.set(
        methodPath,
        rate === undefined || rate < 0 ? null : new TokenBucket({ rateLimit: rate, burstLimit: settings?.throttlingBurstLimit }, clock),
      );
    }
    return stageBuckets.get(methodPath)!;
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      log(`gateway error: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent) res.writeHead(500).end('{"message":"Internal server error"}');
    });
  });
  server.keepAliveTimeout = 5_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const epoch = clock.now();
    const { requestId, extendedRequestId } = newRequestIds();
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q === -1 ? '' : rawUrl.slice(q + 1);
    const httpMethod = (req.method ?? 'GET').toUpperCase();
    const rawHeaders: Array<[string, string]> = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) rawHeaders.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
    const requestHeaders = collectHeaders(rawHeaders).single;
    const templateRequest: TemplateRequest = { headers: requestHeaders, query: {}, path: {}, body: '' };
    let note = '';
    const extraHeaders: Array<[string, string]> = [];
    const vars: Record<string, string> = {
      requestId,
      extendedRequestId,
      stage: stage.name,
      apiId: api.id,
      httpMethod,
      domainName: req.headers.host ?? '',
      'identity.sourceIp': req.socket.remoteAddress ?? '',
      requestTime: String(epoch),
      ...Object.fromEntries(Object.entries(stage.variables).map(([k, v]) => [`stageVariables.${k}`, v])),
    };

    const send = (result: HttpResult) => {
      const headers: Array<[string, string]> = [];
      for (const { name, values } of result.headers.values()) for (const value of values) headers.push([name, value]);
      headers.push(...extraHeaders, ['x-amzn-RequestId', requestId], ['x-amz-apigw-id', extendedRequestId]);
      res.writeHead(result.statusCode, headers.flat() as unknown as string[]);
      res.end(result.body);
      log(`${httpMethod} ${rawPath} ${result.statusCode} ${Math.round(performance.now() - started)}ms${note}`);
    };
    const fail = (error: GatewayError) => {
      const rendered = renderGatewayError(api.gatewayResponses, error, vars, templateRequest);
      const headers: HttpResult['headers'] = new Map();
      for (const [name, value] of rendered.headers) headers.set(name.toLowerCase(), { name, values: [value] });
      headers.set('x-amzn-errortype', { name: 'x-amzn-ErrorType', values: [error.errorType] });
      send({ statusCode: rendered.statusCode, headers, body: Buffer.from(rendered.body) });
    };

    // Read the payload first: API Gateway rejects oversize requests before routing them.
    const body = await readBody(req, maxPayload);
    if (body === undefined) return fail(requestTooLarge());

    const segments = rawPath.split('/');
    if (segments[1] !== stage.name) return fail(missingAuthenticationToken());
    const path = '/' + segments.slice(2).join('/');
    const match = route(httpMethod, path);
    if (!match) return fail(missingAuthenticationToken());
    vars.resourcePath = match.resource.path;
    templateRequest.path = match.pathParameters;
    templateRequest.query = parseQuery(rawQuery).single;
    templateRequest.body = body.toString('utf8');
    vars.resourceId = match.resource.id;

    let binding: KeyBinding | undefined;
    if (match.method.apiKeyRequired) {
      const sent = headerValue(requestHeaders, 'x-api-key');
      binding = sent === undefined ? undefined : bindings.get(sent);
      if (!binding) return fail(forbidden());
      vars['identity.apiKey'] = binding.key.value;
      vars['identity.apiKeyId'] = binding.key.id;
    }

    const methodPath = `${match.resource.path.slice(1)}/${match.method.httpMethod}`;
    const settings: MethodSettingDef = { ...stage.methodSettings.get('*/*'), ...stage.methodSettings.get(methodPath) };
    if (binding) {
      const clientBucket = binding.throttle.get(`${match.resource.path}/${match.method.httpMethod}`) ?? binding.planBucket;
      if (clientBucket && !clientBucket.take()) return fail(throttled());
    }
    const specific = stage.methodSettings.get(methodPath);
    const bucket = specific?.throttlingRateLimit !== undefined ? stageBucket(methodPath, specific) : stageBucket('*/*', stage.methodSettings.get('*/*'));
    if (bucket && !bucket.take()) return fail(throttled());
    if (binding?.quota && !binding.quota.take()) return fail(quotaExceeded());

    const query = templateRequest.query;
    try {
      validate(match.method, {
        query,
        headers: requestHeaders,
        pathParameters: match.pathParameters,
        contentType: headerValue(requestHeaders, 'content-type'),
        body,
      });
    } catch (error) {
      if (error instanceof GatewayError) {
        vars['error.validationErrorString'] = error.validationErrorString;
        return fail(error);
      }
      throw error;
    }

    const integration = match.method.integration;
    if (!integration) return fail(new GatewayError('API_CONFIGURATION_ERROR', 'Internal server error', 500));

    // Stage cache: only with a provisioned cache cluster and caching on for this method ("*/*" covers GET only).
    const cachingOn =
      stage.cacheClusterEnabled &&
      (specific?.cachingEnabled ?? (httpMethod === 'GET' ? stage.methodSettings.get('*/*')?.cachingEnabled : false)) === true;
    const ttl = settings.cacheTtlSeconds ?? 300;
    let key: string | undefined;
    if (cachingOn && ttl > 0) {
      key = cacheKey(match.method.httpMethod, match.resource.path, integration.cacheKeyParameters, {
        query,
        headers: requestHeaders,
        path: match.pathParameters,
      });
      const invalidate = /(^|,)\s*max-age\s*=\s*0\s*(,|$)/i.test(headerValue(requestHeaders, 'cache-control') ?? '');
      let authorizedInvalidation = invalidate;
      if (invalidate && (settings.requireAuthorizationForCacheControl ?? true)) {
        // Real API Gateway checks an IAM execute-api:InvalidateCache permission on a SigV4-signed request. Locally we
        // accept any SigV4 Authorization header (the signature is not verified) and treat everything else as unauthorized.
        authorizedInvalidation = /^AWS4-HMAC-SHA256 /.test(headerValue(requestHeaders, 'authorization') ?? '');
        if (!authorizedInvalidation) {
          const strategy = settings.unauthorizedCacheControlHeaderStrategy ?? 'SUCCEED_WITH_RESPONSE_HEADER';
          if (strategy === 'FAIL_WITH_403') return fail(new GatewayError('ACCESS_DENIED', 'Unauthorized cache invalidation', 403));
          if (strategy === 'SUCCEED_WITH_RESPONSE_HEADER') extraHeaders.push(['Warning', '199 "Cache-control headers were ignored because the caller was unauthorized."']);
        }
      }
      const hit = authorizedInvalidation ? undefined : cache.get(key);
      if (hit) {
        note = ' (cache hit)';
        return send(hit);
      }
      note = authorizedInvalidation ? ' (cache invalidated)' : ' (cache miss)';
    }

    const contentType = headerValue(requestHeaders, 'content-type');
    let result: HttpResult;
    if (integration.type === 'MOCK') {
      result = runMockIntegration(integration, { contentType, context: vars, request: templateRequest });
    } else {
      const pool = pools.get(integration.functionName!)!;
      const event = buildProxyEvent(
        {
          httpMethod,
          path,
          stage: stage.name,
          rawQuery,
          rawHeaders,
          body,
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headerValue(requestHeaders, 'user-agent'),
          domainName: req.headers.host ?? `${api.id}.execute-api.${stack.region}.amazonaws.com`,
          localPort: req.socket.localPort ?? 0,
          protocol: 'http',
        },
        {
          resourceId: match.resource.id,
          resourcePath: match.resource.path,
          pathParameters: match.pathParameters,
          stageVariables: stage.variables,
          apiId: api.id,
          accountId: stack.accountId,
          requestId,
          extendedRequestId,
          requestTimeEpoch: epoch,
          binaryMediaTypes: api.binaryMediaTypes,
          apiKey: binding ? { value: binding.key.value, id: binding.key.id } : undefined,
          deploymentId: api.id.slice(0, 6),
        },
      );
      const outcome = await invokeWithTimeout(pool, event, requestId, Math.min(integration.timeoutMs ?? integrationLimit, integrationLimit));
      if (outcome === 'gateway-timeout') {
        note += ' (integration timeout)';
        return fail(integrationTimeout());
      }
      if (outcome.coldStartMs !== undefined) note += ` (cold start ${Math.round(outcome.coldStartMs)}ms)`;
      const checked = interpret(outcome.outcome, headerValue(requestHeaders, 'accept'), api.binaryMediaTypes);
      if (!checked.ok) {
        note += ` (${checked.reason})`;
        return fail(lambdaFailure());
      }
      result = checked.result;
    }
    if (key !== undefined && result.statusCode >= 200 && result.statusCode < 300) cache.set(key, result, ttl);
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

async function invokeWithTimeout(
  pool: FunctionPool,
  event: unknown,
  requestId: string,
  timeoutMs: number,
): Promise<Awaited<ReturnType<FunctionPool['invoke']>> | 'gateway-timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'gateway-timeout'>((resolve) => {
    timer = setTimeout(() => resolve('gateway-timeout'), timeoutMs);
  });
  try {
    // The function keeps running after the gateway gives up, as on AWS; its own timeout still ends it.
    return await Promise.race([pool.invoke(event, requestId), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function interpret(
  outcome: Awaited<ReturnType<FunctionPool['invoke']>>['outcome'],
  accept: string | undefined,
  binaryMediaTypes: string[],
): { ok: true; result: HttpResult } | { ok: false; reason: string } {
  if (outcome.kind === 'timeout') return { ok: false, reason: `function timed out after ${outcome.seconds}s` };
  if (outcome.kind === 'error') return { ok: false, reason: `${outcome.errorType}: ${outcome.errorMessage}` };
  let payload: unknown;
  try {
    payload = JSON.parse(outcome.payload);
  } catch {
    return { ok: false, reason: 'Malformed Lambda proxy response' };
  }
  const checked = checkProxyResult(payload, { accept, binaryMediaTypes });
  return checked.ok ? checked : { ok: false, reason: `Malformed Lambda proxy response: ${checked.reason}` };
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
    timer = setTimeout(() => reload(0), 100);
  });
  watcher.unref();
  return watcher;
}

export type { RouteMatch, StageDef };
