import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { Construct } from 'constructs';

export interface UsersTableProps {
  readonly tableName: string;
  /**
   * Refuse to delete the table (DynamoDB deletion protection): a destroy must first turn this off.
   * @default false
   */
  readonly deletionProtection?: boolean;
  /**
   * Continuous backups with point-in-time restore for the last 35 days.
   * @default true
   */
  readonly pointInTimeRecovery?: boolean;
}

/**
 * The users table: on-demand capacity (no capacity planning for a spiky API), point-in-time recovery, and
 * encryption at rest under the AWS-managed DynamoDB KMS key. The key schema is the store's: one item per user, `id`.
 */
export class UsersTable extends Construct {
  readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: UsersTableProps) {
    super(scope, id);
    this.table = new DynamodbTable(this, 'Table', {
      name: props.tableName,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: 'id',
      attribute: [{ name: 'id', type: 'S' }],
      pointInTimeRecovery: { enabled: props.pointInTimeRecovery ?? true },
      serverSideEncryption: { enabled: true },
      deletionProtectionEnabled: props.deletionProtection ?? false,
    });
  }
}
