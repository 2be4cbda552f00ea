/**
 * The client against `pnpm dev`: avatars-api served by `startDev` (its watch build, its dev stack, dynalite, the local
 * gateway with the stack's binary media types) on a free port with private data and work folders, in a process of its
 * own (`startDevProcess`), and every route called through `createAvatarsApiClient`: bytes up, the same bytes down.
 * Needs the apps built (`pnpm build`): the client's types come from avatars-api's build.
 */
import { startDevProcess, type DevProcess } from '@portico/cli/testing';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAvatarsApiClient, type AvatarsApiClient, type AvatarType } from '../src/index';

jest.setTimeout(120_000);

const FIXTURES = join(__dirname, '..', '..', 'test', 'fixtures');
const PNG = readFileSync(join(FIXTURES, 'avatar.png'));
const JPEG = readFileSync(join(FIXTURES, 'avatar.jpg'));
/** The user `pnpm dev` seeds an avatar for (apps/avatars-api/src/seed.ts: the users API's seeded Alice). */
const SEEDED_USER = '0b6f3c5e-8a1d-4c2b-9e7f-1a2b3c4d5e6f';
/** The partner token `pnpm dev` seeds and prints (apps/avatars-api/src/seed.ts, DEV_PARTNER_TOKEN). */
const DEV_PARTNER_TOKEN = 'ptk_DEV-ONLY-avatars-partner-token-not-a-secret';

let dev: DevProcess | undefined;
let baseUrl: string;
let apiKey: string;
let avatars: AvatarsApiClient;

beforeAll(async () => {
  dev = await startDevProcess(['avatars-api']);
  baseUrl = dev.apis[0]!.url;
  apiKey = dev.apis[0]!.apiKeys[0]!;
  avatars = createAvatarsApiClient({ baseUrl, apiKey, partnerToken: DEV_PARTNER_TOKEN });
});

afterAll(() => dev?.stop());

describe('the avatars API through its client, served by pnpm dev', () => {
  it('uploads a PNG with the key and the seeded partner token, downloads the same bytes, and reads its info', async () => {
    const userId = randomUUID();

    const put = await avatars.putAvatar(userId, PNG, 'image/png');
    expect(put.error).toBeUndefined();
    expect(put.response.status).toBe(201);
    expect(put.data).toEqual({ userId, contentType: 'image/png', bytes: PNG.length, width: 64, height: 48, etag: expect.stringMatching(/^[0-9a-f]{64}$/), updatedAt: expect.any(String), uploadedBy: { partnerId: 'dev-partner', name: 'Dev Partner' } });

    const got = await avatars.getAvatar(userId);
    expect(got.error).toBeUndefined();
    expect(got.response.status).toBe(200);
    expect(Buffer.from(got.data!.bytes).equals(PNG)).toBe(true);
    expect(got.data!.contentType).toBe('image/png');
    expect(got.data!.etag).toBe(`"${put.data!.etag}"`);

    const info = await avatars.GET('/avatars/{userId}/info', { params: { path: { userId } } });
    expect(info.response.status).toBe(200);
    expect(info.data).toEqual(put.data);
  });

  it('replaces an avatar (200), the new bytes and type coming back', async () => {
    const userId = randomUUID();
    await avatars.putAvatar(userId, PNG, 'image/png');

    const replaced = await avatars.putAvatar(userId, JPEG, 'image/jpeg');

    expect(replaced.response.status).toBe(200);
    expect(replaced.data).toMatchObject({ userId, contentType: 'image/jpeg', bytes: JPEG.length, width: 40, height: 30 });
    const got = await avatars.getAvatar(userId);
    expect(got.data!.contentType).toBe('image/jpeg');
    expect(Buffer.from(got.data!.bytes).equals(JPEG)).toBe(true);
  });

  it('reads the avatar pnpm dev seeded', async () => {
    const { data, response } = await avatars.getAvatar(SEEDED_USER);
    const info = await avatars.GET('/avatars/{userId}/info', { params: { path: { userId: SEEDED_USER } } });

    expect(response.status).toBe(200);
    expect(data!.contentType).toBe('image/png');
    expect(data!.bytes.length).toBe(info.data!.bytes);
    expect([...data!.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it('deletes with the key; the avatar is then a 404 problem, bytes and info alike', async () => {
    const userId = randomUUID();
    await avatars.putAvatar(userId, PNG, 'image/png');

    const deleted = await avatars.DELETE('/avatars/{userId}', { params: { path: { userId } } });
    expect(deleted.error).toBeUndefined();
    expect(deleted.response.status).toBe(204);

    const got = await avatars.getAvatar(userId);
    expect(got.data).toBeUndefined();
    expect(got.response.status).toBe(404);
    expect(got.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(got.error).toMatchObject({ type: expect.any(String), title: 'Not Found', status: 404, code: 'NOT_FOUND', detail: `No avatar for ${userId}` });
    const info = await avatars.GET('/avatars/{userId}/info', { params: { path: { userId } } });
    expect(info.response.status).toBe(404);
    expect(info.error).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('answers a 415 problem for an image type the API does not take, and stores nothing', async () => {
    const userId = randomUUID();

    // A caller without the types (plain JavaScript) can send any type; the API refuses it.
    const put = await avatars.putAvatar(userId, Buffer.from('GIF89a\x01\x00\x01\x00'), 'image/gif' as AvatarType);

    expect(put.data).toBeUndefined();
    expect(put.response.status).toBe(415);
    expect(put.error).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'Send the image as image/png or image/jpeg, with its Content-Type' });
    expect((await avatars.getAvatar(userId)).response.status).toBe(404);
  });

  it('answers a 400 problem for bytes that are not the image their type says', async () => {
    const { error, response } = await avatars.putAvatar(randomUUID(), JPEG, 'image/png');

    expect(response.status).toBe(400);
    expect(error).toMatchObject({ status: 400, code: 'NOT_AN_IMAGE' });
  });

  it('without a partner token, an upload is refused 401 by the gateway, in the same problem format', async () => {
    const tokenless = createAvatarsApiClient({ baseUrl, apiKey });

    const { data, error, response } = await tokenless.putAvatar(randomUUID(), PNG, 'image/png');

    expect(data).toBeUndefined();
    expect(response.status).toBe(401);
    expect(error).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
  });

  it('without a key, an upload with a partner token is refused by the gateway, in the same problem format', async () => {
    const keyless = createAvatarsApiClient({ baseUrl, partnerToken: DEV_PARTNER_TOKEN });

    const { data, error, response } = await keyless.putAvatar(randomUUID(), PNG, 'image/png');

    expect(data).toBeUndefined();
    expect(response.status).toBe(403);
    expect(error).toMatchObject({ status: 403, title: 'Forbidden', code: 'INVALID_API_KEY' });
  });
});
