/**
 * `pnpm turbo deploy`: synthesize one stage's stack for the target the environment names, then `terraform init` and
 * `terraform apply` (or `destroy`) it, and report what happened: timings, resource counts, public outputs, and what
 * an emulator target leaves out.
 *
 * The stack is synthesized here, for exactly the target the environment names, instead of taken from turbo's `synth`
 * output: turbo's cache does not know which target (AWS or emulator, local or S3 state) a cached `cdktf.out` was made
 * for, and applying another target's configuration would be wrong in ways a plan does not show. So turbo's deploy
 * task depends on the build only (the API's zip), not on `synth`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { stackName, stageOf } from './api';
import { findInfraDir, synthesizeFromEnv } from './app';
import type { DiscoveredApi } from './discover';
import { hasAwsCredentials, targetFromEnv, type DeployTarget } from './target';
import { terraformEnv, terraformOk, type TerraformResult } from './terraform';

export interface DeployOptions {
  /** The API whose stack to deploy. */
  readonly api: DiscoveredApi;
  readonly stage: string;
  /** Destroy the stack instead of applying it. @default false */
  readonly destroy?: boolean;
  /** Where the target, state, outdir and provider mirror come from (see `target.ts`). */
  readonly env: NodeJS.ProcessEnv;
  /** Stream terraform's own output. @default false */
  readonly echo?: boolean;
  /** Progress lines. @default console.log */
  readonly log?: (line: string) => void;
  /** Where the generated terraform CLI config goes. @default '<infra>/.terraform-cli' (gitignored) */
  readonly cliConfigDir?: string;
}

/** What `terraform apply`/`destroy` reports in its last line. */
export interface ResourceCounts {
  readonly added: number;
  readonly changed: number;
  readonly destroyed: number;
}

export interface DeployResult {
  readonly stack: string;
  readonly stage: string;
  readonly action: 'apply' | 'destroy';
  /** The emulator endpoint, when the target is one. */
  readonly endpoint?: string;
  /** The directory terraform ran in (`<outdir>/stacks/<stack>`). */
  readonly dir: string;
  /** Resource types the emulator target leaves out (empty on AWS). */
  readonly omitted: readonly string[];
  readonly resources: ResourceCounts;
  /** Every non-sensitive output after an apply (API key values never appear here); empty after a destroy. */
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly timings: { readonly synthMs: number; readonly initMs: number; readonly applyMs: number };
}

/**
 * Applies (or destroys) the stack of one stage.
 * @example await deploy({ stage: 'dev', env: { ...process.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' } })
 */
export async function deploy(options: DeployOptions): Promise<DeployResult> {
  const { stage, env } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const action = options.destroy ? 'destroy' : 'apply';
  const infraDir = findInfraDir();
  // A deploy talks to AWS for real: never the offline mode a credential-less plan falls back to. Without credentials
  // terraform then fails on its first call, with the provider's own explanation.
  const target: DeployTarget = { ...targetFromEnv(env, infraDir), offline: false };

  const synthStarted = performance.now();
  const [stack] = await synthesizeFromEnv(env, { apis: [options.api], stages: [stage], target: { offline: false } });
  const synthMs = Math.round(performance.now() - synthStarted);
  if (!stack) throw new Error(`Synthesis produced no stack for ${options.api.config.name} stage ${stage}`);
  if (target.backend.kind === 'local') mkdirSync(target.backend.dir, { recursive: true });
  if (env.TF_PLUGIN_CACHE_DIR) mkdirSync(env.TF_PLUGIN_CACHE_DIR, { recursive: true });

  const tfEnv = terraformEnv(env, target, options.cliConfigDir ?? join(infraDir, '.terraform-cli'));
  const run = { cwd: stack.dir, env: tfEnv, echo: options.echo ?? false };
  log(`${action} ${stack.name} → ${describeTarget(target)}`);
  if (!target.endpoint && !hasAwsCredentials(env)) {
    log('no AWS credentials in the environment: terraform tries ~/.aws, then fails (set AWS_ENDPOINT_URL for an emulator)');
  }
  // -reconfigure: the emulator and AWS keep separate state (see target.ts), so the backend of a stack directory
  // legitimately changes between runs; state is never migrated from one to the other.
  const init = await terraformOk(['init', '-input=false', '-no-color', '-reconfigure'], run);
  const apply = await terraformOk([action, '-auto-approve', '-input=false', '-no-color'], run);
  const resources = resourceCounts(apply);
  // Never echoed: the raw JSON holds the API key values.
  const outputs =
    action === 'apply' ? publicOutputs(JSON.parse((await terraformOk(['output', '-json'], { ...run, echo: false })).stdout)) : {};

  return {
    stack: stack.name,
    stage,
    action,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    dir: stack.dir,
    omitted: stack.omitted,
    resources,
    outputs,
    timings: { synthMs, initMs: init.ms, applyMs: apply.ms },
  };
}

