/**
 * Runs the workflows' own `run:` steps that call this package (the install-free, cloud-free part of each job) the way
 * the runner does, against local stand-ins: `pnpm` and `terraform` fakes on PATH play turbo and infra's plan and
 * deploy from data and real captured plan files (`support/fake-turbo.cjs`, `support/fake-terraform`), a loopback
 * server plays api.github.com (through GITHUB_API_URL, as on a runner), and one per API plays its deployed stage.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALPHA, BETA, FAKE_TURBO, stacksOf, writeApps } from './support/fake-apps';
import { startFakeGitHub, type FakeGitHub, type FakeRun } from './support/fake-github';
import { startFakeStage, type FakeStage } from './support/fake-stage';
import { deliverySteps, loadWorkflow, REPO_ROOT, runStep, type Job, type Step, type StepRun } from './support/workflow';

// Each step starts a tsx process; on a busy 2-core CI machine running every package's tests at once that adds up.
jest.setTimeout(120_000);

const FIXTURES = join(__dirname, 'fixtures');

interface Workspace {
  dir: string;
  env: NodeJS.ProcessEnv;
  /** The turbo calls made so far: arguments, and TURBO_SCM_BASE, STAGE and GITHUB_TOKEN as each call saw them. */
  turboCalls(): Array<{ args: string[]; base: string | null; stage?: string; token?: string }>;
  /** The job summary the steps wrote. */
  summary(): string;
}

/**
 * A checkout-shaped directory: this package linked in at its place, two apps (alpha, beta) declaring themselves, fakes
 * first on PATH, a runner's environment. `affected` is what turbo finds changed.
 */
function makeWorkspace(extraEnv: NodeJS.ProcessEnv, affected: readonly string[] = [ALPHA.dir, BETA.dir]): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'portico-workflow-'));
  mkdirSync(join(dir, 'packages'));
  symlinkSync(join(REPO_ROOT, 'packages', 'delivery'), join(dir, 'packages', 'delivery'));
  const fakes = join(dir, '.fakes');
  mkdirSync(fakes);
  writeFileSync(join(fakes, 'pnpm'), `#!/usr/bin/env bash\nexec node ${JSON.stringify(FAKE_TURBO)} "$@"\n`, { mode: 0o755 });
  symlinkSync(join(__dirname, 'support', 'fake-terraform'), join(fakes, 'terraform'));
  const calls = join(dir, '.turbo-calls');
  const summary = join(dir, '.step-summary');
  writeFileSync(calls, '');
  writeFileSync(summary, '');
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
    GITHUB_STEP_SUMMARY: summary,
    ...writeApps(dir, [ALPHA, BETA]),
    FAKE_AFFECTED: JSON.stringify(affected),
    FAKE_CALLS: calls,
    FAKE_FIXTURES: FIXTURES,
    ...extraEnv,
  };
  return {
    dir,
    env,
    turboCalls: () =>
      readFileSync(calls, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line)),
    summary: () => readFileSync(summary, 'utf8'),
  };
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

const PR_BASE = 'basebase0000000000000000000000000000000a';

