/**
 * Runs the workflows' own `run:` steps that call this package (the install-free, cloud-free part of each job) the way
 * the runner does, against local stand-ins: `pnpm` and `terraform` fakes on PATH play infra's plan and deploy from
 * real captured plan files, a loopback server plays api.github.com (through GITHUB_API_URL, as on a runner), and
 * another plays the deployed stage.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeGitHub, type FakeGitHub } from './support/fake-github';
import { startFakeStage } from './support/fake-stage';
import { deliverySteps, loadWorkflow, REPO_ROOT, runStep, type Job, type Step, type StepRun } from './support/workflow';

// Each step starts a tsx process; on a busy 2-core CI machine running every package's tests at once that adds up.
jest.setTimeout(120_000);

const FIXTURES = join(__dirname, 'fixtures');
const STACKS = ['users-api-dev', 'users-api-prod'];

/** Stand-in for `pnpm turbo run plan|deploy`, writing what infra writes. */
const FAKE_PNPM = `#!/usr/bin/env bash
set -euo pipefail
[[ "$*" == "turbo run plan" || "$*" == "turbo run deploy" ]] || { echo "fake pnpm: unexpected: $*" >&2; exit 64; }
if [[ "$3" == plan ]]; then
  failed=0
  for stack in users-api-dev users-api-prod; do
    mkdir -p "infra/cdktf.out/stacks/$stack"; echo '{}' > "infra/cdktf.out/stacks/$stack/cdk.tf.json"
    if [[ " \${FAKE_PLAN_FAIL:-} " == *" $stack "* ]]; then
      echo "│ Error: reading API Gateway REST API for $stack: AccessDenied" >&2; failed=1; continue
    fi
    mkdir -p "infra/plans/$stack"
    cp "$FAKE_FIXTURES/rest-api.plan.json" "infra/plans/$stack/plan.json"
    cp "$FAKE_FIXTURES/summary.md" "infra/plans/$stack/summary.md"
    echo "binary plan of $stack" > "infra/plans/$stack/plan.tfplan"
    echo "planned $stack (lock: \${PORTICO_PLAN_LOCK:-true}, state bucket: '\${PORTICO_STATE_BUCKET:-}')"
  done
  exit $failed
fi
[[ -n "\${STAGE:-}" ]] || { echo "fake pnpm: STAGE is not set" >&2; exit 64; }
mkdir -p "infra/cdktf.out/stacks/users-api-$STAGE"
echo "Apply complete! Resources: 42 added, 0 changed, 0 destroyed. (state bucket: '\${PORTICO_STATE_BUCKET:-}')"
`;

/** Stand-in for the terraform calls the scripts make after infra ran: `show` of a plan, `output -json` of a stack. */
const FAKE_TERRAFORM = `#!/usr/bin/env bash
set -euo pipefail
case "$1" in
  show) cat "$FAKE_FIXTURES/rest-api.plan.txt" ;;
  output)
    stage="\${PWD##*users-api-}"
    printf '{"invoke_url":{"sensitive":false,"type":"string","value":"%s"},"cloudfront_url":{"sensitive":false,"type":"string","value":"https://d111.cloudfront.net"},"api_key_values":{"sensitive":true,"type":"string","value":"SECRET-KEY-VALUE"}}' "$FAKE_INVOKE_URL" ;;
  providers)
    # terraform providers mirror -platform=<p> <dir>: records the call, then lays the provider out as terraform does.
    [[ "$2" == mirror ]] || { echo "fake terraform: unexpected: $*" >&2; exit 64; }
    echo "$*" >> "$FAKE_TERRAFORM_CALLS"
    [[ -z "\${FAKE_MIRROR_FAIL:-}" ]] || { echo "Error: Failed to query available provider packages" >&2; exit 1; }
    version="$(node -p 'require("./main.tf.json").terraform.required_providers.aws.version')"
    mkdir -p "$4/registry.terraform.io/hashicorp/aws"
    echo "zip" > "$4/registry.terraform.io/hashicorp/aws/terraform-provider-aws_\${version}_\${3#-platform=}.zip" ;;
  *) echo "fake terraform: unexpected: $*" >&2; exit 64 ;;
esac
`;

