/**
 * The stacks a pull request plans and a push deploys are the ones turbo says the change can affect. Asked of the
 * repo's own turbo binary (`--affected --dry=json`), in a git repository built from this workspace's manifests and
 * apps plus a second app, so the proof covers turbo's real package graph: an app's own change reaches its stacks only,
 * a change to a package every app depends on reaches all of them, no change reaches none.
 */
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { affectedStacks, scopeOfBase, type TurboScope } from '../src/affected';
import { makeTurboRepo, PROBE_API, TURBO_BIN, type TurboRepo } from './support/turbo-repo';
import { REPO_ROOT } from './support/workflow';

jest.setTimeout(120_000);

const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1' };
const turbo = [TURBO_BIN];

let repo: TurboRepo;
/** Every app's stacks, by app folder, from each app's own declaration. */
const stacksOf = new Map<string, string[]>();

beforeAll(async () => {
  repo = makeTurboRepo();
  const { discoverApis, stackName } = await import('@portico/infra');
  for (const api of await discoverApis(REPO_ROOT)) {
    stacksOf.set(relative(REPO_ROOT, api.dir), Object.keys(api.config.stages).map((stage) => stackName(api.config, stage)));
  }
  stacksOf.set(PROBE_API.dir, PROBE_API.stages.map((stage) => `${PROBE_API.name}-${stage}`));
});
afterAll(() => repo?.remove());

const planned = async (scope: TurboScope) => (await affectedStacks({ repoRoot: repo.dir, task: 'plan', scope, turbo, env })).stacks;
const sorted = (stacks: string[]) => [...stacks].sort();
const allStacks = () => sorted([...stacksOf.values()].flat());

describe('affectedStacks: turbo decides which stacks a change reaches', () => {
  it('has at least two apps to tell apart', () => {
    expect(repo.apps.length).toBeGreaterThanOrEqual(2);
    expect(sorted(repo.apps)).toEqual(sorted([...stacksOf.keys()]));
  });

  it("plans only an app's own stacks when one of its files changes", async () => {
    for (const app of repo.apps) {
      // Arrange
      repo.commitChange({ [`${app}/src/changed-here.ts`]: 'export const changed = true;\n' });

      // Act
      const stacks = await planned({ kind: 'affected', base: repo.initial });

      // Assert
      expect({ app, stacks: sorted(stacks) }).toEqual({ app, stacks: sorted(stacksOf.get(app)!) });
    }
  });

  it('plans every stage an app declares, from its declaration', async () => {
    repo.commitChange({ [`${PROBE_API.dir}/src/changed-here.ts`]: 'export const changed = true;\n' });

    const stacks = await planned({ kind: 'affected', base: repo.initial });

    expect(stacks).toEqual(['probe-api-dev', 'probe-api-staging', 'probe-api-prod']);
  });

  it('plans every app\'s stacks when @portico/http changes: every app depends on it', async () => {
    repo.commitChange({ 'packages/http/src/changed-here.ts': 'export const changed = true;\n' });

    const stacks = await planned({ kind: 'affected', base: repo.initial });

    expect(sorted(stacks)).toEqual(allStacks());
  });

  it("plans every app's stacks when infra's library changes", async () => {
    repo.commitChange({ 'infra/src/changed-here.ts': 'export const changed = true;\n' });

    expect(sorted(await planned({ kind: 'affected', base: repo.initial }))).toEqual(allStacks());
  });

  it('plans nothing when nothing changed, and nothing for a change no app depends on', async () => {
    const head = repo.commitChange({});
    expect(await planned({ kind: 'affected', base: head })).toEqual([]);

    repo.commitChange({ 'packages/delivery/src/changed-here.ts': 'export const changed = true;\n' });
    expect(await planned({ kind: 'affected', base: repo.initial })).toEqual([]);
  });

  it('plans every API without a base, and the plan command is the dry run without --dry', async () => {
    repo.commitChange({});

    const result = await affectedStacks({ repoRoot: repo.dir, task: 'plan', scope: scopeOfBase(undefined), turbo, env: { ...env, TURBO_SCM_BASE: repo.initial } });

    expect(sorted(result.stacks)).toEqual(allStacks());
    expect(result.command).toEqual([TURBO_BIN, 'run', 'plan']);
    // A base left in the environment must not narrow a run that covers everything.
    expect(result.env.TURBO_SCM_BASE).toBeUndefined();
  });

  it('takes every API as changed when the base is not in the history (a shallow clone), saying why', async () => {
    repo.commitChange({});
    const lines: string[] = [];

    const stacks = (await affectedStacks({ repoRoot: repo.dir, task: 'plan', scope: { kind: 'affected', base: 'deadbeef'.repeat(5) }, turbo, env, log: (l) => lines.push(l) })).stacks;

    expect(sorted(stacks)).toEqual(allStacks());
    expect(lines.join('\n')).toMatch(/unable to detect git range/);
  });
});

