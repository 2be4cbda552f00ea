/**
 * Where a stack deploys to and where its state lives, read from the environment once, at the edge, so stacks and
 * constructs stay pure functions of their props.
 */
import { join, relative, resolve } from 'node:path';

/** The Terraform state backend. */
export type StateBackend =
  | { readonly kind: 'local'; /** Directory of `<stack>.tfstate` files. */ readonly dir: string }
  | {
      readonly kind: 's3';
      readonly bucket: string;
      readonly region?: string;
      /** A DynamoDB lock table; without one, S3's native lock file is used. */
      readonly lockTable?: string;
      /** @default 'portico' */
      readonly keyPrefix?: string;
    };

export interface DeployTarget {
  /** An AWS API endpoint override (a local emulator such as moto_server): every service goes there. */
  readonly endpoint?: string;
  /** Plan without AWS credentials: the provider skips every call that needs them (no refresh, no account id). */
  readonly offline?: boolean;
  readonly backend: StateBackend;
}

/** The services the stack talks to, as the AWS provider's `endpoints` block names them. */
export const EMULATED_SERVICES = ['apigateway', 'lambda', 'iam', 'dynamodb', 'cloudfront', 'cloudwatchlogs', 'sts', 'cognitoidp'] as const;

/**
 * The target described by the environment:
 * - `AWS_ENDPOINT_URL`: apply to that emulator (state kept apart from real AWS state, `<stack>.emulator.tfstate`);
 * - `PORTICO_STATE_BUCKET` (+ `PORTICO_STATE_REGION`, `PORTICO_STATE_LOCK_TABLE`, `PORTICO_STATE_PREFIX`): S3 state;
 *   otherwise local state under `infra/state/` (gitignored);
 * - `PORTICO_PLAN_OFFLINE=1`, or no AWS credentials in the environment: plan offline (`=0` forces online).
 */
export function targetFromEnv(env: NodeJS.ProcessEnv, infraDir: string): DeployTarget {
  const endpoint = env.AWS_ENDPOINT_URL || undefined;
  const bucket = env.PORTICO_STATE_BUCKET;
  const backend: StateBackend =
    bucket && !endpoint
      ? {
          kind: 's3',
          bucket,
          ...(env.PORTICO_STATE_REGION ? { region: env.PORTICO_STATE_REGION } : {}),
          ...(env.PORTICO_STATE_LOCK_TABLE ? { lockTable: env.PORTICO_STATE_LOCK_TABLE } : {}),
          ...(env.PORTICO_STATE_PREFIX ? { keyPrefix: env.PORTICO_STATE_PREFIX } : {}),
        }
      : localBackend(env, infraDir);
  // PORTICO_PLAN_OFFLINE=0 forces real credentials (e.g. only a default profile in ~/.aws, which env can't show).
  const offline =
    !endpoint && env.PORTICO_PLAN_OFFLINE !== '0' && (env.PORTICO_PLAN_OFFLINE === '1' || !hasAwsCredentials(env));
  return { ...(endpoint ? { endpoint } : {}), ...(offline ? { offline } : {}), backend };
}

/**
 * The target of a plan: as {@link targetFromEnv}, except that an offline plan keeps its state locally. Remote state
 * needs credentials to be read, and a plan without them (say, a repository not yet wired to AWS) should still show
 * what the stacks would create instead of failing at `terraform init`.
 */
export function planTargetFromEnv(env: NodeJS.ProcessEnv, infraDir: string): DeployTarget {
  const target = targetFromEnv(env, infraDir);
  if (!target.offline || target.backend.kind !== 's3') return target;
  return { ...target, backend: localBackend(env, infraDir) };
}

/** Local state: `<stack>.tfstate` files under `PORTICO_STATE_DIR` (default `infra/state/`, git-ignored). */
function localBackend(env: NodeJS.ProcessEnv, infraDir: string): StateBackend {
  return { kind: 'local', dir: resolve(infraDir, env.PORTICO_STATE_DIR ?? 'state') };
}

/**
 * Whether the AWS SDK's default chain could find credentials: static keys, a profile, web identity (GitHub OIDC), or
 * a container/instance role. A CI job with OIDC credentials therefore plans against the real account.
 */
export function hasAwsCredentials(env: NodeJS.ProcessEnv): boolean {
  return Boolean(
    env.AWS_ACCESS_KEY_ID ||
      env.AWS_PROFILE ||
      env.AWS_WEB_IDENTITY_TOKEN_FILE ||
      env.AWS_CONTAINER_CREDENTIALS_FULL_URI ||
      env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI ||
      env.AWS_EC2_METADATA_SERVICE_ENDPOINT,
  );
}

/** The local state file of a stack, relative to the directory Terraform runs in (the synthesized stack's). */
export function localStatePath(backend: Extract<StateBackend, { kind: 'local' }>, stackDir: string, stack: string, emulator: boolean): string {
  return relative(stackDir, join(backend.dir, `${stack}${emulator ? '.emulator' : ''}.tfstate`));
}
