/**
 * `pnpm plan`: synthesize the stacks, then per stack `terraform init`, `plan -out`, `show -json`, `show`, and the
 * gateway summary, written to `infra/plans/<stack>/`:
 *
 * | file          | what                                          |
 * | ------------- | --------------------------------------------- |
 * | `plan.tfplan` | the binary plan (`terraform apply plan.tfplan`) |
 * | `plan.json`   | `terraform show -json plan.tfplan`            |
 * | `plan.txt`    | `terraform show -no-color plan.tfplan`        |
 * | `summary.md`  | the API Gateway level summary (`summary.ts`), then the monthly cost estimate (`cost.ts`) |
 *
 * packages/delivery's `ci-plan` reads these files and judges each stack by whether this run wrote them. A stack whose
 * plan fails — synth, `plan` or `show` — is left with none of them: a stale plan can never pass for a fresh one. A run
 * that cannot start planning at all (terraform cannot install the AWS provider: no mirror and no registry) says what
 * to set and leaves the files of the last plan in place; they are older than the run, so ci-plan still reports the
 * stack as failed.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { stackName, stageOf } from '../api';
import { findInfraDir, selectApis, synthesizeFromEnv, type SynthesizedStack } from '../app';
import type { DiscoveredApi } from '../discover';
import { planTargetFromEnv, type DeployTarget } from '../target';
import { terraform, terraformEnv, type TerraformResult } from '../terraform';
import { summarizePlan, type PlanTotals } from './analyze';
import { estimateCost, usd, type CostInputs } from './cost';
import { renderCostEstimate } from './cost-summary';
import { DURATIONS_FILE, loadDurations, type LambdaDurations } from './durations';
import type { PlanJson } from './plan-json';
import { loadPriceTable } from './prices';
import { renderSummary } from './summary';
import type { TrafficProfile } from './traffic';

/** The files of one stack's plan, by role. packages/delivery/src/ci-plan.ts reads the same names. */
export const PLAN_FILES = { plan: 'plan.tfplan', json: 'plan.json', text: 'plan.txt', summary: 'summary.md' } as const;

export interface StackPlanOptions {
  readonly stack: string;
  /** The synthesized stack's directory (holds `cdk.tf.json`); terraform runs there. */
  readonly dir: string;
  /** Where the plan files go (`infra/plans/<stack>`). */
  readonly outDir: string;
  /** Terraform's environment (see `terraformEnv`). */
  readonly env: NodeJS.ProcessEnv;
  /** Refresh the state against the cloud before planning. Impossible offline. @default true */
  readonly refresh?: boolean;
  /** Take the state lock. A read-only plan role may not be able to. @default true */
  readonly lock?: boolean;
  /** Run `terraform init` first. @default true */
  readonly init?: boolean;
  /** Price the plan: traffic, price tables and durations; `trafficSource` names where the traffic comes from. */
  readonly cost?: CostInputs & { readonly trafficSource?: string };
  /** Why the plan is not priced, when it is not (said in the summary's cost section). */
  readonly costMissing?: string;
}

export interface StackPlanResult {
  readonly stack: string;
  readonly ok: boolean;
  readonly outDir: string;
  /** Milliseconds per step; a step that did not run is absent. */
  readonly timings: { readonly initMs?: number; readonly planMs?: number; readonly showMs?: number };
  /** Managed resources in the plan, changed or not. */
  readonly resources?: number;
  readonly totals?: PlanTotals;
  /** Set when the plan succeeded but the summary could not be made (the plan files stand; summary.md says why). */
  readonly summaryError?: string;
  /** The monthly cost after this plan and its change against the current state, when estimated. */
  readonly cost?: { readonly after: number; readonly change: number; readonly partial: boolean } | { readonly refused: string };
  /** Set when the cost estimate failed (summary.md says why). */
  readonly costError?: string;
  /** Terraform's error output when a step failed. */
  readonly error?: string;
}

/** Deletes a stack's plan files, so that only a successful run leaves any. */
export function clearPlanFiles(outDir: string): void {
  for (const name of Object.values(PLAN_FILES)) rmSync(join(outDir, name), { force: true });
}

