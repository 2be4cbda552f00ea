/**
 * What the client puts on the wire and how it reads answers, through a recording `fetch`: the URL under the stage,
 * the key on exactly the routes whose OpenAPI `security` asks for it, image bytes sent and read as they are.
 */
import { createAvatarsApiClient } from '../src/index';

interface Sent {
  method: string;
  url: string;
  key: string | null;
  authorization: string | null;
  contentType: string | null;
  accept: string | null;
  body: Buffer;
}

type Answer = { status: number; body?: string | Uint8Array<ArrayBuffer>; headers?: Record<string, string> };

function recordingFetch(answer: Answer = { status: 200, body: '{}', headers: { 'content-type': 'application/json' } }): { sent: Sent[]; fetch: (request: Request) => Promise<Response> } {
  const sent: Sent[] = [];
  return {
    sent,
    fetch: async (request) => {
      sent.push({
        method: request.method,
        url: request.url,
        key: request.headers.get('x-api-key'),
        authorization: request.headers.get('authorization'),
        contentType: request.headers.get('content-type'),
        accept: request.headers.get('accept'),
        body: Buffer.from(await request.arrayBuffer()),
      });
      return new Response(answer.status === 204 ? null : (answer.body ?? null), { status: answer.status, headers: answer.headers });
    },
  };
}

const PNG = new Uint8Array(Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
const BASE = 'http://127.0.0.1:3001/dev';

describe('createAvatarsApiClient', () => {
  it('sends the API key on the key-required routes only', async () => {
    const { sent, fetch } = recordingFetch();
    const avatars = createAvatarsApiClient({ baseUrl: BASE, apiKey: 'k-123', fetch });

    await avatars.getAvatar('u1');
    await avatars.GET('/avatars/{userId}/info', { params: { path: { userId: 'u1' } } });
    await avatars.putAvatar('u1', PNG, 'image/png');
    await avatars.DELETE('/avatars/{userId}', { params: { path: { userId: 'u1' } } });

    expect(sent.map(({ method, url, key }) => [method, url, key])).toEqual([
      ['GET', `${BASE}/avatars/u1`, null],
      ['GET', `${BASE}/avatars/u1/info`, null],
      ['PUT', `${BASE}/avatars/u1`, 'k-123'],
      ['DELETE', `${BASE}/avatars/u1`, 'k-123'],
    ]);
  });

  it("sends the partner's token as a Bearer credential on the routes the partner authorizer guards, and on no other", async () => {
    const { sent, fetch } = recordingFetch();
    const token = `ptk_${'A'.repeat(43)}`;
    const avatars = createAvatarsApiClient({ baseUrl: BASE, apiKey: 'k-123', partnerToken: token, fetch });

    await avatars.getAvatar('u1');
    await avatars.GET('/avatars/{userId}/info', { params: { path: { userId: 'u1' } } });
    await avatars.putAvatar('u1', PNG, 'image/png');
    await avatars.DELETE('/avatars/{userId}', { params: { path: { userId: 'u1' } } });

    expect(sent.map(({ method, authorization, key }) => [method, authorization, key])).toEqual([
      ['GET', null, null],
      ['GET', null, null],
      ['PUT', `Bearer ${token}`, 'k-123'],
      ['DELETE', `Bearer ${token}`, 'k-123'],
    ]);
  });

  it('uploads the bytes as they are, with their Content-Type, and answers the info', async () => {
    const info = { userId: 'u1', contentType: 'image/png', bytes: 16, width: 1, height: 1, etag: 'ab', updatedAt: '2026-12-07T00:00:00.000Z' };
    const { sent, fetch } = recordingFetch({ status: 201, body: JSON.stringify(info), headers: { 'content-type': 'application/json' } });
    const avatars = createAvatarsApiClient({ baseUrl: BASE, apiKey: 'k', fetch });

    const { data, error, response } = await avatars.putAvatar('u1', PNG, 'image/png');

    expect(sent[0]).toMatchObject({ method: 'PUT', contentType: 'image/png' });
    expect(sent[0]!.body.equals(PNG)).toBe(true);
    expect(error).toBeUndefined();
    expect(response.status).toBe(201);
    expect(data).toEqual(info);
  });

  it('takes an ArrayBuffer as well', async () => {
    const { sent, fetch } = recordingFetch({ status: 200, body: '{}', headers: { 'content-type': 'application/json' } });
    const avatars = createAvatarsApiClient({ baseUrl: BASE, fetch });

    await avatars.putAvatar('u1', PNG.buffer.slice(0), 'image/jpeg');

    expect(sent[0]).toMatchObject({ contentType: 'image/jpeg' });
    expect(sent[0]!.body.equals(PNG)).toBe(true);
  });

  it('downloads asking for an image, and answers the bytes, their type and the ETag', async () => {
    const { sent, fetch } = recordingFetch({ status: 200, body: PNG, headers: { 'content-type': 'image/png', etag: '"ab"' } });
    const avatars = createAvatarsApiClient({ baseUrl: BASE, fetch });

    const { data, error } = await avatars.getAvatar('a/b');

    expect(sent[0]).toMatchObject({ url: `${BASE}/avatars/a%2Fb`, accept: 'image/*' });
    expect(error).toBeUndefined();
    expect(Buffer.from(data!.bytes).equals(PNG)).toBe(true);
    expect(data).toMatchObject({ contentType: 'image/png', etag: '"ab"' });
  });

  it('answers a problem body as error, and no error body as undefined', async () => {
    const problem = { type: 'about:blank', title: 'Not Found', status: 404, detail: 'No avatar for u1', code: 'NOT_FOUND' };
    const avatars = createAvatarsApiClient({
      baseUrl: BASE,
      fetch: recordingFetch({ status: 404, body: JSON.stringify(problem), headers: { 'content-type': 'application/problem+json' } }).fetch,
    });
    const bare = createAvatarsApiClient({ baseUrl: BASE, fetch: recordingFetch({ status: 502, body: '' }).fetch });

    const missing = await avatars.getAvatar('u1');
    const failed = await bare.putAvatar('u1', PNG, 'image/png');

    expect(missing.data).toBeUndefined();
    expect(missing.error).toEqual(problem);
    expect(missing.response.status).toBe(404);
    expect(failed.data).toBeUndefined();
    expect(failed.error).toBeUndefined();
    expect(failed.response.status).toBe(502);
  });
});
