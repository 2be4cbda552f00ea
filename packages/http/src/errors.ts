/**
 * One error base and one status table. Subclasses are generated from the table, so adding a status is one line and
 * every error serialises the same way (RFC 9457 problem details).
 */
import type { HttpResponse } from './responses';

/** One violation in a 400 validation problem: where (RFC 6901 JSON pointer), what, and a stable code. */
export interface Violation {
  /** JSON pointer into the body (or into the query object when `in` is `"query"`). */
  readonly pointer: string;
  readonly message: string;
  /** The rule that failed, as the schema library names it (e.g. `min_length`, `email`, `invalid_type`). */
  readonly code: string;
  /** Which part of the request: the body (default) or the query string. */
  readonly in?: 'body' | 'query';
}

/** Options every {@link HttpError} takes. */
export interface HttpErrorOptions {
  /** Stable, machine-readable code; defaults to the status's code (e.g. `NOT_FOUND`). */
  code?: string;
  /** Structured details; validation errors put their violations here. Never exposed on 5xx. */
  details?: readonly Violation[];
  cause?: unknown;
  /** Extra response headers, e.g. `Retry-After` or `Allow`. */
  headers?: Record<string, string>;
}

/** RFC 9457 problem details, as Portico serialises them. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  requestId?: string;
  errors?: readonly Violation[];
}

/**
 * Status → title (the HTTP reason phrase; RFC 9457 `type` is `about:blank`). The class name (`NotFoundError`) and
 * the stable code (`NOT_FOUND`) are derived from the title, so one line adds a status.
 */
export const STATUS_TABLE = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
} as const satisfies Record<number, string>;

type KnownStatus = keyof typeof STATUS_TABLE;

/** The fixed detail (and title, for statuses outside the table) every 5xx problem carries. */
const HIDDEN = 'Internal Server Error';

function titleOf(status: number): string {
  return STATUS_TABLE[status as KnownStatus] ?? (status < 500 ? 'Error' : HIDDEN);
}

const CODES = new Map<number, string>();

/** `Not Found` → `NOT_FOUND`, once per status. */
function codeOf(status: number): string {
  let code = CODES.get(status);
  if (code === undefined) CODES.set(status, (code = titleOf(status).toUpperCase().replaceAll(' ', '_')));
  return code;
}

/**
 * The base of {@link HttpError}: an `Error` by prototype (`instanceof Error`, `name`, `message`, `toString`, `cause`)
 * that does not run the `Error` constructor. In V8 that constructor costs a few microseconds even with no stack
 * captured, more than the rest of a request, and a thrown `NotFoundError` is an everyday answer; 5xx errors capture
 * their stack explicitly for the log line.
 */
const ErrorBase = /* @__PURE__ */ (() => {
  function ErrorBase(): void {}
  ErrorBase.prototype = Object.create(Error.prototype, {
    constructor: { value: ErrorBase, writable: true, configurable: true },
    // Without captured frames the stack is the first line alone, as a native error's is with none.
    stack: {
      get(this: Error) {
        return Error.prototype.toString.call(this);
      },
      set(this: Error, value: unknown) {
        Object.defineProperty(this, 'stack', { value, writable: true, configurable: true });
      },
      configurable: true,
    },
  });
  return ErrorBase as unknown as new () => Error;
})();

/**
 * An error that maps to an HTTP response. Throw it (or a subclass) anywhere in a handler or middleware; the app
 * turns it into `application/problem+json`. Messages of 4xx errors reach the client; 5xx messages never do. A 4xx is
 * an answer, not a bug: it is never logged and carries no stack; a 5xx keeps its stack for the log.
 *
 * @example
 * throw new HttpError(409, 'User 42 already exists', { code: 'USER_EXISTS' });
 */
export class HttpError extends ErrorBase {
  // `declare`d and assigned in the constructor: a class field would be defined, then written, on every error.
  declare readonly status: number;
  declare readonly code: string;
  declare readonly details: readonly Violation[] | undefined;
  declare readonly headers: Record<string, string> | undefined;
  declare readonly cause?: unknown;

  constructor(status: number, message?: string, options: HttpErrorOptions = {}) {
    super();
    const checked = Number.isInteger(status) && status >= 400 && status < 600 ? status : 500;
    this.message = message ?? titleOf(checked);
    this.name = 'HttpError';
    this.status = checked;
    this.code = options.code ?? codeOf(checked);
    this.details = options.details;
    this.headers = options.headers;
    if (options.cause !== undefined) Object.defineProperty(this, 'cause', { value: options.cause, writable: true, configurable: true });
    // The frames from the caller of `new` on, as a native error would have them.
    if (checked > 499) Error.captureStackTrace(this, new.target);
  }

  /** Whether the message and details may reach the client (4xx) or stay in the logs (5xx). */
  get expose(): boolean {
    return this.status < 500;
  }

  /**
   * The RFC 9457 problem for this error; 5xx errors get a fixed detail, their status's code and no `errors`.
   *
   * @example
   * new NotFoundError('User 42 not found').toJSON();
   * // { type: 'about:blank', title: 'Not Found', status: 404, detail: 'User 42 not found', code: 'NOT_FOUND' }
   */
  toJSON(requestId?: string): Problem {
    return toProblem(this.status, this.message, this.code, this.details, requestId);
  }
}

