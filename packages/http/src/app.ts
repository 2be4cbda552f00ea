/**
 * The app core: routes bound to handlers, and `dispatch`, which answers one transport-neutral request. It knows
 * nothing of Lambda; `handle(app)` in `aws/lambda.ts` is the edge that converts events and results.
 */
import { authGuard, type AuthFor, type AuthGuard, type AuthRefusal, type RequestAuth } from './auth';
import { handle as lambdaHandler } from './aws/lambda';
import type { ProxyHandler } from './aws/types';
import { bodyText, checkBodySize, DEFAULT_BODY_LIMIT, parseJsonBody, Refusal } from './body';
import { addCorsHeaders, createCors, type CorsOptions } from './cors';
import { HttpError, problemResponse, type Violation } from './errors';
import { RoutedRequest, type InboundRequest, type PorticoRequest } from './request';
import { toProxyResult, type HttpResponse, type HttpResult } from './responses';
import type { AnyRouteSpec, RouteParams } from './route';
import { compilePath } from './router/path';
import { createRouter } from './router/pattern-router';
import type { RouteMatch } from './router/types';
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

/** The request a route's handler receives: params from the path, body and query from the route's schemas, `auth` from its `auth`. */
export type RequestFor<R extends AnyRouteSpec> = PorticoRequest<
  RouteParams<R>,
  OutputOr<R['body'], undefined>,
  OutputOr<R['query'], Record<string, string>>,
  AuthFor<R['auth']>
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

/** An app: routes bound to handlers, middleware, and the transport-neutral `dispatch`. */
export interface App {
  /** Binds a handler to a route; throws if the route is already bound, or if its `auth` is malformed. */
  handle<R extends AnyRouteSpec>(route: R, handler: Handler<R>): App;
  /** Adds middleware; the first added is the outermost. */
  use(middleware: Middleware): App;
  /**
   * Answers one request, whatever transport brought it. Never rejects: every failure becomes a problem response.
   *
   * @example
   * const res = await app.dispatch(fromProxyEvent(event));
   */
  dispatch(request: InboundRequest): Promise<HttpResponse>;
  /** The Lambda handler: shorthand for `handle(app)`. */
  lambda(): ProxyHandler;
}

interface Entry {
  readonly route: AnyRouteSpec;
  readonly handler: Handler<AnyRouteSpec>;
  /** Checks the caller of a protected route; undefined for an open one. */
  readonly guard: AuthGuard | undefined;
}

/** A registered route template: its parameter names, its methods, and the `Allow` value for a 405. */
interface Resource {
  readonly names: readonly string[];
  readonly methods: Map<string, Entry>;
  allow: string;
}

type MutableRequest = { -readonly [K in keyof PorticoRequest]: PorticoRequest[K] };
type Outcome = HttpResult | Promise<HttpResult>;

/**
 * Creates an app.
 *
 * @example
 * const app = createApp({ cors: { origins: ['https://app.example.com'] } });
 * app.handle(routes.hello, () => json({ message: 'Hello, World!' }));
 * export const handler = handle(app); // or app.lambda()
 */
