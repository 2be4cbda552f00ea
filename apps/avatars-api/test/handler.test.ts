/**
 * The avatars API through its Lambda handler against dynalite: images in and out as bytes, the refusals a client
 * can cause (wrong type, not an image, too large, unknown route or method), conditional requests, the partner the
 * authorizer named recorded on what it stores, and writes that arrive without one refused.
 */
import type { ProxyHandler } from '@portico/http';
import { createProxyEvent, invoke, type InvokeResult, type ProxyEventInit } from '@portico/http/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_AVATAR_BYTES, routes, type AvatarInfo } from '../src/routes';
import { startAvatarsDb, type AvatarsDb } from './support/dynamo';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name));
const PNG = fixture('avatar.png');
const JPEG = fixture('avatar.jpg');

let db: AvatarsDb;
let handler: ProxyHandler;

beforeAll(async () => {
  db = await startAvatarsDb('avatars-handler-test');
  // Imported only now: the handler builds its client at import, from the environment set above.
  ({ handler } = await import('../src/handler'));
});
afterAll(() => db.stop());

/** The caller the partner authorizer lets write, as API Gateway passes its answer. */
const PARTNER = { principalId: 'acme', context: { partnerId: 'acme', partnerName: 'Acme Avatars' } };

const send = (init: ProxyEventInit): Promise<InvokeResult> => invoke(handler, createProxyEvent({ routes, ...init }));
const upload = (userId: string, bytes: Uint8Array, contentType: string) =>
  send({ method: 'PUT', path: `/avatars/${userId}`, body: bytes, headers: { 'Content-Type': contentType }, auth: { lambda: PARTNER } });
const remove = (userId: string) => send({ method: 'DELETE', path: `/avatars/${userId}`, auth: { lambda: PARTNER } });

