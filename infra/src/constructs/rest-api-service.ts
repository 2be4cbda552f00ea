import { ApiGatewayIntegration } from '@cdktf/provider-aws/lib/api-gateway-integration';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import type { ApiConfig, StageConfig } from '../api';
import { gatewayRoutes, pascalCase, type GatewayRoute } from '../gateway-routes';
import type { LambdaArtifact } from '../lambda-artifact';
import { ApiFunction } from './api-function';
import { CognitoAuth } from './cognito-auth';
import { Cors } from './cors';
import { Deployment } from './deployment';
import { Edge } from './edge';
import { GatewayResponses } from './gateway-responses';
import { IamCallers } from './iam-callers';
import { LambdaAuthorizers } from './lambda-authorizers';
import { RestApi } from './rest-api';
import { Routes } from './routes';
import { Stage } from './stage';
import { Table } from './table';
import { UsagePlans } from './usage-plans';

/**
 * The request headers every function's answer varies on: its CORS headers echo `Origin`. Every cache in front of it
 * (the stage cache, CloudFront) keys on them, since neither honours `Vary`.
 */
export const CACHE_VARY_HEADERS = ['Origin'];

export interface RestApiServiceProps {
  /** The API as its `portico.config.ts` declares it. */
  readonly api: ApiConfig;
  /** The stage this service is deployed as. */
  readonly stage: StageConfig;
  /** The function's built code. */
  readonly artifact: LambdaArtifact;
  /** Resource names start with this: the stack name, `<api>-<stage>`. */
  readonly namePrefix: string;
  /**
   * Build for an AWS emulator: CloudFront without the policy APIs emulators lack, drift they cannot repair ignored.
   * @default false
   */
  readonly emulator?: boolean;
}

/**
 * One REST API service of one stage, from the API's declaration: tables → function → REST API (routes, CORS,
 * validation) → deployment → stage → usage plans → CloudFront. Read top to bottom, the constructor is the
 * architecture. Give it the id `Default` to keep every Terraform address as if its resources sat in the stack itself
 * (cdktf leaves that id out of logical ids).
 */
export class RestApiService extends Construct {
  readonly tables = new Map<string, Table>();
  readonly function: ApiFunction;
  readonly restApi: RestApi;
  readonly stage: Stage;
  readonly usagePlans: UsagePlans;
  readonly edge: Edge;
  readonly routes: readonly GatewayRoute[];
  /** Resource types left out because the target emulator lacks their APIs (empty on AWS). */
  get omitted(): string[] {
    return [...this.edge.omitted, ...(this.cognito?.omitted ?? [])];
  }
  /** Set while the API is built, when the API declares them. */
  cognito?: CognitoAuth;
  lambdaAuthorizers?: LambdaAuthorizers;
  readonly iamCallers?: IamCallers;

  constructor(scope: Construct, id: string, private readonly props: RestApiServiceProps) {
    super(scope, id);
    this.routes = gatewayRoutes(props.api.routes);
    this.createTables();
    this.function = this.createFunction();
    this.restApi = this.createApi();
    const deployment = new Deployment(this, 'Deployment', { api: this.restApi, description: `${props.namePrefix} API definition` });
    this.stage = this.createStage(deployment);
    this.usagePlans = new UsagePlans(this, 'UsagePlans', {
      apiId: this.restApi.id,
      stageName: this.stage.stage.stageName,
      plans: props.stage.usagePlans,
      namePrefix: props.namePrefix,
    });
    this.edge = this.createEdge();
    this.iamCallers = this.createIamCallers();
    if (props.emulator) this.ignoreEmulatorDrift();
    this.createOutputs();
  }

  private createTables(): void {
    const { api, stage, namePrefix } = this.props;
    for (const [key, table] of Object.entries(api.tables ?? {})) {
      this.tables.set(
        key,
        new Table(this, `${pascalCase(key)}Table`, {
          tableName: `${namePrefix}-${key}`,
          table,
          deletionProtection: stage.protectData,
        }),
      );
    }
  }

