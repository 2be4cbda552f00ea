import {
  BadRequestError,
  ConflictError,
  createApp,
  defineRoute,
  HttpError,
  InternalServerError,
  json,
  NotFoundError,
  ServiceUnavailableError,
  STATUS_TABLE,
  TooManyRequestsError,
  UnauthorizedError,
  type LogEntry,
} from '../src/index';
import * as errors from '../src/errors';
import { invoke } from '../src/testing';

function appThrowing(error: unknown) {
  const logged: LogEntry[] = [];
  const app = createApp({ logger: { error: (entry) => logged.push(entry) } });
  app.handle(defineRoute({ method: 'GET', path: '/x' }), () => {
    throw error;
  });
  return { handler: app.lambda(), logged };
}

describe('HttpError', () => {
  it('has one subclass per status in the table, each an HttpError with its status, code and name', () => {
    const expected: Record<string, [string, string]> = {
      400: ['BadRequestError', 'BAD_REQUEST'],
      401: ['UnauthorizedError', 'UNAUTHORIZED'],
      403: ['ForbiddenError', 'FORBIDDEN'],
      404: ['NotFoundError', 'NOT_FOUND'],
      405: ['MethodNotAllowedError', 'METHOD_NOT_ALLOWED'],
      409: ['ConflictError', 'CONFLICT'],
      413: ['PayloadTooLargeError', 'PAYLOAD_TOO_LARGE'],
      415: ['UnsupportedMediaTypeError', 'UNSUPPORTED_MEDIA_TYPE'],
      422: ['UnprocessableEntityError', 'UNPROCESSABLE_ENTITY'],
      429: ['TooManyRequestsError', 'TOO_MANY_REQUESTS'],
      500: ['InternalServerError', 'INTERNAL_SERVER_ERROR'],
      503: ['ServiceUnavailableError', 'SERVICE_UNAVAILABLE'],
    };
    expect(Object.keys(STATUS_TABLE)).toEqual(Object.keys(expected));
    for (const [status, title] of Object.entries(STATUS_TABLE)) {
      const [name, code] = expected[status]!;
      const ErrorClass = (errors as unknown as Record<string, new (message?: string) => HttpError>)[name]!;

      const error = new ErrorClass();

      expect(error).toBeInstanceOf(HttpError);
      expect(error).toBeInstanceOf(Error);
      expect(error).toMatchObject({ status: Number(status), code, name, message: title });
    }
  });

  it('captures no stack for a 4xx (an answer, never logged) and keeps it for a 5xx (logged)', () => {
    const notFound = new NotFoundError('User 1 not found');
    const failed = new InternalServerError('store failed');

    expect(notFound.stack).toBe('NotFoundError: User 1 not found');
    expect(failed.stack).toMatch(/\n\s+at /);
    expect(new Error('plain').stack).toMatch(/\n\s+at /);
  });

  it('is an Error to whoever checks: instanceof, toString, a writable stack, the cause', () => {
    const cause = new Error('root');
    const error = new NotFoundError('User 1 not found', { cause });

    error.stack = 'rewritten';

    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toBe('NotFoundError: User 1 not found');
    expect(error.stack).toBe('rewritten');
    expect(error.cause).toBe(cause);
    expect(() => {
      throw error;
    }).toThrow('User 1 not found');
  });

  it('keeps message, code, details, cause and headers', () => {
    const cause = new Error('root');

    const error = new ConflictError('User 1 exists', { code: 'USER_EXISTS', cause, headers: { 'Retry-After': '1' } });

    expect(error).toMatchObject({ status: 409, code: 'USER_EXISTS', message: 'User 1 exists', cause });
    expect(error.headers).toEqual({ 'Retry-After': '1' });
  });

  it('serialises a 4xx to an RFC 9457 problem with its message', () => {
    expect(new NotFoundError('User 42 not found').toJSON('req-1')).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'User 42 not found',
      code: 'NOT_FOUND',
      requestId: 'req-1',
    });
  });

  it('hides the message, code and details of a 5xx', () => {
    const error = new ServiceUnavailableError('DynamoDB at 10.0.0.3 throttled', {
      code: 'DDB_THROTTLED',
      details: [{ pointer: '/x', message: 'secret', code: 'x' }],
    });

    expect(error.toJSON()).toEqual({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: 'Internal Server Error',
      code: 'SERVICE_UNAVAILABLE',
    });
  });

  it('coerces an out-of-range status to 500', () => {
    expect(new HttpError(200).status).toBe(500);
    expect(new HttpError(418).status).toBe(418);
  });
});

