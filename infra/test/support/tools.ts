/**
 * External tools in tests (terraform, emulators): skip with a clear message where a tool is missing, fail instead
 * when `PORTICO_REQUIRE_TOOLS=1` (CI sets it, so a broken runner can't turn the suite green by skipping).
 *
 * @example
 * const run = requireTool('terraform', terraformAvailable(), terraformProblem() ?? '');
 * (run ? it : it.skip)('validates', async () => { ... });
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { terraform, terraformEnv, type TerraformResult } from '../../src/terraform';
import type { DeployTarget } from '../../src/target';

/** Whether missing tools fail the run instead of skipping tests. */
export const toolsRequired = (env: NodeJS.ProcessEnv = process.env): boolean => env.PORTICO_REQUIRE_TOOLS === '1';

/**
 * Decides whether tests that need `name` run. Available: `true`. Missing: throws when tools are required, otherwise
 * prints why the tests are skipped and returns `false`.
 * @param why what is missing and how to provide it
 */
export function requireTool(name: string, available: boolean, why: string): boolean {
  if (available) return true;
  const message = `${name} unavailable: ${why}`;
  if (toolsRequired()) throw new Error(`${message} (PORTICO_REQUIRE_TOOLS=1 makes this a failure)`);
  console.warn(`SKIPPED: ${message}. Set PORTICO_REQUIRE_TOOLS=1 to fail instead.`);
  return false;
}

/** The hashicorp/aws version the stacks pin: the one `@cdktf/provider-aws` was generated for. */
export function awsProviderVersion(): string {
  const manifest = require('@cdktf/provider-aws/package.json') as { cdktf: { provider: { version: string } } };
  return manifest.cdktf.provider.version;
}

/** Terraform's name for this platform, e.g. `linux_amd64`. */
function terraformPlatform(): string {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const arch = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm' }[process.arch as string] ?? process.arch;
  return `${os}_${arch}`;
}

let problem: string | undefined | null = null;

/**
 * Why terraform cannot init and validate the stacks here, or `undefined` when it can: the CLI must run, and
 * `TF_PLUGIN_MIRROR` must hold the pinned hashicorp/aws for this platform (tests never download providers).
 */
export function terraformProblem(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (problem !== null && env === process.env) return problem;
  const found = findProblem(env);
  if (env === process.env) problem = found;
  return found;
}

function findProblem(env: NodeJS.ProcessEnv): string | undefined {
  const bin = env.PORTICO_TERRAFORM ?? 'terraform';
  const version = spawnSync(bin, ['version', '-json'], { encoding: 'utf8', env: { ...env, CHECKPOINT_DISABLE: '1' } });
  if (version.error || version.status !== 0) {
    return `\`${bin} version\` failed (${version.error?.message ?? version.stderr.trim()}): install Terraform >= 1.10`;
  }
  const mirror = env.TF_PLUGIN_MIRROR;
  if (!mirror) return 'TF_PLUGIN_MIRROR is not set: point it at a filesystem mirror holding hashicorp/aws';
  const provider = awsProviderVersion();
  const platform = terraformPlatform();
  const base = join(mirror, 'registry.terraform.io', 'hashicorp', 'aws');
  const unpacked = join(base, provider, platform);
  const packed = join(base, `terraform-provider-aws_${provider}_${platform}.zip`);
  if (!existsSync(unpacked) && !existsSync(packed)) {
    const has = existsSync(base) ? readdirSync(base).join(', ') || 'nothing' : 'no hashicorp/aws';
    return `TF_PLUGIN_MIRROR=${mirror} lacks hashicorp/aws ${provider} for ${platform} (it has ${has})`;
  }
  return undefined;
}

/** Whether terraform can init and validate the stacks here (see {@link terraformProblem}). */
export const terraformAvailable = (env: NodeJS.ProcessEnv = process.env): boolean => terraformProblem(env) === undefined;

/**
 * One provider cache for every test and worker, so `terraform init` links the provider instead of unpacking it
 * again per stack directory.
 */
export const PLUGIN_CACHE_DIR = join(tmpdir(), 'portico-terraform-plugin-cache');

/**
 * The cache as tests use it. Terraform (since 1.4) installs into the cache afresh on every init of a directory whose
 * lock file does not yet vouch for the provider — every test's stack directory — removing the entry first; another
 * test's `validate` or `plan` linked to that entry then fails with "there is no package for
 * registry.terraform.io/hashicorp/aws … cached in .terraform/providers". With
 * `TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE`, an entry once in the cache is linked and never written again.
 */
export const PLUGIN_CACHE_ENV = { TF_PLUGIN_CACHE_DIR: PLUGIN_CACHE_DIR, TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE: 'true' } as const;

/**
 * The environment terraform runs with in tests: the project's own (`terraformEnv`: mirror CLI config, dummy keys
 * for offline or emulator targets) plus the shared plugin cache ({@link PLUGIN_CACHE_ENV}).
 */
export function terraformTestEnv(target: DeployTarget, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  mkdirSync(PLUGIN_CACHE_DIR, { recursive: true });
  const cliConfigDir = join(tmpdir(), 'portico-terraform-cli', String(process.pid));
  return { ...terraformEnv(env, target, cliConfigDir), ...PLUGIN_CACHE_ENV };
}

/**
 * `terraform init -backend=false` in `dir` (or, with `backend: true`, with the stack's own backend, for tests that
 * plan or apply against a state; `backendConfig` adds `-backend-config` settings). Terraform's plugin cache is not
 * safe for concurrent writers, so inits across jest workers take turns (a lock directory next to the cache).
 */
export async function terraformInit(
  dir: string,
  env: NodeJS.ProcessEnv,
  { backend = false, backendConfig = {} as Record<string, string> } = {},
): Promise<TerraformResult> {
  const args = backend
    ? ['init', '-reconfigure', '-input=false', '-no-color', ...Object.entries(backendConfig).map(([k, v]) => `-backend-config=${k}=${v}`)]
    : ['init', '-backend=false', '-input=false', '-no-color'];
  return withLock(`${PLUGIN_CACHE_DIR}.lock`, () => terraform(args, { cwd: dir, env }));
}

async function withLock<T>(lock: string, work: () => Promise<T>, staleMs = 120_000): Promise<T> {
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A worker killed mid-init leaves its lock behind: take it over once it is clearly older than any init.
      const age = Date.now() - (statSafe(lock) ?? Date.now());
      if (age > staleMs) rmSync(lock, { recursive: true, force: true });
      else await new Promise((done) => setTimeout(done, 50));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function statSafe(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * Why the AWS emulator (moto's `moto_server`) cannot run here, or `undefined` when it can.
 * `PORTICO_MOTO_SERVER` names another executable.
 */
export function motoProblem(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const bin = env.PORTICO_MOTO_SERVER ?? 'moto_server';
  const help = spawnSync(bin, ['--help'], { encoding: 'utf8', env, timeout: 120_000 });
  if (help.error || help.status !== 0) {
    return `\`${bin} --help\` failed (${help.error?.message ?? help.stderr.trim()}): pip install "moto[server]"`;
  }
  return undefined;
}

/** Whether `moto_server` runs here (see {@link motoProblem}). */
export const motoAvailable = (env: NodeJS.ProcessEnv = process.env): boolean => motoProblem(env) === undefined;
