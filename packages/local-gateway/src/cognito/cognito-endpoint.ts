/**
 * The local Cognito endpoint, one for every pool of the stack as `cognito-idp.{region}.amazonaws.com` is one per
 * region: `GET /<poolId>/.well-known/jwks.json` and `/.well-known/openid-configuration`, and Cognito's JSON API for
 * sign-in (`POST /`, `X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth`, `USER_PASSWORD_AUTH` and
 * `REFRESH_TOKEN_AUTH`), so the AWS SDK or Amplify pointed at it (`endpoint: http://127.0.0.1:<port>`) signs in.
 * Errors are Cognito's: HTTP 400, `{"__type": "NotAuthorizedException", "message": "Incorrect username or password."}`
 * and `x-amzn-ErrorType` (API reference `API_InitiateAuth.html`).
 *
 * CORS: Cognito's endpoint serves browsers on any site (Amplify and amazon-cognito-identity-js sign in from the page),
 * so every answer carries `Access-Control-Allow-Origin: *` and a preflight (`OPTIONS`, any path) is allowed the
 * methods served here and whatever headers it asks for (`Content-Type: application/x-amz-json-1.1` and
 * `X-Amz-Target` always make a sign-in preflighted). No credentials: tokens travel in the body, never in cookies.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CognitoError, type LocalUserPool } from './local-user-pool';
import { KEEP_ALIVE_IDLE_MS } from '../http-edge';

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
const MAX_BODY_BYTES = 1024 * 1024;
/** On every answer: any origin may read it, and the headers that say what went wrong. */
const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date',
} as const;
/** What a preflight is allowed when it names no headers, or names them in a form that is not a header list. */
const DEFAULT_ALLOW_HEADERS = 'content-type,x-amz-target,x-amz-user-agent';
/** `Access-Control-Request-Headers`: comma-separated header names (RFC 9110 tokens), nothing else echoed back. */
const HEADER_LIST = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:[ \t]*,[ \t]*[!#$%&'*+.^_`|~0-9A-Za-z-]+)*$/;

/** A running local Cognito endpoint. */
export interface CognitoEndpoint {
  readonly server: Server;
  /** `http://127.0.0.1:<port>` once listening. */
  readonly url: string;
  listen(port: number, host: string): Promise<string>;
  /** Serves these pools from now on (a new deployment of the stack); requests under way finish with the old ones. */
  replacePools(pools: ReadonlyMap<string, LocalUserPool>): void;
  close(): Promise<void>;
}

/**
 * @example
 * const endpoint = createCognitoEndpoint(runtime.userPools);
 * await endpoint.listen(0, '127.0.0.1'); // http://127.0.0.1:41234
 */
export function createCognitoEndpoint(initialPools: ReadonlyMap<string, LocalUserPool>): CognitoEndpoint {
  let url = '';
  let pools = initialPools;
  const server = createServer((req, res) => {
    void serve(req, res).catch((error: unknown) => send(res, 500, { __type: 'InternalErrorException', message: (error as Error).message }));
  });
  // Idle connections outlive any client's pool, so the client closes first (see KEEP_ALIVE_IDLE_MS).
  server.keepAliveTimeout = KEEP_ALIVE_IDLE_MS;

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'OPTIONS') return preflight(req, res);
    const wellKnown = /^\/([^/]+)\/\.well-known\/(jwks\.json|openid-configuration)$/.exec(path);
    if (req.method === 'GET' && wellKnown) {
      const pool = pools.get(decodeURIComponent(wellKnown[1]!));
      if (!pool) return send(res, 404, { __type: 'ResourceNotFoundException', message: `User pool ${wellKnown[1]} does not exist.` });
      return send(res, 200, wellKnown[2] === 'jwks.json' ? pool.jwks() : pool.openIdConfiguration(url));
    }
    if (req.method !== 'POST' || path !== '/') return send(res, 404, { __type: 'UnknownOperationException' });
    const target = String(req.headers['x-amz-target'] ?? '');
    const body = await readJson(req);
    if (body === undefined) return send(res, 400, { __type: 'SerializationException' });
    if (target !== `${TARGET_PREFIX}InitiateAuth`) return send(res, 400, { __type: 'UnknownOperationException' });
    try {
      return send(res, 200, await initiateAuth(pools, body));
    } catch (error) {
      if (!(error instanceof CognitoError)) throw error;
      return send(res, 400, { __type: error.type, message: error.message });
    }
  }

  return {
    server,
    get url() {
      return url;
    },
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const address = server.address() as AddressInfo;
          url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
          resolve(url);
        });
      }),
    replacePools: (next) => {
      pools = next;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function initiateAuth(pools: ReadonlyMap<string, LocalUserPool>, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const clientId = typeof body.ClientId === 'string' ? body.ClientId : '';
  const pool = [...pools.values()].find((p) => p.def.clients.has(clientId));
  if (!pool) throw new CognitoError('ResourceNotFoundException', `User pool client ${clientId} does not exist.`);
  const params = (body.AuthParameters ?? {}) as Record<string, unknown>;
  const text = (name: string) => (typeof params[name] === 'string' ? (params[name] as string) : '');
  if (body.AuthFlow === 'USER_PASSWORD_AUTH') {
    const tokens = await pool.signIn(clientId, text('USERNAME'), text('PASSWORD'));
    return { AuthenticationResult: authenticationResult(tokens), ChallengeParameters: {} };
  }
  if (body.AuthFlow === 'REFRESH_TOKEN_AUTH' || body.AuthFlow === 'REFRESH_TOKEN') {
    const tokens = await pool.refresh(clientId, text('REFRESH_TOKEN'));
    return { AuthenticationResult: authenticationResult(tokens), ChallengeParameters: {} };
  }
  throw new CognitoError('InvalidParameterException', `Auth flow ${String(body.AuthFlow)} is not served locally; use USER_PASSWORD_AUTH or REFRESH_TOKEN_AUTH`);
}

function authenticationResult(tokens: { idToken: string; accessToken: string; refreshToken?: string; expiresIn: number }): Record<string, unknown> {
  return {
    AccessToken: tokens.accessToken,
    ExpiresIn: tokens.expiresIn,
    IdToken: tokens.idToken,
    ...(tokens.refreshToken === undefined ? {} : { RefreshToken: tokens.refreshToken }),
    TokenType: 'Bearer',
  };
}

function preflight(req: IncomingMessage, res: ServerResponse): void {
  const asked = req.headers['access-control-request-headers']?.trim();
  res
    .writeHead(200, {
      ...CORS_HEADERS,
      'Access-Control-Allow-Methods': 'GET,POST',
      'Access-Control-Allow-Headers': asked && HEADER_LIST.test(asked) ? asked : DEFAULT_ALLOW_HEADERS,
      'Access-Control-Max-Age': '600',
      'Content-Length': 0,
    })
    .end();
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  const headers: Record<string, string | number> = { ...CORS_HEADERS, 'Content-Type': 'application/x-amz-json-1.1', 'Content-Length': Buffer.byteLength(text) };
  const type = (body as { __type?: string }).__type;
  if (status >= 400 && type) headers['x-amzn-ErrorType'] = type;
  if (res.shouldKeepAlive) headers['Connection'] = 'keep-alive';
  res.writeHead(status, headers).end(text);
}

function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        resolve(value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined);
      } catch {
        resolve(undefined);
      }
    });
    req.on('error', () => resolve(undefined));
  });
}
