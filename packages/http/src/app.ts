import type { $ZodType, output } from 'zod/v4/core';
import { DEFAULT_BODY_LIMIT, toRequest } from './aws/converters';
import type { ProxyEvent, ProxyHandler, ProxyResult } from './aws/types';
import { parseJsonBody } from './body';
import { createCors, type Cors, type CorsOptions } from './cors';
import { BadRequestError, HttpError, toProblem, withoutStack, type ProblemSource, type Violation } from './errors';
import { HeaderMap, type PorticoRequest } from './request';
import { toProxyResult, type HttpResult } from './responses';
import type { AnyRouteSpec, RouteParams } from './route';
import { createRouter } from './router/pattern-router';
import type { RouteMatch } from './router/types';
import { check, type Validation } from './schema/validate';

/** Where the app writes the one structured line it logs per 5xx. */
export interface Logger {
  error(entry: LogEntry): void;
}

/** The structured line logged for a 5xx. */
export interface LogEntry {
  level: 'error';
  message: string;
  requestId: string;
  method?: string;
  path?: string;
  status: number;
  error: SerializedError;
}

/** An error as it appears in the log, causes included. */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  stack?: string;
  cause?: SerializedError | string;
}

/** `createApp` options. */
export interface AppOptions {
  /** CORS policy; without it no CORS headers are sent and preflights reach the router. */
  cors?: CorsOptions;
  /** Largest request body, in decoded bytes; larger bodies get 413. @default 1_048_576 */
  bodyLimit?: number;
  /** @default one `console.error(JSON.stringify(entry))` line per 5xx */
  logger?: Logger;
}

/** The request a route's handler receives: params from the path, body and query from the route's schemas. */
export type RequestFor<R extends AnyRouteSpec> = PorticoRequest<
  RouteParams<R>,
  OutputOr<R['body'], undefined>,
  OutputOr<R['query'], Record<string, string>>
>;

/** A schema's output type; `Fallback` when the (optional) schema field is absent. */
type OutputOr<S, Fallback> = [Exclude<S, undefined>] extends [never]
  ? Fallback
  : Exclude<S, undefined> extends $ZodType
    ? output<Exclude<S, undefined>>
    : Fallback;

/** A route handler. */
export type Handler<R extends AnyRouteSpec> = (req: RequestFor<R>) => HttpResult | Promise<HttpResult>;

/**
 * Onion middleware: do work, `await next()` at most once, return (or replace) the result. It runs for matched
 * routes, before body parsing and validation, so `req.body` is not yet set; `req.rawBody` is.
 */
export type Middleware = (req: PorticoRequest, next: () => Promise<HttpResult>) => Promise<HttpResult>;

/** An app: routes bound to handlers, middleware, and the Lambda entry point. */
export interface App {
  /** Binds a handler to a route; throws if the route is already bound. */
  handle<R extends AnyRouteSpec>(route: R, handler: Handler<R>): App;
  /** Adds middleware; the first added is the outermost. */
  use(middleware: Middleware): App;
  /** The Lambda handler. It never throws: every failure becomes a problem response. */
  lambda(): ProxyHandler;
}

interface Entry {
  readonly route: AnyRouteSpec;
  readonly handler: Handler<AnyRouteSpec>;
}

type MutableRequest = { -readonly [K in keyof PorticoRequest]: PorticoRequest[K] };

const PROBLEM_TYPE = 'application/problem+json';

const defaultLogger: Logger = {
  error: (entry) => console.error(JSON.stringify(entry)),
};

/**
 * Creates an app.
 *
 * @example
 * const app = createApp({ cors: { origins: ['https://app.example.com'] } });
 * app.handle(routes.hello, () => json({ message: 'Hello, World!' }));
 * export const handler = app.lambda();
 */
