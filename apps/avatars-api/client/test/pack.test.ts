/**
 * The package as it is published: `pnpm pack`'s tarball, unpacked into a project outside the repository (its one
 * dependency, openapi-fetch, linked from this package's install), imported by plain Node as ESM and type-checked
 * by tsc with Node's own module resolution. Catches what the workspace hides: a missing file, an `exports` or
 * `types` entry that points nowhere, an import without the `.js` Node's ESM needs. Needs `pnpm build` first.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

jest.setTimeout(60_000);

const PACKAGE_DIR = join(__dirname, '..');
const TSC = require.resolve('typescript/lib/tsc.js');
const project = mkdtempSync(join(tmpdir(), 'portico-client-pack-'));

beforeAll(() => {
  const packDir = join(project, 'pack');
  execFileSync('pnpm', ['pack', '--pack-destination', packDir], { cwd: PACKAGE_DIR, stdio: 'pipe' });
  const tarball = join(packDir, readdirSync(packDir)[0]!);
  const installed = join(project, 'node_modules', '@portico', 'avatars-api-client');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['xzf', tarball, '-C', installed, '--strip-components=1']);
  symlinkSync(realpathSync(join(PACKAGE_DIR, 'node_modules', 'openapi-fetch')), join(project, 'node_modules', 'openapi-fetch'), 'dir');
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
});

afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('the packed client', () => {
  it('ships dist only', () => {
    const files = readdirSync(join(project, 'node_modules', '@portico', 'avatars-api-client'), { recursive: true }).map(String).sort();

    expect(files).toEqual([
      'README.md',
      'dist',
      'dist/generated',
      'dist/generated/api-key.d.ts',
      'dist/generated/api-key.js',
      'dist/generated/avatars-api.d.ts',
      'dist/generated/avatars-api.js',
      'dist/index.d.ts',
      'dist/index.js',
      'package.json',
    ]);
  });

  it('runs under plain Node as ESM: bytes up with the key, bytes down without', () => {
    writeFileSync(
      join(project, 'consumer.mjs'),
      `import { createAvatarsApiClient } from '@portico/avatars-api-client';
const sent = [];
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
const fetch = async (request) => {
  sent.push([request.method, request.url, request.headers.get('x-api-key'), request.headers.get('content-type'), [...new Uint8Array(await request.arrayBuffer())]]);
  return request.method === 'PUT'
    ? new Response('{"userId":"u1","contentType":"image/png"}', { status: 201, headers: { 'content-type': 'application/json' } })
    : new Response(png, { status: 200, headers: { 'content-type': 'image/png' } });
};
const avatars = createAvatarsApiClient({ baseUrl: 'https://api.example.com/prod', apiKey: 'k', fetch });
const put = await avatars.putAvatar('u1', png, 'image/png');
const got = await avatars.getAvatar('u1');
console.log(JSON.stringify({ sent, put: put.data, got: [...got.data.bytes], type: got.data.contentType }));
`,
    );

    const run = spawnSync(process.execPath, ['consumer.mjs'], { cwd: project, encoding: 'utf8' });

    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      sent: [
        ['PUT', 'https://api.example.com/prod/avatars/u1', 'k', 'image/png', [0x89, 0x50, 0x4e, 0x47]],
        ['GET', 'https://api.example.com/prod/avatars/u1', null, null, []],
      ],
      put: { userId: 'u1', contentType: 'image/png' },
      got: [0x89, 0x50, 0x4e, 0x47],
      type: 'image/png',
    });
  });

  it('type-checks a consumer under NodeNext resolution, and rejects a wrong call', () => {
    writeFileSync(
      join(project, 'consumer.mts'),
      `import { createAvatarsApiClient, type AvatarInfo } from '@portico/avatars-api-client';
const avatars = createAvatarsApiClient({ baseUrl: 'https://api.example.com/prod' });
export async function info(userId: string): Promise<AvatarInfo | undefined> {
  return (await avatars.GET('/avatars/{userId}/info', { params: { path: { userId } } })).data;
}
export async function wrong(bytes: Uint8Array): Promise<void> {
  await avatars.putAvatar('u1', bytes, 'image/gif');
}
`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', lib: ['ES2023', 'DOM'], types: [], noEmit: true, skipLibCheck: true },
        files: ['consumer.mts'],
      }),
    );

    const check = spawnSync(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8' });

    // The one error is the wrong call: the package's own types resolve and check.
    expect(check.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^consumer\.mts\(7,\d+\): error TS2345: Argument of type '"image\/gif"' is not assignable to parameter of type '"image\/png" \| "image\/jpeg"'\.$/)]);
  });
});
