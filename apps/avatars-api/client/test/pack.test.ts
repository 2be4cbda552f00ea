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
      'dist/generated/authorizers.d.ts',
      'dist/generated/authorizers.js',
      'dist/generated/avatars-api.d.ts',
      'dist/generated/avatars-api.js',
      'dist/index.d.ts',
      'dist/index.js',
      'package.json',
    ]);
  });

  it('runs under plain Node as ESM: bytes up with the key, bytes down without', () => {
    const run = project.run(
      'consumer.mjs',
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
    const errors = project.typecheck(
      'consumer.mts',
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

    // The one error is the wrong call: the package's own types resolve and check.
    expect(errors).toEqual([expect.stringMatching(/^consumer\.mts\(7,\d+\): error TS2345: Argument of type '"image\/gif"' is not assignable to parameter of type '"image\/png" \| "image\/jpeg"'\.$/)]);
  });
});
