/**
 * `requestContext.authorizer` as API Gateway REST (v1) fills it for a Lambda proxy integration, from what an
 * authorizer produced. The test factory and the local gateway both render it here, so a handler tested with
 * `createProxyEvent({ auth })` reads what it reads behind the gateway.
 *
 * - Cognito (developerguide `apigateway-integrate-with-cognito.html`): `{ claims }`, every claim a string. Observed
 *   renderings, which REST APIs have used since launch: `exp` and `iat` as Java's `Date.toString()` in UTC
 *   (`Wed Feb 12 00:16:27 UTC 2020`) while `auth_time` stays the number's text, lists comma-joined
 *   (`cognito:groups`: `admins,editors`), booleans and numbers as their text.
 * - Lambda authorizer (`api-gateway-lambda-authorizer-output.html`: "their values are stringified"): each context
 *   key beside `principalId`, its value's text, plus `integrationLatency` in milliseconds.
 */
import { dictionary } from './event';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Java's `Date.toString()` in UTC, how REST APIs render a token's `exp` and `iat` claims.
 *
 * @example
 * javaDate(Date.UTC(2020, 1, 12, 0, 16, 27)); // 'Wed Feb 12 00:16:27 UTC 2020'
 */
export function javaDate(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number) => (n < 10 ? `0${n}` : String(n));
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(
    d.getUTCSeconds(),
  )} UTC ${d.getUTCFullYear()}`;
}

/**
 * A token's claims as a Cognito user pool authorizer hands them to a proxy integration: `{ claims }`, each a string.
 *
 * @example
 * cognitoAuthorizer({ sub: 'u-1', 'cognito:groups': ['admins', 'editors'], exp: 1581466587, email_verified: true });
 * // { claims: { sub: 'u-1', 'cognito:groups': 'admins,editors', exp: 'Wed Feb 12 00:16:27 UTC 2020', email_verified: 'true' } }
 */
export function cognitoAuthorizer(payload: Readonly<Record<string, unknown>>): { claims: Record<string, string> } {
  const claims = dictionary<string>();
  for (const name of Object.keys(payload)) {
    const value = payload[name];
    if (value === undefined || value === null) continue;
    claims[name] = claimText(name, value);
  }
  return { claims };
}

function claimText(name: string, value: unknown): string {
  if ((name === 'exp' || name === 'iat') && typeof value === 'number') return javaDate(value * 1000);
  if (Array.isArray(value)) return value.map(String).join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** What a Lambda authorizer may put in its context: API Gateway refuses anything else (500). */
export type AuthorizerContextValue = string | number | boolean;

/**
 * A Lambda authorizer's answer as API Gateway hands it to a proxy integration: the context values as text beside
 * `principalId`, and `integrationLatency` (0 when the result came from the authorizer cache).
 *
 * @example
 * lambdaAuthorizer('user-1', { tenant: 't-9', admin: true, quota: 5 });
 * // { tenant: 't-9', admin: 'true', quota: '5', principalId: 'user-1', integrationLatency: 0 }
 */
export function lambdaAuthorizer(
  principalId: string,
  context: Readonly<Record<string, AuthorizerContextValue>> = {},
  integrationLatency = 0,
): Record<string, unknown> {
  const authorizer = dictionary<unknown>();
  for (const key of Object.keys(context)) {
    const value: unknown = context[key];
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new TypeError(`Authorizer context "${key}" is ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}: API Gateway accepts only strings, numbers and booleans`);
    }
    authorizer[key] = String(value);
  }
  authorizer.principalId = principalId;
  authorizer.integrationLatency = integrationLatency;
  return authorizer;
}
