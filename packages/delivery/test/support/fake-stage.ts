/**
 * A real HTTP server on loopback standing in for a deployed stage: `/<stage>/hello` and `/<stage>/users` answer like
 * the users API, and anything else like API Gateway's unknown route. `failFirst` makes a route answer 502 that many
 * times first, the way a fresh deployment can while the Lambda settles.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeStageOptions {
  stage?: string;
  helloMessage?: string;
  failFirst?: Partial<Record<'hello' | 'users', number>>;
  /** Answer `/users` with this status for good (e.g. 403 when the route is missing). */
  usersStatus?: number;
}

export async function startFakeStage(options: FakeStageOptions = {}) {
  const stage = options.stage ?? 'dev';
  const hits: string[] = [];
  const failures = { hello: options.failFirst?.hello ?? 0, users: options.failFirst?.users ?? 0 };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.push(`${req.method} ${path}`);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': `req-${hits.length}` });
      res.end(JSON.stringify(body));
    };
    const route = path === `/${stage}/hello` ? 'hello' : path === `/${stage}/users` ? 'users' : undefined;
    if (!route || req.method !== 'GET') return send(403, { message: 'Missing Authentication Token' });
    if (failures[route] > 0) {
      failures[route] -= 1;
      return send(502, { message: 'Internal server error' });
    }
    if (route === 'hello') return send(200, { message: options.helloMessage ?? 'Hello, World!' });
    if (options.usersStatus) return send(options.usersStatus, { message: 'Forbidden' });
    return send(200, { items: [], cursor: null });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    invokeUrl: `${origin}/${stage}`,
    hits,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
