/**
 * CANDIDATE, for `scripts/measure-init.ts` only: the store's DynamoDB seam on `@aws-lite/client` with
 * `@aws-lite/dynamodb`. The plugin (un)marshals items itself, so this adapter turns the store's string attribute
 * values into plain values and back. aws-lite retries (with jitter) but has no request timeout; keep-alive is on.
 */
import awsLite from '@aws-lite/client';
import dynamodbPlugin from '@aws-lite/dynamodb';
import { DYNAMODB_DEFAULTS, DynamoDbError, type DynamoDbClient, type DynamoDbOptions, type Item, type Operation } from '@portico/dynamodb';
import { endpointOf, throttlingCodes } from './shared';

export { DynamoDbError } from '@portico/dynamodb';

type Plain = Record<string, unknown>;
type Call = (input: Plain) => Promise<Plain>;

const plain = (item: Item | undefined): Plain | undefined =>
  item && Object.fromEntries(Object.entries(item).map(([name, value]) => [name, 'S' in value ? value.S : value]));
const typed = (item: Plain | undefined): Item | undefined =>
  item && Object.fromEntries(Object.entries(item).map(([name, value]) => [name, { S: String(value) }]));

export function createDynamoDb(options: DynamoDbOptions = {}): DynamoDbClient {
  const limits = { ...DYNAMODB_DEFAULTS, ...options };
  const env = options.env ?? process.env;
  let client: Promise<Record<string, Call>> | undefined;
  return {
    async send(operation, input) {
      const region = env.AWS_REGION ?? 'us-east-1';
      client ??= awsLite({
        region,
        endpoint: endpointOf(env, region),
        plugins: [dynamodbPlugin],
        autoloadPlugins: false,
        keepAlive: true,
        retries: limits.maxAttempts - 1,
      }).then((aws) => (aws as unknown as { DynamoDB: Record<string, Call> }).DynamoDB);
      const fields = input as Record<string, unknown>;
      const request: Plain = { ...fields };
      for (const key of ['Key', 'Item', 'ExpressionAttributeValues']) if (fields[key]) request[key] = plain(fields[key] as Item);
      try {
        const output = await (await client)[operation]!(request);
        return { ...output, Item: typed(output.Item as Plain), Items: (output.Items as Plain[] | undefined)?.map(typed) } as never;
      } catch (error) {
        throw toError(operation, error);
      }
    },
    close() {
      client = undefined;
    },
  };
}

function toError(operation: Operation, error: unknown): DynamoDbError {
  const { name = 'Error', message = String(error), statusCode } = error as { name?: string; message?: string; statusCode?: number };
  const throttled = throttlingCodes.has(name);
  const failure = { operation, code: name, status: statusCode, throttled, retryable: throttled || statusCode === undefined || statusCode >= 500, attempts: 1 };
  return new DynamoDbError(failure, `DynamoDB ${operation} failed: ${message}`, { cause: error });
}
