/**
 * The local API Gateway: serves one stage of a REST API from a loaded stack. This module wires the parts together;
 * each lives in its own module:
 *
 * - `stage-runtime.ts`: what the stack decides once (router, validator, cache, function pools, keys, method plans);
 * - `http-edge.ts`: node:http — connections, timeouts, the payload limit, writing answers, the request log;
 * - `pipeline.ts`: API Gateway's phases, route → authorize → API key → throttle and quota → validate → cache →
 *   integrate → gateway response, each a named function over one `RequestContext`;
 * - `cognito/`: the stack's user pools served locally (keys, tokens, JWKS, sign-in) on an endpoint of their own.
 */
import { watch, type FSWatcher } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, dirname } from 'node:path';
import type { Writable } from 'node:stream';
import type { LocalCredentials } from './auth/sigv4';
import { SYSTEM_CLOCK, type Clock } from './clock';
import { createCognitoEndpoint, type CognitoEndpoint } from './cognito/cognito-endpoint';
import type { IssuedTokens, IssueOptions, LocalUser, LocalUserPool } from './cognito/local-user-pool';
import { requestTooLarge } from './gateway-responses';
import { createEdge, HEADERS_TIMEOUT_MS, MAX_PAYLOAD_BYTES, REQUEST_TIMEOUT_MS } from './http-edge';
import type { FunctionPool } from './lambda-pool';
import { handleRequest, reject } from './pipeline';
import { createBatchedLog, type LineLog } from './request-log';
import { createStageRuntime, INTEGRATION_TIMEOUT_MS, type ApiKeyInfo, type StageRuntime, type UsageLedger } from './stage-runtime';
import type { Stack, StageDef } from './terraform-stack';

export { MAX_PAYLOAD_BYTES, INTEGRATION_TIMEOUT_MS, HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS };
export type { ApiKeyInfo, LocalCredentials, LocalUser, IssuedTokens, IssueOptions };

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
  /** How long a client may take to send its headers (default 10 s); then 408 and the connection closes. */
  headersTimeoutMs?: number;
  /** How long a client may take to send its whole request, body included (default 30 s); then 408. */
  requestTimeoutMs?: number;
  /** Execution environments per function (default: one per CPU core, 2 to 8). */
  concurrency?: number;
  /** Reload a function when its code file changes (default true). */
  watch?: boolean;
  /** One line per request and the startup banner. Default: stdout, written once per event-loop turn. */
  log?: (line: string) => void;
  /** Where functions' console output goes. Default: the process's stdout/stderr. */
  functionOutput?: { stdout: Writable; stderr: Writable };
  /** Users of the stack's local Cognito user pools (username, password, email, groups; `pool` to pick one). */
  users?: readonly LocalUser[];
  /** Where the local user pools keep their signing keys, so issued tokens survive a restart. Default: a new key per start. */
  keysDir?: string;
  /** Port of the local Cognito endpoint (JWKS, sign-in), when the stack has user pools. Default 0: a free port. */
  cognitoPort?: number;
  /** Credentials AWS_IAM methods accept. Default: one stable pair for `arn:aws:iam::<account>:user/portico-local`. */
  credentials?: readonly LocalCredentials[];
}

/** A local Cognito user pool as the gateway serves it. */
export interface LocalPoolInfo {
  id: string;
  name: string;
  /** `https://cognito-idp.{region}.amazonaws.com/{poolId}`, the `iss` of its tokens. */
  issuer: string;
  /** The local JWKS (`<cognitoUrl>/<poolId>/.well-known/jwks.json`), once listening. */
  jwksUrl: string;
  /** Where Cognito's `InitiateAuth` is served (the AWS SDK's `endpoint`), once listening. */
  signInUrl: string;
  clientIds: string[];
  usernames: string[];
}

/** Ready tokens for one local user of one pool (what `pnpm dev` prints). */
export interface UserTokens extends IssuedTokens {
  poolId: string;
  username: string;
  clientId: string;
}

