/**
 * `portico build` on a tiny app: the bundle runs as Lambda runs it, the zip is byte-for-byte reproducible in any time
 * zone, and build-meta.json / openapi.json say what infra and clients need.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { routes } from './fixtures/tiny-api/src/routes';
import { buildApp, deterministicZip, devPorts, type BuildMeta } from '../src/index';

const APP = resolve(__dirname, 'fixtures', 'tiny-api');
const API = { name: 'tiny-api', routes: Object.values(routes), buildMeta: 'dist/build-meta.json', stages: {} };
const scratch: string[] = [];
const temp = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'portico-build-'));
  scratch.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe('buildApp', () => {
  let outdir: string;
  let meta: BuildMeta;
  beforeAll(async () => {
    outdir = temp();
    ({ meta } = await buildApp(API, APP, { outdir }));
  });

  it('writes a bundle whose handler answers a proxy event, run by a plain node as Lambda runs it', () => {
    // Outside the repository's module resolution: the bundle must carry everything it needs.
    const event = { httpMethod: 'GET', path: '/ping', resource: '/ping', headers: {}, requestContext: { requestId: 'r1' } };
    const script = `const { handler } = await import(${JSON.stringify(pathToFileURL(join(outdir, meta.bundle.file)).href)}); console.log(JSON.stringify(await handler(${JSON.stringify(event)})));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: tmpdir(), encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const res = JSON.parse(run.stdout) as { statusCode: number; body: string };
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ pong: true });
  });

  it('describes the build for infra: handler, zip, and the hashes Lambda and Terraform compare', () => {
    const written = JSON.parse(readFileSync(join(outdir, 'build-meta.json'), 'utf8')) as BuildMeta;
    expect(written).toEqual(meta);
    expect(meta).toMatchObject({ handler: 'handler.handler', zip: 'lambda.zip', runtime: 'nodejs22.x' });
    expect(meta.sourceCodeHash).toBe(Buffer.from(meta.sha256, 'hex').toString('base64'));
  });

  it('writes the OpenAPI document of the route table', () => {
    const doc = JSON.parse(readFileSync(join(outdir, 'openapi.json'), 'utf8')) as { paths: Record<string, unknown>; info: { title: string } };
    expect(Object.keys(doc.paths)).toEqual(['/ping']);
    expect(doc.info.title).toBe('tiny-api');
  });

  it('builds the same zip bytes twice', async () => {
    const again = temp();
    const second = await buildApp(API, APP, { outdir: again });
    expect(second.meta.sha256).toBe(meta.sha256);
  });
});

describe('deterministicZip', () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    process.env.TZ = originalTz;
  });

  it('gives the same bytes in every time zone', async () => {
    const file = join(APP, 'src', 'routes.ts');
    process.env.TZ = 'UTC';
    const utc = await deterministicZip([file]);
    process.env.TZ = 'Pacific/Auckland';
    expect((await deterministicZip([file])).equals(utc)).toBe(true);
  });
});

describe('devPorts', () => {
  const api = (port?: number) => ({ name: 'x', routes: [], buildMeta: '', stages: {}, ...(port ? { dev: { port } } : {}) });

  it('keeps declared ports, else 3000 + the index', () => {
    expect(devPorts([api(3000), api(), api(3010)])).toEqual([3000, 3001, 3010]);
  });

  it('shifts them all with PORT, keeping their offsets; PORT=0 gives every API a free port', () => {
    expect(devPorts([api(3000), api(3001)], 4000)).toEqual([4000, 4001]);
    expect(devPorts([api(3000), api(3001)], 0)).toEqual([0, 0]);
  });
});
