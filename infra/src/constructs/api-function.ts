import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { AssetType, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import type { LambdaArtifact } from '../lambda-artifact';

export interface ApiFunctionProps {
  readonly functionName: string;
  /** The built zip and its handler (see `lambda-artifact.ts`). */
  readonly artifact: LambdaArtifact;
  /** @default 512 */
  readonly memoryMb?: number;
  /** @default 10 */
  readonly timeoutSeconds?: number;
  /** @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** Retention of the function's log group, in days. @default 30 */
  readonly logRetentionDays?: number;
  /** The tables the function may touch, each with exactly the actions its store calls. @default [] */
  readonly tables?: readonly FunctionTableGrant[];
  /** Executions the function may run at once. @default unreserved (the account's shared pool) */
  readonly reservedConcurrency?: number;
}

/** One table the function's role may use. */
export interface FunctionTableGrant {
  /** The policy statement's id, e.g. `OrdersTable`. */
  readonly sid: string;
  readonly arn: string;
  readonly actions: readonly string[];
}

/**
 * The API's Lambda: Node.js 22 on arm64 (cheaper per GB-second than x86 for the same bundle), active X-Ray tracing,
 * its own log group created first (so retention applies from the first line, instead of Lambda creating a group that
 * keeps logs forever), and a role that can do nothing but what the store and the runtime need.
 */
export class ApiFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: ApiFunctionProps) {
    super(scope, id);
    this.logGroup = this.createLogGroup(props);
    this.role = this.createRole(props);
    const policy = this.grantLeastPrivilege(props);
    this.function = this.createFunction(props, policy);
  }

  private createLogGroup(props: ApiFunctionProps): CloudwatchLogGroup {
    return new CloudwatchLogGroup(this, 'LogGroup', {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays ?? 30,
    });
  }

  private createRole(props: ApiFunctionProps): IamRole {
    return new IamRole(this, 'Role', {
      name: `${props.functionName}-role`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    });
  }

  private grantLeastPrivilege(props: ApiFunctionProps): IamRolePolicy {
    return new IamRolePolicy(this, 'Policy', {
      name: 'least-privilege',
      role: this.role.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          ...(props.tables ?? []).map((t) => ({ Sid: t.sid, Effect: 'Allow', Action: [...t.actions], Resource: t.arn })),
          {
            Sid: 'OwnLogGroup',
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: `${this.logGroup.arn}:*`,
          },
          // X-Ray's trace APIs have no resource-level permissions: "*" is the only resource AWS accepts here.
          { Sid: 'Tracing', Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
        ],
      }),
    });
  }

  private createFunction(props: ApiFunctionProps, policy: IamRolePolicy): LambdaFunction {
    // The asset copies the zip next to the synthesized stack, so the stack directory is self-contained (a plan
    // artifact from CI, or the local gateway, finds the code by a relative path).
    const code = new TerraformAsset(this, 'Code', { path: props.artifact.zipPath, type: AssetType.FILE });
    return new LambdaFunction(this, 'Function', {
      functionName: props.functionName,
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: props.artifact.handler,
      filename: code.path,
      sourceCodeHash: props.artifact.sourceCodeHash,
      role: this.role.arn,
      memorySize: props.memoryMb ?? 512,
      timeout: props.timeoutSeconds ?? 10,
      tracingConfig: { mode: 'Active' },
      ...(props.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      environment: { variables: { ...props.environment } },
      dependsOn: [this.logGroup, policy],
    });
  }
}
