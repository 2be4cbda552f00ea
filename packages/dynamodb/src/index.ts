/**
 * `@portico/dynamodb`: a small DynamoDB client for Lambda functions — the service's JSON protocol over node:http with a
 * kept-alive agent, signed by `aws4`, with the timeouts, retries and errors a function needs: connect, attempt and call
 * timeouts inside the invocation's remaining time, jittered retries of what a retry can fix, one typed error.
 * Why not the AWS SDK: the users API's measurement (apps/users-api/results/cold-init.md) — a third of its cold start,
 * half its warm CPU, a tenth of its bundle.
 */
export {
  createDynamoDb,
  retryDelay,
  DynamoDbError,
  DYNAMODB_DEFAULTS,
  type DynamoDb,
  type DynamoDbClient,
  type DynamoDbFailure,
  type DynamoDbOptions,
  type DynamoDbTimeouts,
  type AttributeValue,
  type Item,
  type Operation,
  type Operations,
  type GetItemInput,
  type PutItemInput,
  type DeleteItemInput,
  type ScanInput,
  type ScanOutput,
  type CreateTableInput,
  type TableDescription,
} from './dynamodb';
export { signRequest, type Credentials, type SignableRequest } from './sigv4';
