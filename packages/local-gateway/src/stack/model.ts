/**
 * The REST API model the gateway serves, as read from a Terraform JSON stack: one interface per Terraform resource the
 * gateway understands. Readers in this folder fill it, one per concept (as infra has one construct per concept).
 */

export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_ACCOUNT_ID = '123456789012';

/** A Lambda function of the stack, with the code location and runtime settings the emulator needs. */
export interface LambdaFunctionDef {
  address: string;
  functionName: string;
  handler: string;
  runtime: string;
  /** Absolute path of the deployment zip (terraform resolves `filename` from the stack's directory). */
  filename?: string;
  timeoutSeconds: number;
  memoryMb: number;
  environment: Record<string, string>;
  arn: string;
  /** `reserved_concurrent_executions`: the most environments the function may run at once; absent when unreserved (-1). */
  reservedConcurrency?: number;
}

export interface IntegrationResponseDef {
  statusCode: string;
  selectionPattern?: string;
  responseParameters: Record<string, string>;
  responseTemplates: Record<string, string>;
}

export interface IntegrationDef {
  address: string;
  type: 'AWS_PROXY' | 'MOCK';
  functionName?: string;
  requestTemplates: Record<string, string>;
  cacheKeyParameters: string[];
  /** Integration timeout from the stack; API Gateway's default (and maximum for most accounts) is 29 s. */
  timeoutMs?: number;
  responses: IntegrationResponseDef[];
}

export interface MethodResponseDef {
  statusCode: string;
  responseParameters: Record<string, boolean>;
}

export interface RequestValidatorDef {
  id: string;
  name: string;
  validateBody: boolean;
  validateParameters: boolean;
}

export interface ModelDef {
  id: string;
  name: string;
  contentType: string;
  schema: unknown;
}

/** `authorization` of a method: who may call it. */
export type AuthorizationType = 'NONE' | 'CUSTOM' | 'COGNITO_USER_POOLS' | 'AWS_IAM';

export interface MethodDef {
  address: string;
  httpMethod: string;
  apiKeyRequired: boolean;
  authorization: AuthorizationType;
  /** The authorizer of a CUSTOM or COGNITO_USER_POOLS method. */
  authorizer?: AuthorizerDef;
  /** `authorization_scopes`: an access token must carry one of them (COGNITO_USER_POOLS only). */
  authorizationScopes: string[];
  /** `method.request.querystring.q` → required? */
  requestParameters: Record<string, boolean>;
  validator?: RequestValidatorDef;
  /** content type → model name */
  requestModels: Record<string, string>;
  integration?: IntegrationDef;
  methodResponses: Map<string, MethodResponseDef>;
}

export interface ResourceDef {
  id: string;
  /** `/orders/{id}` */
  path: string;
  parentId?: string;
  pathPart: string;
  methods: Map<string, MethodDef>;
}

export interface GatewayResponseDef {
  responseType: string;
  statusCode?: number;
  responseParameters: Record<string, string>;
  responseTemplates: Record<string, string>;
}

export interface MethodSettingDef {
  throttlingBurstLimit?: number;
  throttlingRateLimit?: number;
  cachingEnabled?: boolean;
  cacheTtlSeconds?: number;
  requireAuthorizationForCacheControl?: boolean;
  unauthorizedCacheControlHeaderStrategy?: string;
}

export interface StageDef {
  address: string;
  name: string;
  variables: Record<string, string>;
  cacheClusterEnabled: boolean;
  /** `cache_cluster_size` in GB (0.5 … 237), what the stage cache may hold; 0.5 when the stack leaves it out. */
  cacheClusterSizeGb: number;
  /** `*​/*` or `orders/{id}/GET` → settings */
  methodSettings: Map<string, MethodSettingDef>;
}

/**
 * `aws_api_gateway_authorizer`. An identity source is kept as written (`method.request.header.Authorization`,
 * `method.request.querystring.q`, `stageVariables.x`, `context.x`).
 */