  private createFunction(): ApiFunction {
    const { api, stage, artifact, namePrefix } = this.props;
    // A table with no actions is an authorizer's alone: the function gets no grant on it, and not even its name.
    const tables = Object.entries(api.tables ?? {})
      .filter(([, declared]) => declared.actions.length > 0)
      .map(([key, declared]) => ({ key, declared, table: this.tables.get(key)!.table }));
    return new ApiFunction(this, 'Function', {
      functionName: `${namePrefix}-handler`,
      artifact,
      memoryMb: stage.lambda.memoryMb,
      timeoutSeconds: stage.lambda.timeoutSeconds,
      ...(stage.lambda.reservedConcurrency !== undefined ? { reservedConcurrency: stage.lambda.reservedConcurrency } : {}),
      logRetentionDays: stage.logRetentionDays,
      environment: {
        ...Object.fromEntries(tables.map(({ declared, table }) => [declared.env, table.name])),
        CORS_ORIGINS: stage.corsOrigins.join(','),
        STAGE: stage.stage,
        ...stage.environment,
      },
      tables: tables.map(({ key, declared, table }) => ({ sid: `${pascalCase(key)}Table`, arn: table.arn, actions: declared.actions })),
    });
  }

  private createApi(): RestApi {
    const { api, stage, namePrefix } = this.props;
    const restApi = new RestApi(this, 'Api', {
      name: namePrefix,
      description: `${api.description ?? api.name} (${stage.stage})`,
      ...(api.binaryMediaTypes?.length ? { binaryMediaTypes: api.binaryMediaTypes } : {}),
    });
    const auth = this.createAuthorizers(restApi);
    new Routes(this, 'Routes', {
      api: restApi,
      routes: this.routes,
      handler: { functionName: this.function.function.functionName, invokeArn: this.function.function.invokeArn },
      cacheVaryHeaders: CACHE_VARY_HEADERS,
      authorizers: auth,
    });
    const methodsByPath = new Map<string, string[]>();
    for (const route of this.routes) methodsByPath.set(route.path, [...(methodsByPath.get(route.path) ?? []), route.method]);
    new Cors(this, 'Cors', { api: restApi, origins: stage.corsOrigins, resources: methodsByPath });
    new GatewayResponses(this, 'GatewayResponses', { api: restApi, corsOrigins: stage.corsOrigins });
    return restApi;
  }

  /** Who may call: the Cognito authorizer and the Lambda authorizers the API declares, by the ids routes use. */
  private createAuthorizers(restApi: RestApi): { cognito?: string; lambda?: Record<string, string> } {
    const { api, stage, namePrefix, artifact } = this.props;
    const cognito = api.auth?.cognito;
    if (cognito) {
      this.cognito = new CognitoAuth(this, 'Cognito', {
        api: restApi,
        cognito,
        namePrefix,
        scopeIdentifier: api.name,
        deletionProtection: stage.protectData,
        emulator: this.props.emulator ?? false,
      });
    }
    const declared = api.auth?.authorizers ?? {};
    if (Object.keys(declared).length > 0) {
      const tables = Object.fromEntries(
        Object.entries(api.tables ?? {}).map(([key, table]) => [key, { arn: this.tables.get(key)!.table.arn, name: this.tables.get(key)!.table.name, env: table.env }]),
      );
      this.lambdaAuthorizers = new LambdaAuthorizers(this, 'LambdaAuthorizers', {
        api: restApi,
        authorizers: declared,
        artifacts: artifact.authorizers ?? {},
        tables,
        namePrefix,
        logRetentionDays: stage.logRetentionDays,
      });
    }
    return {
      ...(this.cognito ? { cognito: this.cognito.authorizer.id } : {}),
      ...(this.lambdaAuthorizers ? { lambda: Object.fromEntries([...this.lambdaAuthorizers.authorizers].map(([name, a]) => [name, a.id])) } : {}),
    };
  }

