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
  const installed = join(project, 'node_modules', '@portico', 'users-api-client');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['xzf', tarball, '-C', installed, '--strip-components=1']);
  symlinkSync(realpathSync(join(PACKAGE_DIR, 'node_modules', 'openapi-fetch')), join(project, 'node_modules', 'openapi-fetch'), 'dir');
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
});

afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('the packed client', () => {
  it('ships dist only', () => {
    const files = readdirSync(join(project, 'node_modules', '@portico', 'users-api-client'), { recursive: true }).map(String).sort();

    expect(files).toEqual([
      'README.md',
      'dist',
      'dist/generated',
      'dist/generated/api-key.d.ts',
      'dist/generated/api-key.js',
      'dist/generated/users-api.d.ts',
      'dist/generated/users-api.js',
      'dist/index.d.ts',
      'dist/index.js',
      'package.json',
    ]);
  });

  it('runs under plain Node as ESM, the key on key-required routes only', () => {
    writeFileSync(
      join(project, 'consumer.mjs'),
      `import { createUsersApiClient } from '@portico/users-api-client';
const sent = [];
const fetch = async (request) => {
  sent.push([request.method, request.url, request.headers.get('x-api-key')]);
  return new Response('{"id":"1","name":"Ada","createdAt":"2026-01-01T00:00:00.000Z"}', { status: 201, headers: { 'content-type': 'application/json' } });
};
const users = createUsersApiClient({ baseUrl: 'https://api.example.com/prod', apiKey: 'k', fetch });
const { data } = await users.POST('/users', { body: { name: 'Ada' } });
await users.GET('/users/{id}', { params: { path: { id: data.id } } });
console.log(JSON.stringify({ sent, data }));
`,
    );

    const run = spawnSync(process.execPath, ['consumer.mjs'], { cwd: project, encoding: 'utf8' });

    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      sent: [
        ['POST', 'https://api.example.com/prod/users', 'k'],
        ['GET', 'https://api.example.com/prod/users/1', null],
      ],
      data: { id: '1', name: 'Ada', createdAt: '2026-01-01T00:00:00.000Z' },
    });
  });

  it('type-checks a consumer under NodeNext resolution, and rejects a wrong call', () => {
    writeFileSync(
      join(project, 'consumer.mts'),
      `import { createUsersApiClient, type User } from '@portico/users-api-client';
const users = createUsersApiClient({ baseUrl: 'https://api.example.com/prod' });
export async function get(id: string): Promise<User | undefined> {
  return (await users.GET('/users/{id}', { params: { path: { id } } })).data;
}
export async function wrong(): Promise<void> {
  await users.GET('/users', { params: { query: { limit: 10 } } });
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
    expect(check.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^consumer\.mts\(7,\d+\): error TS2322: Type 'number' is not assignable to type 'string'\.$/)]);
  });
});