export function createApp(options: AppOptions = {}): App {
  const router = createRouter<Entry>();
  /** Route template → methods: API Gateway names the template it matched, so most requests need no routing. */
  const resources = new Map<string, Resource>();
  const middlewares: Middleware[] = [];
  const cors = options.cors && createCors(options.cors);
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const logger = options.logger ?? { error: (entry: LogEntry) => console.error(JSON.stringify(entry)) };

  const app: App = {
    handle(route, handler) {
      // An open route never calls into the auth module, so a cold start compiles none of it.
      const guard = route.auth === undefined || route.auth === 'none' ? undefined : authGuard(route);
      const entry: Entry = { route, handler: handler as unknown as Handler<AnyRouteSpec>, guard };
      router.add(route.method, route.path, entry);
      const { route: template, names } = compilePath(route.path);
      let resource = resources.get(template);
      if (!resource) resources.set(template, (resource = { names, methods: new Map(), allow: '' }));
      resource.methods.set(route.method, entry);
      const allow = [...resource.methods.keys()];
      if (allow.includes('GET')) allow.push('HEAD');
      resource.allow = [...new Set(allow)].join(', ');
      return app;
    },
    use(middleware) {
      middlewares.push(middleware);
      return app;
    },
    dispatch,
    lambda: () => lambdaHandler(app),
  };

  /** One request, start to finish; a settled promise unless a handler (or an async schema) returns a pending one. */
  function dispatch(input: InboundRequest): Promise<HttpResponse> {
    const response = answer(input);
    return response instanceof Promise ? response : Promise.resolve(response);
  }

  /**
   * The answer to one request, synchronous until a handler returns a promise: not an `async` function, whose frame
   * and promise cost more than routing. Never throws: every failure becomes a problem response.
   */
  function answer(input: InboundRequest): HttpResponse | Promise<HttpResponse> {
    const method = input.method;
    let origin: string | undefined;
    try {
      if (cors) {
        origin = input.headers.get('origin');
        if (method === 'OPTIONS' && input.headers.has('access-control-request-method')) {
          return { statusCode: 204, headers: { ...cors.preflightFor(origin) }, body: '' };
        }
      }
      let entry: Entry | undefined;
      let resource: string;
      let params: Record<string, string> | string;
      const known = input.resource === undefined ? undefined : resources.get(input.resource);
      const raw = input.rawParams;
      if (known !== undefined && carries(known.names, raw)) {
        // The gateway routed: look the method up on its resource and decode the parameters it cut out, once.
        entry = known.methods.get(method) ?? known.methods.get('ANY') ?? (method === 'HEAD' ? known.methods.get('GET') : undefined);
        if (entry === undefined) return finish(notAllowed(input, known.allow), origin, method);
        resource = input.resource!;
        params = known.names.length ? decodeParams(known.names, raw!) : {};
        if (typeof params === 'string') return finish(malformedParam(input, params), origin, method);
      } else {
        // A bare event (hand-written, or a resource such as `/{proxy+}` the app does not register): route the path.
        const match = router.match(method, input.path);
        if (match.status !== 200) return finish(missed(input, match), origin, method);
        entry = match.value;
        resource = match.route;
        params = match.params;
      }
      let auth: RequestAuth | undefined;
      if (entry.guard !== undefined) {
        const checked = entry.guard(input);
        if (!('kind' in checked)) return finish(refused(input, checked), origin, method);
        auth = checked;
      }
      const body = input.body;
      if (body !== undefined) checkBodySize(body, bodyLimit);
      const req = new RoutedRequest(input, resource, params, auth) as MutableRequest;
      const result: Outcome = middlewares.length ? run(req, entry, body) : call(req, entry, body);
      if (result instanceof Promise) {
        return result.then(
          (settled) => respond(settled, input, origin),
          (error: unknown) => fail(error, input, origin),
        );
      }
      return respond(result, input, origin);
    } catch (error) {
      return fail(error, input, origin);
    }
  }

  /** The checked proxy result for what a handler returned, with CORS headers; a bad result is a logged 500. */
  function respond(result: HttpResult, input: InboundRequest, origin: string | undefined): HttpResponse {
    try {
      const response = toProxyResult(result);
      if (cors) addCorsHeaders((response.headers ??= {}), cors.headersFor(origin));
      if (input.method === 'HEAD') response.body = '';
      return response;
    } catch (error) {
      return fail(error, input, origin);
    }
  }

  /** The one mapping point: an error becomes a problem response; anything but a 4xx is logged first. */
  function fail(error: unknown, input: InboundRequest, origin: string | undefined): HttpResponse {
    const method = input.method;
    const known = error instanceof HttpError ? error : undefined;
    if (!known || known.status > 499) {
      safeLog(logger, () => ({
        level: 'error',
        message: error instanceof Error ? error.message : 'Non-error thrown',
        requestId: input.requestId,
        method: method || undefined,
        path: input.path,
        status: known?.status ?? 500,
        error: serializeError(error, 0),
      }));
    }
    const problem = known
      ? problemResponse(known.status, known.message, known.code, input.requestId, known.headers, known.details)
      : problemResponse(500, '', 'INTERNAL_SERVER_ERROR', input.requestId);
    // A thrown HttpError may carry headers named in any case; the app's own are lower case.
    return finish(problem, origin, method, !known?.headers);
  }

  function run(req: MutableRequest, entry: Entry, body: InboundRequest['body']): Promise<HttpResult> {
    let last = -1;
    const step = async (index: number): Promise<HttpResult> => {
      if (index <= last) throw new Error('Middleware called next() more than once');
      last = index;
      const middleware = middlewares[index];
      return middleware ? middleware(req, () => step(index + 1)) : call(req, entry, body);
    };
    return step(0);
  }

  /** A protected route's refusal; a 401 is logged, since behind API Gateway only a misconfiguration lets one through. */
  function refused(input: InboundRequest, refusal: AuthRefusal): HttpResponse {
    const log = refusal.log;
    if (log !== undefined) {
      safeLog(logger, () => ({
        level: 'error',
        message: log,
        requestId: input.requestId,
        method: input.method,
        path: input.path,
        status: 401,
        error: { name: 'MissingIdentity', message: log },
      }));
    }
    return refusal.response;
  }

  /**
   * Adds CORS headers to one of the app's own answers and drops a HEAD body, as API Gateway would. `lowerCase`: every
   * header name of `result` is lower case.
   */
  function finish(result: HttpResponse, origin: string | undefined, method: string, lowerCase = true): HttpResponse {
    if (cors) addCorsHeaders((result.headers ??= {}), cors.headersFor(origin), lowerCase);
    if (method === 'HEAD') result.body = '';
    return result;
  }

  return app;
}

