/**
 * ci-plan turns the plan files infra writes into one sticky comment per stack. The plan command here stands in for
 * `pnpm turbo run plan`: it writes, during the run, the files a real plan of each stage wrote (`fixtures/summary-*.md`
 * are the summaries `pnpm plan` made of users-api-dev and users-api-prod, cost estimate included).
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ciPlan, PLAN_FILES } from '../src/ci-plan';
import { closeDetails } from '../src/plan-comment';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
const STAGES = [
  ['users-api-dev', 'summary-dev.md'],
  ['users-api-prod', 'summary-prod.md'],
] as const;

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A directory of finished plan files per stack, and a plan command that copies them into `plansDir` when run. */
function stagedPlans(stacks: readonly (readonly [string, string])[]): { root: string; plansDir: string; planCommand: string[] } {
  const root = mkdtempSync(join(tmpdir(), 'portico-ci-plan-'));
  scratch.push(root);
  const staged = join(root, 'staged');
  for (const [stack, summary] of stacks) {
    const dir = join(staged, stack);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, PLAN_FILES.plan), 'binary plan');
    writeFileSync(join(dir, PLAN_FILES.json), fixture('rest-api.plan.json'));
    writeFileSync(join(dir, PLAN_FILES.text), fixture('rest-api.plan.txt'));
    writeFileSync(join(dir, PLAN_FILES.summary), fixture(summary));
  }
  const plansDir = join(root, 'plans');
  // A copy gets the time of the copy: the files are this run's, as a real plan's are.
  const copy = `require('node:fs').cpSync(${JSON.stringify(staged)}, ${JSON.stringify(plansDir)}, { recursive: true })`;
  return { root, plansDir, planCommand: [process.execPath, '-e', copy] };
}

describe('ciPlan', () => {
  it("puts each stage's monthly cost estimate, arithmetic folded, in that stage's comment", async () => {
    // Arrange
    const { root, plansDir, planCommand } = stagedPlans(STAGES);

    // Act
    const result = await ciPlan({ repoRoot: root, plansDir, stacksDir: join(root, 'stacks'), planCommand, log: () => undefined });

    // Assert
    expect(result.exitCode).toBe(0);
    expect(result.stacks.map((s) => [s.stack, s.ok])).toEqual([
      ['users-api-dev', true],
      ['users-api-prod', true],
    ]);
    for (const [stack, summary] of STAGES) {
      const comment = readFileSync(join(plansDir, stack, 'comment.md'), 'utf8');
      const total = /\*\*\$[\d,.]+ a month\*\* after this plan[^\n]*/.exec(fixture(summary))![0];
      expect(comment.startsWith(`<!-- portico-plan:${stack} -->\n`)).toBe(true);
      expect(comment).toContain('\n#### Monthly cost estimate\n');
      expect(comment).toContain(total);
      expect(comment).toContain('<details><summary>How the estimate is computed</summary>');
      expect(closeDetails(comment)).toBe(comment);
    }
  });

  it('shows no cost of an earlier plan for a stack this run did not plan', async () => {
    // Arrange: prod's files are left from an earlier run; this run plans dev only.
    const { root, plansDir, planCommand } = stagedPlans([STAGES[0]]);
    const old = join(plansDir, 'users-api-prod');
    cpSync(join(root, 'staged', 'users-api-dev'), old, { recursive: true });
    writeFileSync(join(old, PLAN_FILES.summary), fixture('summary-prod.md'));
    const yesterday = new Date(Date.now() - 86_400_000);
    for (const name of Object.values(PLAN_FILES)) utimesSync(join(old, name), yesterday, yesterday);

    // Act
    const result = await ciPlan({ repoRoot: root, plansDir, stacksDir: join(root, 'stacks'), planCommand, log: () => undefined });

    // Assert
    expect(result.exitCode).toBe(1);
    const comment = readFileSync(join(old, 'comment.md'), 'utf8');
    expect(comment).toContain('### ❌ `users-api-prod`: plan failed');
    expect(comment).not.toContain('Monthly cost estimate');
  });
});
