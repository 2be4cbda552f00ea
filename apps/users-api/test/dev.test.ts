/**
 * `pnpm dev users-api` end to end: the seed's curl sequence against a spawned `portico dev` (the API's watch build,
 * its dev stack synthesized from portico.config.ts, dynalite, the gateway), saved changes to a handler and to the
 * route table served without a restart, a restart that keeps the data, and a real browser checking CORS from an
 * allowed and a disallowed origin, on the function's answers and on the gateway's own errors. Who may call is
 * checked where API Gateway checks it: the dev users' tokens (tokens.json, and one fetched from the local Cognito
 * sign-in endpoint) on the writes, and a SigV4 signature with the credentials dev prints on `GET /internal/stats`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultDataDir } from '@portico/cli';
import { findRepoRoot } from '@portico/infra';
import aws4 from 'aws4';
import usersApi from '../portico.config';

jest.setTimeout(300_000);

const ROOT = findRepoRoot(__dirname);
const READY = /dev: users-api ready at (http:\/\/\S+)/;
const PORTICO = join(ROOT, 'tools', 'cli', 'bin', 'portico.mjs');

interface DevProcess {
  child: ChildProcess;
  url: string;
  keys: string[];
  /** The IAM credentials the gateway accepts on AWS_IAM methods, as dev prints them. */
  iam: { accessKeyId: string; secretAccessKey: string } | undefined;
  output: () => string;
  stop(): Promise<number | null>;
}

/**
 * A repository of one API, a copy of apps/users-api the tests may edit (sources, declaration; its installed
 * dependencies by symlink), so a hot-reload test saves real source files without touching this repository.
 */
function copyUsersApi(): string {
  const base = mkdtempSync(join(tmpdir(), 'portico-dev-app-'));
  const app = join(base, 'apps', 'users-api');
  mkdirSync(app, { recursive: true });
  for (const part of ['src', 'package.json', 'tsconfig.json', 'portico.config.ts']) {
    cpSync(join(ROOT, 'apps', 'users-api', part), join(app, part), { recursive: true });
  }
  cpSync(join(ROOT, 'tsconfig.base.json'), join(base, 'tsconfig.base.json'));
  writeFileSync(join(base, 'pnpm-workspace.yaml'), 'packages:\n  - apps/*\n');
  symlinkSync(join(ROOT, 'apps', 'users-api', 'node_modules'), join(app, 'node_modules'), 'dir');
  return app;
}

/** The environment a developer's shell has: without the SDK switch the jest setup sets for the tests' own output. */
function devEnv(): NodeJS.ProcessEnv {
  const { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _testsOnly, ...env } = process.env;
  return env;
}

