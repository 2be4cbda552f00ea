/**
 * The composition root: the stacks of every declared API (or the chosen ones), one per stage, written as standard
 * cdktf output under `<outdir>/stacks/<api>-<stage>/`.
 */
import { App } from 'cdktf';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { stackName, stageOf } from './api';
import { apiFolderOf, discoverApis, findRepoRoot, type DiscoveredApi } from './discover';
import { loadLambdaArtifact, type LambdaArtifact } from './lambda-artifact';
import { ApiStack } from './stacks/api-stack';
import { targetFromEnv, type DeployTarget } from './target';

export interface SynthOptions {
  readonly apis: readonly DiscoveredApi[];
  /** The built code of an API's function. @default its `buildMeta` build */
  readonly artifact?: (api: DiscoveredApi) => LambdaArtifact;
  readonly target: DeployTarget;
  readonly outdir: string;
  /** @default every stage each API declares; an API without a chosen stage is skipped */
  readonly stages?: readonly string[];
}

export interface SynthesizedStack {
  /** `<api>-<stage>` */
  readonly name: string;
  readonly api: string;
  readonly stage: string;
  /** The directory Terraform runs in; it holds `cdk.tf.json`. */
  readonly dir: string;
  /** Resource types left out for the emulator. */
  readonly omitted: readonly string[];
}

/** The artifact an API's own build wrote (`buildMeta`, relative to the app's folder). */
export const builtArtifact = (api: DiscoveredApi): LambdaArtifact => loadLambdaArtifact(api.config.buildMeta, api.dir);

export function synthesize(options: SynthOptions): SynthesizedStack[] {
  mkdirSync(options.outdir, { recursive: true });
  const app = new App({ outdir: options.outdir, skipValidation: false });
  const stacks: SynthesizedStack[] = [];
  for (const api of options.apis) {
    const stages = Object.keys(api.config.stages).filter((stage) => !options.stages || options.stages.includes(stage));
    if (stages.length === 0) continue;
    const artifact = (options.artifact ?? builtArtifact)(api);
    for (const stage of stages) {
      const name = stackName(api.config, stage);
      const dir = join(options.outdir, 'stacks', name);
      const stack = new ApiStack(app, name, { api: api.config, stage: stageOf(api.config, stage), artifact, target: options.target, stackDir: dir });
      stacks.push({ name, api: api.config.name, stage, dir, omitted: stack.omitted });
    }
  }
  app.synth();
  return stacks;
}

/**
 * The infra package directory, found from the working directory (pnpm, turbo and jest run in a package; a shell at
 * the repo root works too), so no path is tied to this file's location.
 */
export function findInfraDir(from = process.cwd()): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === '@portico/infra') return dir;
    if (existsSync(join(dir, 'infra', 'package.json'))) return join(dir, 'infra');
    if (dirname(dir) === dir) throw new Error(`Run from the Portico repository: no @portico/infra above ${from}`);
  }
}

/**
 * The APIs a command acts on: those named (`--api`), else the API whose folder the command runs in (an app's own
 * `pnpm plan`), else every declared API. Throws on an unknown name, listing the known ones.
 */
export async function selectApis(names: readonly string[] | undefined, cwd = process.cwd()): Promise<DiscoveredApi[]> {
  const root = findRepoRoot(cwd);
  const all = await discoverApis(root);
  if (names && names.length > 0) {
    const unknown = names.find((name) => !all.some((api) => api.config.name === name));
    if (unknown) throw new Error(`No API named "${unknown}" (declared: ${all.map((a) => a.config.name).join(', ') || 'none'})`);
    return all.filter((api) => names.includes(api.config.name));
  }
  const here = apiFolderOf(cwd, root);
  return here ? all.filter((api) => api.dir === here) : all;
}

/** Synthesizes from the environment: the chosen APIs' built zips and the target the environment names. */
export async function synthesizeFromEnv(
  env: NodeJS.ProcessEnv,
  overrides: { apis?: readonly DiscoveredApi[]; stages?: readonly string[]; target?: Partial<DeployTarget> } = {},
): Promise<SynthesizedStack[]> {
  const infraDir = findInfraDir();
  const apis = overrides.apis ?? (await selectApis(undefined));
  const started = performance.now();
  // PORTICO_LAMBDA_META points every synthesized function at one build (a dev server's watch build).
  const meta = env.PORTICO_LAMBDA_META;
  const stacks = synthesize({
    apis,
    ...(meta ? { artifact: () => loadLambdaArtifact(meta, infraDir) } : {}),
    target: { ...targetFromEnv(env, infraDir), ...overrides.target },
    outdir: resolve(infraDir, env.PORTICO_CDKTF_OUT ?? 'cdktf.out'),
    ...(overrides.stages ? { stages: overrides.stages } : {}),
  });
  const ms = Math.round(performance.now() - started);
  for (const stack of stacks) {
    console.log(`synthesized ${stack.name} → ${join(stack.dir, 'cdk.tf.json')}`);
    if (stack.omitted.length > 0) {
      console.log(`  left out for the emulator (its API lacks them): ${stack.omitted.join(', ')}`);
    }
  }
  console.log(`synth: ${stacks.length} stack(s) in ${ms} ms`);
  return stacks;
}
