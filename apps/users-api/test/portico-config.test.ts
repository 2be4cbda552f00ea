/**
 * The API's declaration, as infra's composition root discovers and synthesizes it: one `users-api-<stage>` stack per
 * stage, from this folder's route table and build, with the function wired to the table the store reads.
 */
import { discoverApis, findRepoRoot, stackName, synthesize, type SynthesizedStack } from '@portico/infra';
import { loadDurations } from '@portico/infra/durations';
import { checkTraffic } from '@portico/infra/traffic';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import usersApi from '../portico.config';
import { routeList } from '../src/routes';
import { USERS_TABLE_ENV } from '../src/table';

const APP_DIR = resolve(__dirname, '..');
let outdir: string;
let stacks: SynthesizedStack[];

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'users-api-synth-'));
  const apis = (await discoverApis(findRepoRoot(APP_DIR))).filter((api) => api.dir === APP_DIR);
  stacks = synthesize({ apis, target: { backend: { kind: 'local', dir: join(outdir, 'state') } }, outdir });
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

it('is discovered from its folder under its own name', () => {
  expect(stacks.map((s) => s.name)).toEqual(Object.keys(usersApi.stages).map((stage) => stackName(usersApi, stage)));
  expect(usersApi.routes).toBe(routeList);
});

it.each(Object.keys(usersApi.stages))('gives the %s function the users table under the variable the store reads', (stage) => {
  const stack = stacks.find((s) => s.stage === stage)!;
  const json = JSON.parse(readFileSync(join(stack.dir, 'cdk.tf.json'), 'utf8')) as {
    resource: Record<string, Record<string, { name?: string; environment?: { variables: Record<string, string> } }>>;
  };
  const [tableId, table] = Object.entries(json.resource.aws_dynamodb_table!)[0]!;
  const fn = Object.values(json.resource.aws_lambda_function!)[0]!;
  expect(table.name).toBe(`${stackName(usersApi, stage)}-users`);
  expect(fn.environment!.variables[USERS_TABLE_ENV]).toBe(`\${aws_dynamodb_table.${tableId}.name}`);
});

it.each(Object.keys(usersApi.stages))('prices %s for its routes: the traffic adds up and every route has a measured duration', (stage) => {
  const traffic = usersApi.stages[stage as keyof typeof usersApi.stages].traffic!;
  const durations = loadDurations(APP_DIR)!;
  expect(() => checkTraffic(traffic, stage)).not.toThrow();
  const declared = routeList.map((route) => `${route.method} ${route.path}`).sort();
  expect(Object.keys(traffic.routes).sort()).toEqual(declared);
  for (const route of declared) expect([route, durations.routes[route]?.medianBilledMs]).toEqual([route, expect.any(Number)]);
});