/** A running (or ready to run) local gateway. */
export interface Gateway {
  /** Starts listening; resolves to the stage URL, e.g. `http://127.0.0.1:3000/dev`. */
  listen(): Promise<string>;
  /**
   * Serves a new version of the stack on the same stage, port and connections, as a new deployment replaces a
   * stage's on API Gateway: requests that arrive from now on see it, requests under way finish on the old one.
   * `changes` replaces options that belong to the stack (function code, local users). Throws, and keeps serving the
   * current deployment, when the new stack lacks the stage or does not load.
   */
  deploy(stack: Stack, changes?: Pick<GatewayOptions, 'functions' | 'users' | 'env'>): Promise<void>;
  close(): Promise<void>;
  /** The stage URL once listening. */
  readonly url: string;
  /** API keys that open this stage's key-required methods. */
  readonly apiKeys: ApiKeyInfo[];
  /** Re-reads every function's code (or one, by name); the next request gets a fresh cold start. */
  reload(functionName?: string): void;
  /** Drops the stage cache (FlushStageCache). */
  flushCache(): void;
  /** Drops every Lambda authorizer's cached results (FlushStageAuthorizersCache). */
  flushAuthorizersCache(): void;
  /** The stack's Cognito user pools, served locally. */
  readonly userPools: LocalPoolInfo[];
  /** Credentials AWS_IAM methods accept. */
  readonly credentials: LocalCredentials[];
  /**
   * Signs tokens for local users without their passwords: every user of every pool (or the named ones), for the
   * pool's first app client unless `clientId` says otherwise.
   */
  tokensFor(usernames?: readonly string[], options?: IssueOptions): Promise<UserTokens[]>;
  readonly server: Server;
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
  const clock = options.clock ?? SYSTEM_CLOCK;
  const defaultLog: LineLog | undefined = options.log ? undefined : createBatchedLog(process.stdout);
  const log = options.log ?? defaultLog!;
  const headersTimeoutMs = options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
  const host = options.host ?? '127.0.0.1';
  let settings: GatewayOptions = options;
  // Usage plans outlive deployments: a key's quota and buckets carry over to the next one.
  const usage: UsageLedger = new Map();
  let current = deploymentOf(stack, { ...settings, usage }, clock, log);
  /** Deployments replaced while requests were still under way on them. */
  const retiring = new Set<Deployment>();

  const server = createEdge({
    clock,
    log,
    maxPayloadBytes: options.maxPayloadBytes ?? MAX_PAYLOAD_BYTES,
    headersTimeoutMs,
    requestTimeoutMs: Math.max(headersTimeoutMs, options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS),
    // A request runs to its end on the deployment it arrived on, as a request under way on AWS finishes on the
    // deployment it started with.
    handle: async (ctx) => {
      const deployment = current;
      deployment.inFlight += 1;
      try {
        return await handleRequest(deployment.runtime, ctx);
      } finally {
        deployment.inFlight -= 1;
        if (retiring.has(deployment) && deployment.inFlight === 0) {
          retiring.delete(deployment);
          void deployment.close();
        }
      }
    },
    tooLarge: (ctx) => reject(current.runtime, ctx, requestTooLarge()),
  });

  let cognito: CognitoEndpoint | undefined = current.runtime.userPools.size > 0 ? createCognitoEndpoint(current.runtime.userPools) : undefined;
  let listening = false;
  let url = '';

  const poolInfo = (pool: LocalUserPool): LocalPoolInfo => ({
    id: pool.id,
    name: pool.def.name,
    issuer: pool.issuer,
    get jwksUrl() {
      return cognito?.url ? `${cognito.url}/${pool.id}/.well-known/jwks.json` : '';
    },
    get signInUrl() {
      return cognito?.url ?? '';
    },
    clientIds: [...pool.def.clients.keys()],
    usernames: pool.usernames,
  });
  const startCognito = async () => {
    if (cognito && !cognito.url) await cognito.listen(options.cognitoPort ?? 0, host);
  };
  /** The lines that say what the stage offers: keys, pools, credentials. */
  const describe = () => {
    const { runtime } = current;
    for (const key of runtime.apiKeys) log(`  API key ${key.name}: ${key.value}${key.generated ? ' (generated locally)' : ''}`);
    for (const pool of [...runtime.userPools.values()].map(poolInfo)) {
      log(`  user pool ${pool.name} (${pool.id}): issuer ${pool.issuer}`);
      log(`    JWKS ${pool.jwksUrl}; sign in: POST ${pool.signInUrl} (InitiateAuth, USER_PASSWORD_AUTH); app clients ${pool.clientIds.join(', ') || 'none'}`);
    }
    if (runtime.usesIam) {
      for (const c of runtime.credentials.values()) log(`  IAM credentials for ${c.arn}: AWS_ACCESS_KEY_ID=${c.accessKeyId} AWS_SECRET_ACCESS_KEY=${c.secretAccessKey}`);
    }
  };

