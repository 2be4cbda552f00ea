/**
 * Type tests: `pnpm typecheck` (tsc over test/) compiles this file and never runs it. Each `@ts-expect-error` is a
 * call the client must reject; if the types stop catching one, the directive is unused and tsc fails. The assignments
 * below them pin what a call answers, and that it is no `any` (an `any` would accept the mismatches marked as errors).
 */
import { createAvatarsApiClient, type Avatar, type AvatarInfo, type AvatarType, type Problem } from '../src/index';

const avatars = createAvatarsApiClient({ baseUrl: 'http://127.0.0.1:3001/dev', apiKey: 'key' });
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);

export async function callsTheClientRejects(): Promise<void> {
  // @ts-expect-error an image type the API does not take
  await avatars.putAvatar('u1', png, 'image/gif');
  // @ts-expect-error the body is bytes, not text
  await avatars.putAvatar('u1', 'iVBORw0KGgo=', 'image/png');
  // @ts-expect-error the content type is required: the bytes alone do not say what they are
  await avatars.putAvatar('u1', png);
  // @ts-expect-error the user id is required
  await avatars.getAvatar();
  // @ts-expect-error a path the API does not have
  await avatars.GET('/avatar/{userId}', { params: { path: { userId: 'u1' } } });
  // @ts-expect-error a method the path does not have
  await avatars.POST('/avatars/{userId}', { params: { path: { userId: 'u1' } } });
  // @ts-expect-error the path parameter is required
  await avatars.GET('/avatars/{userId}/info');
  // @ts-expect-error a path parameter the route does not have
  await avatars.GET('/avatars/{userId}/info', { params: { path: { id: 'u1' } } });
  // @ts-expect-error the document declares no request body for the upload: send bytes with putAvatar
  await avatars.PUT('/avatars/{userId}', { params: { path: { userId: 'u1' } }, body: png });
  // @ts-expect-error the key is an option of the client, not of a call
  createAvatarsApiClient({ baseUrl: 'http://127.0.0.1:3001/dev', apiKey: 42 });
  // @ts-expect-error the partner token is the ptk_… string, not a number
  createAvatarsApiClient({ baseUrl: 'http://127.0.0.1:3001/dev', partnerToken: 42 });
}

export async function whatCallsAnswer(): Promise<void> {
  const put = await avatars.putAvatar('u1', png, 'image/png');
  if (put.error !== undefined || put.data === undefined) {
    const problem: Problem | undefined = put.error;
    const code: string | undefined = put.error?.code;
    // @ts-expect-error the error is a problem, not the avatar's info
    const notInfo: AvatarInfo = put.error!;
    void [problem, code, notInfo];
    return;
  }
  const info: AvatarInfo = put.data;
  const type: 'image/png' | 'image/jpeg' = put.data.contentType;
  // @ts-expect-error `bytes` is a number
  const size: string = put.data.bytes;

  const got = await avatars.getAvatar(info.userId);
  const avatar: Avatar | undefined = got.data;
  const bytes: Uint8Array | undefined = got.data?.bytes;
  const contentType: AvatarType | undefined = got.data?.contentType;
  // @ts-expect-error the image comes as bytes, not as a string
  const text: string | undefined = got.data?.bytes;
  const missing: Problem | undefined = got.error;

  const read = await avatars.GET('/avatars/{userId}/info', { params: { path: { userId: info.userId } } });
  const maybeInfo: AvatarInfo | undefined = read.data;
  // @ts-expect-error `width` is a number
  const width: string | undefined = read.data?.width;

  const deleted = await avatars.DELETE('/avatars/{userId}', { params: { path: { userId: info.userId } } });
  // 204: no body to read.
  // @ts-expect-error nothing to read from a 204
  const deletedId: string | undefined = deleted.data?.userId;
  void [type, size, avatar, bytes, contentType, text, missing, maybeInfo, width, deletedId];
}
