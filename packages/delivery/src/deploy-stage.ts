/**
 * `deploy-stage`: apply one stage of the APIs in scope exactly as a developer does (`STAGE=<stage> pnpm turbo run
 * deploy`, with `--affected` or `--filter`), then read each deployed stack's outputs so the next steps (smoke test,
 * environment URL) get the invoke URLs without parsing logs.
 *
 * Which APIs: turbo's dry run of the same command decides (see `affected.ts`), so the stacks read and smoke-tested are
 * exactly the ones deployed.
 */
import { join } from 'node:path';
import { affectedStacks, type AffectedStacks, type TurboScope } from './affected';
import { run } from './process';

export interface DeployStageOptions {
  repoRoot: string;
  stage: string;
  scope: TurboScope;
  /** How turbo is called, from the repo root. @default pnpm turbo */
  turbo?: readonly string[];
  /** @default <repoRoot>/infra/cdktf.out/stacks */
  stacksDir?: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface DeployedStack {
  stack: string;
  api: string;
  /** Every stack output, sensitive ones left out. */
  outputs: Record<string, unknown>;
  invokeUrl?: string;
  cloudfrontUrl?: string;
}

export interface DeployStageResult {
  stage: string;
  scope: TurboScope;
  /** In API name order; empty when nothing in scope changed. */
  stacks: DeployedStack[];
  /** APIs in scope that declare no such stage, left out. */
  skipped: AffectedStacks['skipped'];
}

/** API Gateway's own rule for a stage name (infra's `defineApi` enforces it too). */
const STAGE = /^[A-Za-z0-9_]{1,128}$/;

/**
 * Deploys `stage` of every API in `scope` and reads their outputs.
 *
 * @example
 * const { stacks } = await deployStage({ repoRoot, stage: 'dev', scope: { kind: 'affected', base: lastDeployedSha } });
 * for (const s of stacks) console.log(s.stack, s.invokeUrl);
 */
export async function deployStage(options: DeployStageOptions): Promise<DeployStageResult> {
  const { stage, scope } = options;
  if (!STAGE.test(stage)) throw new Error(`A stage is letters, digits and "_" (API Gateway's rule), got ${JSON.stringify(stage)}`);
  const log = options.log ?? ((line: string) => console.log(line));
  // The deploy runs the apps' own build and deploy scripts: the workflow's GitHub token is not theirs to see.
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env), STAGE: stage };
  delete env.GITHUB_TOKEN;

  const affected = await affectedStacks({ repoRoot: options.repoRoot, task: 'deploy', scope, stage, turbo: options.turbo, env, log });
  for (const s of affected.skipped) log(`not deploying ${s.name}: it ${s.reason}`);
  if (affected.stacks.length === 0) return { stage, scope, stacks: [], skipped: affected.skipped };

  log(`stacks to deploy: ${affected.stacks.join(', ')}`);
  const [command, ...args] = affected.command;
  log(`$ STAGE=${stage}${scope.kind === 'affected' ? ` TURBO_SCM_BASE=${scope.base}` : ''} ${affected.command.join(' ')}`);
  const deploy = await run(command!, args, { cwd: options.repoRoot, env: affected.env });
  if (deploy.code !== 0) throw new Error(`deploying ${affected.stacks.join(', ')} failed (exit ${deploy.code}); the log is above`);

  const stacksDir = options.stacksDir ?? join(options.repoRoot, 'infra', 'cdktf.out', 'stacks');
  const stacks: DeployedStack[] = [];
  for (const api of affected.apis) {
    for (const stack of api.stacks) {
      const dir = join(stacksDir, stack);
      const out = await run('terraform', ['output', '-json'], { cwd: dir, env: affected.env, echo: false });
      if (out.code !== 0) throw new Error(`terraform output in ${dir} failed (exit ${out.code}):\n${out.output}`);
      const outputs = publicOutputs(JSON.parse(out.stdout));
      stacks.push({
        stack,
        api: api.name,
        outputs,
        ...(typeof outputs.invoke_url === 'string' ? { invokeUrl: outputs.invoke_url } : {}),
        ...(typeof outputs.cloudfront_url === 'string' ? { cloudfrontUrl: outputs.cloudfront_url } : {}),
      });
    }
  }
  return { stage, scope, stacks, skipped: affected.skipped };
}

/** `terraform output -json` without the sensitive values (API key secrets must never reach a log or an output). */
export function publicOutputs(raw: Record<string, { value: unknown; sensitive?: boolean }>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(raw).filter(([, o]) => !o.sensitive).map(([name, o]) => [name, o.value]));
}