describe('error responses (one mapping point)', () => {
  it('answers a thrown 4xx as problem+json with the request id', async () => {
    const { handler, logged } = appThrowing(new UnauthorizedError('Token expired'));

    const res = await invoke(handler, { path: '/x', requestId: 'req-7' });

    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.json()).toEqual({
      type: 'about:blank',
      title: 'Unauthorized',
      status: 401,
      detail: 'Token expired',
      code: 'UNAUTHORIZED',
      requestId: 'req-7',
    });
    expect(logged).toEqual([]);
  });

  it('sends the error headers', async () => {
    const { handler } = appThrowing(new TooManyRequestsError(undefined, { headers: { 'retry-after': '3' } }));

    const res = await invoke(handler, { path: '/x' });

    expect(res.headers['retry-after']).toBe('3');
  });

  it('hides an unknown error behind a fixed 500 and logs one structured line with the cause', async () => {
    const root = new Error('connection reset');
    const { handler, logged } = appThrowing(new Error('store failed: password=hunter2', { cause: root }));

    const res = await invoke(handler, { path: '/x', requestId: 'req-9' });

    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'Internal Server Error',
      code: 'INTERNAL_SERVER_ERROR',
      requestId: 'req-9',
    });
    expect(res.body).not.toContain('hunter2');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: 'error',
      message: 'store failed: password=hunter2',
      requestId: 'req-9',
      status: 500,
      error: { name: 'Error', message: 'store failed: password=hunter2', cause: { message: 'connection reset' } },
    });
    expect(logged[0]!.error.stack).toContain('store failed');
  });

  it('logs a thrown 5xx HttpError too', async () => {
    const { handler, logged } = appThrowing(new InternalServerError('invariant broken'));

    await invoke(handler, { path: '/x' });

    expect(logged[0]).toMatchObject({ message: 'invariant broken', error: { name: 'InternalServerError' } });
  });

  it('survives a thrown non-error and a throwing logger', async () => {
    const app = createApp({
      logger: {
        error: () => {
          throw new Error('logger down');
        },
      },
    });
    app.handle(defineRoute({ method: 'GET', path: '/x' }), () => {
      throw 'a string';
    });

    const res = await invoke(app.lambda(), { path: '/x' });

    expect(res.statusCode).toBe(500);
  });

  it('writes one JSON line to console.error by default', async () => {
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const app = createApp();
      app.handle(defineRoute({ method: 'GET', path: '/x' }), () => {
        throw new Error('boom');
      });

      await invoke(app.lambda(), { path: '/x', requestId: 'r-1' });

      expect(spy).toHaveBeenCalledTimes(1);
      const line = spy.mock.calls[0]![0] as string;
      expect(line).not.toContain('\n');
      expect(JSON.parse(line)).toMatchObject({ level: 'error', requestId: 'r-1', message: 'boom' });
    } finally {
      spy.mockRestore();
    }
  });

  it('maps errors thrown by middleware the same way', async () => {
    const app = createApp();
    app.use(async () => {
      throw new BadRequestError('no tenant header');
    });
    app.handle(defineRoute({ method: 'GET', path: '/x' }), () => json({}));

    const res = await invoke(app.lambda(), { path: '/x' });

    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ detail: 'no tenant header' });
  });

  it('answers 405 with an Allow header', async () => {
    const app = createApp();
    app.handle(defineRoute({ method: 'GET', path: '/x' }), () => json({}));

    const res = await invoke(app.lambda(), { method: 'POST', path: '/x' });

    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });
});
