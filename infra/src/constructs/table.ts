import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { Construct } from 'constructs';
import type { TableConfig } from '../api';

export interface TableProps {
  readonly tableName: string;
  /** The key schema and TTL, as the API declares the table. */
  readonly table: Pick<TableConfig, 'partitionKey' | 'sortKey' | 'ttlAttribute'>;
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
 * One of an API's tables: on-demand capacity (no capacity planning for a spiky API), point-in-time recovery, and
 * encryption at rest under the AWS-managed DynamoDB KMS key. The key schema is the store's, as the API declares it.
 */
export class Table extends Construct {
  readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: TableProps) {
    super(scope, id);
    const { partitionKey, sortKey, ttlAttribute } = props.table;
    this.table = new DynamodbTable(this, 'Table', {
      name: props.tableName,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: partitionKey.name,
      ...(sortKey ? { rangeKey: sortKey.name } : {}),
      attribute: [partitionKey, ...(sortKey ? [sortKey] : [])].map(({ name, type }) => ({ name, type })),
      ...(ttlAttribute ? { ttl: { enabled: true, attributeName: ttlAttribute } } : {}),
      pointInTimeRecovery: { enabled: props.pointInTimeRecovery ?? true },
      serverSideEncryption: { enabled: true },
      deletionProtectionEnabled: props.deletionProtection ?? false,
    });
  }
}