/** Spawns `portico dev users-api` as `pnpm dev users-api` does, on a free port and a private data folder, in the copy's repository. */
async function spawnDev(dataDir: string, workDir: string, appDir: string): Promise<DevProcess> {
  const child = spawn(process.execPath, [PORTICO, 'dev', 'users-api'], {
    cwd: join(appDir, '..', '..'),
    env: { ...devEnv(), PORT: '0', HOST: '127.0.0.1', PORTICO_DATA_DIR: dataDir, PORTICO_DEV_DIR: workDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dev did not start:\n${output}`)), 240_000);
    const check = () => {
      const match = READY.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`dev exited with ${code}:\n${output}`)));
  });
  const keys = [...output.matchAll(/API key \S+: (\S+)/g)].map((m) => m[1]!);
  const iam = /IAM credentials for \S+: AWS_ACCESS_KEY_ID=(\S+) AWS_SECRET_ACCESS_KEY=(\S+)/.exec(output);
  return {
    child,
    url,
    keys,
    iam: iam ? { accessKeyId: iam[1]!, secretAccessKey: iam[2]! } : undefined,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGINT');
      }),
  };
}

/**
 * Polls `check` until it holds or `timeoutMs` passes. A check that throws (a request that found the connection closed
 * under it, as a kept-alive socket can be on a loaded machine) counts as "not yet", never as the answer.
 */
async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const holds = async () => {
    try {
      return await check();
    } catch {
      return false;
    }
  };
  while (!(await holds())) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** Every process below `pid` that is still running (Linux /proc; zombies count as gone). */
function runningDescendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  const state = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      state.set(Number(entry), fields[0]!);
      parentOf.set(Number(entry), Number(fields[1]));
    } catch {
      // Gone while reading.
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.pop()!;
    for (const [child, ppid] of parentOf) if (ppid === parent) (found.push(child), queue.push(child));
  }
  return found.filter((p) => state.get(p) !== 'Z');
}

const isRunning = (pid: number) => {
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
  } catch {
    return false;
  }
};

/** `.portico/dev/users-api/tokens.json`, as `pnpm dev` writes it. */
interface DevTokens {
  signInUrl: string;
  poolId: string;
  clientId: string;
  users: Record<string, { idToken: string; accessToken: string; refreshToken: string; expiresAt: string }>;
}

const CHROMIUM = '/usr/bin/chromium';
describe('pnpm dev users-api', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'portico-dev-data-'));
  const workDir = mkdtempSync(join(tmpdir(), 'portico-dev-work-'));
  const appDir = copyUsersApi();
  let dev: DevProcess;
  let tokens: DevTokens;
  let createdId = '';

  beforeAll(async () => {
    dev = await spawnDev(dataDir, workDir, appDir);
    tokens = JSON.parse(readFileSync(join(workDir, 'users-api', 'tokens.json'), 'utf8')) as DevTokens;
  });
  afterAll(async () => {
    if (dev && dev.child.exitCode === null) await dev.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(workDir, { recursive: true, force: true });
    rmSync(join(appDir, '..', '..'), { recursive: true, force: true });
  });

  it('keeps its data under a git-ignored folder by default', () => {
    // Arrange: a file where dynalite would write without PORTICO_DATA_DIR
    const file = join(defaultDataDir(ROOT), '000001.ldb');
    // Act
    const check = spawnSync('git', ['check-ignore', '--no-index', '-q', file], { cwd: ROOT });
    // Assert: exit 0 means ignored
    expect(check.status).toBe(0);
  });

  it('prints the stage URL and its API keys', () => {
    expect(dev.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/dev$/);
    expect(dev.keys.length).toBeGreaterThan(0);
  });

  it('answers GET /hello', async () => {
    const res = await fetch(`${dev.url}/hello`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ message: 'Hello, World!' });
  });

  it('lists the seeded users', async () => {
    const res = await fetch(`${dev.url}/users`);
    expect(res.status).toBe(200);
    const names = ((await res.json()) as { items: Array<{ name: string }> }).items.map((u) => u.name).sort();
    expect(names).toEqual(['Alice', 'Bob']);
  });

  it('refuses POST /users without a token or a key, and creates with both', async () => {
    const body = JSON.stringify({ name: 'Carol', email: 'carol@example.com' });
    const post = (headers: Record<string, string>) => fetch(`${dev.url}/users`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

    const anonymous = await post({ 'x-api-key': dev.keys[0]! });
    const keyless = await post({ authorization: tokens.users.bob!.idToken });
    const res = await post({ 'x-api-key': dev.keys[0]!, authorization: tokens.users.bob!.idToken });

    // The authorizer answers first (401, before the key is looked at), then the key check (403), as API Gateway orders them.
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toBe('application/problem+json');
    expect(await anonymous.json()).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    expect(keyless.status).toBe(403);
    expect(keyless.headers.get('content-type')).toBe('application/problem+json');
    expect(await keyless.json()).toEqual({
      type: 'about:blank',
      title: 'Forbidden',
      status: 403,
      detail: 'Forbidden',
      code: 'INVALID_API_KEY',
      requestId: keyless.headers.get('x-amzn-requestid'),
    });
    expect(res.status).toBe(201);
    const user = (await res.json()) as { id: string; name: string };
    expect(user.name).toBe('Carol');
    // Location is relative to the request URL, so it lands under the stage prefix.
    expect(new URL(res.headers.get('location')!, `${dev.url}/users`).href).toBe(`${dev.url}/users/${user.id}`);
    createdId = user.id;
  });

  describe('who may call, checked by the gateway', () => {
    const write = (method: 'POST' | 'DELETE', path: string, token: string | undefined, json?: unknown) =>
      fetch(`${dev.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', 'x-api-key': dev.keys[0]!, ...(token ? { authorization: token } : {}) },
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      });
    const signed = (path: string, credentials: { accessKeyId: string; secretAccessKey: string }) => {
      const url = new URL(`${dev.url}${path}`);
      const { headers } = aws4.sign({ host: url.host, path: url.pathname, method: 'GET', service: 'execute-api', region: usersApi.stages.dev!.region }, credentials);
      return fetch(url, { headers: headers as Record<string, string> });
    };

    it('writes the dev users\' tokens to tokens.json, with the local sign-in endpoint', () => {
      expect(Object.keys(tokens.users).sort()).toEqual(['alice', 'bob']);
      expect(tokens.signInUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/?$/);
      expect(dev.output()).toContain(`dev: ID token for alice (groups admin), valid 60 min: ${tokens.users.alice!.idToken}`);
    });

    it('lets bob create (201) but not delete (403 MISSING_GROUP, the user stays); alice deletes (204)', async () => {
      const created = await write('POST', '/users', tokens.users.bob!.idToken, { name: 'Made by Bob' });
      const { id } = (await created.json()) as { id: string };

      const bobs = await write('DELETE', `/users/${id}`, tokens.users.bob!.idToken);
      const kept = await fetch(`${dev.url}/users/${id}`);
      const alices = await write('DELETE', `/users/${id}`, tokens.users.alice!.idToken);

      expect(created.status).toBe(201);
      expect(bobs.status).toBe(403);
      expect(await bobs.json()).toMatchObject({ status: 403, code: 'MISSING_GROUP' });
      expect(kept.status).toBe(200);
      expect(alices.status).toBe(204);
      expect((await write('DELETE', `/users/${id}`, tokens.users.alice!.idToken)).status).toBe(404);
    });

    it('refuses a delete without a token, or with a token the pool did not sign, at the gateway (401)', async () => {
      const [header, payload] = tokens.users.alice!.idToken.split('.');
      const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;

      const answers = [await write('DELETE', `/users/${createdId}`, undefined), await write('DELETE', `/users/${createdId}`, forged)];

      expect(answers.map((res) => res.status)).toEqual([401, 401]);
      expect((await fetch(`${dev.url}/users/${createdId}`)).status).toBe(200);
    });

    it('takes a token just fetched from the local Cognito sign-in endpoint (InitiateAuth, USER_PASSWORD_AUTH)', async () => {
      const bob = usersApi.dev!.users!.find((u) => u.username === 'bob')!;
      const signIn = await fetch(tokens.signInUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
        body: JSON.stringify({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: tokens.clientId, AuthParameters: { USERNAME: 'bob', PASSWORD: bob.password } }),
      });
      const { AuthenticationResult } = (await signIn.json()) as { AuthenticationResult: { IdToken: string } };

      const res = await write('POST', '/users', AuthenticationResult.IdToken, { name: 'Signed in just now' });

      expect(signIn.status).toBe(200);
      expect(res.status).toBe(201);
    });

    it('answers GET /internal/stats unsigned 403 Missing Authentication Token, as AWS answers AWS_IAM methods', async () => {
      const unsigned = await fetch(`${dev.url}/internal/stats`);
      const withToken = await fetch(`${dev.url}/internal/stats`, { headers: { authorization: tokens.users.alice!.idToken } });

      expect(unsigned.status).toBe(403);
      expect(unsigned.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
      expect(await unsigned.json()).toMatchObject({ status: 403, detail: 'Missing Authentication Token' });
      expect(withToken.status).toBe(403);
    });

    it('counts the users for a SigV4-signed caller, and refuses a wrong secret', async () => {
      expect(dev.iam).toBeDefined();
      const listed = (await (await fetch(`${dev.url}/users?limit=100`)).json()) as { items: unknown[] };

      const res = await signed('/internal/stats', dev.iam!);
      const wrong = await signed('/internal/stats', { ...dev.iam!, secretAccessKey: `${dev.iam!.secretAccessKey.slice(0, -1)}x` });

      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ users: listed.items.length, countedAt: expect.any(String) });
      expect(wrong.status).toBe(403);
    });
  });

  it('gets the created user by id', async () => {
    const res = await fetch(`${dev.url}/users/${createdId}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: createdId, name: 'Carol', email: 'carol@example.com' });
  });

  it('searches by name', async () => {
    const res = await fetch(`${dev.url}/search?q=ali`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: Array<{ name: string }> };
    expect(body.results.map((u) => u.name)).toEqual(['Alice']);
  });

  it('answers the CORS preflight for an allowed origin', async () => {
    const res = await fetch(`${dev.url}/users`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-api-key' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-api-key');
  });

  it("answers a body the model refuses with problem JSON, the validator's reason in a header", async () => {
    // Arrange: a property the model does not allow, named with an apostrophe and quotes the reason will repeat
    const body = JSON.stringify({ name: 'Ann', "it's": 1 });
    // Act
    const res = await fetch(`${dev.url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': dev.keys[0]!, authorization: tokens.users.bob!.idToken, origin: 'http://localhost:5173' },
      body,
    });
    // Assert: rendered from the synthesized users-api-dev gateway response (the validator runs after the authorizer)
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 400, detail: 'Invalid request body', code: 'BAD_REQUEST_BODY' });
    expect(res.headers.get('x-validation-error')).toBe('[object instance has properties which are not allowed by the schema: ["it\'s"]]');
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });

  it("runs dynalite in a process of its own, not on the gateway's event loop", () => {
    // Arrange
    const pid = Number(/dev: dynalite http:\/\/127\.0\.0\.1:\d+ \(pid (\d+)/.exec(dev.output())?.[1]);
    // Act
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    // Assert: a live descendant of the dev runner, running the dynalite server
    expect(pid).not.toBe(dev.child.pid);
    expect(runningDescendants(dev.child.pid!)).toContain(pid);
    expect(cmdline.some((arg) => arg.endsWith('local-dynamodb-server.mjs'))).toBe(true);
  });

  it('logs one line per request', () => {
    expect(dev.output()).toMatch(/^GET \/dev\/hello 200 \d+ms/m);
    expect(dev.output()).toMatch(/^POST \/dev\/users 201 \d+ms/m);
  });

  describe('in a real browser', () => {
    const haveChromium = existsSync(CHROMIUM);
    if (!haveChromium && process.env.PORTICO_REQUIRE_TOOLS !== '1') {
      const why = `needs Debian chromium at ${CHROMIUM} (apt-get install chromium)`;
      console.warn(`SKIPPED: browser CORS tests ${why}. Set PORTICO_REQUIRE_TOOLS=1 to fail instead.`);
      it.skip(`${why}; skipped`, () => undefined);
      return;
    }

    /**
     * Loads a page from `origin` that signs bob in through the local Cognito endpoint (its own origin: a cross-origin
     * fetch, as a front end calls Cognito), then runs a preflighted JSON POST carrying the ID token as `Authorization`
     * and a GET against the gateway. The page is served by a real loopback server on a free port; `--host-rules` lets
     * the browser reach it under the allowlisted origin `http://localhost:5173` without binding that fixed port.
     */
    async function fromOrigin(
      origin: 'allowed' | 'disallowed',
    ): Promise<{ signIn: string; post: string; get: string; denied: string; unauthorized: string; origin: string }> {
      expect(existsSync(CHROMIUM)).toBe(true);
      const { chromium } = await import('playwright-core');
      const pages = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>cors</title>'));
      await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', () => resolve()));
      const pagePort = (pages.address() as AddressInfo).port;
      const pageOrigin = origin === 'allowed' ? 'http://localhost:5173' : `http://127.0.0.1:${pagePort}`;
      const profile = mkdtempSync(join(tmpdir(), 'portico-chromium-'));
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          `--host-rules=MAP localhost:5173 127.0.0.1:${pagePort}`,
        ],
      });
      try {
        const page = await context.newPage();
        await page.goto(`${pageOrigin}/index.html`);
        const bob = usersApi.dev!.users!.find((u) => u.username === 'bob')!;
        const result = await page.evaluate(
          async ({ base, key, signInUrl, clientId, password }) => {
            const attempt = async (run: () => Promise<Response>) => {
              try {
                const res = await run();
                return `${res.status} ${await res.text()}`;
              } catch (error) {
                return `blocked: ${(error as Error).name}`;
              }
            };
            // Signing in as a front end does with Amplify: InitiateAuth on the pool's endpoint, the ID token from its answer.
            let idToken = '';
            const signIn = await attempt(async () => {
              const res = await fetch(signInUrl, {
                method: 'POST',
                headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
                body: JSON.stringify({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'bob', PASSWORD: password } }),
              });
              idToken = ((await res.clone().json()) as { AuthenticationResult?: { IdToken?: string } }).AuthenticationResult?.IdToken ?? '';
              return res;
            });
            const post = await attempt(() =>
              fetch(`${base}/users`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', 'x-api-key': key, authorization: idToken },
                body: JSON.stringify({ name: 'Browser' }),
              }),
            );
            const get = await attempt(() => fetch(`${base}/users?limit=1`));
            // A token but no key: the gateway itself answers 403, through its INVALID_API_KEY gateway response.
            const denied = await attempt(() =>
              fetch(`${base}/users`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: idToken }, body: '{"name":"NoKey"}' }),
            );
            // No token: the gateway's Cognito authorizer answers 401, through its UNAUTHORIZED gateway response.
            const unauthorized = await attempt(() =>
              fetch(`${base}/users`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: '{"name":"NoToken"}' }),
            );
            return { signIn: signIn.slice(0, 3), post, get, denied, unauthorized };
          },
          { base: dev.url, key: dev.keys[0]!, signInUrl: tokens.signInUrl, clientId: tokens.clientId, password: bob.password },
        );
        return { ...result, origin: pageOrigin };
      } finally {
        await context.close();
        pages.close();
        rmSync(profile, { recursive: true, force: true });
      }
    }

    it('lets an allowed origin sign in through the local Cognito endpoint, then POST JSON with the token (preflighted) and GET', async () => {
      const { signIn, post, get } = await fromOrigin('allowed');
      expect(signIn).toBe('200');
      expect(post).toMatch(/^201 \{"id":"[0-9a-f-]{36}","name":"Browser"/);
      expect(get).toMatch(/^200 \{"items":\[/);
    });

    it("lets an allowed origin read the gateway's own errors as problem JSON", async () => {
      const { denied, unauthorized } = await fromOrigin('allowed');
      expect(denied).toMatch(/^403 \{"type":"about:blank","title":"Forbidden","status":403,"detail":"Forbidden","code":"INVALID_API_KEY"/);
      expect(unauthorized).toMatch(/^401 \{.*"status":401/);
    });

    it("keeps the gateway's own errors from a disallowed origin", async () => {
      const { denied, unauthorized } = await fromOrigin('disallowed');
      expect(denied).toBe('blocked: TypeError');
      expect(unauthorized).toBe('blocked: TypeError');
    });

    it('blocks a disallowed origin in the browser, though Cognito signs it in (its endpoint answers any origin)', async () => {
      const before = dev.output().length;
      const { signIn, post, get } = await fromOrigin('disallowed');
      expect(signIn).toBe('200');
      expect(post).toBe('blocked: TypeError');
      expect(get).toBe('blocked: TypeError');
      // The browser did ask: the preflight reached the gateway, which answered it without allowing that origin.
      const during = dev.output().slice(before);
      expect(during).toMatch(/^OPTIONS \/dev\/users 204/m);
      expect(during).not.toMatch(/^POST \/dev\/users/m);
    });
  });

  it('serves a saved change to a users-api source file without a restart', async () => {
    // Arrange
    const handler = join(appDir, 'src', 'handler.ts');
    const source = readFileSync(handler, 'utf8');
    expect(source).toContain("'Hello, World!'");
    const before = dev.output().length;
    // Act: what saving the file in an editor does; the build watcher and the gateway do the rest
    writeFileSync(handler, source.replace("'Hello, World!'", "'Hello, hot reload!'"));
    const served = await waitFor(async () => ((await (await fetch(`${dev.url}/hello`)).json()) as { message: string }).message === 'Hello, hot reload!', 90_000);
    // Assert: same process, new code, in a fresh execution environment
    expect(served).toBe(true);
    // The log lines travel through the child's stdout: give them a moment to arrive.
    const coldStart = /^GET \/dev\/hello 200 \d+ms \(cold start \d+ms\)/m;
    await waitFor(() => coldStart.test(dev.output().slice(before)), 15_000);
    expect(dev.output().slice(before)).toMatch(/^reloaded users-api-dev-handler/m);
    expect(dev.output().slice(before)).toMatch(coldStart);
  });

  it('serves a route added to the route table after the save, without a restart', async () => {
    // Arrange: a new route in the table and its handler, saved as an editor would (handler first, then the table)
    const routesFile = join(appDir, 'src', 'routes.ts');
    const handlerFile = join(appDir, 'src', 'handler.ts');
    const routesSource = readFileSync(routesFile, 'utf8');
    const handlerSource = readFileSync(handlerFile, 'utf8');
    expect(routesSource).toContain('  hello: defineRoute({');
    const anchor = 'const dispatch = app.lambda();';
    expect(handlerSource).toContain(anchor);
    expect((await fetch(`${dev.url}/version`)).status).toBe(403);
    const before = dev.output().length;
    // Act
    writeFileSync(
      handlerFile,
      handlerSource.replace(anchor, `app.handle(routes.version, () => json({ version: 'saved' }));\n${anchor}`),
    );
    writeFileSync(routesFile, routesSource.replace('  hello: defineRoute({', "  version: defineRoute({ method: 'GET', path: '/version', operationId: 'version' }),\n  hello: defineRoute({"));
    // Asked again and again while the stack is re-synthesized and deployed: every answer is the old stack's or the
    // new one's, on the same kept-alive connections; a refused or reset connection fails the test.
    const statuses = new Set<number>();
    const deadline = Date.now() + 120_000;
    let served = false;
    while (!served && Date.now() < deadline) {
      const status = (await fetch(`${dev.url}/version`)).status;
      statuses.add(status);
      served = status === 200;
      if (!served) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // Assert: the gateway serves the re-synthesized stack, on the same URL
    expect(served).toBe(true);
    expect([...statuses].filter((status) => status !== 200 && status !== 403)).toEqual([]);
    expect(await (await fetch(`${dev.url}/version`)).json()).toEqual({ version: 'saved' });
    expect(dev.output().slice(before)).toMatch(/re-synthesized; the gateway serves the new stack/);
  });

  it('stops cleanly on Ctrl-C, leaving no process behind, and keeps the data for the next start', async () => {
    // Arrange: the build watcher, its esbuild service, tsx's own helpers, dynalite, the functions' environments…
    const children = runningDescendants(dev.child.pid!);
    const dynalitePid = Number(/dev: dynalite http:\/\/127\.0\.0\.1:\d+ \(pid (\d+)/.exec(dev.output())?.[1]);
    expect(children).toContain(dynalitePid);
    // Act
    const code = await dev.stop();
    // Assert
    expect(code).toBe(0);
    expect(await waitFor(() => children.every((pid) => !isRunning(pid)), 30_000)).toBe(true);
    const again = await spawnDev(dataDir, workDir, appDir);
    try {
      expect(again.output()).not.toContain('seeded');
      const res = await fetch(`${again.url}/users/${createdId}`);
      expect(res.status).toBe(200);
    } finally {
      expect(await again.stop()).toBe(0);
    }
  });
});