interface Workspace {
  dir: string;
  env: NodeJS.ProcessEnv;
}

/** A checkout-shaped directory: this package linked in at its place, fakes first on PATH, a runner's environment. */
function makeWorkspace(extraEnv: NodeJS.ProcessEnv): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'portico-workflow-'));
  mkdirSync(join(dir, 'packages'));
  symlinkSync(join(REPO_ROOT, 'packages', 'delivery'), join(dir, 'packages', 'delivery'));
  const fakes = join(dir, '.fakes');
  mkdirSync(fakes);
  writeFileSync(join(fakes, 'pnpm'), FAKE_PNPM);
  writeFileSync(join(fakes, 'terraform'), FAKE_TERRAFORM);
  chmodSync(join(fakes, 'pnpm'), 0o755);
  chmodSync(join(fakes, 'terraform'), 0o755);
  const env: NodeJS.ProcessEnv = {
    PATH: `${fakes}:${process.env.PATH}`,
    HOME: process.env.HOME,
    // What every runner sets.
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'acme/portico',
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_RUN_ID: '4242',
    GITHUB_SHA: 'mergecommit000000000000000000000000000000',
    FAKE_FIXTURES: FIXTURES,
    ...extraEnv,
  };
  return { dir, env };
}

/** Runs a job's delivery steps in order, honouring `if:` the way the runner does after a failed step. */
async function runJob(job: Job, steps: Step[], workspace: Workspace, context: Record<string, unknown>) {
  const results: Array<{ step: Step; run?: StepRun }> = [];
  // What a step exports through GITHUB_ENV reaches the steps after it.
  const env = { ...workspace.env };
  let failed = false;
  const stepsContext: Record<string, { outputs: Record<string, string> }> = {};
  for (const step of steps) {
    const condition = String(step.if ?? '');
    const runsAfterFailure = /!cancelled\(\)|always\(\)/.test(condition);
    if (failed && !runsAfterFailure) {
      results.push({ step });
      continue;
    }
    const run = await runStep(step, job, {
      workspace: workspace.dir,
      context: { ...context, steps: stepsContext },
      env,
      outputFile: join(workspace.dir, `.output-${results.length}`),
    });
    Object.assign(env, run.exported);
    if (step.id) stepsContext[step.id] = { outputs: run.outputs };
    failed ||= run.code !== 0;
    results.push({ step, run });
  }
  return results;
}

