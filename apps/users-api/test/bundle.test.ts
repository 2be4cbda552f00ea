/**
 * The built artifact, not the source: dist/lambda.zip is unpacked outside the repository (so no node_modules can
 * help it) and run in its own `node` process, which must answer the seed's requests exactly as the source does.
 * Turbo's `test` task depends on `build`; run on its own, this suite builds dist/ first when it is missing.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startBundleProcess, type BundleProcess } from './support/bundle-process';
import { startLocalDynamo, type LocalDynamo } from './support/dynalite';
import { seedRequestSuite } from './support/seed-suite';
import { readZip, type ZipFileEntry } from './support/zip';

const PACKAGE_DIR = resolve(__dirname, '..');
const DIST = join(PACKAGE_DIR, 'dist');

let dynamo: LocalDynamo;
let bundle: BundleProcess;
let unpacked: string;
let entries: ZipFileEntry[];

beforeAll(async () => {
  if (!existsSync(join(DIST, 'build-meta.json')) || !existsSync(join(DIST, 'openapi.json'))) {
    execFileSync(process.execPath, [join(PACKAGE_DIR, '..', '..', 'tools', 'cli', 'bin', 'portico.mjs'), 'build'], {
      cwd: PACKAGE_DIR,
      stdio: 'inherit',
    });
  }
  dynamo = await startLocalDynamo('users-bundle-test');
  entries = await readZip(await readFile(join(DIST, 'lambda.zip')));
  unpacked = await mkdtemp(join(tmpdir(), 'users-api-zip-'));
  for (const entry of entries) await writeFile(join(unpacked, entry.name), entry.data);
  const env = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    USERS_TABLE: dynamo.tableName,
  };
  bundle = startBundleProcess(join(unpacked, 'handler.mjs'), env);
}, 60_000);

afterAll(async () => {
  await bundle?.stop();
  await dynamo?.stop();
  if (unpacked) await rm(unpacked, { recursive: true, force: true });
});

describe('dist/lambda.zip', () => {
  it('holds exactly the bundle and its source map, byte for byte what dist/ has', async () => {
    expect(entries.map((e) => e.name)).toEqual(['handler.mjs', 'handler.mjs.map']);
    expect(entries[0]!.data.equals(await readFile(join(DIST, 'handler.mjs')))).toBe(true);
  });

  it('is described by build-meta.json for infra', async () => {
    const zip = await readFile(join(DIST, 'lambda.zip'));

    const meta = JSON.parse(await readFile(join(DIST, 'build-meta.json'), 'utf8'));

    expect(meta).toMatchObject({
      handler: 'handler.handler',
      zip: 'lambda.zip',
      runtime: 'nodejs22.x',
      bytes: zip.length,
      sha256: createHash('sha256').update(zip).digest('hex'),
      sourceCodeHash: createHash('sha256').update(zip).digest('base64'),
    });
  });
});

describe('dist/openapi.json', () => {
  it('documents every route of the table, with what each asks of its caller', async () => {
    const doc = JSON.parse(await readFile(join(DIST, 'openapi.json'), 'utf8'));

    const operations = Object.entries(doc.paths as Record<string, Record<string, { operationId: string; security?: Array<Record<string, string[]>> }>>).flatMap(
      ([path, item]) =>
        Object.entries(item).map(([method, op]) => {
          const schemes = (op.security ?? []).flatMap((requirement) => Object.keys(requirement));
          return `${method.toUpperCase()} ${path} ${op.operationId}${schemes.length ? ` (${schemes.sort().join(' + ')})` : ''}`;
        }),
    );
    expect(doc.openapi).toBe('3.0.3');
    expect(operations.sort()).toEqual([
      'DELETE /users/{id} deleteUser (apiKey + cognito)',
      'GET /hello hello',
      'GET /internal/stats getStats (sigv4)',
      'GET /search searchUsers',
      'GET /users listUsers',
      'GET /users/{id} getUser',
      'POST /users createUser (apiKey + cognito)',
    ]);
    expect(doc.components.securitySchemes).toMatchObject({
      cognito: { type: 'http', scheme: 'bearer' },
      sigv4: { type: 'apiKey', in: 'header', name: 'Authorization', 'x-amazon-apigateway-authtype': 'awsSigv4' },
    });
  });
});

describe('the seed requests, through the bundle unpacked from dist/lambda.zip', () => {
  seedRequestSuite(() => (event) => bundle.call(event));
});