/**
 * The RFC 9457 problem for a status: 4xx keep their message, code and details; 5xx get a fixed detail, their
 * status's code and no `errors`, so nothing internal reaches a client.
 *
 * @example
 * toProblem(404, 'User 42 not found', 'NOT_FOUND');
 * // { type: 'about:blank', title: 'Not Found', status: 404, detail: 'User 42 not found', code: 'NOT_FOUND' }
 */
export function toProblem(
  status: number,
  message: string,
  code: string,
  details?: readonly Violation[],
  requestId?: string,
): Problem {
  const expose = status < 500;
  const problem: Problem = {
    type: 'about:blank',
    title: titleOf(status),
    status,
    detail: expose ? message : HIDDEN,
    code: expose ? code : codeOf(status),
  };
  if (requestId) problem.requestId = requestId;
  if (expose && details) problem.errors = details;
  return problem;
}

/**
 * A problem+json response (RFC 9457) built without throwing, for the answers the app gives itself (no route, bad
 * input) and for every error it maps; 5xx details are hidden by {@link toProblem}.
 *
 * @example
 * problemResponse(404, 'No route for GET /nope', 'NOT_FOUND', 'req-1');
 */
export function problemResponse(
  status: number,
  message: string,
  code: string,
  requestId: string,
  headers?: Record<string, string>,
  details?: readonly Violation[],
): HttpResponse {
  const type = { 'content-type': 'application/problem+json' };
  return {
    statusCode: status,
    headers: headers ? { ...headers, ...type } : type,
    body: JSON.stringify(toProblem(status, message, code, details, requestId)),
  };
}

type HttpErrorClass = new (message?: string, options?: HttpErrorOptions) => HttpError;

function defineHttpError(status: KnownStatus): HttpErrorClass {
  const title = STATUS_TABLE[status].replaceAll(' ', '');
  const name = title.endsWith('Error') ? title : `${title}Error`;
  const ErrorClass = class extends HttpError {
    constructor(message?: string, options?: HttpErrorOptions) {
      super(status, message, options);
      this.name = name;
    }
  };
  Object.defineProperty(ErrorClass, 'name', { value: name });
  return ErrorClass;
}

// Annotated pure so a bundle that never names an error class drops it.
/** 400: the request is malformed or invalid. @example throw new BadRequestError('limit must be a number') */
export const BadRequestError = /* @__PURE__ */ defineHttpError(400);
/** 401: no or bad credentials. @example throw new UnauthorizedError() */
export const UnauthorizedError = /* @__PURE__ */ defineHttpError(401);
/** 403: credentials are fine but not allowed. @example throw new ForbiddenError() */
export const ForbiddenError = /* @__PURE__ */ defineHttpError(403);
/** 404: no such resource. @example throw new NotFoundError(`User ${id} not found`) */
export const NotFoundError = /* @__PURE__ */ defineHttpError(404);
/** 405: pass `headers: { Allow }`. @example throw new MethodNotAllowedError(undefined, { headers: { Allow: 'GET' } }) */
export const MethodNotAllowedError = /* @__PURE__ */ defineHttpError(405);
/** 409: state conflict. @example throw new ConflictError(`User ${id} already exists`) */
export const ConflictError = /* @__PURE__ */ defineHttpError(409);
/** 413: body over the limit. @example throw new PayloadTooLargeError() */
export const PayloadTooLargeError = /* @__PURE__ */ defineHttpError(413);
/** 415: wrong content type. @example throw new UnsupportedMediaTypeError('Send application/json') */
export const UnsupportedMediaTypeError = /* @__PURE__ */ defineHttpError(415);
/** 422: well-formed but unprocessable. @example throw new UnprocessableEntityError('Email already verified') */
export const UnprocessableEntityError = /* @__PURE__ */ defineHttpError(422);
/** 429: slow down. @example throw new TooManyRequestsError(undefined, { headers: { 'Retry-After': '1' } }) */
export const TooManyRequestsError = /* @__PURE__ */ defineHttpError(429);
/** 500: the message is logged, never sent. @example throw new InternalServerError('store unreachable', { cause }) */
export const InternalServerError = /* @__PURE__ */ defineHttpError(500);
/** 503: dependency down. @example throw new ServiceUnavailableError('DynamoDB throttled', { cause }) */
export const ServiceUnavailableError = /* @__PURE__ */ defineHttpError(503);

/**
 * A client error the app raises itself (no route, bad JSON, wrong content type, body too large, invalid input). Like
 * every 4xx {@link HttpError} it carries no stack: it is an answer, not a bug.
 *
 * @example
 * throw clientError(415, 'Expected a JSON body', 'UNSUPPORTED_MEDIA_TYPE');
 */
export function clientError(status: number, message: string, code?: string, options?: HttpErrorOptions): HttpError {
  return new HttpError(status, message, options ? { ...options, code } : { code });
}

/** Escapes one key for a JSON pointer (RFC 6901: `~` → `~0`, `/` → `~1`). */
export function toPointer(path: readonly PropertyKey[]): string {
  let pointer = '';
  for (const key of path) {
    const text = String(key);
    pointer += '/' + (text.includes('~') || text.includes('/') ? text.replaceAll('~', '~0').replaceAll('/', '~1') : text);
  }
  return pointer;
}
