import { ApiGatewayAccount } from '@cdktf/provider-aws/lib/api-gateway-account';
import { ApiGatewayMethodSettings } from '@cdktf/provider-aws/lib/api-gateway-method-settings';
import { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { CacheConfig, ThrottleConfig } from '../api';
import type { GatewayRoute } from '../gateway-routes';
import type { RestApi } from './rest-api';

export interface StageProps {
  readonly api: RestApi;
  readonly deploymentId: string;
  readonly stageName: string;
  readonly throttle: ThrottleConfig;
  readonly cache: CacheConfig;
  /** Routes whose `cacheKeyParameters` are non-empty get caching turned on. */
  readonly routes: readonly GatewayRoute[];
  /** @default {} */
  readonly variables?: Readonly<Record<string, string>>;
  /** @default 30 */
  readonly logRetentionDays?: number;
  /**
   * Set the region's API Gateway CloudWatch role, without which no stage may write access logs. One per account and
   * region; see `StageConfig.manageGatewayLoggingRole`.
   * @default true
   */
  readonly manageLoggingRole?: boolean;
}

/** One JSON object per request: the fields an on-call engineer filters by. */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  apiKeyId: '$context.identity.apiKeyId',
  errorMessage: '$context.error.message',
  validationError: '$context.error.validationErrorString',
  xrayTraceId: '$context.xrayTraceId',
});

/**
 * A stage: the URL clients call, with its own access log, tracing, variables, throttling and cache. Caching is on
 * only for routes that declare cache keys, and the cache is encrypted; everything else passes straight through.
 */
export class Stage extends Construct {
  readonly stage: ApiGatewayStage;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, private readonly props: StageProps) {
    super(scope, id);
    this.logGroup = new CloudwatchLogGroup(this, 'AccessLog', {
      name: `/aws/apigateway/${props.api.api.name}/${props.stageName}`,
      retentionInDays: props.logRetentionDays ?? 30,
    });
    const account = props.manageLoggingRole === false ? undefined : this.createLoggingRole();
    this.stage = this.createStage(account);
    this.createMethodSettings();
  }

  private createLoggingRole(): ApiGatewayAccount {
    const role = new IamRole(this, 'GatewayLoggingRole', {
      namePrefix: 'apigateway-cloudwatch-',
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    });
    // The actions of AWS's AmazonAPIGatewayPushToCloudWatchLogs, inline so emulators without AWS-managed policies
    // accept it. The role serves every API of the account and region, and API Gateway names the execution log groups
    // itself, so the resource cannot be narrowed to this stack's groups.
    const policy = new IamRolePolicy(this, 'GatewayLoggingPolicy', {
      name: 'push-to-cloudwatch-logs',
      role: role.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: [
              'logs:CreateLogGroup',
              'logs:CreateLogStream',
              'logs:DescribeLogGroups',
              'logs:DescribeLogStreams',
              'logs:PutLogEvents',
              'logs:GetLogEvents',
              'logs:FilterLogEvents',
            ],
            Resource: '*',
          },
        ],
      }),
    });
    return new ApiGatewayAccount(this, 'GatewayAccount', { cloudwatchRoleArn: role.arn, dependsOn: [policy] });
  }

  private createStage(account: ITerraformDependable | undefined): ApiGatewayStage {
    const { props } = this;
    return new ApiGatewayStage(this, 'Stage', {
      restApiId: props.api.id,
      deploymentId: props.deploymentId,
      stageName: props.stageName,
      xrayTracingEnabled: true,
      variables: { ...props.variables },
      accessLogSettings: { destinationArn: this.logGroup.arn, format: ACCESS_LOG_FORMAT },
      cacheClusterEnabled: props.cache.enabled,
      ...(props.cache.enabled ? { cacheClusterSize: props.cache.clusterSize } : {}),
      ...(account ? { dependsOn: [account] } : {}),
    });
  }

  /** Stage-wide throttling for every method, then caching on the routes that declare cache keys. */
  private createMethodSettings(): void {
    const { props } = this;
    const throttle = {
      throttlingRateLimit: props.throttle.rateLimit,
      throttlingBurstLimit: props.throttle.burstLimit,
    };
    new ApiGatewayMethodSettings(this, 'AllMethods', {
      restApiId: props.api.id,
      stageName: this.stage.stageName,
      methodPath: '*/*',
      settings: { ...throttle, metricsEnabled: true, cachingEnabled: false },
    });
    if (!props.cache.enabled) return;
    for (const route of props.routes.filter((r) => r.cacheKeyParameters.length > 0)) {
      // Method settings replace the stage-wide ones for that method, so the throttle is repeated here.
      new ApiGatewayMethodSettings(this, `Cache${route.name}`, {
        restApiId: props.api.id,
        stageName: this.stage.stageName,
        methodPath: `${route.path.slice(1)}/${route.method}`,
        settings: {
          ...throttle,
          metricsEnabled: true,
          cachingEnabled: true,
          cacheTtlInSeconds: route.cacheTtlSeconds ?? props.cache.ttlSeconds,
          cacheDataEncrypted: true,
          // Clients must not flush the cache with `Cache-Control: max-age=0` unless authorized.
          requireAuthorizationForCacheControl: true,
          unauthorizedCacheControlHeaderStrategy: 'SUCCEED_WITH_RESPONSE_HEADER',
        },
      });
    }
  }

  get invokeUrl(): string {
    return this.stage.invokeUrl;
  }
}
