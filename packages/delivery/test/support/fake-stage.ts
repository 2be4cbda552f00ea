/**
 * A real HTTP server on loopback standing in for one deployed API stage: `/<stage><path>` answers what `routes` says,
 * anything else API Gateway's unknown-route 403. `failFirst` makes a route answer 502 that many times first, the way a
 * fresh deployment can while the Lambda settles. Each API gets its own server, as each has its own invoke URL.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRoute {
  /** @default 200 */
  status?: number;
  body: unknown;
}

export interface FakeStageOptions {
  /** @default dev */
  stage?: string;
  /** By path without the stage prefix or the query, e.g. `/hello`. */
  routes?: Record<string, FakeRoute>;
  /** Answers 502 this many times first, by path. */
  failFirst?: Record<string, number>;
}

export async function startFakeStage(options: FakeStageOptions = {}) {
  const stage = options.stage ?? 'dev';
  const routes = new Map(Object.entries(options.routes ?? {}));
  const failures = new Map(Object.entries(options.failFirst ?? {}));
  /** `METHOD /stage/path?query` of every request, in order. */
  const hits: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    hits.push(`${req.method} ${url.pathname}${url.search}`);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': `req-${hits.length}` });
      res.end(JSON.stringify(body));
    };
    const prefix = `/${stage}`;
    const path = url.pathname.startsWith(`${prefix}/`) ? url.pathname.slice(prefix.length) : undefined;
    const route = path === undefined ? undefined : routes.get(path);
    if (!route || req.method !== 'GET') return send(403, { message: 'Missing Authentication Token' });
    const left = failures.get(path!) ?? 0;
    if (left > 0) {
      failures.set(path!, left - 1);
      return send(502, { message: 'Internal server error' });
    }
    return send(route.status ?? 200, route.body);
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

export type FakeStage = Awaited<ReturnType<typeof startFakeStage>>;
