import { ApiGatewayIntegration } from '@cdktf/provider-aws/lib/api-gateway-integration';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { RouteSpec } from '@portico/http';
import { LocalBackend, S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';
import { ApiFunction } from '../constructs/api-function';
import { Cors } from '../constructs/cors';
import { Deployment } from '../constructs/deployment';
import { Edge } from '../constructs/edge';
import { RestApi } from '../constructs/rest-api';
import { Routes } from '../constructs/routes';
import { Stage } from '../constructs/stage';
import { UsagePlans } from '../constructs/usage-plans';
import { UsersTable } from '../constructs/users-table';
import { gatewayRoutes, type GatewayRoute } from '../gateway-routes';
import type { LambdaArtifact } from '../lambda-artifact';
import { EMULATED_SERVICES, localStatePath, type DeployTarget } from '../target';

/**
 * The DynamoDB actions `apps/users-api/src/store.ts` calls, and nothing else: the function's role is granted exactly
 * these on the users table. Add one here when the store starts calling it.
 */
export const STORE_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Scan'];

/**
 * The request headers the function's answer varies on: its CORS headers echo `Origin`. Every cache in front of it
 * (the stage cache, CloudFront) keys on them, since neither honours `Vary`.
 */
export const CACHE_VARY_HEADERS = ['Origin'];

export interface UsersApiStackProps {
  readonly config: StageConfig;
  /** The users-api route table (data only). */
  readonly routes: readonly RouteSpec[];
  readonly artifact: LambdaArtifact;
  /** Where to deploy and keep state. @default real AWS, state in `./state` */
  readonly target?: DeployTarget;
  /**
   * Directory the stack is synthesized to (`<outdir>/stacks/<name>`): local state paths are made relative to it, so
   * the synthesized stack holds no machine path.
   * @default 'cdktf.out/stacks/<name>'
   */
  readonly stackDir?: string;
}

/**
 * The users API for one stage: table → function → REST API (routes, CORS, validation) → deployment → stage → usage
 * plans → CloudFront. Read top to bottom, the constructor is the architecture.
 */
export class UsersApiStack extends TerraformStack {
  /** Resource types left out because the target emulator lacks their APIs (empty on AWS). */
  readonly omitted: readonly string[];
  private readonly prefix: string;

  constructor(scope: Construct, name: string, private readonly props: UsersApiStackProps) {
    super(scope, name);
    this.prefix = name;
    const emulator = Boolean(props.target?.endpoint);
    this.omitted = emulator ? Edge.EMULATOR_OMITTED : [];
    this.configureProvider();
    this.configureState(name);

    const routes = gatewayRoutes(props.routes);
    const table = this.createTable();
    const fn = this.createFunction(table);
    const api = this.createApi(routes, fn);
    const deployment = new Deployment(this, 'Deployment', { api, description: `${name} API definition` });
    const stage = this.createStage(api, deployment, routes);
    const plans = new UsagePlans(this, 'UsagePlans', {
      apiId: api.id,
      stageName: stage.stage.stageName,
      plans: props.config.usagePlans,
      namePrefix: name,
    });
    const edge = new Edge(this, 'Edge', {
      originDomain: `${api.id}.execute-api.${props.config.region}.amazonaws.com`,
      stageName: props.config.stage,
      cacheKeyQueryStrings: [...new Set(routes.flatMap((r) => r.cacheKeyParameters))],
      cacheKeyHeaders: CACHE_VARY_HEADERS,
      namePrefix: name,
      legacyForwarding: emulator,
      waitForDeployment: !emulator,
      ...(props.config.customDomain ? { customDomain: props.config.customDomain } : {}),
    });
    if (emulator) this.ignoreEmulatorDrift(api, edge);
    this.createOutputs({ api, stage, plans, edge, fn, table });
  }

  /**
   * What moto stores differently from AWS, ignored on the emulator target only, so a second apply changes nothing:
   * it drops integration cache keys (and lacks UpdateIntegration, so "fixing" them retries for many minutes), and
   * reports `ssl_support_method = "sni-only"` for CloudFront's default certificate, which takes none. Lifecycle rules
   * stay out of the redeploy hash (see `Deployment`), so the emulator still deploys the AWS stack's API definition.
   */
  private ignoreEmulatorDrift(api: RestApi, edge: Edge): void {
    for (const resource of api.definitionResources) {
      if (resource instanceof ApiGatewayIntegration) resource.addOverride('lifecycle.ignore_changes', ['cache_key_parameters']);
    }
    edge.distribution.addOverride('lifecycle.ignore_changes', ['viewer_certificate[0].ssl_support_method']);
  }

  private configureProvider(): void {
    const { config, target } = this.props;
    const endpoint = target?.endpoint;
    const skipAccountChecks = Boolean(endpoint || target?.offline);
    new AwsProvider(this, 'aws', {
      region: config.region,
      defaultTags: [{ tags: { project: 'portico', stack: this.prefix, stage: config.stage } }],
      ...(skipAccountChecks
        ? {
            skipCredentialsValidation: true,
            skipRequestingAccountId: true,
            skipMetadataApiCheck: 'true',
            skipRegionValidation: true,
          }
        : {}),
      ...(endpoint
        ? {
            // Emulators accept any key pair; these are not secrets.
            accessKey: 'test',
            secretKey: 'test',
            s3UsePathStyle: true,
            endpoints: [Object.fromEntries(EMULATED_SERVICES.map((service) => [service, endpoint]))],
          }
        : {}),
    });
  }

  private configureState(name: string): void {
    const backend = this.props.target?.backend ?? { kind: 'local' as const, dir: 'state' };
    if (backend.kind === 's3') {
      new S3Backend(this, {
        bucket: backend.bucket,
        key: `${backend.keyPrefix ?? 'portico'}/${name}.tfstate`,
        region: backend.region ?? this.props.config.region,
        encrypt: true,
        ...(backend.lockTable ? { dynamodbTable: backend.lockTable } : {}),
      });
      // S3's own lock file (Terraform >= 1.10) when no DynamoDB lock table is named.
      if (!backend.lockTable) this.addOverride('terraform.backend.s3.use_lockfile', true);
      return;
    }
    const stackDir = this.props.stackDir ?? `cdktf.out/stacks/${name}`;
    new LocalBackend(this, { path: localStatePath(backend, stackDir, name, Boolean(this.props.target?.endpoint)) });
  }

  private createTable(): UsersTable {
    return new UsersTable(this, 'UsersTable', {
      tableName: `${this.prefix}-users`,
      deletionProtection: this.props.config.protectData,
    });
  }

  private createFunction(table: UsersTable): ApiFunction {
    const { config, artifact } = this.props;
    return new ApiFunction(this, 'Function', {
      functionName: `${this.prefix}-handler`,
      artifact,
      memoryMb: config.lambda.memoryMb,
      timeoutSeconds: config.lambda.timeoutSeconds,
      logRetentionDays: config.logRetentionDays,
      environment: {
        USERS_TABLE: table.table.name,
        CORS_ORIGINS: config.corsOrigins.join(','),
        STAGE: config.stage,
      },
      table: { arn: table.table.arn, actions: STORE_TABLE_ACTIONS },
    });
  }

  private createApi(routes: readonly GatewayRoute[], fn: ApiFunction): RestApi {
    const api = new RestApi(this, 'Api', { name: this.prefix, description: `Portico users API (${this.props.config.stage})` });
    new Routes(this, 'Routes', {
      api,
      routes,
      handler: { functionName: fn.function.functionName, invokeArn: fn.function.invokeArn },
      cacheVaryHeaders: CACHE_VARY_HEADERS,
    });
    const methodsByPath = new Map<string, string[]>();
    for (const route of routes) methodsByPath.set(route.path, [...(methodsByPath.get(route.path) ?? []), route.method]);
    new Cors(this, 'Cors', { api, origins: this.props.config.corsOrigins, resources: methodsByPath });
    return api;
  }

  private createStage(api: RestApi, deployment: Deployment, routes: readonly GatewayRoute[]): Stage {
    const { config } = this.props;
    return new Stage(this, 'Stage', {
      api,
      deploymentId: deployment.id,
      stageName: config.stage,
      throttle: config.throttle,
      cache: config.cache,
      routes,
      variables: config.stageVariables,
      logRetentionDays: config.logRetentionDays,
      manageLoggingRole: config.manageGatewayLoggingRole,
    });
  }

  private createOutputs(parts: {
    api: RestApi;
    stage: Stage;
    plans: UsagePlans;
    edge: Edge;
    fn: ApiFunction;
    table: UsersTable;
  }): void {
    const keys = [...parts.plans.keys];
    new TerraformOutput(this, 'invoke_url', { value: parts.stage.invokeUrl, description: 'The stage URL, e.g. <url>/hello' });
    new TerraformOutput(this, 'cloudfront_url', { value: parts.edge.url, description: 'The API behind CloudFront' });
    new TerraformOutput(this, 'rest_api_id', { value: parts.api.id });
    new TerraformOutput(this, 'stage_name', { value: parts.stage.stage.stageName });
    new TerraformOutput(this, 'function_name', { value: parts.fn.function.functionName });
    new TerraformOutput(this, 'table_name', { value: parts.table.table.name });
    new TerraformOutput(this, 'api_key_ids', { value: Object.fromEntries(keys.map(([plan, key]) => [plan, key.id])) });
    new TerraformOutput(this, 'api_key_values', {
      value: Object.fromEntries(keys.map(([plan, key]) => [plan, key.value])),
      sensitive: true,
      description: 'terraform output -json api_key_values',
    });
  }
}