export interface AuthorizerDef {
  address: string;
  id: string;
  name: string;
  type: 'TOKEN' | 'REQUEST' | 'COGNITO_USER_POOLS';
  identitySources: string[];
  /** `identity_validation_expression` (TOKEN only), a Java regular expression the whole token must match. */
  validationExpression?: string;
  /** `authorizer_result_ttl_in_seconds` (default 300; 0 turns the cache off). */
  ttlSeconds: number;
  /** The Lambda function `authorizer_uri` invokes (TOKEN, REQUEST). */
  functionName?: string;
  /** The user pools `provider_arns` name (COGNITO_USER_POOLS), by pool id. */
  userPoolIds: string[];
}

/** An app client of a user pool (`aws_cognito_user_pool_client`). */
export interface UserPoolClientDef {
  address: string;
  id: string;
  name: string;
  /** OAuth scopes the client may ask for: `openid`, `email`, `<resource server>/<scope>`… */
  allowedOAuthScopes: string[];
  explicitAuthFlows: string[];
  /** Minutes, as Terraform's default token_validity_units give them (60 for ID and access tokens). */
  idTokenValidityMinutes: number;
  accessTokenValidityMinutes: number;
}

/** `aws_cognito_user_pool` with its clients, resource servers and groups. */
export interface UserPoolDef {
  address: string;
  /** `eu-west-1_AbCd12345` */
  id: string;
  name: string;
  arn: string;
  clients: Map<string, UserPoolClientDef>;
  /** `identifier/scope` of every custom scope its resource servers declare. */
  customScopes: string[];
  groups: Array<{ name: string; precedence?: number }>;
}

export interface RestApiDef {
  address: string;
  id: string;
  name: string;
  /** `api_key_source`: `HEADER` (x-api-key) or `AUTHORIZER` (a Lambda authorizer's `usageIdentifierKey`). */
  apiKeySource: 'HEADER' | 'AUTHORIZER';
  authorizers: Map<string, AuthorizerDef>;
  rootResourceId: string;
  binaryMediaTypes: string[];
  resources: Map<string, ResourceDef>;
  models: Map<string, ModelDef>;
  gatewayResponses: Map<string, GatewayResponseDef>;
  stages: Map<string, StageDef>;
}

export interface ApiKeyDef {
  address: string;
  id: string;
  name: string;
  value: string;
  enabled: boolean;
  /** True when the stack gave no value and one was made up locally (print it: nobody else knows it). */
  generated: boolean;
}

export interface ThrottleDef {
  burstLimit?: number;
  rateLimit?: number;
}

export interface QuotaDef {
  limit: number;
  period: 'DAY' | 'WEEK' | 'MONTH';
  offset: number;
}

export interface UsagePlanDef {
  address: string;
  id: string;
  name: string;
  apiStages: Array<{ apiId: string; stage: string; throttle: Map<string, ThrottleDef> }>;
  throttle?: ThrottleDef;
  quota?: QuotaDef;
  apiKeyIds: string[];
}

export interface TableDef {
  address: string;
  name: string;
  hashKey: string;
  rangeKey?: string;
  attributes: Array<{ name: string; type: string }>;
  globalSecondaryIndexes: Array<{ name: string; hashKey: string; rangeKey?: string; projectionType: string }>;
}

/** A whole stack, ready to serve. */
export interface Stack {
  /** Directory relative paths in the stack (`filename`) resolve against. */
  dir: string;
  region: string;
  accountId: string;
  apis: RestApiDef[];
  functions: Map<string, LambdaFunctionDef>;
  apiKeys: Map<string, ApiKeyDef>;
  usagePlans: UsagePlanDef[];
  tables: TableDef[];
  /** Cognito user pools by id. */
  userPools: Map<string, UserPoolDef>;
}

export interface LoadStackOptions {
  /** Where relative `filename`s resolve from (the stack file's directory). Default: the current directory. */
  dir?: string;
}