/**
 * The stage to deploy: the `--stage` flag wins over `STAGE`; with neither, dev, so a production stage is only ever
 * deployed when someone names it. Throws when an API lacks the stage, with `usage` appended.
 */
export function chooseStage(
  apis: readonly DiscoveredApi[],
  flag: string | undefined,
  envStage: string | undefined,
  usage = '',
): { stage: string; from: '--stage' | 'STAGE' | 'default' } {
  const stage = flag || envStage || 'dev';
  for (const { config } of apis) {
    if (!Object.hasOwn(config.stages, stage)) {
      throw new Error(`${config.name} has no stage "${stage}": use --stage ${Object.keys(config.stages).join('|')}${usage ? `\n\n${usage}` : ''}`);
    }
  }
  return { stage, from: flag ? '--stage' : envStage ? 'STAGE' : 'default' };
}

/** Destroying a stage that protects its data takes `--confirm <stack>`: throws without it. */
export function checkDestroy(api: DiscoveredApi, stage: string, destroy: boolean | undefined, confirm: string | undefined): void {
  const stack = stackName(api.config, stage);
  if (destroy && stageOf(api.config, stage).protectData && confirm !== stack) {
    throw new Error(`Destroying ${stack} removes a stage that protects its data: repeat with --confirm ${stack}`);
  }
}

/** The lines a person reads after a deploy: counts, time, public outputs, and what the emulator left out. */
export function deploySummary(result: DeployResult): string[] {
  const { added, changed, destroyed } = result.resources;
  const verb = result.action === 'apply' ? 'applied' : 'destroyed';
  const lines = [
    `${verb} ${result.stack}${result.endpoint ? ` on the emulator at ${result.endpoint}` : ''} in ${seconds(result.timings.applyMs)}` +
      ` (${added} added, ${changed} changed, ${destroyed} destroyed; init ${seconds(result.timings.initMs)},` +
      ` synth ${seconds(result.timings.synthMs)})`,
  ];
  for (const name of ['invoke_url', 'cloudfront_url', 'api_key_ids', 'table_names'] as const) {
    if (name in result.outputs) lines.push(`  ${name} = ${JSON.stringify(result.outputs[name])}`);
  }
  if (result.action === 'apply' && 'api_key_ids' in result.outputs) {
    lines.push(`  API key values: terraform -chdir=${result.dir} output -json api_key_values`);
  }
  if (result.omitted.length > 0) {
    lines.push(`  left out on the emulator (its API lacks them): ${result.omitted.join(', ')}`);
  }
  return lines;
}

/** `terraform output -json` without the sensitive outputs: API key values must never reach a log. */
export function publicOutputs(raw: Record<string, { value: unknown; sensitive?: boolean }>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(raw).filter(([, o]) => !o.sensitive).map(([name, o]) => [name, o.value]));
}

/** Parses `Apply complete! Resources: 3 added, 0 changed, 1 destroyed.` or `Destroy complete! Resources: 4 destroyed.` */
export function resourceCounts(result: Pick<TerraformResult, 'stdout'>): ResourceCounts {
  const apply = /Resources: (\d+) added, (\d+) changed, (\d+) destroyed/.exec(result.stdout);
  if (apply) return { added: Number(apply[1]), changed: Number(apply[2]), destroyed: Number(apply[3]) };
  const destroy = /Resources: (\d+) destroyed/.exec(result.stdout);
  return { added: 0, changed: 0, destroyed: destroy ? Number(destroy[1]) : 0 };
}

function describeTarget(target: DeployTarget): string {
  const where = target.endpoint ? `emulator ${target.endpoint}` : 'AWS';
  const state =
    target.backend.kind === 'local'
      ? `local state in ${target.backend.dir}`
      : `S3 state s3://${target.backend.bucket}/${target.backend.keyPrefix ?? 'portico'}/ (lock: ${target.backend.lockTable ?? 'S3 lock file'})`;
  return `${where}, ${state}`;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
