/**
 * The {{name}} declaration, as infra's composition root discovers and synthesizes it from this folder's build: one
 * `{{name}}-<stage>` stack per stage, with a method for every route (API key where the route asks for one) and the
 * function given the items table under the variable the store reads.
 */
import { buildApp } from '@portico/cli';
import { discoverApis, findRepoRoot, loadLambdaArtifact, stackName, synthesize, type SynthesizedStack } from '@portico/infra';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import api from '../portico.config';
import { routeList } from '../src/routes';
import { ITEMS_TABLE_ENV } from '../src/store';

type Resources = Record<string, Record<string, Record<string, unknown>>>;

const APP_DIR = resolve(__dirname, '..');
let outdir: string;
let stacks: SynthesizedStack[];
const resourcesOf = (stage: string): Resources =>
  (JSON.parse(readFileSync(join(stacks.find((s) => s.stage === stage)!.dir, 'cdk.tf.json'), 'utf8')) as { resource: Resources }).resource;

/** `"METHOD /path"` → whether the method wants an API key, read from the synthesized methods and resources. */
function methodsOf(resource: Resources): Record<string, boolean> {
  const resources = resource.aws_api_gateway_resource ?? {};
  const pathOf = (ref: string): string => {
    const id = /^\$\{aws_api_gateway_resource\.([^.]+)\.id\}$/.exec(ref)?.[1];
    if (!id) return '';
    const { parent_id: parent, path_part: part } = resources[id] as { parent_id: string; path_part: string };
    return `${pathOf(parent)}/${part}`;
  };
  return Object.fromEntries(
    Object.values(resource.aws_api_gateway_method ?? {})
      .filter((method) => method.http_method !== 'OPTIONS')
      .map((method) => [`${String(method.http_method)} ${pathOf(String(method.resource_id))}`, method.api_key_required === true]),
  );
}

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), '{{name}}-synth-'));
  // The function's own build, made here, so the synthesized stacks carry this code whether or not `pnpm build` ran.
  await buildApp(api, APP_DIR, { outdir: join(outdir, 'build') });
  const apis = (await discoverApis(findRepoRoot(APP_DIR))).filter((found) => found.dir === APP_DIR);
  stacks = synthesize({
    apis,
    artifact: () => loadLambdaArtifact(join(outdir, 'build', 'build-meta.json'), outdir),
    target: { backend: { kind: 'local', dir: join(outdir, 'state') } },
    outdir,
  });
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

it('is discovered from its folder: one stack per stage', () => {
  expect(stacks.map((s) => s.name)).toEqual(Object.keys(api.stages).map((stage) => stackName(api, stage)));
});

it.each(Object.keys(api.stages))('gives %s a method for every route, with the API key where the route asks for it', (stage) => {
  const expected = Object.fromEntries(routeList.map((route) => [`${route.method} ${route.path}`, 'apiKeyRequired' in route && route.apiKeyRequired === true]));

  expect(methodsOf(resourcesOf(stage))).toEqual(expected);
});

it.each(Object.keys(api.stages))('gives the %s function the items table under the variable the store reads', (stage) => {
  const resource = resourcesOf(stage);
  const [tableId, table] = Object.entries(resource.aws_dynamodb_table!)[0]!;
  const fn = Object.values(resource.aws_lambda_function!)[0]! as { environment: { variables: Record<string, string> } };

  expect(table.name).toBe(`${stackName(api, stage)}-items`);
  expect(fn.environment.variables[ITEMS_TABLE_ENV]).toBe(`\${aws_dynamodb_table.${tableId}.name}`);
});
