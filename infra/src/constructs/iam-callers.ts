import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';

export interface IamCallersProps {
  /** `arn:aws:execute-api:<region>:<account>:<api-id>`. */
  readonly executionArn: string;
  readonly stageName: string;
  /** The `AWS_IAM` methods: method and resource path, e.g. `GET /internal/stats`. */
  readonly methods: readonly { readonly method: string; readonly path: string }[];
  readonly namePrefix: string;
  /** Who may assume the role. @default the Lambda service (another service's function) */
  readonly trust?: { readonly service?: string; readonly accounts?: readonly string[] };
}

/**
 * An example caller of the API's `AWS_IAM` routes: a role whose one policy allows `execute-api:Invoke` on exactly
 * those methods of this stage, and nothing else. A service that should call them assumes it (or gets the same
 * statement), and signs its requests with SigV4.
 */
export class IamCallers extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: IamCallersProps) {
    super(scope, id);
    const principal = props.trust?.accounts?.length
      ? { AWS: props.trust.accounts.map((account) => `arn:aws:iam::${account}:root`) }
      : { Service: props.trust?.service ?? 'lambda.amazonaws.com' };
    this.role = new IamRole(this, 'Role', {
      name: `${props.namePrefix}-caller`,
      description: `Calls the AWS_IAM routes of ${props.namePrefix}`,
      assumeRolePolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' }] }),
    });
    new IamRolePolicy(this, 'Policy', {
      name: 'invoke-iam-routes',
      role: this.role.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'InvokeIamRoutes',
            Effect: 'Allow',
            Action: 'execute-api:Invoke',
            Resource: props.methods.map(({ method, path }) => methodArn(props.executionArn, props.stageName, method, path)),
          },
        ],
      }),
    });
  }
}

/**
 * The `execute-api:Invoke` resource of one method: `<execution-arn>/<stage>/<METHOD>/<path>`, where each path
 * parameter (`{id}`, `{proxy+}`) becomes `*`, since a request's ARN carries the values, not the template.
 */
export function methodArn(executionArn: string, stage: string, method: string, path: string): string {
  const segments = path.split('/').filter(Boolean).map((segment) => (/^\{.+\}$/.test(segment) ? '*' : segment));
  return `${executionArn}/${stage}/${method}/${segments.join('/')}`;
}
