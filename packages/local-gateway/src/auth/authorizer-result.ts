/**
 * What an authorizer hands the rest of the request: `requestContext.authorizer` for a Lambda proxy integration, the
 * `$context.authorizer.*` variables for templates and gateway responses, and (IAM) the caller for
 * `requestContext.identity`.
 */

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
}

/** The SigV4 caller of an AWS_IAM method, as `requestContext.identity` shows it. */
export interface CallerIdentity {
  accountId: string;
  caller: string;
  user: string;
  userArn: string;
  accessKey: string;
}
