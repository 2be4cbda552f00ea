/**
 * The avatars API's declaration, as infra's composition root discovers and synthesizes it: `avatars-api-<stage>`
 * stacks whose REST API treats images as binary, whose function reads its own table, whose writes go through the
 * partner authorizer (its own function, the only one told the partners table), and whose traffic profiles price every
 * route.
 */
import { discoverApis, findRepoRoot, stackName, synthesize, type SynthesizedStack } from '@portico/infra';
import { checkTraffic } from '@portico/infra/traffic';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import avatarsApi from '../portico.config';
import { routeList } from '../src/routes';
import { PARTNER_AUTHORIZATION, PARTNERS_TABLE_ENV } from '../src/partners';
import { AVATARS_TABLE_ENV } from '../src/store';

const APP_DIR = resolve(__dirname, '..');
let outdir: string;
let stacks: SynthesizedStack[];
type StackJson = { resource: Record<string, Record<string, Record<string, unknown>>> };
const json = (stack: SynthesizedStack) => JSON.parse(readFileSync(join(stack.dir, 'cdk.tf.json'), 'utf8')) as StackJson;

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'avatars-api-synth-'));
  const apis = (await discoverApis(findRepoRoot(APP_DIR))).filter((api) => api.dir === APP_DIR);
  stacks = synthesize({ apis, target: { backend: { kind: 'local', dir: join(outdir, 'state') } }, outdir });
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

it('is discovered from its folder: one stack per stage', () => {
  expect(stacks.map((s) => s.name)).toEqual(Object.keys(avatarsApi.stages).map((stage) => stackName(avatarsApi, stage)));
});

it.each(Object.keys(avatarsApi.stages))('declares the image types binary on the %s REST API and wires the table', (stage) => {
  const stack = json(stacks.find((s) => s.stage === stage)!);
  const api = Object.values(stack.resource.aws_api_gateway_rest_api!)[0]!;
  const [tableId, table] = Object.entries(stack.resource.aws_dynamodb_table!).find(([, t]) => String(t.name).endsWith('-avatars'))!;
  const fn = Object.values(stack.resource.aws_lambda_function!).find((f) => f.function_name === `${stackName(avatarsApi, stage)}-handler`)! as {
    environment: { variables: Record<string, string> };
  };
  expect(api.binary_media_types).toEqual(['image/png', 'image/jpeg', 'image/*']);
  expect(table.name).toBe(`${stackName(avatarsApi, stage)}-avatars`);
  expect(fn.environment.variables[AVATARS_TABLE_ENV]).toBe(`\${aws_dynamodb_table.${tableId}.name}`);
});

it.each(Object.keys(avatarsApi.stages))('puts the %s writes behind the partner TOKEN authorizer, and only it reads the partners table', (stage) => {
  const stack = json(stacks.find((s) => s.stage === stage)!);
  const name = stackName(avatarsApi, stage);
  const authorizers = Object.entries(stack.resource.aws_api_gateway_authorizer!);
  const functions = Object.values(stack.resource.aws_lambda_function!) as Array<{ function_name: string; environment: { variables: Record<string, string> } }>;
  const [authorizerId, authorizer] = authorizers[0]!;
  const methods = Object.values(stack.resource.aws_api_gateway_method!);

  expect(authorizers).toHaveLength(1);
  expect(authorizer).toMatchObject({
    type: 'TOKEN',
    identity_source: 'method.request.header.Authorization',
    identity_validation_expression: PARTNER_AUTHORIZATION.source,
    authorizer_result_ttl_in_seconds: 300,
  });
  // PUT and DELETE (on /avatars/{userId}) need it; every read and the catch-all stay open.
  const byMethod = methods.map((m) => [m.http_method, m.authorization, m.authorization === 'CUSTOM' ? m.authorizer_id : undefined]).sort();
  expect(byMethod).toEqual(
    expect.arrayContaining([
      ['DELETE', 'CUSTOM', `\${aws_api_gateway_authorizer.${authorizerId}.id}`],
      ['PUT', 'CUSTOM', `\${aws_api_gateway_authorizer.${authorizerId}.id}`],
    ]),
  );
  expect(byMethod.filter(([, auth]) => auth === 'CUSTOM')).toHaveLength(2);
  expect(functions.find((f) => f.function_name === `${name}-handler`)!.environment.variables[PARTNERS_TABLE_ENV]).toBeUndefined();
  expect(functions.find((f) => f.function_name !== `${name}-handler`)!.environment.variables[PARTNERS_TABLE_ENV]).toMatch(/^\$\{aws_dynamodb_table\..+\.name\}$/);
});

it('routes everything else to the function through a greedy {proxy+} resource', () => {
  const stack = json(stacks[0]!);
  const parts = Object.values(stack.resource.aws_api_gateway_resource!).map((r) => r.path_part);
  expect(parts).toContain('{proxy+}');
  expect(Object.values(stack.resource.aws_api_gateway_method!).some((m) => m.http_method === 'ANY')).toBe(true);
});

it.each(Object.keys(avatarsApi.stages))('prices %s for every route it declares', (stage) => {
  const traffic = avatarsApi.stages[stage as keyof typeof avatarsApi.stages].traffic!;
  expect(() => checkTraffic(traffic, stage)).not.toThrow();
  expect(Object.keys(traffic.routes).sort()).toEqual(routeList.map((r) => `${r.method} ${r.path}`).sort());
});