export function createApp(options: AppOptions = {}): App {
  const router = createRouter<Entry>();
  const middlewares: Middleware[] = [];
  const cors = options.cors ? createCors(options.cors) : undefined;
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const logger = options.logger ?? defaultLogger;

  const app: App = {
    handle(route, handler) {
      router.add(route.method, route.path, { route, handler: handler as unknown as Handler<AnyRouteSpec> });
      return app;
    },
    use(middleware) {
      middlewares.push(middleware);
      return app;
    },
    lambda() {
      return (event) => dispatch(event);
    },
  };

  /**
   * One request, start to finish. Synchronous until a handler (or an async schema) returns a promise: most requests
   * then cost one promise, the one `async` returns, and errors the app raises itself never become rejections.
   */
  async function dispatch(event: ProxyEvent): Promise<ProxyResult> {
    let origin: string | undefined;
    let method = '';
    let requestId = '';
    try {
      if (event === null || typeof event !== 'object') {
        throw new BadRequestError('The event is not an API Gateway proxy event');
      }
      const context = event.requestContext;
      if (context && typeof context.requestId === 'string') requestId = context.requestId;
      const headers = new HeaderMap(event.headers, event.multiValueHeaders);
      method = typeof event.httpMethod === 'string' ? event.httpMethod.toUpperCase() : '';
      if (cors) {
        origin = headers.get('origin');
        if (method === 'OPTIONS' && headers.has('access-control-request-method')) {
          return { statusCode: 204, headers: { ...cors.preflightFor(origin) }, body: '' };
        }
      }

      const path = typeof event.path === 'string' && event.path[0] === '/' ? event.path : '/';
      const match = router.match(method, path);
      if (match.status !== 200) return respond(routeProblem(match, method, path), origin, method, requestId);

      const req = toRequest(event, headers, { resource: match.route, params: match.params }, bodyLimit);
      let result: HttpResult | Promise<HttpResult> = middlewares.length
        ? run(req as MutableRequest, match.value)
        : call(req as MutableRequest, match.value);
      if (isThenable(result)) result = await result;
      return finish(toProxyResult(result), cors?.headersFor(origin), method);
    } catch (error) {
      return handleError(error, origin, method, requestId, event?.path);
    }
  }

  function run(req: MutableRequest, entry: Entry): Promise<HttpResult> {
    let last = -1;
    const step = async (index: number): Promise<HttpResult> => {
      if (index <= last) throw new Error('Middleware called next() more than once');
      last = index;
      const middleware = middlewares[index];
      return middleware ? middleware(req, () => step(index + 1)) : call(req, entry);
    };
    return step(0);
  }

  /** The one place an error becomes a response: 4xx as sent, 5xx hidden and logged. */
  function handleError(
    error: unknown,
    origin: string | undefined,
    method: string,
    requestId: string,
    path: unknown,
  ): ProxyResult {
    const source = error instanceof HttpError ? error : INTERNAL;
    if (source.status >= 500) {
      safeLog(logger, {
        level: 'error',
        message: error instanceof Error ? error.message : 'Non-error thrown',
        requestId,
        ...(method ? { method } : {}),
        ...(typeof path === 'string' ? { path } : {}),
        status: source.status,
        error: serializeError(error, 0),
      });
    }
    return respond(source, origin, method, requestId);
  }

  function respond(source: ProblemSource, origin: string | undefined, method: string, requestId: string): ProxyResult {
    const headers: Record<string, string> = { ...source.headers, 'content-type': PROBLEM_TYPE };
    const body = JSON.stringify(toProblem(source, requestId || undefined));
    return finish({ statusCode: source.status, headers, body }, cors?.headersFor(origin), method);
  }

  return app;
}

/** What anything but an {@link HttpError} is answered with; the real error only goes to the log. */
const INTERNAL: ProblemSource = { status: 500, message: 'Internal Server Error', code: 'INTERNAL_SERVER_ERROR' };

/** The answer when no route takes a request: plain data, since an Error's stack would cost more than routing. */
function routeProblem(match: RouteMatch<unknown>, method: string, path: string): ProblemSource {
  if (match.status === 404) return { status: 404, message: `No route for ${method} ${path}`, code: 'NOT_FOUND' };
  if (match.status === 405) {
    return {
      status: 405,
      message: `${method} is not allowed on ${path}`,
      code: 'METHOD_NOT_ALLOWED',
      headers: { allow: match.allow.join(', ') },
    };
  }
  return { status: 400, message: (match as { reason: string }).reason, code: 'MALFORMED_PATH' };
}

