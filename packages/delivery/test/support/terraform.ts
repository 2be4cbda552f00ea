/**
 * A real `terraform plan` of a small REST API (the gateway concepts the comment is about), made offline: the aws
 * provider comes from the filesystem mirror named by TF_PLUGIN_MIRROR through a generated CLI config (or from the
 * registry when no mirror is set), and the provider is told not to look for credentials.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mirrorHolds, terraformPlatform } from '../../src/provider-mirror';
import { hasCommand } from './tools';

export const AWS_PROVIDER_VERSION = '5.100.0';

export interface RealPlan {
  dir: string;
  json: { resource_changes?: Array<{ address: string; mode?: string; type: string; change: { actions: string[] } }> };
  text: string;
}

/** The Terraform JSON config: one API, `extraResources` more resources to make the plan as long as a test needs. */
export function restApiConfig(extraResources = 0): object {
  return {
    terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: AWS_PROVIDER_VERSION } } },
    provider: {
      aws: {
        region: 'eu-west-1',
        access_key: 'offline',
        secret_key: 'offline',
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
        skip_region_validation: true,
      },
    },
    resource: {
      aws_api_gateway_rest_api: { api: { name: 'users-api-dev', endpoint_configuration: { types: ['REGIONAL'] } } },
      aws_api_gateway_resource: {
        users: { rest_api_id: '${aws_api_gateway_rest_api.api.id}', parent_id: '${aws_api_gateway_rest_api.api.root_resource_id}', path_part: 'users' },
        ...(extraResources > 0
          ? {
              extra: {
                count: extraResources,
                rest_api_id: '${aws_api_gateway_rest_api.api.id}',
                parent_id: '${aws_api_gateway_rest_api.api.root_resource_id}',
                path_part: 'extra-${count.index}',
              },
            }
          : {}),
      },
      aws_api_gateway_method: {
        users_get: {
          rest_api_id: '${aws_api_gateway_rest_api.api.id}',
          resource_id: '${aws_api_gateway_resource.users.id}',
          http_method: 'GET',
          authorization: 'NONE',
          request_parameters: { 'method.request.querystring.limit': false },
        },
      },
      aws_api_gateway_integration: {
        users_get: {
          rest_api_id: '${aws_api_gateway_rest_api.api.id}',
          resource_id: '${aws_api_gateway_resource.users.id}',
          http_method: '${aws_api_gateway_method.users_get.http_method}',
          type: 'MOCK',
          request_templates: { 'application/json': '{"statusCode": 200}' },
          cache_key_parameters: ['method.request.querystring.limit'],
        },
      },
      aws_api_gateway_deployment: {
        api: {
          rest_api_id: '${aws_api_gateway_rest_api.api.id}',
          triggers: { redeployment: '${sha1(jsonencode([aws_api_gateway_method.users_get.id, aws_api_gateway_integration.users_get.id]))}' },
          lifecycle: { create_before_destroy: true },
          depends_on: ['aws_api_gateway_integration.users_get'],
        },
      },
      aws_api_gateway_stage: {
        dev: {
          rest_api_id: '${aws_api_gateway_rest_api.api.id}',
          deployment_id: '${aws_api_gateway_deployment.api.id}',
          stage_name: 'dev',
          cache_cluster_enabled: true,
          cache_cluster_size: '0.5',
          description: 'A stage whose ```backticks``` must not close the comment fence',
        },
      },
      aws_api_gateway_api_key: { basic: { name: 'basic' } },
    },
  };
}

/** CLI config that installs hashicorp/* from the mirror only; undefined without TF_PLUGIN_MIRROR (registry). */
function cliConfig(dir: string, env: NodeJS.ProcessEnv): string | undefined {
  const mirror = env.TF_PLUGIN_MIRROR;
  if (!mirror) return undefined;
  const file = join(dir, 'terraform.rc');
  writeFileSync(
    file,
    [
      'provider_installation {',
      `  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/hashicorp/*"]\n  }`,
      '  direct {\n    exclude = ["registry.terraform.io/hashicorp/*"]\n  }',
      '}',
      '',
    ].join('\n'),
  );
  return file;
}

