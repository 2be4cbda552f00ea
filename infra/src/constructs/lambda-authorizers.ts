import { ApiGatewayAuthorizer } from '@cdktf/provider-aws/lib/api-gateway-authorizer';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { Construct } from 'constructs';
import type { LambdaAuthorizerConfig } from '../api';
import { pascalCase } from '../gateway-routes';
import type { LambdaArtifact } from '../lambda-artifact';
import { ApiFunction, type FunctionTableGrant } from './api-function';
import type { RestApi } from './rest-api';

export interface LambdaAuthorizersProps {
  readonly api: RestApi;
  readonly authorizers: Readonly<Record<string, LambdaAuthorizerConfig>>;
  /** Each authorizer's built code, by name (`build-meta.json`'s `authorizers`). */
  readonly artifacts: Readonly<Record<string, LambdaArtifact>>;
  /** The API's tables, by key: an authorizer is granted its listed actions on them. */
  readonly tables: Readonly<Record<string, { readonly arn: string; readonly name: string; readonly env: string }>>;
  readonly namePrefix: string;
  readonly logRetentionDays: number;
}

/**
 * The API's Lambda authorizers, TOKEN or REQUEST: each is a function of its own (its own least-privilege role and
 * log group, the tables it reads by the names the API declares), which API Gateway alone may invoke, and only as
 * this API's authorizer; and its `aws_api_gateway_authorizer` with identity sources, validation expression and result
 * cache TTL.
 */
export class LambdaAuthorizers extends Construct {
  readonly authorizers = new Map<string, ApiGatewayAuthorizer>();
  readonly functions = new Map<string, ApiFunction>();

  constructor(scope: Construct, id: string, props: LambdaAuthorizersProps) {
    super(scope, id);
    for (const [name, config] of Object.entries(props.authorizers)) {
      const artifact = props.artifacts[name];
      if (!artifact) throw new Error(`Authorizer "${name}" has no build: its entry ${config.entry} must be built with the API (portico build)`);
      const tables = Object.entries(config.tables ?? {}).map(([key, actions]) => ({ key, actions, table: props.tables[key]! }));
      const fn = new ApiFunction(this, `${pascalCase(name)}Function`, {
        functionName: `${props.namePrefix}-${name}-authorizer`,
        artifact,
        memoryMb: 256,
        timeoutSeconds: 10,
        logRetentionDays: props.logRetentionDays,
        environment: Object.fromEntries(tables.map(({ table }) => [table.env, table.name])),
        tables: tables.map(({ key, actions, table }): FunctionTableGrant => ({ sid: `${pascalCase(key)}Table`, arn: table.arn, actions })),
      });
      const authorizer = props.api.define(
        new ApiGatewayAuthorizer(this, `${pascalCase(name)}Authorizer`, {
          restApiId: props.api.id,
          name,
          type: config.type,
          authorizerUri: fn.function.invokeArn,
          identitySource: config.identitySource,
          authorizerResultTtlInSeconds: config.resultTtlSeconds ?? 300,
          ...(config.validationExpression ? { identityValidationExpression: config.validationExpression } : {}),
        }),
      );
      new LambdaPermission(this, `${pascalCase(name)}InvokePermission`, {
        statementId: 'AllowApiGatewayAuthorizer',
        action: 'lambda:InvokeFunction',
        functionName: fn.function.functionName,
        principal: 'apigateway.amazonaws.com',
        sourceArn: `${props.api.executionArn}/authorizers/${authorizer.id}`,
      });
      this.authorizers.set(name, authorizer);
      this.functions.set(name, fn);
    }
  }
}
