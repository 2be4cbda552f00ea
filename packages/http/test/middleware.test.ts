import * as v from 'valibot';
import { createApp, defineRoute, json, type HttpResult } from '../src/index';
import { invoke } from '../src/testing';

const route = defineRoute({ method: 'GET', path: '/x' });

describe('middleware', () => {
  it('runs as an onion: first added is outermost', async () => {
    const order: string[] = [];
    const app = createApp();
    app.use(async (_req, next) => {
      order.push('a in');
      const res = await next();
      order.push('a out');
      return res;
    });
    app.use(async (_req, next) => {
      order.push('b in');
      const res = await next();
      order.push('b out');
      return res;
    });
    app.handle(route, () => {
      order.push('handler');
      return json({});
    });

    await invoke(app.lambda(), { path: '/x' });

    expect(order).toEqual(['a in', 'b in', 'handler', 'b out', 'a out']);
  });

  it('can replace or decorate the result', async () => {
    const app = createApp();
    app.use(async (req, next) => {
      const res = await next();
      return { ...res, headers: { ...res.headers, 'x-request-id': req.requestId } };
    });
    app.handle(route, () => json({}));

    const res = await invoke(app.lambda(), { path: '/x', requestId: 'r-5' });

    expect(res.headers['x-request-id']).toBe('r-5');
  });

  it('can short-circuit without calling next', async () => {
    const handler = jest.fn(() => json({}));
    const app = createApp();
    app.use(async (req): Promise<HttpResult> =>
      req.headers.has('x-api-key') ? json({}) : { statusCode: 401, body: '' },
    );
    app.handle(route, handler);

    const res = await invoke(app.lambda(), { path: '/x' });

    expect(res.statusCode).toBe(401);
    expect(handler).not.toHaveBeenCalled();
  });

  it('refuses a second next() call with a logged 500', async () => {
    const handler = jest.fn(() => json({}));
    const logger = { error: jest.fn() };
    const app = createApp({ logger });
    app.use(async (_req, next) => {
      await next();
      return next();
    });
    app.handle(route, handler);

    const res = await invoke(app.lambda(), { path: '/x' });

    expect(res.statusCode).toBe(500);
    expect(handler).toHaveBeenCalledTimes(1);
    expect(logger.error.mock.calls[0][0].error.message).toBe('Middleware called next() more than once');
  });

  it('runs before validation: a failing body is still seen by middleware', async () => {
    const seen: unknown[] = [];
    const app = createApp();
    app.use(async (req, next) => {
      seen.push(req.rawBody?.toString());
      return next();
    });
    app.handle(
      defineRoute({ method: 'POST', path: '/y', body: v.object({ n: v.number() }) }),
      () => json({}),
    );

    const res = await invoke(app.lambda(), { method: 'POST', path: '/y', json: { n: 'x' } });

    expect(res.statusCode).toBe(400);
    expect(seen).toEqual(['{"n":"x"}']);
  });

  it("sees the app's own refusals (validation, bad JSON) as results it can decorate, not as rejections", async () => {
    const app = createApp();
    app.use(async (req, next) => {
      const res = await next();
      return { ...res, headers: { ...res.headers, 'x-request-id': req.requestId } };
    });
    app.handle(defineRoute({ method: 'POST', path: '/y', body: v.object({ n: v.number() }) }), () => json({}));

    const invalid = await invoke(app.lambda(), { method: 'POST', path: '/y', json: { n: 'x' }, requestId: 'r-7' });
    const malformed = await invoke(app.lambda(), { method: 'POST', path: '/y', body: '{"n":', headers: { 'content-type': 'application/json' }, requestId: 'r-8' });

    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toMatchObject({ code: 'VALIDATION_FAILED', requestId: 'r-7' });
    expect(invalid.headers['x-request-id']).toBe('r-7');
    expect(malformed.json()).toMatchObject({ code: 'MALFORMED_JSON' });
    expect(malformed.headers['x-request-id']).toBe('r-8');
  });
});
