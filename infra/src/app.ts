/** Synthesis: the stacks of the chosen stages, written as standard cdktf output under `<outdir>/stacks/<stack>/`. */
import type { RouteSpec } from '@portico/http';
import { App } from 'cdktf';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { STAGE_NAMES, stackName, stageConfig, type StageName } from './config';
import { DEFAULT_BUILD_META, loadLambdaArtifact, type LambdaArtifact } from './lambda-artifact';
import { UsersApiStack } from './stacks/users-api-stack';
import { targetFromEnv, type DeployTarget } from './target';

export interface SynthOptions {
  readonly routes: readonly RouteSpec[];
  readonly artifact: LambdaArtifact;
  readonly target: DeployTarget;
  /** @default 'cdktf.out' under the infra package */
  readonly outdir: string;
  /** @default every stage */
  readonly stages?: readonly StageName[];
}

export interface SynthesizedStack {
  readonly name: string;
  readonly stage: StageName;
  /** The directory Terraform runs in; it holds `cdk.tf.json`. */
  readonly dir: string;
  /** Resource types left out for the emulator. */
  readonly omitted: readonly string[];
}

export function synthesize(options: SynthOptions): SynthesizedStack[] {
  mkdirSync(options.outdir, { recursive: true });
  const app = new App({ outdir: options.outdir, skipValidation: false });
  const stacks = (options.stages ?? STAGE_NAMES).map((stage) => {
    const name = stackName(stage);
    const dir = join(options.outdir, 'stacks', name);
    const stack = new UsersApiStack(app, name, {
      config: stageConfig(stage),
      routes: options.routes,
      artifact: options.artifact,
      target: options.target,
      stackDir: dir,
    });
    return { name, stage, dir, omitted: stack.omitted };
  });
  app.synth();
  return stacks;
}

/**
 * The infra package directory, found from the working directory (pnpm, turbo and jest run in it; a shell at the repo
 * root works too), so no path is tied to this file's location.
 */
export function findInfraDir(from = process.cwd()): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === '@portico/infra') return dir;
    if (existsSync(join(dir, 'infra', 'package.json'))) return join(dir, 'infra');
    if (dirname(dir) === dir) throw new Error(`Run from the Portico repository: no @portico/infra above ${from}`);
  }
}

/** Synthesizes from the environment: the real route table, the built zip, the target from env vars. */
export async function synthesizeFromEnv(
  env: NodeJS.ProcessEnv,
  overrides: { stages?: readonly StageName[]; target?: Partial<DeployTarget> } = {},
): Promise<SynthesizedStack[]> {
  const infraDir = findInfraDir();
  // Imported here, not at the top, so tests of the stack never load the real table unless they synthesize from env.
  const { routeList } = await import('@portico/users-api/routes');
  const started = performance.now();
  const stacks = synthesize({
    routes: routeList,
    artifact: loadLambdaArtifact(env.PORTICO_LAMBDA_META ?? DEFAULT_BUILD_META, infraDir),
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