describe('PUT then GET', () => {
  it.each([
    ['PNG', PNG, 'image/png', 64, 48],
    ['JPEG', JPEG, 'image/jpeg', 40, 30],
  ])('stores a %s and answers the same bytes, base64-encoded for API Gateway to decode', async (_, bytes, type, width, height) => {
    // Arrange
    const userId = `u-${type.split('/')[1]}`;
    // Act
    const put = await upload(userId, bytes, type);
    const got = await send({ path: `/avatars/${userId}` });
    // Assert
    expect(put.statusCode).toBe(201);
    expect(put.json<AvatarInfo>()).toMatchObject({ userId, contentType: type, bytes: bytes.length, width, height, uploadedBy: { partnerId: 'acme', name: 'Acme Avatars' } });
    expect(got.statusCode).toBe(200);
    expect(got.isBase64Encoded).toBe(true);
    expect(got.headers['content-type']).toBe(type);
    expect(Buffer.from(got.body, 'base64').equals(bytes)).toBe(true);
    expect(got.headers.etag).toBe(`"${put.json<AvatarInfo>().etag}"`);
    expect(got.headers['cache-control']).toBe('public, max-age=300');
  });

  it('answers 200 on a replace, then serves the new image', async () => {
    await upload('u-replace', PNG, 'image/png');
    const replaced = await upload('u-replace', JPEG, 'image/jpeg');
    const got = await send({ path: '/avatars/u-replace' });
    expect(replaced.statusCode).toBe(200);
    expect(got.headers['content-type']).toBe('image/jpeg');
    expect(Buffer.from(got.body, 'base64').equals(JPEG)).toBe(true);
  });

  it('answers 304 to a matching If-None-Match, without the bytes', async () => {
    const { etag } = (await upload('u-etag', PNG, 'image/png')).json<AvatarInfo>();
    const again = await send({ path: '/avatars/u-etag', headers: { 'If-None-Match': `"${etag}"` } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(`"${etag}"`);
  });

  it('reports what it stores at /info, as JSON', async () => {
    await upload('u-info', PNG, 'image/png');
    const info = await send({ path: '/avatars/u-info/info' });
    expect(info.statusCode).toBe(200);
    expect(info.json<AvatarInfo>()).toMatchObject({ userId: 'u-info', contentType: 'image/png', width: 64, height: 48 });
  });
});

describe('what a client gets wrong', () => {
  it('refuses another media type with 415', async () => {
    const res = await upload('u-gif', Buffer.from('GIF89a'), 'image/gif');
    expect(res.statusCode).toBe(415);
    expect(res.json<{ code: string }>().code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses bytes that are not the image the Content-Type says, with 400 and nothing stored', async () => {
    for (const [bytes, type] of [[JPEG, 'image/png'], [PNG, 'image/jpeg'], [Buffer.from('not an image at all'), 'image/png'], [PNG.subarray(0, 20), 'image/png']] as const) {
      const res = await upload('u-bad', bytes, type);
      expect([res.statusCode, res.json<{ code: string }>().code]).toEqual([400, 'NOT_AN_IMAGE']);
    }
    expect((await send({ path: '/avatars/u-bad' })).statusCode).toBe(404);
  });

  it('refuses an image wider than 4096 pixels', async () => {
    const res = await upload('u-wide', fixture('wide.png'), 'image/png');
    expect(res.statusCode).toBe(400);
    expect(res.json<{ detail: string }>().detail).toContain('4200x10');
  });

  it('refuses an empty body with 400 and a body over 256 KiB with 413', async () => {
    expect((await upload('u-empty', Buffer.alloc(0), 'image/png')).statusCode).toBe(400);
    const big = Buffer.concat([PNG, Buffer.alloc(MAX_AVATAR_BYTES)]);
    expect((await upload('u-big', big, 'image/png')).statusCode).toBe(413);
  });

  it('answers 404 for a user without an avatar, and for an id that cannot be one', async () => {
    expect((await send({ path: '/avatars/nobody' })).statusCode).toBe(404);
    expect((await send({ path: '/avatars/%F0%9F%98%80' })).statusCode).toBe(404);
  });

  it('deletes once (204), then 404', async () => {
    await upload('u-delete', PNG, 'image/png');
    expect((await remove('u-delete')).statusCode).toBe(204);
    expect((await remove('u-delete')).statusCode).toBe(404);
  });
});

describe('who writes', () => {
  it("records the partner the authorizer named, and the one that replaced it, in the avatar's info", async () => {
    await upload('u-by', PNG, 'image/png');
    const other = { principalId: 'globex', context: { partnerId: 'globex', partnerName: 'Globex' } };
    const replaced = await send({ method: 'PUT', path: '/avatars/u-by', body: JPEG, headers: { 'Content-Type': 'image/jpeg' }, auth: { lambda: other } });
    const info = await send({ path: '/avatars/u-by/info' });
    expect(replaced.json<AvatarInfo>().uploadedBy).toEqual({ partnerId: 'globex', name: 'Globex' });
    expect(info.json<AvatarInfo>().uploadedBy).toEqual({ partnerId: 'globex', name: 'Globex' });
  });

  it('records the principal alone when the context carries no name', async () => {
    const put = await send({ method: 'PUT', path: '/avatars/u-bare', body: PNG, headers: { 'Content-Type': 'image/png' }, auth: { lambda: { principalId: 'bare' } } });
    expect(put.json<AvatarInfo>().uploadedBy).toEqual({ partnerId: 'bare' });
  });

  it('refuses a write that reached the function without the authorizer\'s answer (401), storing and deleting nothing', async () => {
    // Arrange: a direct invoke, or a method whose authorizer was left off
    await upload('u-guarded', PNG, 'image/png');
    const logged = jest.spyOn(console, 'error').mockImplementation(() => {});
    try {
      // Act
      const put = await send({ method: 'PUT', path: '/avatars/u-anonymous', body: PNG, headers: { 'Content-Type': 'image/png' } });
      const del = await send({ method: 'DELETE', path: '/avatars/u-guarded' });
      // Assert
      for (const res of [put, del]) expect([res.statusCode, res.json<{ code: string }>().code]).toEqual([401, 'UNAUTHENTICATED']);
      expect(logged).toHaveBeenCalledTimes(2);
    } finally {
      logged.mockRestore();
    }
    expect((await send({ path: '/avatars/u-anonymous' })).statusCode).toBe(404);
    expect((await send({ path: '/avatars/u-guarded' })).statusCode).toBe(200);
  });
});

describe('the {proxy+} catch-all', () => {
  const caught = (method: string, path: string) =>
    invoke(handler, createProxyEvent({ method, path, resource: '/{proxy+}', pathParameters: { proxy: path.slice(1) } }));

  it('answers an unknown path with a 404 problem, where API Gateway alone would say 403 Missing Authentication Token', async () => {
    const res = await caught('GET', '/nothing/here');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toBe('application/problem+json');
  });

  it('answers a known path with a method it lacks with 405 and Allow', async () => {
    const res = await caught('POST', '/avatars/u1');
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow?.split(', ').sort()).toEqual(['DELETE', 'GET', 'HEAD', 'PUT']);
  });
});
