/**
 * The Lambda proxy integration seen from the gateway: invoke a function with the gateway's integration timeout, and
 * turn what the function answered into an HTTP result, or the reason API Gateway would answer 502 instead.
 */
import type { FunctionPool, InvokeReport } from './lambda-pool';
import { checkProxyResult, type HttpResult } from './proxy-result';

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

export function interpret(
  outcome: InvokeReport['outcome'],
  accept: string | undefined,
  binaryMediaTypes: string[],
): { ok: true; result: HttpResult } | { ok: false; reason: string } {
  if (outcome.kind === 'timeout') return { ok: false, reason: `function timed out after ${outcome.seconds}s` };
  if (outcome.kind === 'error') return { ok: false, reason: `${outcome.errorType}: ${outcome.errorMessage}` };
  let payload: unknown;
  try {
    payload = JSON.parse(outcome.payload);
  } catch {
    return { ok: false, reason: 'Malformed Lambda proxy response' };
  }
  const checked = checkProxyResult(payload, { accept, binaryMediaTypes });
  return checked.ok ? checked : { ok: false, reason: `Malformed Lambda proxy response: ${checked.reason}` };
}
