/**
 * ci-plan plans the stacks turbo says a change affects and turns the plan files infra writes into one sticky comment
 * per planned stack. A fake turbo (`support/fake-turbo.cjs`) answers the dry run from data and, when run, writes what
 * a real plan of each stage wrote (`fixtures/summary-*.md` are the summaries `pnpm plan` made of a dev and a prod
 * stage, cost estimate included).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ciPlan, PLAN_FILES, PLANNED_FILE } from '../src/ci-plan';
import { closeDetails } from '../src/plan-comment';
import { ALPHA, BETA, FAKE_TURBO, stacksOf, writeApps } from './support/fake-apps';

const FIXTURES = join(__dirname, 'fixtures');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const BASE = '9fceb02d0ae598e95dc970b74767f19372d61af8';

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A repo root with two apps, and the fake turbo told which of them a change affects. */
function workspace(affected: readonly string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const root = mkdtempSync(join(tmpdir(), 'portico-ci-plan-'));
  scratch.push(root);
  const calls = join(root, '.turbo-calls');
  writeFileSync(calls, '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    ...writeApps(root, [ALPHA, BETA]),
    FAKE_AFFECTED: JSON.stringify(affected),
    FAKE_CALLS: calls,
    FAKE_FIXTURES: FIXTURES,
    FAKE_PLAN_TEXT: '1',
    ...extraEnv,
  };
  const plansDir = join(root, 'infra', 'plans');
  const options = { repoRoot: root, plansDir, stacksDir: join(root, 'infra', 'cdktf.out', 'stacks'), turbo: [process.execPath, FAKE_TURBO], env, log: () => undefined };
  const turboCalls = () =>
    readFileSync(calls, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { args: string[]; base: string | null });
  const planned = () => JSON.parse(readFileSync(join(plansDir, PLANNED_FILE), 'utf8')) as { base: string | null; stacks: string[] };
  return { root, plansDir, options, turboCalls, planned };
}

describe('ciPlan', () => {
  it('plans exactly the stacks of the apps the change affects, compared with the base, and lists them', async () => {
    // Arrange: the change touches beta only.
    const { plansDir, options, turboCalls, planned } = workspace([BETA.dir]);

    // Act
    const result = await ciPlan({ ...options, base: BASE });

    // Assert
    expect(result.exitCode).toBe(0);
    expect(result.stacks.map((s) => [s.stack, s.ok])).toEqual([
      ['beta-api-dev', true],
      ['beta-api-prod', true],
    ]);
    expect(turboCalls()).toEqual([
      { args: ['run', 'plan', '--affected', '--dry=json'], base: BASE },
      { args: ['run', 'plan', '--affected'], base: BASE },
    ]);
    expect(planned()).toEqual({ base: BASE, stacks: stacksOf(BETA) });
    for (const stack of stacksOf(BETA)) expect(readFileSync(join(plansDir, stack, 'comment.md'), 'utf8')).toMatch(new RegExp(`^<!-- portico-plan:${stack} -->\n`));
    for (const stack of stacksOf(ALPHA)) expect(existsSync(join(plansDir, stack))).toBe(false);
  });

  it('takes the base from TURBO_SCM_BASE, as the workflow passes it', async () => {
    const { options, turboCalls } = workspace([ALPHA.dir], { TURBO_SCM_BASE: BASE });

    const result = await ciPlan(options);

    expect(result.stacks.map((s) => s.stack)).toEqual(stacksOf(ALPHA));
    expect(turboCalls().map((c) => c.base)).toEqual([BASE, BASE]);
  });

  it('plans every API when there is no base to compare with', async () => {
    const { options, turboCalls, planned } = workspace([]);

    const result = await ciPlan(options);

    expect(result.exitCode).toBe(0);
    expect(result.stacks.map((s) => s.stack)).toEqual([...stacksOf(ALPHA), ...stacksOf(BETA)]);
    expect(turboCalls().map((c) => c.args)).toEqual([
      ['run', 'plan', '--dry=json'],
      ['run', 'plan'],
    ]);
    expect(planned().base).toBeNull();
  });

  it('plans nothing and succeeds when the change affects no API, leaving earlier comments alone', async () => {
    // Arrange: alpha's comment from an earlier run is on disk.
    const { plansDir, options, turboCalls, planned } = workspace([]);
    mkdirSync(join(plansDir, 'alpha-api-dev'), { recursive: true });
    writeFileSync(join(plansDir, 'alpha-api-dev', 'comment.md'), '<!-- portico-plan:alpha-api-dev -->\nearlier');

    // Act
    const result = await ciPlan({ ...options, base: BASE });

    // Assert
    expect(result).toMatchObject({ exitCode: 0, stacks: [] });
    expect(turboCalls().map((c) => c.args)).toEqual([['run', 'plan', '--affected', '--dry=json']]);
    expect(planned()).toEqual({ base: BASE, stacks: [] });
    expect(readFileSync(join(plansDir, 'alpha-api-dev', 'comment.md'), 'utf8')).toContain('earlier');
  });

  it("puts each stage's monthly cost estimate, arithmetic folded, in that stage's comment", async () => {
    const { plansDir, options } = workspace([ALPHA.dir]);

    const result = await ciPlan({ ...options, base: BASE });

    expect(result.exitCode).toBe(0);
    for (const [stack, summary] of [['alpha-api-dev', 'summary-dev.md'], ['alpha-api-prod', 'summary-prod.md']] as const) {
      const comment = readFileSync(join(plansDir, stack, 'comment.md'), 'utf8');
      const total = /\*\*\$[\d,.]+ a month\*\* after this plan[^\n]*/.exec(fixture(summary))![0];
      expect(comment.startsWith(`<!-- portico-plan:${stack} -->\n`)).toBe(true);
      expect(comment).toContain('\n#### Monthly cost estimate\n');
      expect(comment).toContain(total);
      expect(comment).toContain('<details><summary>How the estimate is computed</summary>');
      expect(closeDetails(comment)).toBe(comment);
    }
  });

  it('fails an expected stack that got no fresh plan, and shows no cost of an earlier plan for it', async () => {
    // Arrange: prod's files are left from an earlier run; this run's plan of prod fails.
    const { plansDir, options } = workspace([ALPHA.dir], { FAKE_PLAN_FAIL: 'alpha-api-prod' });
    const old = join(plansDir, 'alpha-api-prod');
    mkdirSync(old, { recursive: true });
    writeFileSync(join(old, PLAN_FILES.plan), 'binary plan');
    writeFileSync(join(old, PLAN_FILES.json), fixture('rest-api.plan.json'));
    writeFileSync(join(old, PLAN_FILES.text), fixture('rest-api.plan.txt'));
    writeFileSync(join(old, PLAN_FILES.summary), fixture('summary-prod.md'));
    const yesterday = new Date(Date.now() - 86_400_000);
    for (const name of Object.values(PLAN_FILES)) utimesSync(join(old, name), yesterday, yesterday);

    // Act
    const result = await ciPlan({ ...options, base: BASE });

    // Assert
    expect(result.exitCode).toBe(1);
    expect(result.stacks.map((s) => [s.stack, s.ok])).toEqual([
      ['alpha-api-dev', true],
      ['alpha-api-prod', false],
    ]);
    const comment = readFileSync(join(old, 'comment.md'), 'utf8');
    expect(comment).toContain('### ❌ `alpha-api-prod`: plan failed');
    expect(comment).toContain('Error: reading API Gateway REST API for alpha-api-prod: AccessDenied');
    expect(comment).not.toContain('Monthly cost estimate');
  });
});