describe('affectedStacks for a deploy: one stage', () => {
  it("lists each affected API's stack of that stage, and leaves out an API that declares no such stage", async () => {
    // Arrange: every app is affected; only the probe declares `staging`.
    repo.commitChange({ 'packages/http/src/changed-here.ts': 'export const changed = true;\n' });

    // Act
    const result = await affectedStacks({ repoRoot: repo.dir, task: 'deploy', scope: { kind: 'affected', base: repo.initial }, stage: 'staging', turbo, env });

    // Assert
    expect(result.stacks).toEqual(['probe-api-staging']);
    expect(sorted(result.skipped.map((s) => s.dir))).toEqual(sorted(repo.apps.filter((a) => a !== PROBE_API.dir)));
    // The command deploys exactly what was listed: turbo's own dry run of it runs the probe's deploy alone.
    const [command, ...args] = result.command;
    const dry = spawnSync(command!, [...args, '--dry=json'], { cwd: repo.dir, env: result.env, encoding: 'utf8' });
    const deploys = (JSON.parse(dry.stdout) as { tasks: Array<{ task: string; directory: string; command: string }> }).tasks
      .filter((t) => t.task === 'deploy' && t.command !== '<NONEXISTENT>')
      .map((t) => t.directory);
    expect(deploys).toEqual([PROBE_API.dir]);
  });

  it('deploys a named API alone, through a folder filter (an API name is not a package name)', async () => {
    repo.commitChange({});

    const result = await affectedStacks({ repoRoot: repo.dir, task: 'deploy', scope: { kind: 'apis', names: [PROBE_API.name] }, stage: 'prod', turbo, env });

    expect(result.stacks).toEqual(['probe-api-prod']);
    expect(result.command).toEqual([TURBO_BIN, 'run', 'deploy', `--filter=./${PROBE_API.dir}`]);
  });

  it('refuses a named API that does not declare the stage, and an unknown name', async () => {
    const other = repo.apps.find((a) => a !== PROBE_API.dir)!;
    const otherName = (await import('@portico/infra')).loadApi(join(repo.dir, other)).then((a) => a.config.name);

    await expect(affectedStacks({ repoRoot: repo.dir, task: 'deploy', scope: { kind: 'apis', names: [await otherName] }, stage: 'staging', turbo, env })).rejects.toThrow(
      'has no stage "staging"',
    );
    await expect(affectedStacks({ repoRoot: repo.dir, task: 'deploy', scope: { kind: 'apis', names: ['nope-api'] }, stage: 'dev', turbo, env })).rejects.toThrow(
      'No API named "nope-api"',
    );
  });
});

describe('scopeOfBase', () => {
  it('compares with a commit, and takes no base or the all-zero SHA of a new branch as "every API"', () => {
    expect(scopeOfBase('9fceb02d0ae598e95dc970b74767f19372d61af8')).toEqual({ kind: 'affected', base: '9fceb02d0ae598e95dc970b74767f19372d61af8' });
    expect(scopeOfBase(undefined)).toEqual({ kind: 'all' });
    expect(scopeOfBase('  ')).toEqual({ kind: 'all' });
    expect(scopeOfBase('0000000000000000000000000000000000000000')).toEqual({ kind: 'all' });
  });
});