describe('plan.yml, its delivery steps run like the runner runs them', () => {
  const job = loadWorkflow('plan.yml').jobs.plan!;
  const steps = deliverySteps(job);
  let github: FakeGitHub;
  let workspace: Workspace;
  const context = () => ({
    github: { token: github.token, event: { pull_request: { number: 7, head: { sha: 'feedfacecafe0000000000000000000000000000' } } } },
    vars: {},
  });

  beforeAll(async () => {
    github = await startFakeGitHub();
  });
  afterAll(() => github.close());
  beforeEach(() => {
    github.comments.clear();
    workspace = makeWorkspace({ GITHUB_API_URL: github.url });
  });
  afterEach(() => rmSync(workspace.dir, { recursive: true, force: true }));

  it('are the plan step and the comment step', () => {
    expect(steps.map((s) => s.id ?? s.name)).toEqual(['plan', 'Post the plan comments']);
  });

  it('plan every stack, then keep one sticky comment per stack, edited on the next push', async () => {
    // Act: two pushes to the same PR.
    const first = await runJob(job, steps, workspace, context());
    const second = await runJob(job, steps, workspace, context());

    // Assert
    for (const { run } of [...first, ...second]) expect(run?.code).toBe(0);
    expect(first[0]!.run!.output).toContain('planned users-api-dev (lock: false');
    expect(first[1]!.run!.output).toContain('created the users-api-dev plan comment on #7');
    expect(second[1]!.run!.output).toMatch(/(updated|unchanged) the users-api-prod plan comment on #7/);
    const comments = github.comments.get('acme/portico#7')!;
    expect(comments.map((c) => c.body.split('\n')[0])).toEqual(STACKS.map((s) => `<!-- portico-plan:${s} -->`));
    const dev = comments[0]!.body;
    expect(dev).toContain('### ✅ `users-api-dev`: 7 to add, 0 to change, 0 to destroy');
    expect(dev).toContain('commit `feedfac`');
    expect(dev).toContain('[workflow run](https://github.example/acme/portico/actions/runs/4242)');
    expect(dev).toContain(readFileSync(join(FIXTURES, 'summary.md'), 'utf8').trim());
    expect(dev).toContain('# aws_api_gateway_stage.dev will be created');
    // The artifact holds, per stack, the plan, its JSON, the raw text and the comment.
    expect(readFileSync(join(workspace.dir, 'infra/plans/users-api-prod/plan.txt'), 'utf8')).toBe(readFileSync(join(FIXTURES, 'rest-api.plan.txt'), 'utf8'));
    expect(JSON.parse(readFileSync(join(workspace.dir, 'infra/plans/users-api-prod/result.json'), 'utf8'))).toMatchObject({ stack: 'users-api-prod', ok: true, counts: { add: 7 } });
  });

  it('fail the check when a stack fails to plan, and still say so in that stack\'s comment', async () => {
    // Arrange: a successful plan first, so the failure must replace a stale green comment.
    await runJob(job, steps, workspace, context());
    workspace.env.FAKE_PLAN_FAIL = 'users-api-prod';

    // Act
    const [plan, post] = await runJob(job, steps, workspace, context());

    // Assert
    expect(plan!.run!.code).not.toBe(0);
    expect(post!.run!.code).toBe(0);
    const [dev, prod] = github.comments.get('acme/portico#7')!.map((c) => c.body);
    expect(prod).toContain('### ❌ `users-api-prod`: plan failed');
    expect(prod).toContain('Error: reading API Gateway REST API for users-api-prod: AccessDenied');
    expect(prod).not.toContain('Raw plan');
    expect(dev).toContain('### ✅ `users-api-dev`');
  });
});

describe('deploy-stage.yml, its delivery steps run like the runner runs them', () => {
  const job = loadWorkflow('deploy-stage.yml').jobs.deploy!;
  const steps = deliverySteps(job);

  it('are the deploy step and the smoke test', () => {
    expect(steps.map((s) => s.id ?? s.name)).toEqual(['deploy', 'Smoke test ${{ inputs.stage }}']);
  });

  it.each(['dev', 'prod'])('deploy %s, hand its invoke URL to the smoke test, and never leak a secret output', async (stageName) => {
    const stage = await startFakeStage({ stage: stageName });
    const workspace = makeWorkspace({ FAKE_INVOKE_URL: stage.invokeUrl });
    try {
      const [deploy, smoke] = await runJob(job, steps, workspace, { inputs: { stage: stageName }, vars: { PORTICO_STATE_BUCKET: 'acme-portico-state' } });

      expect(deploy!.run!.code).toBe(0);
      expect(deploy!.run!.output).toContain(`deployed users-api-${stageName}: ${stage.invokeUrl}`);
      expect(deploy!.run!.output).toContain("state bucket: 'acme-portico-state'");
      expect(deploy!.run!.outputs).toEqual({ invoke_url: stage.invokeUrl, cloudfront_url: 'https://d111.cloudfront.net' });
      expect(`${deploy!.run!.output}${smoke!.run!.output}`).not.toContain('SECRET-KEY-VALUE');
      expect(smoke!.run!.code).toBe(0);
      expect(stage.hits).toEqual([`GET /${stageName}/hello`, `GET /${stageName}/users`]);
    } finally {
      await stage.close();
      rmSync(workspace.dir, { recursive: true, force: true });
    }
  });

  it('fail the job when the deployed stage does not answer /users', async () => {
    const stage = await startFakeStage({ usersStatus: 403 });
    const workspace = makeWorkspace({ FAKE_INVOKE_URL: stage.invokeUrl, SMOKE_ATTEMPTS: '2', SMOKE_DELAY_MS: '10' });
    try {
      const [deploy, smoke] = await runJob(job, steps, workspace, { inputs: { stage: 'dev' }, vars: {} });
      expect(deploy!.run!.code).toBe(0);
      expect(smoke!.run!.code).toBe(1);
      expect(smoke!.run!.output).toContain('smoke test failed: users');
    } finally {
      await stage.close();
      rmSync(workspace.dir, { recursive: true, force: true });
    }
  });
});

describe('ci.yml, its install-free delivery step runs like the runner runs it', () => {
  const job = loadWorkflow('ci.yml').jobs.test!;
  // install-test-tools installs with apt and pip: not a step to run here.
  const steps = deliverySteps(job).filter((s) => !s.run!.includes('install-test-tools'));
  const infraManifest = JSON.parse(readFileSync(join(REPO_ROOT, 'infra', 'node_modules', '@cdktf', 'provider-aws', 'package.json'), 'utf8'));
  const pinned: string = infraManifest.cdktf.provider.version;
  const platform = `${process.platform}_${{ x64: 'amd64', arm64: 'arm64' }[process.arch as 'x64' | 'arm64'] ?? process.arch}`;
  let workspace: Workspace;
  let calls: string;

  beforeEach(() => {
    workspace = makeWorkspace({});
    // infra as far as the step reads it: its manifest and its installed provider bindings (read-only links).
    mkdirSync(join(workspace.dir, 'infra'));
    symlinkSync(join(REPO_ROOT, 'infra', 'package.json'), join(workspace.dir, 'infra', 'package.json'));
    symlinkSync(join(REPO_ROOT, 'infra', 'node_modules'), join(workspace.dir, 'infra', 'node_modules'));
    calls = join(workspace.dir, '.terraform-calls');
    writeFileSync(calls, '');
    workspace.env.FAKE_TERRAFORM_CALLS = calls;
    delete workspace.env.TF_PLUGIN_MIRROR;
  });
  afterEach(() => rmSync(workspace.dir, { recursive: true, force: true }));
  const callsMade = () => readFileSync(calls, 'utf8').split('\n').filter(Boolean);

  it('is the provider mirror step', () => {
    expect(steps.map((s) => s.name)).toEqual(['Terraform provider mirror']);
  });

  it('mirrors the provider infra pins into the cached directory once, and exports TF_PLUGIN_MIRROR for the tests', async () => {
    const mirror = join(workspace.dir, 'infra', '.terraform-mirror');

    // Act: a first run (cold cache), then one with the cache restored.
    const [[first], [second]] = [await runJob(job, steps, workspace, {}), await runJob(job, steps, workspace, {})];

    // Assert
    expect(first!.run!.code).toBe(0);
    expect(first!.run!.exported).toEqual({ TF_PLUGIN_MIRROR: mirror });
    expect(callsMade()).toEqual([`providers mirror -platform=${platform} ${mirror}`]);
    expect(readFileSync(join(mirror, 'registry.terraform.io', 'hashicorp', 'aws', `terraform-provider-aws_${pinned}_${platform}.zip`), 'utf8')).toBe('zip\n');
    expect(second!.run!.code).toBe(0);
    expect(second!.run!.exported).toEqual({ TF_PLUGIN_MIRROR: mirror });
    expect(second!.run!.output).toContain(`hashicorp/aws ${pinned} (${platform}) found in ${mirror}`);
    expect(callsMade()).toHaveLength(1);
  });

  it('keeps a mirror the machine already has (air-gapped runners), downloading nothing', async () => {
    const own = join(workspace.dir, 'own-mirror');
    mkdirSync(join(own, 'registry.terraform.io', 'hashicorp', 'aws', pinned, platform), { recursive: true });
    workspace.env.TF_PLUGIN_MIRROR = own;

    const [step] = await runJob(job, steps, workspace, {});

    expect(step!.run!.code).toBe(0);
    expect(step!.run!.exported).toEqual({ TF_PLUGIN_MIRROR: own });
    expect(callsMade()).toEqual([]);
  });

  it('fails the job with terraform\'s error when the provider cannot be mirrored', async () => {
    workspace.env.FAKE_MIRROR_FAIL = '1';

    const [step] = await runJob(job, steps, workspace, {});

    expect(step!.run!.code).not.toBe(0);
    expect(step!.run!.output).toContain('terraform providers mirror failed');
    expect(step!.run!.output).toContain('Failed to query available provider packages');
    expect(step!.run!.exported).toEqual({});
  });
});
