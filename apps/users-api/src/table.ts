/**
 * The users table's shape, as data.
 *
 * Kept apart from `store.ts` so infra and local tooling can read the key schema without loading the DynamoDB client;
 * the `import type` below is erased at build time.
 */
import type { CreateTableInput } from '@portico/dynamodb';

/** Name of the environment variable holding the users table name, read once at function init. */
export const USERS_TABLE_ENV = 'USERS_TABLE';

/** The table's partition key: a string `id`, the only key (no sort key, no secondary index). */
export const USERS_TABLE_KEY = 'id';

/**
 * The `CreateTable` input for the users table: partition key `id` (string), on-demand billing.
 *
 * @example
 * await createDynamoDb().send('CreateTable', usersTableDefinition('users-dev'));
 */
export function usersTableDefinition(tableName: string): CreateTableInput {
  return {
    TableName: tableName,
    AttributeDefinitions: [{ AttributeName: USERS_TABLE_KEY, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: USERS_TABLE_KEY, KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  };
}
