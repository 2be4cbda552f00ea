/**
 * The package as it is published (`installPacked`: `pnpm pack`'s tarball in a project outside the repository, its
 * one dependency, openapi-fetch, linked from this package's install): imported by plain Node as ESM and type-checked
 * by tsc with Node's own module resolution. Needs `pnpm build` first.
 */
import { installPacked, type PackedProject } from '@portico/cli/testing';
import { join } from 'node:path';

jest.setTimeout(60_000);

let project: PackedProject;
beforeAll(() => {
  project = installPacked(join(__dirname, '..'));
});
afterAll(() => project?.remove());

describe('the packed client', () => {
  it('ships dist only', () => {
    expect(project.files).toEqual([
      'README.md',
      'dist',
      'dist/generated',
      'dist/generated/api-key.d.ts',
      'dist/generated/api-key.js',
      'dist/generated/bearer.d.ts',
      'dist/generated/bearer.js',
      'dist/generated/users-api.d.ts',
      'dist/generated/users-api.js',
      'dist/index.d.ts',
      'dist/index.js',
      'package.json',
    ]);
  });

  it('runs under plain Node as ESM, the key and the token on the routes that take them only', () => {
    const run = project.run(
      'consumer.mjs',
      `import { createUsersApiClient } from '@portico/users-api-client';
const sent = [];
const fetch = async (request) => {
  sent.push([request.method, request.url, request.headers.get('x-api-key'), request.headers.get('authorization')]);
  return new Response('{"id":"1","name":"Ada","createdAt":"2026-01-01T00:00:00.000Z"}', { status: 201, headers: { 'content-type': 'application/json' } });
};
const users = createUsersApiClient({ baseUrl: 'https://api.example.com/prod', apiKey: 'k', token: 't', fetch });
const { data } = await users.POST('/users', { body: { name: 'Ada' } });
await users.GET('/users/{id}', { params: { path: { id: data.id } } });
console.log(JSON.stringify({ sent, data }));
`,
    );

    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      sent: [
        ['POST', 'https://api.example.com/prod/users', 'k', 't'],
        ['GET', 'https://api.example.com/prod/users/1', null, null],
      ],
      data: { id: '1', name: 'Ada', createdAt: '2026-01-01T00:00:00.000Z' },
    });
  });

  it('type-checks a consumer under NodeNext resolution, and rejects a wrong call', () => {
    const errors = project.typecheck(
      'consumer.mts',
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

    // The one error is the wrong call: the package's own types resolve and check.
    expect(errors).toEqual([expect.stringMatching(/^consumer\.mts\(7,\d+\): error TS2322: Type 'number' is not assignable to type 'string'\.$/)]);
  });
});
