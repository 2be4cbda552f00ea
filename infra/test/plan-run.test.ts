/**
 * The plan command's contract with packages/delivery (ci-plan): per stack, `plan.tfplan`, `plan.json`, `plan.txt`
 * and `summary.md` written by this run, and none of them when the stack fails — never a stale plan.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE_API_FIXTURE, EXAMPLE_STAGES, exampleStack } from './support/stack-json';
import { parsePlanArgs } from '../src/plan/cli';
import { PLAN_FILES, planStack, planStacks, readPlanJson } from '../src/plan/run';
import { planSummaryMarkdown } from '../src/plan/summary';
import type { DeployTarget } from '../src/target';
import { tempArtifact } from './support/artifact';
import { awsProviderVersion, PLUGIN_CACHE_ENV, requireTool, terraformInit, terraformProblem, terraformTestEnv } from './support/tools';

jest.setTimeout(300_000);

const terraformMissing = terraformProblem();
const withTerraform = requireTool('terraform', terraformMissing === undefined, terraformMissing ?? '');

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

const FILES = Object.values(PLAN_FILES);
const exists = (dir: string, name: string): boolean => {
  try {
    statSync(join(dir, name));
    return true;
  } catch {
    return false;
  }
};

function writeStale(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const name of FILES) writeFileSync(join(dir, name), 'stale plan from an earlier run');
}

function withoutAwsCredentials(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const key of Object.keys(out)) if (/^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE|WEB_IDENTITY|CONTAINER|EC2|ENDPOINT)/.test(key)) delete out[key];
  return out;
}

describe('plan command line', () => {
  it('plans every stage by default, the chosen ones with --stage or STAGE', () => {
    expect(parsePlanArgs([])).toEqual({});
    expect(parsePlanArgs(['--stage', 'dev'])).toEqual({ stages: ['dev'] });
    expect(parsePlanArgs(['--stage=dev,prod', '--plans-dir', 'out'])).toEqual({ stages: ['dev', 'prod'], plansDir: 'out' });
    expect(parsePlanArgs([], { STAGE: 'prod' })).toEqual({ stages: ['prod'] });
    expect(parsePlanArgs(['--stage', 'dev'], { STAGE: 'prod' })).toEqual({ stages: ['dev'] });
  });

  it('rejects what it does not know', () => {
    expect(() => parsePlanArgs(['--stag', 'dev'])).toThrow('Unknown argument "--stag"');
    expect(() => parsePlanArgs(['--stage'])).toThrow('--stage needs a value');
  });
});

describe('a synth that fails', () => {
  it('plans nothing, fails every stack, and leaves no earlier plan behind', async () => {
    // Arrange
    const root = tempDir('portico-plan-nosynth-');
    const plansDir = join(root, 'plans');
    for (const stage of EXAMPLE_STAGES) writeStale(join(plansDir, exampleStack(stage)));
    const log: string[] = [];
    const env = { ...withoutAwsCredentials(process.env), PORTICO_LAMBDA_META: join(root, 'missing', 'build-meta.json'), PORTICO_CDKTF_OUT: join(root, 'cdktf.out') };

    // Act
    const result = await planStacks({ env, apis: [EXAMPLE_API_FIXTURE], plansDir, log: (line) => log.push(line) });

    // Assert
    expect(result.ok).toBe(false);
    expect(result.stacks.map((s) => [s.stack, s.ok])).toEqual(EXAMPLE_STAGES.map((stage) => [exampleStack(stage), false]));
    expect(log.join('\n')).toContain('No Lambda build at');
    for (const stage of EXAMPLE_STAGES) for (const name of FILES) expect(exists(join(plansDir, exampleStack(stage)), name)).toBe(false);
  });
});

describe('a mirror that lacks the pinned AWS provider', () => {
  it('says so before synthesizing anything, and keeps the previous plan files', async () => {
    // Arrange
    const root = tempDir('portico-plan-badmirror-');
    const plansDir = join(root, 'plans');
    for (const stage of EXAMPLE_STAGES) writeStale(join(plansDir, exampleStack(stage)));
    const log: string[] = [];
    const env = { ...withoutAwsCredentials(process.env), TF_PLUGIN_MIRROR: join(root, 'empty-mirror'), PORTICO_CDKTF_OUT: join(root, 'cdktf.out') };

    // Act
    const result = await planStacks({ env, apis: [EXAMPLE_API_FIXTURE], plansDir, log: (line) => log.push(line) });

    // Assert
    expect(result.ok).toBe(false);
    for (const stack of result.stacks) {
      expect(stack.error).toContain(`TF_PLUGIN_MIRROR=${env.TF_PLUGIN_MIRROR} holds no hashicorp/aws ${awsProviderVersion()}`);
    }
    expect(log.join('\n')).toContain('packages/delivery/bin/provider-mirror');
    expect(exists(join(root, 'cdktf.out'), 'stacks')).toBe(false);
    for (const stage of EXAMPLE_STAGES) for (const name of FILES) expect(readFileSync(join(plansDir, exampleStack(stage), name), 'utf8')).toBe('stale plan from an earlier run');
  });
});

(withTerraform ? describe : describe.skip)('a plan that cannot reach the registry without a provider mirror', () => {
  it('says what to set instead of printing the network error alone, and keeps the previous plan files', async () => {
    // Arrange: no mirror, and a proxy nobody listens on, so the registry is out of reach on any machine.
    const root = tempDir('portico-plan-nomirror-');
    const plansDir = join(root, 'plans');
    writeStale(join(plansDir, exampleStack('dev')));
    const log: string[] = [];
    const env: NodeJS.ProcessEnv = {
      ...withoutAwsCredentials(process.env),
      HTTPS_PROXY: 'http://127.0.0.1:9',
      https_proxy: 'http://127.0.0.1:9',
      PORTICO_LAMBDA_META: tempArtifact().metaPath,
      PORTICO_CDKTF_OUT: join(root, 'cdktf.out'),
      PORTICO_STATE_DIR: join(root, 'state'),
      TF_PLUGIN_CACHE_DIR: join(root, 'plugin-cache'),
    };
    delete env.TF_PLUGIN_MIRROR;
    delete env.NO_PROXY;
    delete env.no_proxy;
    const quiet = jest.spyOn(console, 'log').mockImplementation(() => undefined);

    // Act
    const result = await planStacks({ env, apis: [EXAMPLE_API_FIXTURE], plansDir, stages: ['dev'], log: (line) => log.push(line) }).finally(() => quiet.mockRestore());

    // Assert
    expect(result.ok).toBe(false);
    const [dev] = result.stacks;
    expect(dev!.error).toMatch(/^terraform could not install the AWS provider from the Terraform registry: no provider mirror is set \(TF_PLUGIN_MIRROR\) \(could not connect to registry\.terraform\.io/);
    expect(dev!.error).toContain(`Set TF_PLUGIN_MIRROR to a filesystem mirror holding hashicorp/aws ${awsProviderVersion()}`);
    expect(dev!.error).toContain('the files of the previous plan');
    expect(log.join('\n')).toContain('Set TF_PLUGIN_MIRROR');
    for (const name of FILES) expect(readFileSync(join(plansDir, exampleStack('dev'), name), 'utf8')).toBe('stale plan from an earlier run');
  });
});

(withTerraform ? describe : describe.skip)('planStack', () => {
  /** A configuration without providers: terraform plans it in about a second, without the provider mirror. */
  const stackDir = (json: unknown): string => {
    const dir = tempDir('portico-plan-stack-');
    writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(json));
    return dir;
  };
  const target: DeployTarget = { offline: true, backend: { kind: 'local', dir: tmpdir() } };

  it('writes the four files fresh; a plan without changes says so', async () => {
    // Arrange
    const dir = stackDir({ terraform: { backend: { local: { path: 'terraform.tfstate' } } }, output: { greeting: { value: 'hello' } } });
    const outDir = join(tempDir('portico-plan-out-'), 'stack');
    writeStale(outDir);
    const startedAt = Math.floor(Date.now() / 1000) * 1000;

    // Act
    const result = await planStack({ stack: 'tiny', dir, outDir, env: terraformTestEnv(target) });

    // Assert
    expect(result).toMatchObject({ ok: true, resources: 0, totals: { add: 0, change: 0, destroy: 0, replace: 0 } });
    expect(result.timings).toEqual({ initMs: expect.any(Number), planMs: expect.any(Number), showMs: expect.any(Number) });
    for (const name of FILES) expect(statSync(join(outDir, name)).mtimeMs).toBeGreaterThanOrEqual(startedAt);
    expect(readFileSync(join(outDir, PLAN_FILES.text), 'utf8')).toContain('greeting');
    const summary = readFileSync(join(outDir, PLAN_FILES.summary), 'utf8');
    expect(summary).toBe(planSummaryMarkdown(readPlanJson(outDir)));
    expect(summary).toContain('**No changes.**');
  });

  it('leaves no plan file when terraform fails, and reports its error', async () => {
    // Arrange
    const dir = stackDir({ output: { broken: { value: '${local.missing}' } } });
    const outDir = join(tempDir('portico-plan-out-'), 'stack');
    writeStale(outDir);

    // Act
    const result = await planStack({ stack: 'broken', dir, outDir, env: terraformTestEnv(target) });

    // Assert
    expect(result.ok).toBe(false);
    expect(result.error).toContain('terraform plan failed');
    expect(result.error).toContain('Reference to undeclared local value');
    for (const name of FILES) expect(exists(outDir, name)).toBe(false);
  });
});

