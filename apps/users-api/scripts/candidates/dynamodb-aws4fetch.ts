/**
 * CANDIDATE, for `scripts/measure-init.ts` only: the store's DynamoDB seam on `aws4fetch`, the JSON protocol over the
 * global `fetch` (undici), with aws4fetch's retries (5xx and 429 only: DynamoDB throttles with a 400, which it does
 * not retry) and the call's budget through an abort signal.
 */
import { AwsClient } from 'aws4fetch';
import { DYNAMODB_DEFAULTS, DynamoDbError, type DynamoDbClient, type DynamoDbOptions, type Operation } from '@portico/dynamodb';
import { budgetOf, endpointOf, throttlingCodes } from './shared';

export { DynamoDbError } from '@portico/dynamodb';

export function createDynamoDb(options: DynamoDbOptions = {}): DynamoDbClient {
  const limits = { ...DYNAMODB_DEFAULTS, ...options };
  const env = options.env ?? process.env;
  let client: { aws: AwsClient; endpoint: string } | undefined;
  return {
    async send(operation, input) {
      if (!client) {
        const region = env.AWS_REGION ?? 'us-east-1';
        const aws = new AwsClient({
          accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
          sessionToken: env.AWS_SESSION_TOKEN,
          service: 'dynamodb',
          region,
          retries: limits.maxAttempts - 1,
          initRetryMs: limits.baseDelayMs,
        });
        client = { aws, endpoint: endpointOf(env, region) };
      }
      let response: Response;
      try {
        response = await client.aws.fetch(client.endpoint, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': `DynamoDB_20120810.${operation}` },
          body: JSON.stringify(input),
          signal: AbortSignal.timeout(budgetOf(limits, options)),
        });
      } catch (error) {
        throw failed(operation, (error as Error).name, undefined, (error as Error).message, error);
      }
      const body = (await response.json()) as { __type?: string; message?: string; Message?: string };
      if (response.ok) return body as never;
      const code = body.__type?.split('#')[1] ?? `HTTP${response.status}`;
      throw failed(operation, code, response.status, body.message ?? body.Message ?? '');
    },
    close() {
      client = undefined;
    },
  };
}

function failed(operation: Operation, code: string, status: number | undefined, message: string, cause?: unknown): DynamoDbError {
  const throttled = throttlingCodes.has(code);
  const failure = { operation, code, status, throttled, retryable: throttled || status === undefined || status >= 500, attempts: 1 };
  return new DynamoDbError(failure, `DynamoDB ${operation} failed: ${code}: ${message}`, { cause });
}
