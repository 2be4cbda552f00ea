import type { $ZodType, output } from 'zod/v4/core';
import { DEFAULT_BODY_LIMIT, readHeaders, toRequest } from './aws/converters';
import type { ProxyEvent, ProxyHandler, ProxyResult } from './aws/types';
import { parseJsonBody } from './body';
import { createCors, type Cors, type CorsOptions } from './cors';
import { BadRequestError, HttpError, MethodNotAllowedError, NotFoundError } from './errors';
import type { PorticoRequest } from './request';
import { toProxyResult, type HttpResult } from './responses';
import type { AnyRouteSpec, RouteParams } from './route';
import { createRouter } from './router/pattern-router';
import { validate } from './schema/validate';

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

  async function dispatch(event: ProxyEvent): Promise<ProxyResult> {
    let origin: string | undefined;
    let method: string | undefined;
    let requestId = '';
    try {
      if (event === null || typeof event !== 'object') {
        throw new BadRequestError('The event is not an API Gateway proxy event');
      }
      const context = event.requestContext;
      if (context && typeof context.requestId === 'string') requestId = context.requestId;
      const headers = readHeaders(event);
      origin = headers.get('origin');
      method = typeof event.httpMethod === 'string' ? event.httpMethod.toUpperCase() : '';

      if (cors && method === 'OPTIONS' && headers.has('access-control-request-method')) {
        return { statusCode: 204, headers: { ...cors.preflightFor(origin) }, body: '' };
      }

      const path = typeof event.path === 'string' && event.path.startsWith('/') ? event.path : '/';
      const match = router.match(method, path);
      if (match.status === 404) throw new NotFoundError(`No route for ${method} ${path}`);
      if (match.status === 405) {
        throw new MethodNotAllowedError(`${method} is not allowed on ${path}`, {
          headers: { allow: match.allow.join(', ') },
        });
      }
      if (match.status === 400) throw new BadRequestError(match.reason, { code: 'MALFORMED_PATH' });

      const req = toRequest(event, headers, { resource: match.route, params: match.params }, bodyLimit);
      const entry = match.value;
      const result = await run(req as MutableRequest, entry);
      return finish(toProxyResult(result), cors?.headersFor(origin), method);
    } catch (error) {
      return handleError(error, { origin, method, requestId, path: event?.path });
    }
  }

  function run(req: MutableRequest, entry: Entry): Promise<HttpResult> {
    let last = -1;
    const step = async (index: number): Promise<HttpResult> => {
      if (index <= last) throw new Error('Middleware called next() more than once');
      last = index;
      const middleware = middlewares[index];
      if (middleware) return middleware(req, () => step(index + 1));
      if (entry.route.body || entry.route.query) await prepare(req, entry.route);
      return entry.handler(req as never);
    };
    return step(0);
  }

  /** The one place an error becomes a response: 4xx as sent, 5xx hidden and logged. */
  function handleError(
    error: unknown,
    where: { origin: string | undefined; method: string | undefined; requestId: string; path: unknown },
  ): ProxyResult {
    const httpError = error instanceof HttpError ? error : undefined;
    const status = httpError?.status ?? 500;
    if (status >= 500) {
      safeLog(logger, {
        level: 'error',
        message: error instanceof Error ? error.message : 'Non-error thrown',
        requestId: where.requestId,
        ...(where.method ? { method: where.method } : {}),
        ...(typeof where.path === 'string' ? { path: where.path } : {}),
        status,
        error: serializeError(error, 0),
      });
    }
    const problem = (httpError ?? new HttpError(500)).toJSON(where.requestId || undefined);
    const headers: Record<string, string> = { ...httpError?.headers, 'content-type': PROBLEM_TYPE };
    return finish(
      { statusCode: status, headers, body: JSON.stringify(problem) },
      cors?.headersFor(where.origin),
      where.method,
    );
  }

  return app;
}

/** Parses and validates what the route's schemas describe, then stores the results on the request. */
async function prepare(req: MutableRequest, route: AnyRouteSpec): Promise<void> {
  if (route.query) {
    const result = await validate(route.query, req.query, 'query');
    if (!result.ok) {
      throw new BadRequestError('The query string is invalid', { code: 'VALIDATION_FAILED', details: result.violations });
    }
    req.query = result.value as Record<string, string>;
  }
  if (route.body) {
    let body: unknown;
    if (req.rawBody !== undefined) {
      body = parseJsonBody(req.rawBody, req.headers);
    } else if (route.body._zod.optin !== 'optional') {
      throw new BadRequestError('A request body is required: send JSON with Content-Type: application/json', {
        code: 'BODY_REQUIRED',
      });
    }
    const result = await validate(route.body, body, 'body');
    if (!result.ok) {
      throw new BadRequestError('The request body is invalid', { code: 'VALIDATION_FAILED', details: result.violations });
    }
    req.body = result.value;
  }
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
