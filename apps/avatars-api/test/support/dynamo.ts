/** dynalite with the API's tables, and the environment the handler and the authorizer read at import pointed at it. */
import { createDynamoDb } from '@portico/dynamodb';
import { startDynalite, type LocalDynamoDb } from '@portico/dynamodb/testing';
import avatarsApi from '../../portico.config';

export interface AvatarsDb extends LocalDynamoDb {
  /** The avatars table's name. */
  tableName: string;
  /** Each table's name, by its key in portico.config.ts. */
  tables: Record<keyof typeof avatarsApi.tables, string>;
}

/**
 * Starts dynalite, creates every table portico.config.ts declares (`<prefix>-<key>`, `prefix` alone for the avatars
 * table, as older tests named it) and sets the variables the functions and their client read.
 */
export async function startAvatarsDb(prefix = 'avatars-test'): Promise<AvatarsDb> {
  const dynamo = await startDynalite();
  const tables = Object.fromEntries(Object.keys(avatarsApi.tables).map((key) => [key, key === 'avatars' ? prefix : `${prefix}-${key}`])) as AvatarsDb['tables'];
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    ...Object.fromEntries(Object.entries(avatarsApi.tables).map(([key, table]) => [table.env, tables[key as keyof AvatarsDb['tables']]])),
  });
  const db = createDynamoDb();
  for (const [key, table] of Object.entries(avatarsApi.tables)) {
    await db.send('CreateTable', {
      TableName: tables[key as keyof AvatarsDb['tables']],
      AttributeDefinitions: [{ AttributeName: table.partitionKey.name, AttributeType: table.partitionKey.type }],
      KeySchema: [{ AttributeName: table.partitionKey.name, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
  }
  db.close();
  return Object.assign(dynamo, { tableName: tables.avatars, tables });
}
