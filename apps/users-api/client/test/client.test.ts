/**
 * What the client puts on the wire, through a recording `fetch`: the URL under the stage, the key on exactly the
 * routes whose OpenAPI `security` asks for it, JSON bodies. How the key routes are read from a document is tested
 * with `generateClientTypes` (tools/cli/test/client-types.test.ts).
 */
import { createUsersApiClient } from '../src/index';

interface Sent {
  method: string;
  url: string;
  key: string | null;
  authorization: string | null;
  contentType: string | null;
  body: string;
}

function recordingFetch(status = 200, body = '{}'): { sent: Sent[]; fetch: (request: Request) => Promise<Response> } {
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
        body: await request.text(),
      });
      return new Response(status === 204 ? null : body, { status, headers: { 'content-type': 'application/json' } });
    },
  };
}

describe('createUsersApiClient', () => {
  it('sends the API key on the key-required routes only', async () => {
    const { sent, fetch } = recordingFetch();
    const users = createUsersApiClient({ baseUrl: 'http://127.0.0.1:3000/dev', apiKey: 'k-123', fetch });
    const id = '0b6f3c5e-8a1d-4c2b-9e7f-1a2b3c4d5e6f';

    await users.GET('/hello');
    await users.GET('/users', { params: { query: { limit: '2' } } });
    await users.POST('/users', { body: { name: 'Ada' } });
    await users.GET('/users/{id}', { params: { path: { id } } });
    await users.DELETE('/users/{id}', { params: { path: { id } } });
    await users.GET('/search', { params: { query: { q: 'ad' } } });

    expect(sent.map(({ method, url, key }) => [method, url, key])).toEqual([
      ['GET', 'http://127.0.0.1:3000/dev/hello', null],
      ['GET', 'http://127.0.0.1:3000/dev/users?limit=2', null],
      ['POST', 'http://127.0.0.1:3000/dev/users', 'k-123'],
      ['GET', `http://127.0.0.1:3000/dev/users/${id}`, null],
      ['DELETE', `http://127.0.0.1:3000/dev/users/${id}`, 'k-123'],
      ['GET', 'http://127.0.0.1:3000/dev/search?q=ad', null],
    ]);
  });

  it('sends the token as Authorization, unprefixed, on the routes that take one only', async () => {
    const { sent, fetch } = recordingFetch();
    const users = createUsersApiClient({ baseUrl: 'http://127.0.0.1:3000/dev', token: 'eyJ.id.token', fetch });
    const id = '0b6f3c5e-8a1d-4c2b-9e7f-1a2b3c4d5e6f';

    await users.GET('/hello');
    await users.GET('/users');
    await users.POST('/users', { body: { name: 'Ada' } });
    await users.GET('/users/{id}', { params: { path: { id } } });
    await users.DELETE('/users/{id}', { params: { path: { id } } });
    await users.GET('/search', { params: { query: { q: 'ad' } } });
    await users.GET('/internal/stats');

    expect(sent.map(({ method, url, authorization }) => [method, new URL(url).pathname, authorization])).toEqual([
      ['GET', '/dev/hello', null],
      ['GET', '/dev/users', null],
      ['POST', '/dev/users', 'eyJ.id.token'],
      ['GET', `/dev/users/${id}`, null],
      ['DELETE', `/dev/users/${id}`, 'eyJ.id.token'],
      ['GET', '/dev/search', null],
      ['GET', '/dev/internal/stats', null],
    ]);
  });

  it('asks a token function before each call that takes a token, and sends nothing when it has none', async () => {
    const { sent, fetch } = recordingFetch(201);
    const answers = ['first', undefined];
    const users = createUsersApiClient({ baseUrl: 'http://127.0.0.1:3000/dev', token: async () => answers.shift(), fetch });

    await users.GET('/hello');
    await users.POST('/users', { body: { name: 'Ada' } });
    await users.POST('/users', { body: { name: 'Grace' } });

    expect(sent.map((s) => s.authorization)).toEqual([null, 'first', null]);
    expect(answers).toEqual([]);
  });

  it('sends no key header when given no key', async () => {
    const { sent, fetch } = recordingFetch(201);
    const users = createUsersApiClient({ baseUrl: 'http://127.0.0.1:3000/dev', fetch });

    await users.POST('/users', { body: { name: 'Ada' } });

    expect(sent[0]).toMatchObject({ method: 'POST', key: null });
  });

  it('sends bodies as JSON and answers the problem body as error', async () => {
    const problem = { type: 'about:blank', title: 'Bad Request', status: 400, detail: 'Invalid body', code: 'VALIDATION_FAILED' };
    const { sent, fetch } = recordingFetch(400, JSON.stringify(problem));
    const users = createUsersApiClient({ baseUrl: 'http://127.0.0.1:3000/dev/', apiKey: 'k', fetch });

    const { data, error } = await users.POST('/users', { body: { name: 'Ada', email: 'ada@example.com' } });

    expect(sent[0]).toMatchObject({ url: 'http://127.0.0.1:3000/dev/users', contentType: 'application/json' });
    expect(JSON.parse(sent[0]!.body)).toEqual({ name: 'Ada', email: 'ada@example.com' });
    expect(data).toBeUndefined();
    expect(error).toEqual(problem);
  });
});
