/**
 * CANDIDATE, for `scripts/measure-init.ts` only: the store's DynamoDB seam (`@portico/dynamodb`) on the AWS SDK v3,
 * trimmed as far as it goes: the bare `@aws-sdk/client-dynamodb` (no lib-dynamodb: the store already speaks attribute
 * values), the client built on the first call, and the SDK's own timeouts and retries set to the shipped client's
 * limits, the call's budget through an abort signal.
 */
import {
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { DYNAMODB_DEFAULTS, DynamoDbError, type DynamoDbClient, type DynamoDbOptions, type Operation } from '@portico/dynamodb';
import { budgetOf, throttlingCodes } from './shared';

export { DynamoDbError } from '@portico/dynamodb';

const COMMANDS = {
  GetItem: GetItemCommand,
  PutItem: PutItemCommand,
  DeleteItem: DeleteItemCommand,
  Scan: ScanCommand,
  CreateTable: CreateTableCommand,
  DescribeTable: DescribeTableCommand,
} as const;

export function createDynamoDb(options: DynamoDbOptions = {}): DynamoDbClient {
  const limits = { ...DYNAMODB_DEFAULTS, ...options };
  let client: DynamoDBClient | undefined;
  return {
    async send(operation, input) {
      client ??= new DynamoDBClient({
        maxAttempts: limits.maxAttempts,
        requestHandler: { connectionTimeout: limits.connectTimeoutMs, requestTimeout: limits.attemptTimeoutMs },
      });
      const Command = COMMANDS[operation] as unknown as new (input: unknown) => Parameters<DynamoDBClient['send']>[0];
      try {
        return (await client.send(new Command(input), { abortSignal: AbortSignal.timeout(budgetOf(limits, options)) })) as never;
      } catch (error) {
        throw toError(operation, error);
      }
    },
    close() {
      client?.destroy();
      client = undefined;
    },
  };
}

function toError(operation: Operation, error: unknown): DynamoDbError {
  const { name = 'Error', message = String(error), $metadata } = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number; attempts?: number } };
  const status = $metadata?.httpStatusCode;
  const throttled = throttlingCodes.has(name);
  const failure = { operation, code: name, status, throttled, retryable: throttled || status === undefined || status >= 500, attempts: $metadata?.attempts ?? 1 };
  return new DynamoDbError(failure, `DynamoDB ${operation} failed: ${name}: ${message}`, { cause: error });
}
