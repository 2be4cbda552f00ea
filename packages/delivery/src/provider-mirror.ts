/**
 * `provider-mirror`: make sure a terraform provider filesystem mirror holds the hashicorp/aws version infra pins, and
 * name it in `TF_PLUGIN_MIRROR` for the steps that follow. infra's tests install the provider only from such a mirror
 * (they never download), so CI builds one from the registry once and keeps it in its cache; a machine that already
 * has one (an air-gapped runner) keeps using it.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { run, tail, type RunResult } from './process';

/** Where the mirror is built by default, from the repo root (git-ignored by infra/.gitignore). */
export const DEFAULT_MIRROR_DIR = 'infra/.terraform-mirror';

export interface ProviderMirrorOptions {
  repoRoot: string;
  /** Where to build the mirror when the environment names none that holds the provider. @default <repoRoot>/infra/.terraform-mirror */
  dir?: string;
  env?: NodeJS.ProcessEnv;
  /** Terraform's platform name. @default this machine's, e.g. linux_amd64 */
  platform?: string;
  log?: (line: string) => void;
}

export interface ProviderMirrorResult {
  /** The mirror to use (absolute). */
  mirror: string;
  version: string;
  platform: string;
  /** `env`: TF_PLUGIN_MIRROR already held it; `cache`: `dir` already held it; `download`: built with terraform. */
  source: 'env' | 'cache' | 'download';
}

/** The hashicorp/aws version infra's stacks pin: the one its `@cdktf/provider-aws` was generated for. */
export function pinnedAwsProviderVersion(repoRoot: string): string {
  const manifest = createRequire(join(repoRoot, 'infra', 'package.json'))('@cdktf/provider-aws/package.json') as {
    cdktf?: { provider?: { version?: string } };
  };
  const version = manifest.cdktf?.provider?.version;
  if (!version) throw new Error('@cdktf/provider-aws/package.json names no provider version: is infra installed (pnpm install)?');
  return version;
}

/** Terraform's name for this platform, e.g. `linux_amd64`. */
export function terraformPlatform(platform: string = process.platform, arch: string = process.arch): string {
  const os = platform === 'win32' ? 'windows' : platform;
  const cpu = ({ x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm' } as Record<string, string>)[arch] ?? arch;
  return `${os}_${cpu}`;
}

/** Whether `mirror` holds hashicorp/aws `version` for `platform`, unpacked or as the zip `terraform providers mirror` writes. */
export function mirrorHolds(mirror: string, version: string, platform: string): boolean {
  const base = join(mirror, 'registry.terraform.io', 'hashicorp', 'aws');
  return existsSync(join(base, version, platform)) || existsSync(join(base, `terraform-provider-aws_${version}_${platform}.zip`));
}

/**
 * Finds or builds the mirror.
 * @example await ensureProviderMirror({ repoRoot: '.' }) // { mirror: '/repo/infra/.terraform-mirror', source: 'download', … }
 */
export async function ensureProviderMirror(options: ProviderMirrorOptions): Promise<ProviderMirrorResult> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.log(line));
  const version = pinnedAwsProviderVersion(options.repoRoot);
  const platform = options.platform ?? terraformPlatform();
  const found = (mirror: string, source: ProviderMirrorResult['source']): ProviderMirrorResult => {
    log(`hashicorp/aws ${version} (${platform}) ${source === 'download' ? 'mirrored into' : 'found in'} ${mirror}`);
    return { mirror, version, platform, source };
  };

  if (env.TF_PLUGIN_MIRROR && mirrorHolds(env.TF_PLUGIN_MIRROR, version, platform)) return found(resolve(env.TF_PLUGIN_MIRROR), 'env');
  const dir = resolve(options.dir ?? join(options.repoRoot, DEFAULT_MIRROR_DIR));
  if (mirrorHolds(dir, version, platform)) return found(dir, 'cache');

  mkdirSync(dir, { recursive: true });
  const config = mkdtempSync(join(tmpdir(), 'portico-provider-mirror-'));
  try {
    writeFileSync(
      join(config, 'main.tf.json'),
      JSON.stringify({ terraform: { required_providers: { aws: { source: 'hashicorp/aws', version } } } }),
    );
    const result: RunResult = await run('terraform', ['providers', 'mirror', `-platform=${platform}`, dir], {
      cwd: config,
      env: { ...env, CHECKPOINT_DISABLE: '1' },
    });
    if (result.code !== 0) throw new Error(`terraform providers mirror failed (exit ${result.code}):\n${tail(result.output)}`);
  } finally {
    rmSync(config, { recursive: true, force: true });
  }
  if (!mirrorHolds(dir, version, platform)) throw new Error(`terraform providers mirror left no hashicorp/aws ${version} for ${platform} in ${dir}`);
  return found(dir, 'download');
}