/**
 * Plans one synthesized stack and writes its four files, or none when a step fails. When `terraform init` cannot
 * install the provider, the files of an earlier run are left alone and the error says what to set.
 * @example await planStack({ stack: 'orders-api-dev', dir, outDir: 'plans/orders-api-dev', env: terraformEnv(...) })
 */
export async function planStack(options: StackPlanOptions): Promise<StackPlanResult> {
  const { stack, dir, env } = options;
  // Absolute: terraform runs in the stack directory.
  const outDir = resolve(options.outDir);
  const file = (name: keyof typeof PLAN_FILES): string => join(outDir, PLAN_FILES[name]);
  const run = { cwd: dir, env };
  const timings: { initMs?: number; planMs?: number; showMs?: number } = {};
  const fail = (step: string, result: TerraformResult): StackPlanResult => {
    clearPlanFiles(outDir);
    return { stack, ok: false, outDir, timings, error: `terraform ${step} failed (exit ${result.code}):\n${result.stderr || result.stdout}` };
  };

  if (options.init ?? true) {
    // -reconfigure: a stack directory's backend legitimately changes between targets (emulator and AWS keep separate
    // state); a plan must never offer to migrate state from one to the other.
    const init = await terraform(['init', '-input=false', '-no-color', '-reconfigure'], run);
    timings.initMs = init.ms;
    if (init.code !== 0) {
      const missing = providerInstallProblem(init, env, outDir);
      if (missing) return { stack, ok: false, outDir, timings, error: missing };
      return fail('init', init);
    }
  }
  clearPlanFiles(outDir);
  mkdirSync(outDir, { recursive: true });

  const planArgs = ['plan', '-input=false', '-no-color', `-out=${file('plan')}`];
  if (options.refresh === false) planArgs.push('-refresh=false');
  if (options.lock === false) planArgs.push('-lock=false');
  const plan = await terraform(planArgs, run);
  timings.planMs = plan.ms;
  if (plan.code !== 0) return fail('plan', plan);

  // Both read the same plan file and load the provider schema: side by side they take the time of one.
  const showStarted = performance.now();
  const [json, text] = await Promise.all([
    terraform(['show', '-json', file('plan')], run),
    terraform(['show', '-no-color', file('plan')], run),
  ]);
  timings.showMs = Math.round(performance.now() - showStarted);
  if (json.code !== 0) return fail('show -json', json);
  if (text.code !== 0) return fail('show', text);
  writeFileSync(file('json'), json.stdout);
  writeFileSync(file('text'), text.stdout);

  const parsed = JSON.parse(json.stdout) as PlanJson;
  const resources = (parsed.resource_changes ?? []).filter((rc) => rc.mode === 'managed').length;
  try {
    const summary = summarizePlan(parsed);
    const cost = options.cost
      ? costSection(parsed, options.cost)
      : options.costMissing
        ? { markdown: `#### Monthly cost estimate\n\nNot estimated: ${options.costMissing}.\n`, result: {} }
        : undefined;
    writeFileSync(file('summary'), [renderSummary(summary), ...(cost ? [cost.markdown] : [])].join('\n'));
    return { stack, ok: true, outDir, timings, resources, totals: summary.totals, ...(cost?.result ?? {}) };
  } catch (error) {
    // The plan itself is sound and reviewable from plan.txt: a summary bug must not hide it, but must be seen.
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    writeFileSync(
      file('summary'),
      `#### API Gateway changes\n\nThe gateway summary could not be made from this plan; read the raw plan below.\n\n\`\`\`\n${message}\n\`\`\`\n`,
    );
    return { stack, ok: true, outDir, timings, resources, summaryError: message };
  }
}

/** The cost section of a summary, and what the run reports of it; a failing estimate never hides the plan. */
function costSection(plan: PlanJson, inputs: NonNullable<StackPlanOptions['cost']>): { markdown: string; result: Pick<StackPlanResult, 'cost' | 'costError'> } {
  try {
    const estimate = estimateCost(plan, inputs);
    const markdown = renderCostEstimate(estimate, {
      requestsPerMonth: inputs.traffic.requestsPerMonth,
      ...(inputs.trafficSource ? { trafficSource: inputs.trafficSource } : {}),
    });
    const cost = estimate.refused
      ? { refused: estimate.refused }
      : { after: estimate.after.total, change: estimate.change, partial: estimate.missing.length > 0 };
    return { markdown, result: { cost } };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { markdown: `#### Monthly cost estimate\n\nThe estimate could not be made:\n\n\`\`\`\n${message}\n\`\`\`\n`, result: { costError: message } };
  }
}

