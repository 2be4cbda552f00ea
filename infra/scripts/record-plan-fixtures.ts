/**
 * Records the plan JSON fixtures the plan summary and cost tests read (`infra/test/fixtures/recorded-plans/`), from real
 * terraform plans of the fixture API's dev stack (test/fixtures/example-api), so those tests run in milliseconds and without tools while their input
 * stays what terraform writes:
 *
 * | file                               | what                                                                    |
 * | ---------------------------------- | ----------------------------------------------------------------------- |
 * | `dev-first.plan.json`              | a first plan, offline and without state (a PR before anything exists)   |
 * | `dev-cache-1.6.plan.json`          | the stage cache grown 0.5 → 1.6 GB, planned against an applied stack    |
 * | `dev-memory-1024.plan.json`        | the function's memory doubled 512 → 1024 MB, against the same state     |
 *
 * The change plans need a state: the dev configuration is applied to moto_server (a local AWS emulator) first, the
 * way `test/plan-summary.test.ts` does it. Needs terraform with TF_PLUGIN_MIRROR and moto_server; about a minute.
 *
 *   cd infra && TF_PLUGIN_MIRROR=/opt/tf-plugins npx tsx scripts/record-plan-fixtures.ts
 */
import { App } from 'cdktf';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stageOf, type StageConfig } from '../src/api';
import { ApiStack } from '../src/stacks/api-stack';
import type { DeployTarget } from '../src/target';
import { terraformOk } from '../src/terraform';
import { tempArtifact } from '../test/support/artifact';
import { EXAMPLE_API } from '../test/fixtures/example-api/portico.config';
import { startMoto } from '../test/support/moto';
import { terraformInit, terraformTestEnv } from '../test/support/tools';

const STACK = 'example-api-dev';
const DEV = stageOf(EXAMPLE_API.config, 'dev');
const OUT = resolve(import.meta.dirname, '..', 'test', 'fixtures', 'recorded-plans');
const artifact = tempArtifact();

function synth(outdir: string, config: StageConfig, target: DeployTarget): string {
  const app = new App({ outdir });
  const stackDir = join(outdir, 'stacks', STACK);
  new ApiStack(app, STACK, { api: EXAMPLE_API.config, stage: config, artifact, target, stackDir });
  app.synth();
  return stackDir;
}

/** `terraform plan` + `show -json` in `dir`, written minified to `<OUT>/<name>`. */
async function record(name: string, dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const run = { cwd: dir, env };
  await terraformOk(['plan', '-input=false', '-no-color', '-refresh=false', '-lock=false', '-out=fixture.tfplan'], run);
  const { stdout } = await terraformOk(['show', '-json', 'fixture.tfplan'], run);
  writeFileSync(join(OUT, name), `${JSON.stringify(JSON.parse(stdout))}\n`);
  console.log(`wrote ${join(OUT, name)}`);
}

function withoutAwsCredentials(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const key of Object.keys(out)) if (/^AWS_/.test(key) && key !== 'AWS_CA_BUNDLE') delete out[key];
  return out;
}

async function main(): Promise<void> {
  if (!process.env.TF_PLUGIN_MIRROR) throw new Error('Set TF_PLUGIN_MIRROR to a provider mirror: the fixtures are planned offline');
  mkdirSync(OUT, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'portico-plan-fixtures-'));
  const moto = await startMoto();
  try {
    // A first plan, as a PR sees it before anything is deployed: AWS target, offline, no state.
    const firstOut = join(scratch, 'first');
    const offline: DeployTarget = { offline: true, backend: { kind: 'local', dir: join(firstOut, 'state') } };
    const firstDir = synth(firstOut, DEV, offline);
    const offlineEnv = terraformTestEnv(offline, withoutAwsCredentials(process.env));
    const firstInit = await terraformInit(firstDir, offlineEnv, { backend: true });
    if (firstInit.code !== 0) throw new Error(firstInit.stderr);
    await record('dev-first.plan.json', firstDir, offlineEnv);

    // The dev stack applied to the emulator, then two changes planned against that state.
    const changeOut = join(scratch, 'change');
    const emulator: DeployTarget = { endpoint: moto.endpoint, backend: { kind: 'local', dir: join(changeOut, 'state') } };
    const dir = synth(changeOut, DEV, emulator);
    const env = terraformTestEnv(emulator, withoutAwsCredentials(process.env));
    const init = await terraformInit(dir, env, { backend: true });
    if (init.code !== 0) throw new Error(init.stderr);
    await terraformOk(['apply', '-auto-approve', '-input=false', '-no-color'], { cwd: dir, env });

    synth(changeOut, { ...DEV, cache: { ...DEV.cache, clusterSize: '1.6' } }, emulator);
    await record('dev-cache-1.6.plan.json', dir, env);

    synth(changeOut, { ...DEV, lambda: { ...DEV.lambda, memoryMb: DEV.lambda.memoryMb * 2 } }, emulator);
    await record('dev-memory-1024.plan.json', dir, env);
  } finally {
    await moto.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
