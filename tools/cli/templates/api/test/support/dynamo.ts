/** dynalite with an items table, and the environment the handler reads at import pointed at it. */
import { createDynamoDb } from '@portico/dynamodb';
import { startDynalite } from '@portico/dynamodb/testing';
import { ITEMS_TABLE_ENV } from '../../src/store';

export interface ItemsDb {
  readonly endpoint: string;
  readonly tableName: string;
  /** How many items `tableName` holds: read by DynamoDB's own count, not through the store under test. */
  count(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts dynalite, creates `tableName` and sets the variables the handler and its client read. Call it before the
 * handler module is imported: the handler builds its client at import, as it does in Lambda.
 */
export async function startItemsDb(tableName: string): Promise<ItemsDb> {
  const dynamo = await startDynalite();
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    [ITEMS_TABLE_ENV]: tableName,
  });
  const db = createDynamoDb({ endpoint: dynamo.endpoint });
  await db.send('CreateTable', {
    TableName: tableName,
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  return {
    endpoint: dynamo.endpoint,
    tableName,
    async count() {
      const { Count = 0 } = await db.send('Scan', { TableName: tableName, Select: 'COUNT' });
      return Count;
    },
    async stop() {
      db.close();
      await dynamo.stop();
    },
  };
}