/**
 * Inits once, then plans and shows each config in turn in a fresh directory, synchronously (a test file decides at
 * load time whether its terraform tests can run). Throws with terraform's output when a step fails.
 */
export function planRealConfigs(configs: object[], env: NodeJS.ProcessEnv = process.env): RealPlan[] {
  const dir = mkdtempSync(join(tmpdir(), 'portico-delivery-tf-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'main.tf.json'), JSON.stringify(configs[0], null, 2));
  const rc = cliConfig(dir, env);
  const tfEnv = { ...env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', ...(rc ? { TF_CLI_CONFIG_FILE: rc } : {}) };
  const tf = (...args: string[]) =>
    execFileSync('terraform', args, { cwd: dir, env: tfEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000, maxBuffer: 64 * 1024 * 1024 });
  try {
    tf('init', '-input=false', '-no-color');
    return configs.map((config) => {
      writeFileSync(join(dir, 'main.tf.json'), JSON.stringify(config, null, 2));
      tf('plan', '-input=false', '-no-color', '-refresh=false', '-lock=false', '-out=plan.tfplan');
      const json = JSON.parse(tf('show', '-json', 'plan.tfplan')) as RealPlan['json'];
      const text = tf('show', '-no-color', 'plan.tfplan');
      return { dir, json, text };
    });
  } catch (error) {
    const e = error as Error & { stdout?: string; stderr?: string };
    throw new Error(`${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`.trim());
  }
}

/** What terraform prints when it cannot get a provider: from a mirror, the registry, or the network in between. */
const PROVIDER_INSTALL_FAILURE = /Failed to query available provider packages|Failed to install provider|could not connect to registry\.terraform\.io/;

/**
 * Real plans of `configs`, or why the tools they need are missing here — and only then. Missing means: no terraform
 * on PATH, a TF_PLUGIN_MIRROR without hashicorp/aws AWS_PROVIDER_VERSION for this platform, or no mirror and no way
 * to the registry. Any other failure (a config terraform rejects, a crash) is returned as `error`, for the tests to
 * fail on: a broken test setup must never pass as a skipped one.
 *
 * @example
 * const real = realPlansOrMissing([restApiConfig(0)]);
 * describeWithTool('terraform with the aws provider', 'missing' in real ? real.missing : undefined)('…', () => {
 *   beforeAll(() => { if ('error' in real) throw real.error; });
 * });
 */
export function realPlansOrMissing(
  configs: object[],
  env: NodeJS.ProcessEnv = process.env,
): { plans: RealPlan[] } | { missing: string } | { error: Error } {
  if (!hasCommand('terraform')) return { missing: 'terraform is not on PATH' };
  const mirror = env.TF_PLUGIN_MIRROR;
  const platform = terraformPlatform();
  if (mirror && !mirrorHolds(mirror, AWS_PROVIDER_VERSION, platform)) {
    return { missing: `TF_PLUGIN_MIRROR=${mirror} holds no hashicorp/aws ${AWS_PROVIDER_VERSION} for ${platform}` };
  }
  try {
    return { plans: planRealConfigs(configs, env) };
  } catch (error) {
    const message = (error as Error).message;
    if (!mirror && PROVIDER_INSTALL_FAILURE.test(message)) {
      const cause = message.split('\n').map((l) => l.replace(/[│╷╵]/g, '').trim()).filter((l) => /could not connect|dial tcp|no such host|refused/.test(l));
      return { missing: `no TF_PLUGIN_MIRROR and the Terraform registry is out of reach (${cause.join(' ')}): set TF_PLUGIN_MIRROR to a provider mirror` };
    }
    return { error: error as Error };
  }
}
