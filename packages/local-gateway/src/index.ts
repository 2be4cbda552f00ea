/**
 * @portico/local-gateway — runs a synthesized API Gateway REST API stack (Terraform JSON) locally, with the
 * gateway's behaviour and each Lambda execution environment in a process of its own. No Docker, no AWS account.
 */

// Stack loading
export { loadStack, loadStackFile, isUnresolved } from './terraform-stack';
export type {
  Stack,
  RestApiDef,
  ResourceDef,
  MethodDef,
  IntegrationDef,
  LambdaFunctionDef,
  StageDef,
  ApiKeyDef,
  UsagePlanDef,
  TableDef,
  AuthorizerDef,
  AuthorizationType,
  UserPoolDef,
  UserPoolClientDef,
  LoadStackOptions,
} from './terraform-stack';
export { UnsupportedStackError } from './errors';

// Local DynamoDB for a stack's tables (dynalite in a process of its own)
export { startLocalDynamoDb, type LocalDynamoDb } from './local-dynamodb';

// The gateway
export { createGateway, MAX_PAYLOAD_BYTES, INTEGRATION_TIMEOUT_MS, HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from './gateway';
export type { Gateway, GatewayOptions, ApiKeyInfo, LocalPoolInfo, UserTokens } from './gateway';

// Authorizers: local Cognito user pools, locally issued IAM credentials, Lambda authorizer policies
export { LocalUserPool, CognitoError } from './cognito/local-user-pool';
export type { LocalUser, IssueOptions, IssuedTokens } from './cognito/local-user-pool';
export type { LocalCredentials } from './auth/sigv4';
export { verifySigV4 } from './auth/sigv4';
export { defaultCredentials, identityOf } from './auth/iam-authorizer';
export { methodArn, parseAuthorizerOutput, evaluatePolicy, arnLike } from './auth/policy';

// Time, for tests
export { createManualClock, SYSTEM_CLOCK } from './clock';
export type { Clock, ManualClock } from './clock';

// Building blocks (exported for tests and tools that need the same rules)
export { buildProxyEvent, parseQuery, formatRequestTime, isBinaryMediaType } from './proxy-event';
export type { ProxyEvent, ProxyEventParts } from './proxy-event';
export { createResourceRouter } from './resource-router';
export { checkProxyResult } from './proxy-result';
export { substituteVariables } from './gateway-responses';
export { quotaPeriodStart, TokenBucket } from './throttling';
export { FunctionPool } from './lambda-pool';
