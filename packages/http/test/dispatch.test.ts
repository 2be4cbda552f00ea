/**
 * The app core and its Lambda edge: dispatch on the route API Gateway already matched (resource + pathParameters),
 * fall back to routing the path for bare events, and answer transport-neutral requests without any Lambda shape.
 */
import {
  createApp,
  defineRoute,
  fromProxyEvent,
  handle,
  HeaderMap,
  json,
  NotFoundError,
  type InboundRequest,
  type LogEntry,
  type PorticoRequest,
} from '../src/index';
import { createProxyEvent, invoke } from '../src/testing';

const routes = {
  getUser: defineRoute({ method: 'GET', path: '/users/{id}' }),
  deleteUser: defineRoute({ method: 'DELETE', path: '/users/{id}' }),
  file: defineRoute({ method: 'ANY', path: '/files/{path+}' }),
  hello: defineRoute({ method: 'GET', path: '/hello' }),
};

function usersApp() {
  const seen: PorticoRequest[] = [];
  const logged: LogEntry[] = [];
  const app = createApp({ logger: { error: (entry) => logged.push(entry) } });
  const echo = (req: PorticoRequest) => {
    seen.push(req);
    return json({ resource: req.resource, params: req.params });
  };
  app.handle(routes.getUser, echo);
  app.handle(routes.deleteUser, echo);
  app.handle(routes.file, echo);
  app.handle(routes.hello, echo);
  return { app, handler: handle(app), seen, logged };
}

describe('dispatch on the resource API Gateway matched', () => {
  it('answers through a custom domain base path, where event.path carries a prefix the resource does not', async () => {
    // Arrange: API Gateway passes the mapped path (/v1/users/42) but the resource it matched (/users/{id}).
    const { handler } = usersApp();
    const event = createProxyEvent({ path: '/v1/users/42', resource: '/users/{id}', pathParameters: { id: '42' } });

    // Act
    const res = await invoke(handler, event);

    // Assert
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ resource: '/users/{id}', params: { id: '42' } });
  });

  it('decodes the percent-encoded path parameters once', async () => {
    const { handler } = usersApp();

    const res = await invoke(handler, { path: '/users/J%C3%BCrgen%252F', routes });
    const greedy = await invoke(handler, { method: 'PUT', path: '/files/a%20b/c%2Fd', routes });

    expect(res.json()).toEqual({ resource: '/users/{id}', params: { id: 'Jürgen%2F' } });
    expect(greedy.json()).toEqual({ resource: '/files/{path+}', params: { path: 'a b/c/d' } });
  });

  it('answers 400 problem for a malformed escape in a path parameter', async () => {
    const { handler, logged } = usersApp();

    const res = await invoke(handler, createProxyEvent({ path: '/users/%E0%A4%A', resource: '/users/{id}', pathParameters: { id: '%E0%A4%A' } }));

    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.json()).toMatchObject({ status: 400, code: 'MALFORMED_PATH', detail: 'Path parameter "id" has a malformed percent-escape' });
    expect(logged).toEqual([]);
  });

  it('answers 405 with the resource methods in Allow, and HEAD with the GET route without a body', async () => {
    const { handler } = usersApp();

    const put = await invoke(handler, { method: 'PUT', path: '/users/1', routes });
    const head = await invoke(handler, { method: 'HEAD', path: '/users/1', routes });

    expect(put.statusCode).toBe(405);
    expect(put.headers.allow).toBe('GET, DELETE, HEAD');
    expect(put.json()).toMatchObject({ code: 'METHOD_NOT_ALLOWED' });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
  });

  it('routes the path when the resource is not one of the app routes, e.g. ANY /{proxy+}', async () => {
    const { handler } = usersApp();

    const res = await invoke(handler, createProxyEvent({ path: '/users/7', resource: '/{proxy+}', pathParameters: { proxy: 'users/7' } }));
    const missing = await invoke(handler, createProxyEvent({ path: '/nope', resource: '/{proxy+}', pathParameters: { proxy: 'nope' } }));

    expect(res.json()).toEqual({ resource: '/users/{id}', params: { id: '7' } });
    expect(missing.statusCode).toBe(404);
  });

  it('routes the path when a hand-written event names a resource without its parameters', async () => {
    const { handler } = usersApp();

    const res = await invoke(handler, { path: '/users/8', resource: '/users/{id}', pathParameters: {} });

    expect(res.json()).toEqual({ resource: '/users/{id}', params: { id: '8' } });
  });
});

describe('the transport-neutral core', () => {
  function inbound(init: Partial<InboundRequest> & Pick<InboundRequest, 'method' | 'path'>): InboundRequest {
    return {
      headers: new HeaderMap({}),
      query: Object.create(null),
      multiQuery: Object.create(null),
      body: undefined,
      requestId: 'req-1',
      stage: '',
      sourceIp: '127.0.0.1',
      ...init,
    };
  }

  it('answers a request no Lambda event ever saw, routing its path', async () => {
    const { app, seen } = usersApp();

    const res = await app.dispatch(inbound({ method: 'GET', path: '/users/a%20b', query: { x: '1' } }));

    expect(res).toMatchObject({ statusCode: 200, headers: { 'content-type': 'application/json' } });
    expect(JSON.parse(res.body)).toEqual({ resource: '/users/{id}', params: { id: 'a b' } });
    expect(seen[0]).toMatchObject({ method: 'GET', path: '/users/a b', query: { x: '1' }, requestId: 'req-1', sourceIp: '127.0.0.1' });
  });

  it('takes bytes as a body and maps errors to problems with the request id', async () => {
    const app = createApp();
    app.handle(defineRoute({ method: 'POST', path: '/echo' }), (req) => json({ text: req.rawBody?.toString('utf8') }));
    app.handle(routes.getUser, (req) => {
      throw new NotFoundError(`User ${req.params.id} not found`);
    });

    const echoed = await app.dispatch(inbound({ method: 'POST', path: '/echo', body: new TextEncoder().encode('héllo') }));
    const missing = await app.dispatch(inbound({ method: 'GET', path: '/users/9' }));

    expect(JSON.parse(echoed.body)).toEqual({ text: 'héllo' });
    expect(missing.statusCode).toBe(404);
    expect(JSON.parse(missing.body)).toMatchObject({ detail: 'User 9 not found', requestId: 'req-1' });
  });

  it('is what handle(app), app.lambda() and fromProxyEvent wrap', async () => {
    const { app } = usersApp();
    const event = createProxyEvent({ path: '/users/3', routes, requestId: 'r-3' });

    const viaHandle = await handle(app)(event);
    const viaLambda = await app.lambda()(event);
    const viaCore = await app.dispatch(fromProxyEvent(event));

    expect(viaHandle).toEqual(viaCore);
    expect(viaLambda).toEqual(viaCore);
    expect(viaCore.statusCode).toBe(200);
  });
});
