/**
 * What an authorizer hands the rest of the request: `requestContext.authorizer` for a Lambda proxy integration, the
 * `$context.authorizer.*` variables for templates and gateway responses, and (IAM) the caller for
 * `requestContext.identity`.
 */
import type { GatewayError } from '../gateway-responses';

export interface AuthorizerResult {
  /**
   * `requestContext.authorizer` as a proxy integration receives it: a Lambda authorizer's `principalId`, its context
   * values as strings and `integrationLatency`; a Cognito authorizer's `claims`, every value a string.
   */
  event: Record<string, unknown>;
  /** Flat `$context` variables: `authorizer.principalId`, `authorizer.<key>`, `authorizer.claims.<name>`. */
  vars: Record<string, string>;
  /** A Lambda authorizer's `usageIdentifierKey`: the API key when the API's key source is AUTHORIZER. */
  usageIdentifierKey?: string;
  /**
   * Set when the policy denies the method: the 403 to answer with. The rest of the result still fills
   * `$context.authorizer.*` for the ACCESS_DENIED gateway response, since the authorizer did answer.
   */
  denied?: GatewayError;
}

/** The SigV4 caller of an AWS_IAM method, as `requestContext.identity` shows it. */
export interface CallerIdentity {
  accountId: string;
  caller: string;
  user: string;
  userArn: string;
  accessKey: string;
}
