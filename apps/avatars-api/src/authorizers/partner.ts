/**
 * The partner authorizer: a TOKEN Lambda authorizer on the avatar writes (`PUT` and `DELETE /avatars/{userId}`).
 * API Gateway hands it the `Authorization` header once the header matches the validation expression
 * (`Bearer ptk_…`, see portico.config.ts); it looks the token's hash up in the partners table and answers:
 *
 * - no partner holds the token, or its partner is inactive → `Unauthorized` (API Gateway's 401);
 * - an active partner → Allow PUT and DELETE on exactly the avatars the partner may write (every user's, listed ids,
 *   or an id prefix), `principalId` the partner's id, `context` its id and name. Not just the method called: API
 *   Gateway caches the answer per token for `resultTtlSeconds` and applies it to every method this authorizer
 *   guards, so a policy naming only the first method called would refuse the partner's next DELETE;
 * - DynamoDB failing, or a malformed partner item → the error is thrown (logged, and API Gateway's 500): never an
 *   Allow, and never a 401 that would tell a partner its valid token is wrong.
 */
import { createAuthorizer, policy, unauthorized, type AuthorizerHandler, type TokenAuthorizerEvent } from '@portico/http/authorizer';
import { createPartnerStore, PARTNER_AUTHORIZATION, partnerResources } from '../partners';

/** The current invocation's context: Lambda runs one invocation at a time per execution environment. */
let invocation: { getRemainingTimeInMillis?: () => number } | undefined;
const partners = createPartnerStore({ remainingTimeMs: () => invocation?.getRemainingTimeInMillis?.() });

const authorize = createAuthorizer('TOKEN', async (event) => {
  // The gateway's validation expression refuses anything else before this runs; checked again for a direct invoke.
  const token = PARTNER_AUTHORIZATION.exec(event.authorizationToken)?.[1] ?? unauthorized();
  const partner = await partners.find(token);
  if (!partner?.active) unauthorized();
  return policy({
    principalId: partner.partnerId,
    allow: partnerResources(event.methodArn, partner),
    context: { partnerId: partner.partnerId, partnerName: partner.name },
  });
});

/** The Lambda entry point (`handler.handler` in the authorizer's bundle). */
export const handler: AuthorizerHandler<TokenAuthorizerEvent> = (event, context) => {
  invocation = typeof context === 'object' && context !== null ? (context as typeof invocation) : undefined;
  return authorize(event);
};
