/**
 * The avatars API through the local gateway: the API built by `portico build` (the handler and the partner
 * authorizer, each its own bundle), its dev stack synthesized from portico.config.ts, its tables in a local DynamoDB
 * behind a recording proxy, and real HTTP.
 *
 * - Binary media, as API Gateway handles it: an upload arrives as bytes and is stored; a download comes back as the
 *   same bytes when the first `Accept` type is a binary media type, and as the base64 text the function returned
 *   otherwise.
 * - The partner authorizer, as API Gateway runs it: no token or one that fails the validation expression is a 401
 *   before any function runs (the partners table is never read); a token no active partner holds is the
 *   authorizer's 401; a partner's token opens PUT and DELETE on the avatars it may write, the authorizer's context
 *   reaches the handler, and one cached answer covers both methods; other avatars are a 403; an authorizer that fails
  (DynamoDB down, a malformed partner item) is a 500, and nothing is written.
 */
import { buildApp } from '@portico/cli';
import { loadLambdaArtifact, synthesize } from '@portico/infra';
import { createGateway, loadStackFile, startLocalDynamoDb, type Gateway, type LocalDynamoDb } from '@portico/local-gateway';
import { createDynamoDb, type DynamoDbClient } from '@portico/dynamodb';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import avatarsApi from '../portico.config';
import { hashPartnerToken, mintPartnerToken, PartnerStore } from '../src/partners';
import type { AvatarInfo } from '../src/routes';
import { startRecordingProxy, type RecordingProxy } from './support/recording-proxy';

const APP_DIR = resolve(__dirname, '..');
const PNG = readFileSync(join(__dirname, 'fixtures', 'avatar.png'));
const JPEG = readFileSync(join(__dirname, 'fixtures', 'avatar.jpg'));

