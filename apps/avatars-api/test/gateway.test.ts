/**
 * The binary round trip through the local gateway, with API Gateway's rules for binary media: the avatars API built
 * by `portico build`, its dev stack synthesized from portico.config.ts, its table in a local DynamoDB, and real HTTP.
 * An upload arrives as bytes and is stored; a download comes back as the same bytes when the first `Accept` type is
 * a binary media type, and as the base64 text the function returned otherwise, as AWS does.
 */
import { buildApp } from '@portico/cli';
import { loadLambdaArtifact, synthesize } from '@portico/infra';
import { createGateway, loadStackFile, startLocalDynamoDb, type Gateway, type LocalDynamoDb } from '@portico/local-gateway';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import avatarsApi from '../portico.config';

const APP_DIR = resolve(__dirname, '..');
const PNG = readFileSync(join(__dirname, 'fixtures', 'avatar.png'));
const JPEG = readFileSync(join(__dirname, 'fixtures', 'avatar.jpg'));

let work: string;
let db: LocalDynamoDb;
let gateway: Gateway;
let url: string;
let key: string;

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
  gateway = createGateway(loaded, {
    stage: 'dev',
    port: 0,
    functions: Object.fromEntries([...loaded.functions.keys()].map((name) => [name, join(build.outdir, build.meta.bundle.file)])),
    env: { AWS_ENDPOINT_URL_DYNAMODB: db.endpoint },
    watch: false,
    log: () => undefined,
  });
  url = await gateway.listen();
  key = gateway.apiKeys[0]!.value;
});

afterAll(async () => {
  await gateway?.close();
  await db?.close();
  rmSync(work, { recursive: true, force: true });
});

const put = (userId: string, bytes: Buffer, type: string) =>
  fetch(`${url}/avatars/${userId}`, { method: 'PUT', headers: { 'content-type': type, 'x-api-key': key }, body: bytes });

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

it('refuses an upload without the API key at the gateway (403), before the function runs', async () => {
  const res = await fetch(`${url}/avatars/keyless`, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: PNG });
  expect(res.status).toBe(403);
  expect(((await res.json()) as { code: string }).code).toBe('INVALID_API_KEY');
});

it('sends anything unrouted to the function, which answers a 404 problem (not 403) or a 405 with Allow', async () => {
  const missing = await fetch(`${url}/no/such/path`);
  const wrongMethod = await fetch(`${url}/avatars/png-user`, { method: 'POST' });
  expect(missing.status).toBe(404);
  expect(missing.headers.get('content-type')).toBe('application/problem+json');
  expect(wrongMethod.status).toBe(405);
  expect(wrongMethod.headers.get('allow')).toContain('PUT');
});
