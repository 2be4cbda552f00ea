/**
 * What happens to the path between the stage and the resource, and what the answer says about the request: extra
 * slashes after the stage, escapes in literal segments, and the trace id of a Lambda-backed answer.
 */
import { exchange, rawGet } from './raw-http';
import { startTestGateway, type Harness } from './helpers';

describe('the path after the stage', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startTestGateway();
  });
  afterAll(() => h.close());

  it.each(['/test//echo', '/test///echo'])('routes %s to the resource, keeping the slashes in requestContext.path only', async (path) => {
    // Act
    const res = await rawGet(h.url, path);
    // Assert
    expect(res.status).toBe(200);
    const { event } = JSON.parse(res.body);
    expect(event.resource).toBe('/echo');
    expect(event.path).toBe('/echo');
    expect(event.requestContext.path).toBe(path);
  });

  it('routes a literal segment written with escapes to that literal, as the function router does', async () => {
    // Act: /echo has ANY and /echo/{id} GET; "ech%6F" is "echo"
    const literal = await rawGet(h.url, '/test/ech%6F');
    const nested = await rawGet(h.url, '/test/%65cho/7');
    // Assert
    expect(literal.status).toBe(200);
    expect(JSON.parse(literal.body).event).toMatchObject({ resource: '/echo', path: '/ech%6F' });
    expect(JSON.parse(nested.body).event).toMatchObject({ resource: '/echo/{id}', pathParameters: { id: '7' } });
  });

  it('answers HEAD on a GET-only resource with 403 Missing Authentication Token, not with the GET method', async () => {
    // Act: /echo/{id} has GET only
    const res = await exchange(h.url, `HEAD /test/echo/7 HTTP/1.1\r\nHost: ${new URL(h.url).host}\r\nConnection: close`);
    // Assert
    expect(res.status).toBe(403);
    expect(res.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
  });
});

describe('X-Amzn-Trace-Id on the answer', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startTestGateway();
  });
  afterAll(() => h.close());

  it("carries the trace id the function's event carried, on a Lambda-backed answer", async () => {
    // Act
    const res = await rawGet(h.url, '/test/echo');
    // Assert
    const { event } = JSON.parse(res.body);
    const root = /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}/.exec(event.headers['X-Amzn-Trace-Id'])?.[0];
    expect(root).toBeDefined();
    expect(res.headers['x-amzn-trace-id']).toMatch(new RegExp(`^${root}(;|$)`));
  });

  it('is absent from an answer the gateway makes without the function', async () => {
    const res = await rawGet(h.url, '/test/nope');
    expect(res.status).toBe(403);
    expect(res.headers['x-amzn-trace-id']).toBeUndefined();
  });
});