/** What terraform prints when it cannot get a provider: from a mirror, the registry, or the network in between. */
const PROVIDER_INSTALL_FAILURE = /Failed to query available provider packages|Failed to install provider|could not connect to registry\.terraform\.io/;

/**
 * When `terraform init` failed because the AWS provider could not be installed, the error to show instead of
 * terraform's (a DNS or proxy error deep in a registry request): what to set, and that the last plan was kept.
 * @example providerInstallProblem(init, env, outDir) // 'terraform could not install the AWS provider from the Terraform registry: …'
 */
export function providerInstallProblem(init: TerraformResult, env: NodeJS.ProcessEnv, outDir: string): string | undefined {
  const output = `${init.stderr}\n${init.stdout}`;
  if (!PROVIDER_INSTALL_FAILURE.test(output)) return undefined;
  const cause = /could not connect to [^:\n]+(?::[^\n]*)?(?:\n[^\n]+)*/.exec(output)?.[0].replace(/\s+/g, ' ').trim();
  const source = env.TF_PLUGIN_MIRROR
    ? `from the provider mirror TF_PLUGIN_MIRROR=${env.TF_PLUGIN_MIRROR}`
    : 'from the Terraform registry: no provider mirror is set (TF_PLUGIN_MIRROR)';
  return [
    `terraform could not install the AWS provider ${source}${cause ? ` (${cause})` : ''}.`,
    `Set TF_PLUGIN_MIRROR to a filesystem mirror holding hashicorp/aws ${pinnedAwsProvider()} (packages/delivery/bin/provider-mirror builds one where the registry is reachable), then plan again.`,
    `Nothing was planned; the files of the previous plan in ${outDir} were kept (they are not a plan of this code).`,
  ].join('\n');
}

/**
 * The hashicorp/aws version the stacks pin: the one `@cdktf/provider-aws` was generated for.
 * @example pinnedAwsProvider() // '5.100.0'
 */
export function pinnedAwsProvider(infraDir: string = findInfraDir()): string {
  const manifest = createRequire(join(infraDir, 'package.json'))('@cdktf/provider-aws/package.json') as { cdktf?: { provider?: { version?: string } } };
  return manifest.cdktf?.provider?.version ?? 'unknown';
}

