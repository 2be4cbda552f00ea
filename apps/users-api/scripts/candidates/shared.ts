/** What the candidate DynamoDB clients share with the shipped one, so they differ only in the library. */
import type { DynamoDbOptions } from '@portico/dynamodb';

/** DynamoDB's throttling error codes (as in `@portico/dynamodb`). */
export const throttlingCodes = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded', 'LimitExceededException']);

/** The call's time budget as the shipped client computes it: its own cap, within the function's remaining time. */
export function budgetOf(limits: { budgetMs: number; reserveMs: number }, options: DynamoDbOptions): number {
  const remaining = options.remainingTimeMs?.();
  return Math.max(1, remaining === undefined ? limits.budgetMs : Math.min(limits.budgetMs, remaining - limits.reserveMs));
}

/** An endpoint from the environment, as the shipped client reads it. */
export function endpointOf(env: Record<string, string | undefined>, region: string): string {
  return env.AWS_ENDPOINT_URL_DYNAMODB || env.AWS_ENDPOINT_URL || `https://dynamodb.${region}.amazonaws.com`;
}
