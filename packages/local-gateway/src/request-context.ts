/**
 * One request as it moves through the gateway's phases. The HTTP edge fills in what the client sent; each phase of
 * the pipeline adds what it decided (the route, the key binding, the cache key, the trace id…) and reads what earlier
 * phases left.
 */
import type { ValueMaps } from '@portico/http';
import type { AuthorizerResult, CallerIdentity } from './auth/authorizer-result';
import type { ResourceMethod } from './resource-router';
import type { KeyBinding, MethodPlan } from './stage-runtime';

export interface RequestContext {
  // From the client (the edge).
  readonly httpMethod: string;
  /** The path as sent, stage included, without the query. */
  readonly rawPath: string;
  /** The query string without `?`, or ''. */
  readonly rawQuery: string;
  /** Header names and values laid flat, as they arrived (Node's `req.rawHeaders`). */
  readonly rawHeaders: readonly string[];
  /** Single-value headers (null-prototype; names as sent, last value wins). */
  readonly headers: Record<string, string>;
  /** The payload; empty when there is none. Set by the edge once it has arrived. */
  body: Buffer;
  readonly sourceIp: string;
  /** The Host header, or '' */
  readonly host: string;
  readonly localPort: number;
  readonly requestId: string;
  readonly extendedRequestId: string;
  /** The gateway clock's time at arrival. */
  readonly epoch: number;

  // Decided by the phases.
  /** The path after the stage, extra slashes right after the stage merged. */
  path: string;
  route?: ResourceMethod;
  /** Path parameters as sent (percent-encoded), as the event carries them. */
  pathParameters: Record<string, string>;
  plan?: MethodPlan;
  query?: ValueMaps;
  /** What the method's authorizer decided (Lambda or Cognito). */
  authorizer?: AuthorizerResult;
  /** The verified SigV4 caller of an AWS_IAM method. */
  identity?: CallerIdentity;
  binding?: KeyBinding;
  validationErrorString?: string;
  cacheKey?: string;
  /** Set once a proxy event is built: the answer then carries it, as AWS's Lambda-backed answers do. */
  traceId?: string;
  /** Headers the gateway adds to the answer (e.g. the cache's `Warning`). */
  extraHeaders?: Array<[string, string]>;
  /** What the request log line adds after the status, e.g. ` (cache hit)`. */
  note: string;
}
