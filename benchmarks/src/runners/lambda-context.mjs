// The Lambda context every variant receives, shaped like the real one (Powertools and Middy read it).
export const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'users-api-dev',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:users-api-dev',
  memoryLimitInMB: '1024',
  awsRequestId: '8f5c1c1e-5d1a-4f4e-9a51-1c2f0d9e7b11',
  logGroupName: '/aws/lambda/users-api-dev',
  logStreamName: '2026/11/24/[$LATEST]0123456789abcdef',
  getRemainingTimeInMillis: () => 30_000,
  done() {},
  fail() {},
  succeed() {},
};

/**
 * Copies an event deeply enough that a framework mutating it (Middy replaces `event.body` with the parsed object)
 * cannot leak into the next call. Hand-rolled for the v1 shape because a generic deep clone would cost more than
 * some handlers; it runs outside the timed window anyway.
 */
export function cloneEvent(e) {
  return {
    ...e,
    headers: e.headers && { ...e.headers },
    multiValueHeaders: e.multiValueHeaders && { ...e.multiValueHeaders },
    queryStringParameters: e.queryStringParameters && { ...e.queryStringParameters },
    multiValueQueryStringParameters: e.multiValueQueryStringParameters && { ...e.multiValueQueryStringParameters },
    pathParameters: e.pathParameters && { ...e.pathParameters },
    stageVariables: e.stageVariables && { ...e.stageVariables },
    requestContext: { ...e.requestContext, identity: { ...e.requestContext.identity } },
  };
}

/** True when a result is what API Gateway accepts: numeric statusCode, string body, string header values. */
export function isValidProxyResult(r) {
  if (!r || typeof r !== 'object' || !Number.isInteger(r.statusCode)) return false;
  if (r.body !== undefined && typeof r.body !== 'string') return false;
  for (const v of Object.values(r.headers ?? {})) if (typeof v !== 'string') return false;
  for (const v of Object.values(r.multiValueHeaders ?? {})) {
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) return false;
  }
  return true;
}

/**
 * Logging goes nowhere in every variant: the benchmark measures framework work, not terminal I/O (Middy and Hono
 * log each client or server error by default). The formatting work before the call still happens.
 */
export function silenceConsole() {
  for (const k of ['log', 'error', 'warn', 'info', 'debug']) console[k] = () => {};
}