let work: string;
let db: LocalDynamoDb;
let proxy: RecordingProxy;
let client: DynamoDbClient;
let partners: PartnerStore;
let partnersTable: string;
let gateway: Gateway;
let url: string;
let key: string;
/** The token of a partner that may write every avatar (used by the binary tests). */
let token: string;
/** The gateway's request log: one line per request, with why an authorizer refused it. */
const lines: string[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'avatars-gateway-'));
  const build = await buildApp(avatarsApi, APP_DIR, { outdir: join(work, 'build') });
  const [stack] = synthesize({
    apis: [{ config: avatarsApi, dir: APP_DIR }],
    artifact: () => loadLambdaArtifact(join(build.outdir, 'build-meta.json'), build.outdir),
    target: { offline: true, backend: { kind: 'local', dir: join(work, 'state') } },
    outdir: join(work, 'cdktf.out'),
    stages: ['dev'],
  });
  const loaded = loadStackFile(join(stack!.dir, 'cdk.tf.json'));
  db = await startLocalDynamoDb({ dataDir: join(work, 'dynamodb') });
  for (const table of loaded.tables) await db.ensureTable(table);
  proxy = await startRecordingProxy(db.endpoint);
  partnersTable = loaded.tables.find((table) => table.name.endsWith('-partners'))!.name;
  client = createDynamoDb({ env: { AWS_ENDPOINT_URL_DYNAMODB: db.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' } });
  partners = new PartnerStore(client, partnersTable);
  ({ token } = await partners.add({ partnerId: 'acme', name: 'Acme Avatars' }));
  // The code the stack names: each authorizer its own zip, as deployed; the handler its bundle.
  const authorizerZips = Object.entries(build.meta.authorizers ?? {}).map(([name, meta]) => [`avatars-api-dev-${name}-authorizer`, join(build.outdir, meta.zip)]);
  gateway = createGateway(loaded, {
    stage: 'dev',
    port: 0,
    functions: { 'avatars-api-dev-handler': join(build.outdir, build.meta.bundle.file), ...Object.fromEntries(authorizerZips) },
    env: { AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint },
    watch: false,
    log: (line) => lines.push(line),
  });
  url = await gateway.listen();
  key = gateway.apiKeys[0]!.value;
});

afterAll(async () => {
  await gateway?.close();
  client?.close();
  await proxy?.stop();
  await db?.close();
  rmSync(work, { recursive: true, force: true });
});

const write = (method: 'PUT' | 'DELETE', userId: string, headers: Record<string, string>, body?: Buffer) =>
  fetch(`${url}/avatars/${userId}`, { method, headers, ...(body ? { body } : {}) });
const put = (userId: string, bytes: Buffer, type: string, bearer = token) =>
  write('PUT', userId, { 'content-type': type, 'x-api-key': key, authorization: `Bearer ${bearer}` }, bytes);
/** Reads of the partners table during `run`: how many times the authorizer function really ran. */
async function partnerReads(run: () => Promise<void>): Promise<number> {
  const before = proxy.calls.length;
  await run();
  return proxy.calls.slice(before).filter((call) => call.table === partnersTable).length;
}
/** The request log line of the last answered request (written as the answer is sent). */
const lastLine = () => lines[lines.length - 1];
const problem = async (res: Response) => [res.status, res.headers.get('content-type'), ((await res.json()) as { code: string }).code];

describe('binary media', () => {
  it('stores an uploaded PNG and JPEG from their bytes, and gives back the same bytes to an image Accept', async () => {
    for (const [userId, bytes, type] of [['png-user', PNG, 'image/png'], ['jpeg-user', JPEG, 'image/jpeg']] as const) {
      // Act
      const stored = await put(userId, bytes, type);
      const res = await fetch(`${url}/avatars/${userId}`, { headers: { accept: type } });
      // Assert
      expect(stored.status).toBe(201);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    }
  });

  it("decodes for a browser's Accept (image/avif first: the image/* binary type matches it)", async () => {
    await put('browser-user', PNG, 'image/png');
    const res = await fetch(`${url}/avatars/browser-user`, { headers: { accept: 'image/avif,image/webp,image/apng,image/*,*/*;q=0.8' } });
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
  });

  it('answers the base64 text when the first Accept type is not binary, or there is none, as API Gateway does', async () => {
    await put('text-user', PNG, 'image/png');
    for (const headers of [{ accept: 'application/json' }, {}] as Record<string, string>[]) {
      const res = await fetch(`${url}/avatars/text-user`, { headers });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(PNG.toString('base64'));
    }
  });
});

describe('the partner authorizer', () => {
  it('answers an upload without a token 401 at the gateway, in the problem format, before any function runs', async () => {
    let res: Response | undefined;
    const reads = await partnerReads(async () => {
      res = await write('PUT', 'no-token', { 'content-type': 'image/png', 'x-api-key': key }, PNG);
    });
    expect(res!.headers.get('x-amzn-errortype')).toBe('UnauthorizedException');
    expect(await res!.json()).toEqual({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'Unauthorized', code: 'UNAUTHORIZED', requestId: expect.any(String) });
    expect(reads).toBe(0);
    expect(lastLine()).toMatch(/^PUT \/dev\/avatars\/no-token 401 .*\(authorizer: no token\)$/);
    expect((await fetch(`${url}/avatars/no-token`)).status).toBe(404);
  });

  it('answers a token that fails the validation expression 401, without invoking the authorizer', async () => {
    const valid = mintPartnerToken();
    const malformed = [valid, `Token ${valid}`, `Bearer ${valid.slice(0, -1)}`, `Bearer ${valid}x`, 'Bearer ptk_short', `Bearer ptk-${valid.slice(4)}`, `Bearer  ${valid}`];
    for (const authorization of malformed) {
      let res: Response | undefined;
      const reads = await partnerReads(async () => {
        res = await write('PUT', 'malformed', { 'content-type': 'image/png', 'x-api-key': key, authorization }, PNG);
      });
      expect([authorization, ...(await problem(res!)), reads]).toEqual([authorization, 401, 'application/problem+json', 'UNAUTHORIZED', 0]);
      expect([authorization, lastLine()]).toEqual([authorization, expect.stringContaining('(authorizer: token fails the validation expression)')]);
    }
  });

  it("answers a well-formed token no active partner holds with the authorizer's 401, storing nothing", async () => {
    const inactive = await partners.add({ partnerId: 'initech', name: 'Initech' });
    await partners.setActive(inactive.tokenHash, false);
    for (const bearer of [mintPartnerToken(), inactive.token]) {
      let res: Response | undefined;
      const reads = await partnerReads(async () => {
        res = await put('unknown-token', PNG, 'image/png', bearer);
      });
      expect([...(await problem(res!)), reads]).toEqual([401, 'application/problem+json', 'UNAUTHORIZED', 1]);
      expect(lastLine()).toContain('(authorizer: the function answered Unauthorized)');
    }
    expect((await fetch(`${url}/avatars/unknown-token`)).status).toBe(404);
  });

  it("lets a partner's token upload and delete: the same bytes back, its name from the authorizer's context, one authorizer call for both", async () => {
    // Arrange: a partner of its own, so its first request is the authorizer cache's first sight of the token
    const { token: globex } = await partners.add({ partnerId: 'globex', name: 'Globex Corporation' });
    const headers = { 'x-api-key': key, authorization: `Bearer ${globex}` };
    let stored: Response | undefined;
    let replaced: Response | undefined;
    let bytes: Buffer | undefined;
    let info: AvatarInfo | undefined;
    let deleted: Response | undefined;

    // Act
    const reads = await partnerReads(async () => {
      stored = await write('PUT', 'globex-user', { ...headers, 'content-type': 'image/png' }, PNG);
      replaced = await write('PUT', 'globex-user', { ...headers, 'content-type': 'image/jpeg' }, JPEG);
      bytes = Buffer.from(await (await fetch(`${url}/avatars/globex-user`, { headers: { accept: 'image/*' } })).arrayBuffer());
      info = (await (await fetch(`${url}/avatars/globex-user/info`)).json()) as AvatarInfo;
      deleted = await write('DELETE', 'globex-user', headers);
    });

    // Assert
    expect([stored!.status, replaced!.status, deleted!.status]).toEqual([201, 200, 204]);
    expect(bytes!.equals(JPEG)).toBe(true);
    expect(info!.uploadedBy).toEqual({ partnerId: 'globex', name: 'Globex Corporation' });
    // The PUT's cached policy allowed the DELETE too (no 403 from AWS's cache trap), without calling the authorizer again.
    expect(reads).toBe(1);
    expect((await fetch(`${url}/avatars/globex-user`)).status).toBe(404);
  });

  it("refuses a limited partner's writes to other users' avatars with API Gateway's 403", async () => {
    const { token: limited } = await partners.add({ partnerId: 'umbrella', name: 'Umbrella', userIds: ['umbrella-1'] });
    const headers = { 'x-api-key': key, authorization: `Bearer ${limited}` };

    const own = await write('PUT', 'umbrella-1', { ...headers, 'content-type': 'image/png' }, PNG);
    const other = await write('PUT', 'png-user', { ...headers, 'content-type': 'image/jpeg' }, JPEG);
    const otherDelete = await write('DELETE', 'png-user', headers);

    expect(own.status).toBe(201);
    for (const res of [other, otherDelete]) {
      expect(res.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
      expect(await res.json()).toMatchObject({ status: 403, code: 'ACCESS_DENIED', detail: 'User is not authorized to access this resource' });
    }
    const untouched = await fetch(`${url}/avatars/png-user`, { headers: { accept: 'image/png' } });
    expect(Buffer.from(await untouched.arrayBuffer()).equals(PNG)).toBe(true);
  });

  it("answers 500 when the authorizer fails (the partners table's DynamoDB down, or a malformed partner item), never letting the write through", async () => {
    // Arrange: tokens the cache has not seen, one of them held by a partner item a bad write left behind
    const { token: fresh } = await partners.add({ partnerId: 'hooli', name: 'Hooli' });
    const broken = mintPartnerToken();
    await client.send('PutItem', {
      TableName: partnersTable,
      Item: { tokenHash: { S: hashPartnerToken(broken) }, partnerId: { S: 'broken' }, name: { S: 'Broken' }, active: { S: 'yes' }, createdAt: { S: '2026-12-01T00:00:00.000Z' } },
    });

    // Act
    proxy.failing.add(partnersTable);
    let down: Response;
    try {
      down = await put('authorizer-down', PNG, 'image/png', fresh);
    } finally {
      proxy.failing.delete(partnersTable);
    }
    const downLine = lastLine();
    const malformed = await put('authorizer-down', PNG, 'image/png', broken);

    // Assert: API Gateway's AUTHORIZER_CONFIGURATION_ERROR, the handler never ran, nothing stored
    for (const [res, why] of [[down, /\(authorizer failed: DynamoDbError: /], [malformed, /\(authorizer failed: MalformedPartnerError: /]] as const) {
      expect(res.status).toBe(500);
      expect(res.headers.get('x-amzn-errortype')).toBe('AuthorizerConfigurationException');
      expect(res === down ? downLine : lastLine()).toMatch(why);
    }
    expect((await fetch(`${url}/avatars/authorizer-down`)).status).toBe(404);
    // The same token once the table answers again: the failure was not cached as a refusal.
    expect((await put('authorizer-down', PNG, 'image/png', fresh)).status).toBe(201);
  });

  it('still needs the API key with a good token: 403 INVALID_API_KEY, checked after the authorizer', async () => {
    const res = await write('PUT', 'keyless', { 'content-type': 'image/png', authorization: `Bearer ${token}` }, PNG);
    expect(await problem(res)).toEqual([403, 'application/problem+json', 'INVALID_API_KEY']);
  });

  it('leaves reads open: no token, no key', async () => {
    expect((await fetch(`${url}/avatars/jpeg-user/info`)).status).toBe(200);
  });
});

it('sends anything unrouted to the function, which answers a 404 problem (not 403) or a 405 with Allow', async () => {
  const missing = await fetch(`${url}/no/such/path`);
  const wrongMethod = await fetch(`${url}/avatars/png-user`, { method: 'POST' });
  expect(missing.status).toBe(404);
  expect(missing.headers.get('content-type')).toBe('application/problem+json');
  expect(wrongMethod.status).toBe(405);
  expect(wrongMethod.headers.get('allow')).toContain('PUT');
});
