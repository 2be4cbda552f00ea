/**
 * `deploy-stage`: apply one stage exactly as a developer does (`STAGE=<stage> pnpm turbo deploy`), then read the
 * stack's outputs so the next steps (smoke test, environment URL) get the invoke URL without parsing logs.
 */
import { join } from 'node:path';
import { run } from './process';

export interface DeployStageOptions {
  repoRoot: string;
  stage: string;
  /** @default pnpm turbo run deploy */
  deployCommand?: readonly string[];
  /** @default <repoRoot>/infra/cdktf.out/stacks */
  stacksDir?: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface DeployStageResult {
  stack: string;
  /** Every stack output, sensitive ones left out. */
  outputs: Record<string, unknown>;
  invokeUrl?: string;
  cloudfrontUrl?: string;
}

/** The stack of a stage, named as infra synthesizes it. */
export function stackOfStage(stage: string): string {
  if (!/^[a-z][a-z0-9-]*$/.test(stage)) throw new Error(`Stage must be lowercase letters, digits and "-", got ${JSON.stringify(stage)}`);
  return `users-api-${stage}`;
}

export async function deployStage(options: DeployStageOptions): Promise<DeployStageResult> {
  const stack = stackOfStage(options.stage);
  const env = { ...(options.env ?? process.env), STAGE: options.stage };
  const log = options.log ?? ((line: string) => console.log(line));
  const [command, ...args] = options.deployCommand ?? ['pnpm', 'turbo', 'run', 'deploy'];
  log(`$ STAGE=${options.stage} ${[command, ...args].join(' ')}`);
  const deploy = await run(command!, args, { cwd: options.repoRoot, env });
  if (deploy.code !== 0) throw new Error(`deploying ${stack} failed (exit ${deploy.code}); the log is above`);

  const stackDir = join(options.stacksDir ?? join(options.repoRoot, 'infra', 'cdktf.out', 'stacks'), stack);
  const out = await run('terraform', ['output', '-json'], { cwd: stackDir, env, echo: false });
  if (out.code !== 0) throw new Error(`terraform output in ${stackDir} failed (exit ${out.code}):\n${out.output}`);
  const outputs = publicOutputs(JSON.parse(out.stdout));
  return {
    stack,
    outputs,
    ...(typeof outputs.invoke_url === 'string' ? { invokeUrl: outputs.invoke_url } : {}),
    ...(typeof outputs.cloudfront_url === 'string' ? { cloudfrontUrl: outputs.cloudfront_url } : {}),
  };
}

/** `terraform output -json` without the sensitive values (API key secrets must never reach a log or an output). */
export function publicOutputs(raw: Record<string, { value: unknown; sensitive?: boolean }>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(raw).filter(([, o]) => !o.sensitive).map(([name, o]) => [name, o.value]));
}
