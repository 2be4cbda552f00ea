/**
 * The Lambda proxy integration seen from the gateway: invoke a function with the gateway's integration timeout, and
 * turn what the function answered into an HTTP result, or the reason (and the error) API Gateway answers instead.
 *
 * What the client sees when Lambda itself refuses the invocation (AWS docs "Handling Lambda errors with an API Gateway
 * API": "If the Lambda API rejects the invocation request, API Gateway returns a 500 error code"; what REST APIs
 * answer, as captured from a deployed one):
 * - throttled (Lambda's 429 TooManyRequestsException, "Rate Exceeded."): 500 `{"message": "Internal server error"}`,
 *   `x-amzn-ErrorType: InternalServerErrorException`, through the INTEGRATION_FAILURE gateway response (the one a
 *   customised response for Lambda throttling goes through);
 * - event over 6 MiB (Lambda's 413 RequestTooLargeException): 413 `{"message": "Request Too Long"}`,
 *   `x-amzn-ErrorType: BadRequestException`;
 * - a result over Lambda's response limit is a function error (`Function.ResponseSizeTooLarge`): 502, like any other.
 */
import { GatewayError, lambdaFailure } from './gateway-responses';
import { MAX_REQUEST_PAYLOAD_BYTES, type FunctionPool, type InvokeReport } from './lambda-pool';
import { checkProxyResult, type HttpResult } from './proxy-result';

/** A gateway error whose `x-amzn-ErrorType` is not the one its response type implies. */
class LambdaInvokeError extends GatewayError {
  constructor(
    responseType: string,
    message: string,
    statusCode: number,
    private readonly amznErrorType: string,
  ) {
    super(responseType, message, statusCode);
  }

  override get errorType(): string {
    return this.amznErrorType;
  }
}

/**
 * What API Gateway answers when Lambda throttles the invocation.
 *
 * @example
 * lambdaThrottled().statusCode; // 500
 */
export const lambdaThrottled = () => new GatewayError('INTEGRATION_FAILURE', 'Internal server error', 500);

/**
 * What API Gateway answers when the event is over Lambda's payload limit.
 *
 * @example
 * lambdaRequestTooLarge().errorType; // 'BadRequestException'
 */
export const lambdaRequestTooLarge = () => new LambdaInvokeError('INTEGRATION_FAILURE', 'Request Too Long', 413, 'BadRequestException');

export type Interpretation = { ok: true; result: HttpResult } | { ok: false; reason: string; error: GatewayError };

/**
 * Invokes the function, answering 'gateway-timeout' once the integration timeout passes (the function runs on).
 *
 * @example
 * const outcome = await invokeWithTimeout(pool, event, requestId, 29_000);
 */
export function invokeWithTimeout(
  pool: FunctionPool,
  event: unknown,
  requestId: string,
  timeoutMs: number,
): Promise<InvokeReport | 'gateway-timeout'> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve('gateway-timeout'), timeoutMs);
    // The function keeps running after the gateway gives up, as on AWS; its own timeout still ends it.
    pool.invoke(event, requestId).then(
      (report) => {
        clearTimeout(timer);
        resolve(report);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * Turns an invocation's outcome into the HTTP result, or the reason to log and the GatewayError to answer with.
 *
 * @example
 * const checked = interpret(report.outcome, 'application/json', api.binaryMediaTypes);
 * if (!checked.ok) return fail(checked.error); // e.g. 413 for an event over Lambda's payload limit
 */
export function interpret(
  outcome: InvokeReport['outcome'],
  accept: string | undefined,
  binaryMediaTypes: string[],
): Interpretation {
  switch (outcome.kind) {
    case 'throttled':
      return {
        ok: false,
        reason: `Lambda invocation failed with status: 429 (TooManyRequestsException: Rate Exceeded., concurrency limit ${outcome.limit})`,
        error: lambdaThrottled(),
      };
    case 'request-too-large':
      return {
        ok: false,
        reason: `Lambda invocation failed with status: 413 (RequestTooLargeException: ${outcome.bytes} bytes; Request must be smaller than ${MAX_REQUEST_PAYLOAD_BYTES} bytes for the InvokeFunction operation)`,
        error: lambdaRequestTooLarge(),
      };
    case 'timeout':
      return { ok: false, reason: `function timed out after ${outcome.seconds}s`, error: lambdaFailure() };
    case 'error':
      return { ok: false, reason: `${outcome.errorType}: ${outcome.errorMessage}`, error: lambdaFailure() };
  }
  const checked = checkProxyResult(outcome.result, { accept, binaryMediaTypes });
  return checked.ok ? checked : { ok: false, reason: `Malformed Lambda proxy response: ${checked.reason}`, error: lambdaFailure() };
}