describe('plan.yml, its delivery steps run like the runner runs them', () => {
  const job = loadWorkflow('plan.yml').jobs.plan!;
  const steps = deliverySteps(job);
  let github: FakeGitHub;
  let workspace: Workspace;
  const context = () => ({
    github: {
      token: github.token,
      event: { pull_request: { number: 7, head: { sha: 'feedfacecafe0000000000000000000000000000' }, base: { sha: PR_BASE } } },
    },
    vars: {},
  });
  const comments = () => github.comments.get('acme/portico#7') ?? [];
  const markers = () => comments().map((c) => c.body.split('\n')[0]);

  beforeAll(async () => {
    github = await startFakeGitHub();
  });
  afterAll(() => github.close());
  beforeEach(() => github.comments.clear());
  afterEach(() => {
    if (workspace) rmSync(workspace.dir, { recursive: true, force: true });
  });

  it('are the plan step and the comment step', () => {
    expect(steps.map((s) => s.id ?? s.name)).toEqual(['plan', 'Post the plan comments']);
  });

  it("plan the stacks turbo finds affected since the PR's base, then keep one sticky comment per stack, edited on the next push", async () => {
    // Arrange: both apps changed.
    workspace = makeWorkspace({ GITHUB_API_URL: github.url });

    // Act: two pushes to the same PR.
    const first = await runJob(job, steps, workspace, context());
    const second = await runJob(job, steps, workspace, context());

    // Assert
    for (const { run } of [...first, ...second]) expect(run?.code).toBe(0);
    expect(workspace.turboCalls().slice(0, 2)).toEqual([
      { args: ['run', 'plan', '--affected', '--dry=json'], base: PR_BASE },
      { args: ['run', 'plan', '--affected'], base: PR_BASE },
    ]);
    expect(first[0]!.run!.output).toContain('planned alpha-api-dev (lock: false');
    expect(first[1]!.run!.output).toContain('created the alpha-api-dev plan comment on #7');
    expect(second[1]!.run!.output).toMatch(/(updated|unchanged) the beta-api-prod plan comment on #7/);
    expect(markers()).toEqual([...stacksOf(ALPHA), ...stacksOf(BETA)].map((s) => `<!-- portico-plan:${s} -->`));
    const dev = comments()[0]!.body;
    expect(dev).toContain('### ✅ `alpha-api-dev`: 7 to add, 0 to change, 0 to destroy');
    expect(dev).toContain('commit `feedfac`');
    expect(dev).toContain('[workflow run](https://github.example/acme/portico/actions/runs/4242)');
    expect(dev).toContain(readFileSync(join(FIXTURES, 'summary-dev.md'), 'utf8').trim().split('\n')[0]);
    expect(dev).toContain('# aws_api_gateway_stage.dev will be created');
    // The artifact holds, per stack, the plan, its JSON, the raw text and the comment.
    expect(readFileSync(join(workspace.dir, 'infra/plans/beta-api-prod/plan.txt'), 'utf8')).toBe(readFileSync(join(FIXTURES, 'rest-api.plan.txt'), 'utf8'));
    expect(JSON.parse(readFileSync(join(workspace.dir, 'infra/plans/beta-api-prod/result.json'), 'utf8'))).toMatchObject({ stack: 'beta-api-prod', ok: true, counts: { add: 7 } });
  });

  it("plan and comment on only the changed app's stacks, never on a stack an earlier run left on disk", async () => {
    // Arrange: an earlier run on this machine planned both apps; this change touches beta only.
    workspace = makeWorkspace({ GITHUB_API_URL: github.url });
    await runJob(job, steps, workspace, context());
    github.comments.clear();
    workspace.env.FAKE_AFFECTED = JSON.stringify([BETA.dir]);
    writeFileSync(workspace.env.GITHUB_STEP_SUMMARY!, '');

    // Act
    const [plan, post] = await runJob(job, steps, workspace, context());

    // Assert
    expect([plan!.run!.code, post!.run!.code]).toEqual([0, 0]);
    expect(markers()).toEqual(stacksOf(BETA).map((s) => `<!-- portico-plan:${s} -->`));
    expect(workspace.summary()).toContain('| `beta-api-dev` | ✅ +7 ~0 -0 |');
    expect(workspace.summary()).not.toContain('alpha-api');
  });

  it('plan nothing, comment nothing and pass when the change affects no API, saying so in the job summary', async () => {
    // Arrange: an earlier push commented on alpha.
    github.seed('acme/portico', 7, '<!-- portico-plan:alpha-api-dev -->\nearlier plan', { login: 'github-actions[bot]', type: 'Bot' });
    workspace = makeWorkspace({ GITHUB_API_URL: github.url }, []);

    // Act
    const [plan, post] = await runJob(job, steps, workspace, context());

    // Assert
    expect([plan!.run!.code, post!.run!.code]).toEqual([0, 0]);
    expect(workspace.turboCalls().map((c) => c.args)).toEqual([['run', 'plan', '--affected', '--dry=json']]);
    expect(workspace.summary()).toContain('No stack planned: no API is affected by what changed since basebas');
    expect(post!.run!.output).toContain('no stack was planned');
    expect(comments().map((c) => c.body)).toEqual(['<!-- portico-plan:alpha-api-dev -->\nearlier plan']);
  });

  it("fail the check when a stack fails to plan, and still say so in that stack's comment", async () => {
    // Arrange: a successful plan first, so the failure must replace a stale green comment.
    workspace = makeWorkspace({ GITHUB_API_URL: github.url }, [ALPHA.dir]);
    await runJob(job, steps, workspace, context());
    workspace.env.FAKE_PLAN_FAIL = 'alpha-api-prod';

    // Act
    const [plan, post] = await runJob(job, steps, workspace, context());

    // Assert
    expect(plan!.run!.code).not.toBe(0);
    expect(post!.run!.code).toBe(0);
    const [dev, prod] = comments().map((c) => c.body);
    expect(prod).toContain('### ❌ `alpha-api-prod`: plan failed');
    expect(prod).toContain('Error: reading API Gateway REST API for alpha-api-prod: AccessDenied');
    expect(prod).not.toContain('Raw plan');
    expect(dev).toContain('### ✅ `alpha-api-dev`');
  });
});

describe('deploy-stage.yml, its delivery steps run like the runner runs them', () => {
  const job = loadWorkflow('deploy-stage.yml').jobs.deploy!;
  const steps = deliverySteps(job);
  const DEPLOYED = 'deployed0000000000000000000000000000000a';
  let github: FakeGitHub;
  const stages: FakeStage[] = [];
  const workspaces: Workspace[] = [];

  beforeAll(async () => {
    github = await startFakeGitHub();
  });
  afterAll(() => github.close());
  beforeEach(() => {
    // main's deploy history: the last successful push run deployed DEPLOYED; run 4242 is this one.
    const run = (id: number, head_sha: string, conclusion: FakeRun['conclusion'], event = 'push'): FakeRun => ({
      id,
      workflow_id: 31,
      head_sha,
      head_branch: 'main',
      event,
      status: conclusion ? 'completed' : 'in_progress',
      conclusion,
    });
    github.runs.splice(0, github.runs.length, run(4000, 'older', 'success'), run(4100, DEPLOYED, 'success'), run(4200, 'failedrun', 'failure'), run(4242, 'now', null));
  });
  afterEach(async () => {
    for (const s of stages.splice(0)) await s.close();
    for (const w of workspaces.splice(0)) rmSync(w.dir, { recursive: true, force: true });
  });

  /** Each API's stage on its own loopback server, answering its own smoke checks. */
  async function deployedStages(stage: string) {
    const alpha = await startFakeStage({ stage, routes: { '/hello': { body: { message: 'Hello from alpha' } } } });
    const beta = await startFakeStage({ stage, routes: { '/notes': { body: { notes: [] } }, '/admin': { status: 403, body: { message: 'Forbidden' } } } });
    stages.push(alpha, beta);
    return { alpha, beta, urls: { [`alpha-api-${stage}`]: alpha.invokeUrl, [`beta-api-${stage}`]: beta.invokeUrl } };
  }
  function workspace(env: NodeJS.ProcessEnv, affected?: readonly string[]) {
    const w = makeWorkspace({ GITHUB_API_URL: github.url, ...env }, affected);
    workspaces.push(w);
    return w;
  }
  const context = (inputs: Record<string, unknown>) => ({ inputs, vars: { PORTICO_STATE_BUCKET: 'acme-portico-state' }, github: { token: github.token } });

  it('are the deploy step and the smoke test', () => {
    expect(steps.map((s) => s.id ?? s.name)).toEqual(['deploy', 'Smoke test ${{ inputs.stage }}']);
  });

  it.each(['dev', 'prod'])(
    'on a push, deploy %s of the APIs changed since the last successful deploy, smoke-test each with its own checks, and leak no secret',
    async (stageName) => {
      // Arrange: only alpha changed.
      const { alpha, beta, urls } = await deployedStages(stageName);
      const w = workspace({ FAKE_INVOKE_URLS: JSON.stringify(urls) }, [ALPHA.dir]);

      // Act
      const [deploy, smoke] = await runJob(job, steps, w, context({ stage: stageName, api: '', changed: true }));

      // Assert
      expect(deploy!.run!.code).toBe(0);
      expect(w.turboCalls()).toEqual([
        { args: ['run', 'deploy', '--affected', '--dry=json'], base: DEPLOYED, stage: stageName },
        { args: ['run', 'deploy', '--affected'], base: DEPLOYED, stage: stageName },
      ]);
      expect(deploy!.run!.output).toContain(`deployed alpha-api-${stageName}: ${alpha.invokeUrl}`);
      expect(deploy!.run!.output).toContain("state bucket: 'acme-portico-state'");
      expect(deploy!.run!.outputs).toEqual({ invoke_urls: JSON.stringify({ [`alpha-api-${stageName}`]: alpha.invokeUrl }), invoke_url: alpha.invokeUrl });
      expect(`${deploy!.run!.output}${smoke!.run!.output}`).not.toContain('SECRET-KEY-VALUE');
      expect(smoke!.run!.code).toBe(0);
      expect(alpha.hits).toEqual([`GET /${stageName}/hello`]);
      expect(beta.hits).toEqual([]);
    },
  );

  it('deploy and smoke-test several APIs, each at its own URL with its own checks', async () => {
    const { alpha, beta, urls } = await deployedStages('dev');
    const w = workspace({ FAKE_INVOKE_URLS: JSON.stringify(urls) }, [ALPHA.dir, BETA.dir]);

    const [deploy, smoke] = await runJob(job, steps, w, context({ stage: 'dev', api: '', changed: true }));

    expect([deploy!.run!.code, smoke!.run!.code]).toEqual([0, 0]);
    expect(JSON.parse(deploy!.run!.outputs.invoke_urls!)).toEqual(urls);
    // One environment URL for the run page: none when several stacks were deployed.
    expect(deploy!.run!.outputs.invoke_url).toBeUndefined();
    expect(alpha.hits).toEqual(['GET /dev/hello']);
    expect(beta.hits).toEqual(['GET /dev/notes?limit=1', 'GET /dev/admin']);
    expect(w.summary()).toContain('- `alpha-api-dev`: ');
    expect(w.summary()).toContain('Smoke test of `beta-api-dev`');
  });

  it('deploy nothing and smoke-test nothing when the push changed no API', async () => {
    const w = workspace({}, []);

    const [deploy, smoke] = await runJob(job, steps, w, context({ stage: 'prod', api: '', changed: true }));

    expect([deploy!.run!.code, smoke!.run!.code]).toEqual([0, 0]);
    expect(w.turboCalls().map((c) => c.args)).toEqual([['run', 'deploy', '--affected', '--dry=json']]);
    expect(deploy!.run!.outputs.invoke_urls).toBe('{}');
    expect(smoke!.run!.output).toContain('nothing was deployed');
    expect(w.summary()).toContain('Nothing deployed to `prod`: no API is affected by what changed since deploye');
  });

  it('deploy every API by hand, and the one named when the run names one', async () => {
    const { urls } = await deployedStages('prod');
    const every = workspace({ FAKE_INVOKE_URLS: JSON.stringify(urls) }, []);
    const one = workspace({ FAKE_INVOKE_URLS: JSON.stringify(urls) }, []);

    const [all] = await runJob(job, steps, every, context({ stage: 'prod', api: '', changed: false }));
    const [named] = await runJob(job, steps, one, context({ stage: 'prod', api: 'beta-api', changed: false }));

    expect(every.turboCalls().map((c) => c.args).at(-1)).toEqual(['run', 'deploy']);
    expect(Object.keys(JSON.parse(all!.run!.outputs.invoke_urls!))).toEqual(['alpha-api-prod', 'beta-api-prod']);
    expect(one.turboCalls().map((c) => c.args).at(-1)).toEqual(['run', 'deploy', `--filter=./${BETA.dir}`]);
    expect(named!.run!.outputs.invoke_url).toBe(urls['beta-api-prod']);
  });

  it('deploy every API on a push when the workflow has never succeeded on main', async () => {
    github.runs.splice(0, github.runs.length, { id: 4242, workflow_id: 31, head_sha: 'now', head_branch: 'main', event: 'push', status: 'in_progress', conclusion: null });
    const { urls } = await deployedStages('dev');
    const w = workspace({ FAKE_INVOKE_URLS: JSON.stringify(urls) }, []);

    const [deploy] = await runJob(job, steps, w, context({ stage: 'dev', api: '', changed: true }));

    expect(deploy!.run!.code).toBe(0);
    expect(deploy!.run!.output).toContain('has not succeeded on this branch yet: deploying every API');
    expect(w.turboCalls().map((c) => c.args).at(-1)).toEqual(['run', 'deploy']);
  });

  it('fail the job when a deployed API does not answer its own checks', async () => {
    const alpha = await startFakeStage({ routes: { '/hello': { body: { message: 'Hello from the old build' } } } });
    stages.push(alpha);
    const w = workspace({ FAKE_INVOKE_URLS: JSON.stringify({ 'alpha-api-dev': alpha.invokeUrl }), SMOKE_ATTEMPTS: '2', SMOKE_DELAY_MS: '10' }, [ALPHA.dir]);

    const [deploy, smoke] = await runJob(job, steps, w, context({ stage: 'dev', api: '', changed: true }));

    expect(deploy!.run!.code).toBe(0);
    expect(smoke!.run!.code).toBe(1);
    expect(smoke!.run!.output).toContain('smoke test failed: alpha-api-dev GET /hello');
    expect(alpha.hits).toEqual(['GET /dev/hello', 'GET /dev/hello']);
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