(withTerraform ? describe : describe.skip)('planStacks (what `pnpm plan` runs)', () => {
  it('plans every stage offline, from the real route table, and reports timings and the summary path', async () => {
    // Arrange: the shared provider cache is filled under its lock first; the plan's own inits then only read it.
    const root = tempDir('portico-plan-all-');
    const warm = join(root, 'warm');
    mkdirSync(warm);
    writeFileSync(join(warm, 'main.tf.json'), JSON.stringify({ terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: awsProviderVersion() } } } }));
    const env = {
      ...withoutAwsCredentials(process.env),
      PORTICO_LAMBDA_META: tempArtifact().metaPath,
      PORTICO_CDKTF_OUT: join(root, 'cdktf.out'),
      PORTICO_STATE_DIR: join(root, 'state'),
      ...PLUGIN_CACHE_ENV,
    };
    const warmed = await terraformInit(warm, terraformTestEnv({ offline: true, backend: { kind: 'local', dir: root } }, env));
    expect(warmed).toMatchObject({ code: 0 });
    const plansDir = join(root, 'plans');
    const log: string[] = [];
    const quiet = jest.spyOn(console, 'log').mockImplementation(() => undefined);

    // Act
    const result = await planStacks({ env, apis: [EXAMPLE_API_FIXTURE], plansDir, log: (line) => log.push(line) }).finally(() => quiet.mockRestore());

    // Assert
    expect(result.target).toMatchObject({ offline: true });
    expect(result.stacks.map((s) => [s.stack, s.ok, s.error])).toEqual(EXAMPLE_STAGES.map((stage) => [exampleStack(stage), true, undefined]));
    for (const stack of result.stacks) {
      for (const name of FILES) expect(exists(stack.outDir, name)).toBe(true);
      expect(stack.totals).toMatchObject({ add: stack.resources, change: 0, destroy: 0 });
      const summary = readFileSync(join(stack.outDir, PLAN_FILES.summary), 'utf8');
      expect(summary).toContain('##### Stage `');
      // The monthly cost of each stage, priced for its own traffic, with the arithmetic folded.
      expect(summary).toContain('\n#### Monthly cost estimate\n');
      expect(summary).toMatch(/\*\*\$[\d,.]+ a month\*\* after this plan; \*\*\+\$[\d,.]+\*\* against the current state \(nothing deployed\)/);
      expect(summary).toContain(`(\`stages.${stack.stack.replace('example-api-', '')}.traffic\` in infra/test/fixtures/example-api/portico.config.ts)`);
      expect(summary).toContain('<details><summary>How the estimate is computed</summary>');
      expect(stack.cost).toMatchObject({ after: expect.any(Number), partial: true });
    }
    const printed = log.join('\n');
    expect(printed).toMatch(/✓ example-api-dev: synth \d+ ms \(all stacks\), init \d+ ms, plan \d+ ms, show \d+ ms/);
    expect(printed).toContain(`summary: ${join(plansDir, 'example-api-prod', 'summary.md')}`);
    expect(printed).toContain(`plan: ${EXAMPLE_STAGES.length} stack(s) planned`);
    expect(printed).toMatch(/ {2}cost: \$[\d,.]+ a month \(\+\$[\d,.]+ against the current state\), partial: see the summary/);
  });
});