  /** The example caller role of the `AWS_IAM` routes, when there are any. */
  private createIamCallers(): IamCallers | undefined {
    const methods = this.routes.filter((route) => route.auth.kind === 'iam').map(({ method, path }) => ({ method, path }));
    if (methods.length === 0) return undefined;
    return new IamCallers(this, 'IamCallers', {
      executionArn: this.restApi.executionArn,
      stageName: this.props.stage.stage,
      methods,
      namePrefix: this.props.namePrefix,
      ...(this.props.api.auth?.iamCaller ? { trust: this.props.api.auth.iamCaller } : {}),
    });
  }

  private createStage(deployment: Deployment): Stage {
    const { stage } = this.props;
    return new Stage(this, 'Stage', {
      api: this.restApi,
      deploymentId: deployment.id,
      stageName: stage.stage,
      throttle: stage.throttle,
      cache: stage.cache,
      routes: this.routes,
      variables: stage.stageVariables,
      logRetentionDays: stage.logRetentionDays,
      manageLoggingRole: stage.manageGatewayLoggingRole,
    });
  }

  private createEdge(): Edge {
    const { stage, namePrefix, emulator } = this.props;
    return new Edge(this, 'Edge', {
      originDomain: `${this.restApi.id}.execute-api.${stage.region}.amazonaws.com`,
      stageName: stage.stage,
      cacheKeyQueryStrings: [...new Set(this.routes.flatMap((r) => r.cacheKeyParameters))],
      cacheKeyHeaders: CACHE_VARY_HEADERS,
      corsOrigins: stage.corsOrigins,
      namePrefix,
      legacyForwarding: Boolean(emulator),
      waitForDeployment: !emulator,
      ...(stage.customDomain ? { customDomain: stage.customDomain } : {}),
    });
  }

  /**
   * What moto stores differently from AWS, ignored on the emulator target only, so a second apply changes nothing:
   * it drops integration cache keys (and lacks UpdateIntegration, so "fixing" them retries for many minutes), and
   * reports `ssl_support_method = "sni-only"` for CloudFront's default certificate, which takes none. Lifecycle rules
   * stay out of the redeploy hash (see `Deployment`), so the emulator still deploys the AWS stack's API definition.
   */
  private ignoreEmulatorDrift(): void {
    for (const resource of this.restApi.definitionResources) {
      if (resource instanceof ApiGatewayIntegration) resource.addOverride('lifecycle.ignore_changes', ['cache_key_parameters']);
    }
    this.edge.distribution.addOverride('lifecycle.ignore_changes', ['viewer_certificate[0].ssl_support_method']);
  }

  private createOutputs(): void {
    const keys = [...this.usagePlans.keys];
    new TerraformOutput(this, 'invoke_url', { value: this.stage.invokeUrl, description: 'The stage URL, e.g. <url>/hello' });
    new TerraformOutput(this, 'cloudfront_url', { value: this.edge.url, description: 'The API behind CloudFront' });
    new TerraformOutput(this, 'rest_api_id', { value: this.restApi.id });
    new TerraformOutput(this, 'stage_name', { value: this.stage.stage.stageName });
    new TerraformOutput(this, 'function_name', { value: this.function.function.functionName });
    new TerraformOutput(this, 'table_names', { value: Object.fromEntries([...this.tables].map(([key, t]) => [key, t.table.name])) });
    if (this.cognito) {
      new TerraformOutput(this, 'cognito_user_pool_arn', { value: this.cognito.poolArn });
      if (this.cognito.pool) new TerraformOutput(this, 'cognito_user_pool_id', { value: this.cognito.pool.id });
      if (this.cognito.client) new TerraformOutput(this, 'cognito_client_id', { value: this.cognito.client.id });
    }
    if (this.iamCallers) new TerraformOutput(this, 'iam_caller_role_arn', { value: this.iamCallers.role.arn });
    new TerraformOutput(this, 'api_key_ids', { value: Object.fromEntries(keys.map(([plan, key]) => [plan, key.id])) });
    new TerraformOutput(this, 'api_key_values', {
      value: Object.fromEntries(keys.map(([plan, key]) => [plan, key.value])),
      sensitive: true,
      description: 'terraform output -json api_key_values',
    });
  }
}
