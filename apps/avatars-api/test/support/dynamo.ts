/** dynalite with the avatars table, and the environment the handler reads at import pointed at it. */
import { createDynamoDb } from '@portico/dynamodb';
import { startDynalite, type LocalDynamoDb } from '@portico/dynamodb/testing';

export interface AvatarsDb extends LocalDynamoDb {
  tableName: string;
}

/** Starts dynalite, creates `tableName` and sets the variables the handler and its client read. */
export async function startAvatarsDb(tableName = 'avatars-test'): Promise<AvatarsDb> {
  const dynamo = await startDynalite();
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AVATARS_TABLE: tableName,
  });
  const db = createDynamoDb();
  await db.send('CreateTable', {
    TableName: tableName,
    AttributeDefinitions: [{ AttributeName: 'userId', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  db.close();
  return Object.assign(dynamo, { tableName });
}
