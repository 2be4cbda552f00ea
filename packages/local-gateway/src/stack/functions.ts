/** `aws_lambda_function`: what the emulator needs to run each function (the api-function construct's output). */
import { resolve as resolvePath } from 'node:path';
import type { LambdaFunctionDef } from './model';
import { block, optionalNumber, type StackReader } from './resolver';

/**
 * @example
 * readFunctions(reader).get('orders-api-dev-handler'); // { handler: 'handler.handler', filename: '/…/lambda.zip', … }
 */
export function readFunctions(reader: StackReader): Map<string, LambdaFunctionDef> {
  const { resolver, str } = reader;
  const functions = new Map<string, LambdaFunctionDef>();
  for (const { address, config } of reader.all('aws_lambda_function')) {
    const functionName = str(address, config, 'function_name');
    const filename = config.filename === undefined ? undefined : str(address, config, 'filename');
    const env = block(resolver.resolve(config.environment));
    const variables = (env?.variables ?? {}) as Record<string, unknown>;
    functions.set(functionName, {
      address,
      functionName,
      handler: str(address, config, 'handler', 'index.handler'),
      runtime: str(address, config, 'runtime', 'nodejs22.x'),
      filename: filename === undefined ? undefined : resolvePath(reader.dir, filename),
      timeoutSeconds: Number(resolver.resolve(config.timeout) ?? 3),
      memoryMb: Number(resolver.resolve(config.memory_size) ?? 128),
      environment: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)])),
      arn: resolver.attribute(address, 'arn'),
      ...reservedConcurrency(resolver.resolve(config.reserved_concurrent_executions)),
    });
  }
  return functions;
}

/** Terraform's -1 (the default) means "no reservation": the function shares the account's concurrency. */
function reservedConcurrency(value: unknown): { reservedConcurrency?: number } {
  const n = optionalNumber(value);
  return n === undefined || n < 0 ? {} : { reservedConcurrency: n };
}
