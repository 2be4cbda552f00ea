/** Reading back what a deploy created on the moto emulator, with the AWS SDK (the tests that apply stacks). */
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { awsProviderVersion, terraformInit, terraformTestEnv } from './tools';

export function awsClients(endpoint: string, region: string) {
  const options = { endpoint, region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  return {
    apigateway: new APIGatewayClient(options),
    dynamodb: new DynamoDBClient(options),
    lambda: new LambdaClient(options),
    iam: new IAMClient(options),
    logs: new CloudWatchLogsClient(options),
    cloudfront: new CloudFrontClient(options),
    cognito: new CognitoIdentityProviderClient(options),
  };
}

/**
 * Fills the shared provider cache once, under the lock the other terraform tests take: later inits (the deploy's own)
 * only read it, so they need no lock.
 */
export async function primePluginCache(workDir: string): Promise<void> {
  const dir = join(workDir, 'provider-cache-primer');
  mkdirSync(dir);
  const version = awsProviderVersion();
  writeFileSync(
    join(dir, 'main.tf.json'),
    JSON.stringify({ terraform: { required_providers: { aws: { source: 'hashicorp/aws', version } } } }),
  );
  const result = await terraformInit(dir, terraformTestEnv({ backend: { kind: 'local', dir } }));
  if (result.code !== 0) throw new Error(`terraform init (provider cache) failed:\n${result.stderr || result.stdout}`);
}

/** IAM returns policy documents URL-encoded (moto and AWS alike); the SDK leaves them so. */
export function policyDocument(text: string | undefined): { Statement: Record<string, unknown>[] } & Record<string, unknown> {
  const raw = text ?? '{}';
  return JSON.parse(raw.startsWith('%') ? decodeURIComponent(raw) : raw);
}

export function only<T>(items: readonly T[] | undefined, match: (item: T) => boolean): T {
  const found = (items ?? []).filter(match);
  if (found.length !== 1) throw new Error(`expected exactly one match, found ${found.length}`);
  return found[0]!;
}

