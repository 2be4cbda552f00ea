/**
 * Measures cold init of the Lambda bundle with `@aws-sdk/*` bundled vs left external (the runtime's copy), the
 * figures behind DEFAULT_SDK_MODE in bundle.ts. Not a test and not timed in CI: run it by hand.
 *
 *   pnpm --filter @portico/users-api measure:init [--runs 21]
 *
 * Each run is a fresh `node` process, as a Lambda cold start is, that imports the bundle, answers `GET /hello`, then
 * `GET /users/{id}` (the first DynamoDB call: credential and endpoint resolution, first connection) against a
 * dynalite this script starts. Variants are interleaved so drift in machine load hits both alike. A bare
 * `node -e` run gives the process start-up cost to subtract.
 */
import { createProxyEvent } from '@portico/http/testing';
import dynalite from 'dynalite';
import * as esbuild from 'esbuild';
import { execFile } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createUsersTable } from '../src/store';
import { BUNDLE_FILE, bundleOptions, formatBytes, packageBundle, type SdkMode } from './bundle';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '21' } } });
const runs = Number(args.runs);

interface Sample {
  total: number;
  import: number;
  hello: number;
  firstDynamo: number;
  status: number[];
}

// Runs inside the child: `performance.now()` counts from process start, so `total` includes Node's own boot.
const probe = `
const t0 = performance.now();
const { handler } = await import(process.env.PROBE_BUNDLE);
const t1 = performance.now();
const context = { awsRequestId: 'probe', getRemainingTimeInMillis: () => 3000 };
const hello = await handler(JSON.parse(process.env.PROBE_HELLO), context);
const t2 = performance.now();
const get = await handler(JSON.parse(process.env.PROBE_GET), context);
const t3 = performance.now();
console.log(JSON.stringify({ total: t3, import: t1 - t0, hello: t2 - t1, firstDynamo: t3 - t2, status: [hello.statusCode, get.statusCode] }));
`;
const bare = 'console.log(JSON.stringify({ total: performance.now() }))';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function sample(script: string, env: NodeJS.ProcessEnv): Promise<Sample> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, ...env },
  });
  return JSON.parse(stdout) as Sample;
}

const server = dynalite({ createTableMs: 0 });
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const awsEnv = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'measure',
  AWS_SECRET_ACCESS_KEY: 'measure',
  AWS_ENDPOINT_URL_DYNAMODB: endpoint,
  USERS_TABLE: 'users-measure',
};
Object.assign(process.env, awsEnv);
const client = new DynamoDBClient({});
await createUsersTable(client, awsEnv.USERS_TABLE);
client.destroy();

const variants: SdkMode[] = ['bundled', 'external'];
const bundles = new Map<SdkMode, { path: string; bytes: number; gzipBytes: number }>();
// Inside the package, so the external variant resolves @aws-sdk/* from its node_modules as Lambda resolves the
// runtime's copy.
const root = join(PACKAGE_DIR, 'dist', '.measure');
await rm(root, { recursive: true, force: true });
for (const sdk of variants) {
  const outdir = join(root, sdk);
  await mkdir(outdir, { recursive: true });
  await esbuild.build(bundleOptions(PACKAGE_DIR, outdir, sdk));
  const meta = await packageBundle(outdir, sdk);
  bundles.set(sdk, { path: join(outdir, BUNDLE_FILE), ...meta.bundle });
}

const probeEnv = {
  PROBE_HELLO: JSON.stringify(createProxyEvent({ method: 'GET', path: '/hello' })),
  PROBE_GET: JSON.stringify(
    createProxyEvent({
      method: 'GET',
      path: '/users/00000000-0000-4000-8000-000000000000',
      resource: '/users/{id}',
    }),
  ),
};
const samples = new Map<string, Sample[]>([['bare node', []], ...variants.map((v) => [v, []] as [string, Sample[]])]);
for (let i = 0; i < runs; i++) {
  samples.get('bare node')!.push(await sample(bare, {}));
  for (const sdk of variants) {
    const env = { ...awsEnv, ...probeEnv, PROBE_BUNDLE: pathToFileURL(bundles.get(sdk)!.path).href };
    const result = await sample(probe, env);
    if (result.status[0] !== 200 || result.status[1] !== 404) {
      throw new Error(`${sdk} bundle answered ${result.status.join(', ')}, expected 200, 404`);
    }
    samples.get(sdk)!.push(result);
  }
}
server.close();

const bareTotal = median(samples.get('bare node')!.map((s) => s.total));
const ms = (value: number) => `${value.toFixed(1)} ms`;
const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
const lines = [
  `Cold init, median of ${runs} fresh processes (Node ${process.versions.node}); bare node boot ${ms(bareTotal)}`,
  '',
  row([
    '@aws-sdk',
    'bundle',
    'gzip',
    'import',
    'first /hello',
    'first DynamoDB call',
    'import + /hello over bare node',
    'total over bare node',
  ]),
  row(Array.from({ length: 8 }, () => '---')),
  ...variants.map((sdk) => {
    const s = samples.get(sdk)!;
    const bundle = bundles.get(sdk)!;
    const of = (pick: (x: Sample) => number) => median(s.map(pick));
    return row([
      sdk,
      formatBytes(bundle.bytes),
      formatBytes(bundle.gzipBytes),
      ms(of((x) => x.import)),
      ms(of((x) => x.hello)),
      ms(of((x) => x.firstDynamo)),
      ms(of((x) => x.total - x.firstDynamo) - bareTotal),
      ms(of((x) => x.total) - bareTotal),
    ]);
  }),
];
console.log(lines.join('\n'));
await rm(root, { recursive: true, force: true });
