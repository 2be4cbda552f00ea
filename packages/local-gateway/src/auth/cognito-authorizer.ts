/**
 * COGNITO_USER_POOLS authorizers against the stack's local user pools, with API Gateway's checks (developerguide
 * `apigateway-integrate-with-cognito.html`; Knowledge Center "api-gateway-cognito-401-unauthorized"): the token from
 * the identity-source header, signed by one of the authorizer's pools (`iss` names the pool, the signature must be
 * its key), not expired, `token_use` `id` — or `access` carrying one of the method's `authorization_scopes` when it
 * has any (an ID token is then refused, as an access token is on a method without scopes), and an app client of that
 * pool (`aud` of an ID token, `client_id` of an access token). Any failure is 401 `Unauthorized`.
 *
 * The claims reach a Lambda proxy integration as `requestContext.authorizer.claims`, every value a string, the way
 * REST APIs render them: `exp`/`iat` as Java dates (`Wed Feb 12 00:16:27 UTC 2020`), lists joined with commas
 * (`cognito:groups`: `admins,editors`), numbers and booleans as their text.
 */
import { cognitoAuthorizer } from '@portico/http';
import { decodeJwt } from 'jose';
import type { LocalUserPool } from '../cognito/local-user-pool';
import { GatewayError, unauthorized } from '../gateway-responses';
import type { AuthorizerDef, MethodDef } from '../terraform-stack';
import type { AuthorizerResult } from './authorizer-result';

/**
 * @example
 * const result = await authorizeCognito(method.authorizer!, method, pools, (name) => headerValue(ctx.headers, name), note);
 */
export async function authorizeCognito(
  def: AuthorizerDef,
  method: MethodDef,
  pools: ReadonlyMap<string, LocalUserPool>,
  header: (name: string) => string | undefined,
  note: (text: string) => void,
): Promise<AuthorizerResult | GatewayError> {
  const refuse = (why: string) => {
    note(` (cognito: ${why})`);
    return unauthorized();
  };
  let token = header(def.identitySources[0]!.slice('method.request.header.'.length));
  if (token === undefined || token === '') return refuse('no token');
  if (/^Bearer /i.test(token)) token = token.slice(7);

  let issuer: unknown;
  try {
    issuer = decodeJwt(token).iss;
  } catch {
    return refuse('not a JWT');
  }
  const pool = def.userPoolIds.map((id) => pools.get(id)).find((p) => p?.issuer === issuer);
  if (!pool) return refuse(`issuer ${String(issuer)} is none of the authorizer's user pools`);
  let claims: Record<string, unknown>;
  try {
    claims = await pool.verify(token);
  } catch (error) {
    return refuse((error as Error).message);
  }

  const scopes = method.authorizationScopes;
  if (scopes.length > 0) {
    if (claims.token_use !== 'access') return refuse(`the method has scopes, so an access token is needed, not token_use ${String(claims.token_use)}`);
    const granted = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
    if (!scopes.some((s) => granted.includes(s))) return refuse(`the token has none of the scopes ${scopes.join(' ')}`);
  } else if (claims.token_use !== 'id') {
    return refuse(`the method has no scopes, so an ID token is needed, not token_use ${String(claims.token_use)}`);
  }
  const clientId = claims.token_use === 'id' ? claims.aud : claims.client_id;
  if (typeof clientId !== 'string' || !pool.def.clients.has(clientId)) return refuse(`app client ${String(clientId)} is not one of ${pool.id}'s`);

  // Rendered by @portico/http, as its test events render them: one answer to "what does the handler read".
  const { claims: shown } = cognitoAuthorizer(claims);
  const vars = Object.create(null) as Record<string, string>;
  for (const name of Object.keys(shown)) vars[`authorizer.claims.${name}`] = shown[name]!;
  return { event: { claims: shown }, vars };
}
