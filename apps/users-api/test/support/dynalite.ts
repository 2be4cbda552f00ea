import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoDb, type DynamoDbClient } from '@portico/dynamodb';
import { startDynalite } from '@portico/dynamodb/testing';
import { createUsersTable } from '../../src/store';

/** A running in-process dynalite with the users table created and the SDK environment pointing at it. */
export interface LocalDynamo {
  endpoint: string;
  tableName: string;
  /**
   * The AWS SDK's client, for test set-up and inspection: an independent implementation of DynamoDB's protocol, so
   * what the store writes is read back by other code than its own.
   */
  client: DynamoDBClient;
  /** The store's own client type (creates tables). */
  db: DynamoDbClient;
  /** TCP connections the server has accepted so far. */
  readonly connections: number;
  stop(): Promise<void>;
}

/**
 * Starts dynalite on 127.0.0.1 and a free port, creates the users table, and sets the variables the SDK and the
 * handler read (region, dummy credentials, `AWS_ENDPOINT_URL_DYNAMODB`, `USERS_TABLE`). Call it before the handler
 * module is imported: the handler builds its clients at import, as it does in Lambda.
 */
export async function startLocalDynamo(tableName = 'users-test'): Promise<LocalDynamo> {
  const dynamo = await startDynalite();
  const { endpoint } = dynamo;
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    USERS_TABLE: tableName,
  });
  const client = new DynamoDBClient({});
  const db = createDynamoDb();
  await createUsersTable(db, tableName);
  return {
    endpoint,
    tableName,
    client,
    db,
    get connections() {
      return dynamo.connections;
    },
    async stop() {
      client.destroy();
      db.close();
      await dynamo.stop();
    },
  };
}