/** The decoded path parameters, or the name of the first one holding a malformed percent-escape. */
function decodeParams(names: readonly string[], raw: Readonly<Record<string, string | null | undefined>>): Record<string, string> | string {
  const params: Record<string, string> = {};
  for (const name of names) {
    const value = raw[name]!;
    try {
      params[name] = value.includes('%') ? decodeURIComponent(value) : value;
    } catch {
      return name;
    }
  }
  return params;
}

// The answers for requests that match no route. A miss is an everyday answer, not an exception: no Error object
// (its creation costs more than routing). Kept out of `answer` so the common path compiles less at cold start.

function notAllowed(input: InboundRequest, allow: string): HttpResponse {
  return problemResponse(405, `${input.method} is not allowed on ${input.path}`, 'METHOD_NOT_ALLOWED', input.requestId, { allow });
}

function malformedParam(input: InboundRequest, name: string): HttpResponse {
  return problemResponse(400, `Path parameter "${name}" has a malformed percent-escape`, 'MALFORMED_PATH', input.requestId);
}

function missed(input: InboundRequest, match: Exclude<RouteMatch<unknown>, { status: 200 }>): HttpResponse {
  if (match.status === 405) return notAllowed(input, match.allow.join(', '));
  if (match.status === 400) return problemResponse(400, match.reason, 'MALFORMED_PATH', input.requestId);
  return problemResponse(404, `No route for ${input.method} ${input.path}`, 'NOT_FOUND', input.requestId);
}

/** Whether the gateway's path parameters hold every parameter of the template (a hand-written event may not). */
function carries(names: readonly string[], raw: InboundRequest['rawParams']): boolean {
  for (const name of names) {
    const value = raw?.[name];
    if (typeof value !== 'string' || value === '') return false;
  }
  return true;
}

/**
 * Validates what the route's schemas describe (query and body together), then runs the handler. A request that
 * fails is answered here with its problem, not thrown: the app's own refusals are everyday answers.
 */
function call(req: MutableRequest, entry: Entry, sent: InboundRequest['body']): Outcome {
  const { query, body } = entry.route;
  if (!query && !body) return entry.handler(req as never);
  const raw = body && bodyText(sent);
  let parsed: unknown;
  if (raw !== undefined) {
    parsed = parseJsonBody(raw, req.headers.get('content-type'));
    if (parsed instanceof Refusal) return problemResponse(parsed.status, parsed.message, parsed.code, req.requestId);
  }
  const queryResult = query && check(query, req.query, 'query');
  const bodyResult = body && check(body, parsed);
  return queryResult instanceof Promise || bodyResult instanceof Promise
    ? Promise.all([queryResult, bodyResult]).then(([q, b]) => validated(req, entry, raw !== undefined, q, b))
    : validated(req, entry, raw !== undefined, queryResult, bodyResult);
}

/** Stores the validated query and body on the request and runs the handler, or answers one 400 listing every violation. */
function validated(req: MutableRequest, entry: Entry, hasBody: boolean, q?: Validation<unknown>, b?: Validation<unknown>): Outcome {
  if (b && !b.ok && !hasBody) {
    return problemResponse(400, 'A request body is required: send JSON with Content-Type: application/json', 'BODY_REQUIRED', req.requestId);
  }
  if ((q && !q.ok) || (b && !b.ok)) {
    const violations: Violation[] = [];
    if (q && !q.ok) violations.push(...q.violations);
    if (b && !b.ok) violations.push(...b.violations);
    const what = b && !b.ok ? (q && !q.ok ? 'request' : 'request body') : 'query string';
    return problemResponse(400, `The ${what} is invalid`, 'VALIDATION_FAILED', req.requestId, undefined, violations);
  }
  if (q) req.query = q.value as Record<string, string>;
  if (b) req.body = b.value;
  return entry.handler(req as never);
}

function safeLog(logger: Logger, entry: () => LogEntry): void {
  try {
    logger.error(entry());
  } catch {
    // A broken logger (or an error whose getters throw) must not turn a 500 into a crash; there is nowhere left to
    // report to.
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
