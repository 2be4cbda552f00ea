/**
 * Runs the terraform CLI for a synthesized stack: with the provider mirror when one is configured (air-gapped CI),
 * never prompting, and with timings so scripts can report them.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hasAwsCredentials, type DeployTarget } from './target';

export interface TerraformResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Dummy keys for an offline plan: the provider needs some, and skips every call that would check them. */
const OFFLINE_KEYS = { AWS_ACCESS_KEY_ID: 'offline-plan', AWS_SECRET_ACCESS_KEY: 'offline-plan' };

/**
 * The terraform CLI configuration that installs hashicorp/aws from a filesystem mirror and nothing from the network.
 * @param mirror a directory laid out as `registry.terraform.io/hashicorp/aws/<version>/<os_arch>/…`
 */
export function mirrorCliConfig(mirror: string): string {
  const dir = JSON.stringify(resolve(mirror));
  return [
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${dir}`,
    '    include = ["registry.terraform.io/hashicorp/aws"]',
    '  }',
    '  direct {',
    '    exclude = ["registry.terraform.io/hashicorp/aws"]',
    '  }',
    '}',
    '',
  ].join('\n');
}

/**
 * The environment terraform runs with. `TF_PLUGIN_MIRROR` becomes a generated CLI config (in `cliConfigDir`) that
 * `TF_CLI_CONFIG_FILE` points at; an offline target without credentials gets dummy keys; an emulator target gets
 * the emulator's conventional test keys.
 */
export function terraformEnv(env: NodeJS.ProcessEnv, target: DeployTarget, cliConfigDir: string): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' };
  if (env.TF_PLUGIN_MIRROR) {
    mkdirSync(cliConfigDir, { recursive: true });
    const file = join(cliConfigDir, 'terraform.rc');
    writeFileSync(file, mirrorCliConfig(env.TF_PLUGIN_MIRROR));
    out.TF_CLI_CONFIG_FILE = file;
  }
  if (target.endpoint) Object.assign(out, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  else if (target.offline && !hasAwsCredentials(env)) Object.assign(out, OFFLINE_KEYS);
  return out;
}

/** Runs `terraform <args>` in `cwd`; resolves with its output (never rejects on a non-zero exit). */
export function terraform(
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; echo?: boolean },
): Promise<TerraformResult> {
  const started = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(options.env.PORTICO_TERRAFORM ?? 'terraform', args, { cwd: options.cwd, env: options.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      if (options.echo) process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
      if (options.echo) process.stderr.write(chunk);
    });
    child.on('error', (error) => fail(new Error(`Cannot run terraform (${error.message}): install Terraform >= 1.10`)));
    child.on('close', (code) => done({ code: code ?? 1, stdout, stderr, ms: Math.round(performance.now() - started) }));
  });
}

/** Like `terraform()`, but throws with terraform's own error text on a non-zero exit. */
export async function terraformOk(
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; echo?: boolean },
): Promise<TerraformResult> {
  const result = await terraform(args, options);
  if (result.code !== 0) {
    throw new Error(`terraform ${args[0]} failed in ${options.cwd} (exit ${result.code}):\n${result.stderr || result.stdout}`);
  }
  return result;
}