function isThenable(value: unknown): value is PromiseLike<HttpResult> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** Validates what the route's schemas describe, then runs the handler. */
function call(req: MutableRequest, entry: Entry): HttpResult | Promise<HttpResult> {
  const route = entry.route;
  if (route.query || route.body) {
    const pending = prepare(req, route);
    if (pending) return pending.then(() => entry.handler(req as never));
  }
  return entry.handler(req as never);
}

/**
 * Parses and validates what the route's schemas describe, then stores the results on the request. Returns a promise
 * only when a schema has async refinements.
 */
function prepare(req: MutableRequest, route: AnyRouteSpec): Promise<void> | undefined {
  if (route.query) {
    const result = check(route.query, req.query, 'query');
    if (result instanceof Promise) {
      return result.then((done) => {
        setQuery(req, done);
        return prepareBody(req, route);
      });
    }
    setQuery(req, result);
  }
  return prepareBody(req, route);
}

function setQuery(req: MutableRequest, result: Validation<unknown>): void {
  if (!result.ok) throw invalid('The query string is invalid', result.violations);
  req.query = result.value as Record<string, string>;
}

function prepareBody(req: MutableRequest, route: AnyRouteSpec): Promise<void> | undefined {
  if (!route.body) return undefined;
  let body: unknown;
  if (req.rawBody !== undefined) {
    body = parseJsonBody(req.rawBody.toString('utf8'), req.headers.get('content-type'));
  } else if (route.body._zod.optin !== 'optional') {
    throw withoutStack(
      () =>
        new BadRequestError('A request body is required: send JSON with Content-Type: application/json', {
          code: 'BODY_REQUIRED',
        }),
    );
  }
  const result = check(route.body, body, 'body');
  if (result instanceof Promise) return result.then((done) => setBody(req, done));
  setBody(req, result);
  return undefined;
}

function setBody(req: MutableRequest, result: Validation<unknown>): void {
  if (!result.ok) throw invalid('The request body is invalid', result.violations);
  req.body = result.value;
}

function invalid(message: string, violations: Violation[]): HttpError {
  return withoutStack(() => new BadRequestError(message, { code: 'VALIDATION_FAILED', details: violations }));
}

/**
 * Adds CORS headers to a result (the handler's own headers win) and drops HEAD bodies. Mutates `result`: it is
 * always a fresh object made by `toProxyResult` or `handleError`, and copying headers costs on every request.
 */
function finish(result: ProxyResult, corsHeaders: Record<string, string> | undefined, method?: string): ProxyResult {
  if (corsHeaders) {
    const headers = (result.headers ??= {});
    let vary: string | undefined;
    for (const name in headers) if (name.length === 4 && name.toLowerCase() === 'vary') vary = name;
    for (const name in corsHeaders) {
      if (name === 'vary' && vary !== undefined) {
        if (!/\borigin\b/i.test(headers[vary]!)) headers[vary] += ', Origin';
      } else if (!(name in headers)) headers[name] = corsHeaders[name]!;
    }
  }
  // API Gateway drops HEAD bodies anyway; dropping them here keeps `invoke` honest.
  if (method === 'HEAD') result.body = '';
  return result;
}

function safeLog(logger: Logger, entry: LogEntry): void {
  try {
    logger.error(entry);
  } catch {
    // A broken logger must not turn a 500 into a crash; there is nowhere left to report to.
  }
}

function serializeError(error: unknown, depth: number): SerializedError {
  if (!(error instanceof Error)) return { name: typeof error, message: safeString(error) };
  const out: SerializedError = { name: error.name, message: error.message };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') out.code = code;
  if (error.stack) out.stack = error.stack;
  if (error.cause !== undefined) {
    out.cause = depth < 5 ? serializeError(error.cause, depth + 1) : safeString(error.cause);
  }
  return out;
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return typeof value;
  }
}