/** Terraform's name for this platform, e.g. `linux_amd64`. */
function terraformPlatform(): string {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const cpu = ({ x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm' } as Record<string, string>)[process.arch] ?? process.arch;
  return `${os}_${cpu}`;
}

/**
 * Why the provider mirror named by TF_PLUGIN_MIRROR cannot serve this plan (it lacks the pinned hashicorp/aws for
 * this platform), or undefined: a mirror that cannot work is reported before anything is synthesized or deleted.
 * @example mirrorProblem({ TF_PLUGIN_MIRROR: '/tmp/empty' }) // 'TF_PLUGIN_MIRROR=/tmp/empty holds no hashicorp/aws 5.100.0 for linux_amd64 …'
 */
export function mirrorProblem(env: NodeJS.ProcessEnv, infraDir: string = findInfraDir()): string | undefined {
  const mirror = env.TF_PLUGIN_MIRROR;
  if (!mirror) return undefined;
  const version = pinnedAwsProvider(infraDir);
  const platform = terraformPlatform();
  const base = join(resolve(mirror), 'registry.terraform.io', 'hashicorp', 'aws');
  if (existsSync(join(base, version, platform)) || existsSync(join(base, `terraform-provider-aws_${version}_${platform}.zip`))) return undefined;
  const has = existsSync(base) ? readdirSync(base).join(', ') || 'nothing' : 'no hashicorp/aws at all';
  return [
    `TF_PLUGIN_MIRROR=${mirror} holds no hashicorp/aws ${version} for ${platform} (it has ${has}).`,
    `Point TF_PLUGIN_MIRROR at a mirror that does (packages/delivery/bin/provider-mirror builds one where the registry is reachable), or unset it to install from the registry.`,
    'Nothing was planned; the files of the previous plan were kept.',
  ].join('\n');
}

export interface PlanRunOptions {
  /** Target, state backend, provider mirror, Lambda build: see `target.ts`, `terraform.ts` and `app.ts`. */
  readonly env: NodeJS.ProcessEnv;
  /** @default the API of the working directory's app, else every declared API (see `selectApis`) */
  readonly apis?: readonly DiscoveredApi[];
  /** @default every stage each API declares */
  readonly stages?: readonly string[];
  /** @default '<infra>/plans' */
  readonly plansDir?: string;
  /** @default console.log */
  readonly log?: (line: string) => void;
  /** Traffic to price each stage's plan for, by stack name. @default each stage's `traffic` in its API's config */
  readonly traffic?: Readonly<Record<string, TrafficProfile>>;
}

export interface PlanRunResult {
  readonly ok: boolean;
  readonly synthMs: number;
  readonly target: DeployTarget;
  readonly stacks: readonly StackPlanResult[];
}

/**
 * Synthesizes the stacks of `stages` for the target the environment names and plans each one. Never throws for a
 * failing stack: the result says which failed and why.
 */
export async function planStacks(options: PlanRunOptions): Promise<PlanRunResult> {
  const { env } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const infraDir = findInfraDir();
  const plansDir = options.plansDir ?? join(infraDir, 'plans');
  const apis = options.apis ?? (await selectApis(undefined));
  const planned = apis.flatMap((api) =>
    Object.keys(api.config.stages)
      .filter((stage) => !options.stages || options.stages.includes(stage))
      .map((stage) => stackName(api.config, stage)),
  );
  const target = planTargetFromEnv(env, infraDir);
  if (env.PORTICO_STATE_BUCKET && target.backend.kind === 'local' && !target.endpoint) {
    log(`plan: no AWS credentials to read s3://${env.PORTICO_STATE_BUCKET} with: planning against local state instead`);
  }
  const mirror = mirrorProblem(env, infraDir);
  if (mirror) {
    log(`plan: ${mirror}`);
    const stacks = planned.map((stack) => ({ stack, ok: false, outDir: join(plansDir, stack), timings: {}, error: mirror }));
    return { ok: false, synthMs: 0, target, stacks };
  }

  const synthStarted = performance.now();
  let synthesized: SynthesizedStack[];
  try {
    synthesized = await synthesizeFromEnv(env, { apis, ...(options.stages ? { stages: options.stages } : {}), target });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The code does not synthesize: no stack of this run may keep the plan of earlier code.
    for (const stack of planned) clearPlanFiles(join(plansDir, stack));
    log(`synth failed: ${message}`);
    const synthMs = Math.round(performance.now() - synthStarted);
    const stacks = planned.map((stack) => ({
      stack,
      ok: false,
      outDir: join(plansDir, stack),
      timings: {},
      error: `synth failed: ${message}`,
    }));
    return { ok: false, synthMs, target, stacks };
  }
  const synthMs = Math.round(performance.now() - synthStarted);

  if (target.backend.kind === 'local') mkdirSync(target.backend.dir, { recursive: true });
  if (env.TF_PLUGIN_CACHE_DIR) mkdirSync(env.TF_PLUGIN_CACHE_DIR, { recursive: true });
  const tfEnv = terraformEnv(env, target, join(infraDir, '.terraform-cli'));
  log(`plan: ${describeTarget(target)}`);

  const results: StackPlanResult[] = [];
  for (const stack of synthesized) {
    const api = apis.find((candidate) => candidate.config.name === stack.api)!;
    const result = await planStack({
      stack: stack.name,
      dir: stack.dir,
      outDir: join(plansDir, stack.name),
      env: tfEnv,
      // Offline there is nothing to refresh against: the plan compares the configuration with the recorded state.
      refresh: !target.offline,
      lock: env.PORTICO_PLAN_LOCK !== 'false',
      ...costInputs(api, stack, options.traffic?.[stack.name], infraDir),
    });
    results.push(result);
    // Paths from the repo root: turbo prints there, and `pnpm plan` runs in infra/.
    for (const line of stackReport(result, synthMs, dirname(infraDir))) log(line);
  }
  const ok = results.every((r) => r.ok);
  const failed = results.filter((r) => !r.ok).map((r) => r.stack);
  log(ok ? `plan: ${results.length} stack(s) planned` : `plan: FAILED for ${failed.join(', ')}`);
  return { ok, synthMs, target, stacks: results };
}

/**
 * What prices one stack's plan: the stage's traffic (given, or from its API's config), the region's price table and
 * the API's measured durations. A broken durations file fails the stack's estimate (said in its summary), not the plan.
 */
function costInputs(
  api: DiscoveredApi,
  stack: SynthesizedStack,
  given: TrafficProfile | undefined,
  infraDir: string,
): Pick<StackPlanOptions, 'cost' | 'costMissing'> {
  const traffic = given ?? stageOf(api.config, stack.stage).traffic;
  const configFile = relative(dirname(infraDir), join(api.dir, 'portico.config.ts'));
  if (!traffic) return { costMissing: `\`${configFile}\` declares no traffic for stage \`${stack.stage}\` (\`stages.${stack.stage}.traffic\`)` };
  const file = api.config.durations ?? DURATIONS_FILE;
  let durations: LambdaDurations | undefined;
  let durationsError: unknown;
  try {
    durations = loadDurations(api.dir, file, relative(dirname(infraDir), join(api.dir, file)));
  } catch (error) {
    durationsError = error;
  }
  return {
    cost: {
      traffic,
      trafficSource: given ? `${stack.stage} traffic given to the plan` : `\`stages.${stack.stage}.traffic\` in ${configFile}`,
      prices: (region) => {
        if (durationsError) throw durationsError;
        return loadPriceTable(infraDir, region);
      },
      ...(durations ? { durations } : {}),
    },
  };
}

/** The lines printed for one stack: timings, counts, where the summary is, or terraform's error. */
export function stackReport(result: StackPlanResult, synthMs: number, baseDir: string): string[] {
  const { initMs, planMs, showMs } = result.timings;
  const steps = [`synth ${synthMs} ms (all stacks)`, ...(initMs === undefined ? [] : [`init ${initMs} ms`]), ...(planMs === undefined ? [] : [`plan ${planMs} ms`]), ...(showMs === undefined ? [] : [`show ${showMs} ms`])].join(', ');
  if (!result.ok) return [`✗ ${result.stack}: FAILED (${steps})`, ...indent(result.error ?? 'no output')];
  const totals = result.totals;
  const counts = totals ? `: ${totals.add} to add, ${totals.change} to change, ${totals.destroy} to destroy` : '';
  const lines = [
    `✓ ${result.stack}: ${steps}`,
    `  ${result.resources} resources in the plan${counts}`,
    `  summary: ${shortPath(join(result.outDir, PLAN_FILES.summary), baseDir)}`,
  ];
  if (result.cost && 'refused' in result.cost) lines.push(`  cost: not estimated: ${result.cost.refused}`);
  else if (result.cost) {
    const change = result.cost.change >= 0 ? `+${usd(result.cost.change)}` : usd(result.cost.change);
    lines.push(`  cost: ${usd(result.cost.after)} a month (${change} against the current state)${result.cost.partial ? ', partial: see the summary' : ''}`);
  }
  if (result.summaryError) lines.push(`  WARNING: the gateway summary failed; see the summary file`);
  if (result.costError) lines.push(`  WARNING: the cost estimate failed; see the summary file`);
  return lines;
}

/** `infra/plans/orders-api-dev/summary.md` under `baseDir`, the absolute path elsewhere. */
function shortPath(path: string, baseDir: string): string {
  const short = relative(baseDir, path);
  return short.startsWith('..') || isAbsolute(short) ? path : short;
}

function describeTarget(target: DeployTarget): string {
  const where = target.endpoint
    ? `emulator ${target.endpoint}`
    : target.offline
      ? 'offline (no AWS credentials: nothing is read from AWS, the state is not refreshed)'
      : 'AWS';
  const state =
    target.backend.kind === 'local' ? `local state in ${target.backend.dir}` : `S3 state in s3://${target.backend.bucket}`;
  return `${where}; ${state}`;
}

function indent(text: string): string[] {
  return text.trimEnd().split('\n').map((line) => `  ${line}`);
}

/** Reads back a plan file this module wrote (for tools and tests). */
export function readPlanJson(outDir: string): PlanJson {
  return JSON.parse(readFileSync(join(outDir, PLAN_FILES.json), 'utf8')) as PlanJson;
}
