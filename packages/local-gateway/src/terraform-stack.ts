/**
 * Reads a synthesized Terraform JSON stack (what `cdktf synth` writes to `cdk.tf.json`, or hand-written Terraform
 * JSON) into the REST API model the gateway serves. One reader per concept lives in `stack/`, as infra has one
 * construct per concept: functions, the REST API (resources, models, validators, gateway responses), Cognito user
 * pools, authorizers, routes (methods and integrations), stages (and method settings), usage plans (and API keys), tables.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { readAuthorizers } from './stack/authorizers';
import { readUserPools } from './stack/cognito';
import { readFunctions } from './stack/functions';
import { DEFAULT_ACCOUNT_ID, type Stack } from './stack/model';
import { createStackReader, findRegion, type Json } from './stack/resolver';
import { readRestApis } from './stack/rest-api';
import { readRoutes } from './stack/routes';
import { readStages } from './stack/stages';
import { readTables } from './stack/tables';
import { readUsagePlans } from './stack/usage-plans';

export * from './stack/model';
export { isUnresolved } from './stack/resolver';

export interface LoadStackOptions {
  /** Where relative `filename`s resolve from (the stack file's directory). Default: the current directory. */
  dir?: string;
}

/**
 * Reads and loads a stack file.
 *
 * @example
 * const stack = loadStackFile('infra/cdktf.out/stacks/orders-api-dev/cdk.tf.json');
 */
export function loadStackFile(file: string): Stack {
  const json = JSON.parse(readFileSync(file, 'utf8')) as Json;
  return loadStack(json, { dir: dirname(resolvePath(file)) });
}

/**
 * Turns synthesized Terraform JSON into the REST API model. Throws `UnsupportedStackError` for what the local gateway
 * cannot emulate (non-proxy AWS integrations, HTTP integrations, OpenAPI `body` APIs, authorizers whose function or user pool is not in the stack).
 *
 * @example
 * const stack = loadStack(JSON.parse(readFileSync('cdk.tf.json', 'utf8')), { dir: 'infra/cdktf.out/stacks/orders-api-dev' });
 * stack.apis[0].stages.get('dev');
 */
export function loadStack(json: Json, options: LoadStackOptions = {}): Stack {
  const dir = resolvePath(options.dir ?? '.');
  const region = findRegion(json);
  const accountId = DEFAULT_ACCOUNT_ID;
  const reader = createStackReader(json, dir, region, accountId);
  // Authorizers before routes: a method names its authorizer, which names a function or user pools.
  const apis = readRestApis(reader);
  const functions = readFunctions(reader);
  const userPools = readUserPools(reader);
  readAuthorizers(reader, apis, functions, userPools);
  readRoutes(reader, apis, functions);
  readStages(reader, apis);
  const { apiKeys, usagePlans } = readUsagePlans(reader);
  const tables = readTables(reader);
  return { dir, region, accountId, apis: [...apis.byId.values()], functions, apiKeys, usagePlans, tables, userPools };
}