  return {
    server,
    get apiKeys() {
      return current.runtime.apiKeys;
    },
    get url() {
      return url;
    },
    get userPools() {
      return [...current.runtime.userPools.values()].map(poolInfo);
    },
    get credentials() {
      return [...current.runtime.credentials.values()];
    },
    listen: async () => {
      await startCognito();
      url = await new Promise<string>((resolve, rejectListen) => {
        server.once('error', rejectListen);
        server.listen(options.port ?? 0, host, () => {
          const address = server.address() as AddressInfo;
          const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve(`http://${shown}:${address.port}/${current.runtime.stage.name}`);
        });
      });
      listening = true;
      log(`portico-gateway: ${current.runtime.api.name} stage "${current.runtime.stage.name}" at ${url}`);
      describe();
      return url;
    },
    deploy: async (next, changes = {}) => {
      // Built in full before anything changes: a stack that does not load leaves the current deployment (and the
      // options it was built with) serving.
      const nextSettings = { ...settings, ...changes };
      const deployment = deploymentOf(next, { ...nextSettings, usage }, clock, log);
      settings = nextSettings;
      const previous = current;
      current = deployment;
      if (deployment.runtime.userPools.size > 0 || cognito) {
        cognito ??= createCognitoEndpoint(deployment.runtime.userPools);
        cognito.replacePools(deployment.runtime.userPools);
        if (listening) await startCognito();
      }
      previous.stopWatching();
      if (previous.inFlight === 0) await previous.close();
      else retiring.add(previous);
      if (listening) {
        log(`portico-gateway: new deployment of ${deployment.runtime.api.name} on stage "${deployment.runtime.stage.name}" at ${url}`);
        describe();
      }
    },
    close: async () => {
      defaultLog?.flush();
      await cognito?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const all = [current, ...retiring];
      retiring.clear();
      await Promise.all(all.map((deployment) => deployment.close()));
    },
    reload: (functionName) => {
      for (const [name, pool] of current.runtime.pools) if (!functionName || name === functionName) pool.reload();
    },
    flushCache: () => current.runtime.cache.flush(),
    flushAuthorizersCache: () => {
      for (const authorizer of current.runtime.lambdaAuthorizers.values()) authorizer.flush();
    },
    tokensFor: async (usernames, issue = {}) => {
      const out: UserTokens[] = [];
      for (const pool of current.runtime.userPools.values()) {
        const clientId = issue.clientId ?? pool.def.clients.keys().next().value;
        if (clientId === undefined || (issue.clientId !== undefined && !pool.def.clients.has(issue.clientId))) continue;
        for (const username of pool.usernames) {
          if (usernames && !usernames.includes(username)) continue;
          out.push({ poolId: pool.id, username, clientId, ...(await pool.issueTokens(username, { ...issue, clientId })) });
        }
      }
      return out;
    },
  };
}

/** One deployment of the stack to the stage: what it decides, the functions' code watchers, the requests under way. */
interface Deployment {
  readonly runtime: StageRuntime;
  inFlight: number;
  stopWatching(): void;
  /** Stops watching and ends every execution environment. */
  close(): Promise<void>;
}

function deploymentOf(stack: Stack, options: GatewayOptions & { usage: UsageLedger }, clock: Clock, log: (line: string) => void): Deployment {
  const runtime = createStageRuntime(stack, { ...options, clock });
  const watchers: FSWatcher[] = [];
  if (options.watch ?? true) {
    for (const [name, pool] of runtime.pools) watchers.push(watchCode(pool, name, log));
  }
  const stopWatching = () => {
    for (const watcher of watchers.splice(0)) watcher.close();
  };
  return {
    runtime,
    inFlight: 0,
    stopWatching,
    close: async () => {
      stopWatching();
      await Promise.all([...runtime.pools.values()].map((pool) => pool.close()));
    },
  };
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

export type { StageDef };
