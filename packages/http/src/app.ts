import { bodyText, DEFAULT_BODY_LIMIT, toRequest } from './aws/converters';
import type { ProxyEvent, ProxyHandler, ProxyResult } from './aws/types';
import { parseJsonBody } from './body';
import { createCors, type CorsOptions } from './cors';
import { clientError, HttpError, toProblem, type Violation } from './errors';
import { HeaderMap, type PorticoRequest } from './request';
import { toProxyResult, type HttpResult } from './responses';
import type { AnyRouteSpec, RouteParams } from './route';
import { createRouter } from './router/pattern-router';
import type { StandardSchemaV1 } from './schema/standard';
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
  : Exclude<S, undefined> extends StandardSchemaV1
    ? StandardSchemaV1.InferOutput<Exclude<S, undefined>>
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
type Outcome = HttpResult | Promise<HttpResult>;

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
  const cors = options.cors && createCors(options.cors);
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const logger = options.logger ?? { error: (entry: LogEntry) => console.error(JSON.stringify(entry)) };

  const app: App = {
    handle(route, handler) {
      router.add(route.method, route.path, { route, handler: handler as unknown as Handler<AnyRouteSpec> });
      return app;
    },
    use(middleware) {
      middlewares.push(middleware);
      return app;
    },
    lambda: () => dispatch,
  };

  /**
   * One request, start to finish. Synchronous until a handler (or an async schema) returns a promise, so most
   * requests cost the one promise `async` returns.
   */
  async function dispatch(event: ProxyEvent): Promise<ProxyResult> {
    let origin: string | undefined;
    let method = '';
    let requestId = '';
    try {
      if (!event || typeof event !== 'object') throw clientError(400, 'The event is not an API Gateway proxy event');
      const id = event.requestContext?.requestId;
      if (typeof id === 'string') requestId = id;
      const headers = new HeaderMap(event.headers, event.multiValueHeaders);
      if (typeof event.httpMethod === 'string') method = event.httpMethod.toUpperCase();
      if (cors) {
        origin = headers.get('origin');
        if (method === 'OPTIONS' && headers.has('access-control-request-method')) {
          return { statusCode: 204, headers: { ...cors.preflightFor(origin) }, body: '' };
        }
      }
      const path = typeof event.path === 'string' && event.path[0] === '/' ? event.path : '/';
      const match = router.match(method, path);
      // A miss is an everyday answer, not an exception: no Error object (its creation costs more than routing).
      if (match.status === 404) return finish(problem(404, `No route for ${method} ${path}`, 'NOT_FOUND', requestId), origin, method);
      if (match.status === 405) {
        const allow = { allow: match.allow.join(', ') };
        return finish(problem(405, `${method} is not allowed on ${path}`, 'METHOD_NOT_ALLOWED', requestId, allow), origin, method);
      }
      if (match.status === 400) return finish(problem(400, match.reason, 'MALFORMED_PATH', requestId), origin, method);
      const req = toRequest(event, headers, { resource: match.route, params: match.params }, bodyLimit) as MutableRequest;
      const entry = match.value;
      let result: Outcome = middlewares.length ? run(req, entry, event) : call(req, entry, event);
      if (result instanceof Promise) result = await result;
      return finish(toProxyResult(result), origin, method);
    } catch (error) {
      const known = error instanceof HttpError ? error : undefined;
      if (!known || known.status > 499) {
        safeLog(logger, {
          level: 'error',
          message: error instanceof Error ? error.message : 'Non-error thrown',
          requestId,
          method: method || undefined,
          path: typeof event?.path === 'string' ? event.path : undefined,
          status: known?.status ?? 500,
          error: serializeError(error, 0),
        });
      }
      const answer = known
        ? problem(known.status, known.message, known.code, requestId, known.headers, known.details)
        : problem(500, '', 'INTERNAL_SERVER_ERROR', requestId);
      return finish(answer, origin, method);
    }
  }

  function run(req: MutableRequest, entry: Entry, event: ProxyEvent): Promise<HttpResult> {
    let last = -1;
    const step = async (index: number): Promise<HttpResult> => {
      if (index <= last) throw new Error('Middleware called next() more than once');
      last = index;
      const middleware = middlewares[index];
      return middleware ? middleware(req, () => step(index + 1)) : call(req, entry, event);
    };
    return step(0);
  }

  /**
   * Adds CORS headers to a result (the handler's own headers win; its `Vary` gains `Origin`) and drops HEAD bodies,
   * as API Gateway would. Mutates `result`: it is always a fresh object, and copying headers costs on every request.
   */
  function finish(result: ProxyResult, origin: string | undefined, method: string): ProxyResult {
    const extra = cors?.headersFor(origin);
    if (extra) {
      const headers = (result.headers ??= {});
      for (const name in extra) {
        if (name !== 'vary') {
          if (!(name in headers)) headers[name] = extra[name]!;
          continue;
        }
        let vary: string | undefined;
        for (const key in headers) if (key.length === 4 && key.toLowerCase() === 'vary') vary = key;
        if (vary === undefined) headers.vary = extra.vary!;
        else if (!/\borigin\b/i.test(headers[vary]!)) headers[vary] += ', Origin';
      }
    }
    if (method === 'HEAD') result.body = '';
    return result;
  }

  return app;
}

/** A problem+json answer (RFC 9457); 5xx details are hidden by `toProblem`. */
function problem(
  status: number,
  message: string,
  code: string,
  requestId: string,
  headers?: Record<string, string>,
  details?: readonly Violation[],
): ProxyResult {
  const type = { 'content-type': 'application/problem+json' };
  return {
    statusCode: status,
    headers: headers ? { ...headers, ...type } : type,
    body: JSON.stringify(toProblem(status, message, code, details, requestId)),
  };
}

/** Validates what the route's schemas describe (query and body together), then runs the handler. */
function call(req: MutableRequest, entry: Entry, event: ProxyEvent): Outcome {
  const { query, body } = entry.route;
  if (!query && !body) return entry.handler(req as never);
  const raw = body && bodyText(event);
  const queryResult = query && check(query, req.query, 'query');
  const bodyResult = body && check(body, raw && parseJsonBody(raw, req.headers.get('content-type')));
  return queryResult instanceof Promise || bodyResult instanceof Promise
    ? Promise.all([queryResult, bodyResult]).then(([q, b]) => validated(req, entry, raw !== undefined, q, b))
    : validated(req, entry, raw !== undefined, queryResult, bodyResult);
}

/** Stores the validated query and body on the request and runs the handler, or throws one 400 listing every violation. */
function validated(req: MutableRequest, entry: Entry, hasBody: boolean, q?: Validation<unknown>, b?: Validation<unknown>): Outcome {
  const violations: Violation[] = [];
  if (q) q.ok ? (req.query = q.value as Record<string, string>) : violations.push(...q.violations);
  if (b && !b.ok && !hasBody) {
    throw clientError(400, 'A request body is required: send JSON with Content-Type: application/json', 'BODY_REQUIRED');
  }
  if (b) b.ok ? (req.body = b.value) : violations.push(...b.violations);
  if (violations.length) {
    const what = b && !b.ok ? (q && !q.ok ? 'request' : 'request body') : 'query string';
    throw clientError(400, `The ${what} is invalid`, 'VALIDATION_FAILED', { details: violations });
  }
  return entry.handler(req as never);
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
  const { name, message, stack, cause } = error;
  const out: SerializedError = { name, message, stack };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') out.code = code;
  if (cause !== undefined) out.cause = depth < 5 ? serializeError(cause, depth + 1) : safeString(cause);
  return out;
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return typeof value;
  }
}
