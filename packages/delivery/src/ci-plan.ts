/**
 * `ci-plan`: plan the stacks a change can affect the way `pnpm turbo plan --affected` does, then gather, per stack,
 * what the PR comment and the artifacts need — the summary, the plan JSON, the raw plan text, whether it failed and
 * why — and render the comment.
 *
 * Which stacks: turbo's own dry run decides (see `affected.ts`), against the base the workflow names (the PR's base
 * commit); without a base, every API. The list is written to `<plans>/planned.json`, which is what the comment step
 * posts, so a stack left from an earlier run is never commented on again.
 *
 * Failure is per stack: an expected stack whose plan files were not (re)written by this run failed, and its comment
 * carries the tail of the log, so a reviewer sees "prod failed" on the PR rather than a stale plan.
 */
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { affectedStacks, describeScope, scopeOfBase, type AffectedStacks, type TurboScope } from './affected';
import { countPlanChanges, renderPlanComment, type PlanCommentInput } from './plan-comment';
import { run, tail, type RunResult } from './process';

export interface CiPlanOptions {
  repoRoot: string;
  /** Where infra writes `<stack>/{plan.tfplan,plan.json,summary.md}`. @default <repoRoot>/infra/plans */
  plansDir?: string;
  /** Synthesized stacks, one directory each, where terraform ran. @default <repoRoot>/infra/cdktf.out/stacks */
  stacksDir?: string;
  /**
   * Plan only what a change since this commit can affect (turbo's `--affected`). @default TURBO_SCM_BASE from `env`;
   * without one, every API is planned.
   */
  base?: string;
  /** How turbo is called, from the repo root. @default pnpm turbo */
  turbo?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Link to the workflow run, for the comment. */
  runUrl?: string;
  commitSha?: string;
  artifactName?: string;
  log?: (line: string) => void;
}

export interface StackPlanResult {
  stack: string;
  ok: boolean;
  /** Where this stack's files (and `comment.md`) are. */
  dir: string;
  counts?: { add: number; change: number; destroy: number };
  reason?: string;
}

export const PLAN_FILES = { plan: 'plan.tfplan', json: 'plan.json', summary: 'summary.md', text: 'plan.txt' } as const;

/** The list of stacks one `ci-plan` run planned, in its plans directory; `post-plan-comment` posts exactly these. */
export const PLANNED_FILE = 'planned.json';

export interface PlannedStacks {
  /** The commit the change was compared with; null when every API was planned. */
  base: string | null;
  stacks: string[];
}

export interface CiPlanResult {
  /** Non-zero when the plan command failed or any stack has no plan: the check must fail. */
  exitCode: number;
  scope: TurboScope;
  /** The planned stacks; empty when the change affects no API. */
  stacks: StackPlanResult[];
}

export async function ciPlan(options: CiPlanOptions): Promise<CiPlanResult> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.log(line));
  const plansDir = options.plansDir ?? join(options.repoRoot, 'infra', 'plans');
  const stacksDir = options.stacksDir ?? join(options.repoRoot, 'infra', 'cdktf.out', 'stacks');
  const scope = scopeOfBase(options.base ?? env.TURBO_SCM_BASE);
  // The list of a run that stops half-way must not be taken for this one's.
  rmSync(join(plansDir, PLANNED_FILE), { force: true });

  const affected: AffectedStacks = await affectedStacks({ repoRoot: options.repoRoot, task: 'plan', scope, turbo: options.turbo, env, log });
  const stacks = affected.stacks;
  mkdirSync(plansDir, { recursive: true });
  const planned: PlannedStacks = { base: scope.kind === 'affected' ? scope.base : null, stacks };
  writeFileSync(join(plansDir, PLANNED_FILE), `${JSON.stringify(planned, null, 2)}\n`);
  if (stacks.length === 0) {
    log(`no stack to plan: ${scope.kind === 'affected' ? `no API is affected by ${describeScope(scope)}` : 'no API declares a plan'}`);
    return { exitCode: 0, scope, stacks: [] };
  }
  log(`stacks to plan (${describeScope(scope)}): ${stacks.join(', ')}`);

  // Whole seconds: some filesystems keep coarse mtimes, and a file from this run must never look older than it.
  const startedAt = Math.floor(Date.now() / 1000) * 1000;
  const [command, ...args] = affected.command;
  log(`$ ${scope.kind === 'affected' ? `TURBO_SCM_BASE=${scope.base} ` : ''}${affected.command.join(' ')}`);
  const planRun: RunResult = await run(command!, args, { cwd: options.repoRoot, env: affected.env });

  const results: StackPlanResult[] = [];
  for (const stack of stacks) {
    const dir = join(plansDir, stack);
    mkdirSync(dir, { recursive: true });
    const fresh = (name: string) => isFresh(join(dir, name), startedAt);
    // One stack's plan can succeed while the other's fails: judge each by the files this run wrote for it.
    const ok = fresh(PLAN_FILES.plan) && fresh(PLAN_FILES.json);
    const reason = ok
      ? undefined
      : planRun.code === 0
        ? `the plan command succeeded but wrote no plan for ${stack}`
        : `the plan command exited ${planRun.code} before writing a plan for ${stack}`;

    let planText: string | undefined;
    if (ok) {
      if (fresh(PLAN_FILES.text)) planText = readFileSync(join(dir, PLAN_FILES.text), 'utf8');
      else {
        // `terraform show` needs the providers of the directory the plan was made in.
        const show = await run('terraform', ['show', '-no-color', join(dir, PLAN_FILES.plan)], {
          cwd: join(stacksDir, stack),
          env,
          echo: false,
        });
        planText = show.code === 0 ? show.stdout : `terraform show failed (exit ${show.code}):\n${tail(show.output)}`;
        writeFileSync(join(dir, PLAN_FILES.text), planText);
      }
    }

    const planJson = ok ? (JSON.parse(readFileSync(join(dir, PLAN_FILES.json), 'utf8')) as PlanCommentInput['planJson']) : undefined;
    const summaryMarkdown = fresh(PLAN_FILES.summary)
      ? readFileSync(join(dir, PLAN_FILES.summary), 'utf8')
      : ok
        ? '_The plan wrote no gateway summary._'
        : undefined;
    const body = renderPlanComment({
      stack,
      ok,
      summaryMarkdown,
      planJson,
      planText,
      errorLog: ok ? undefined : `${reason}\n\n${tail(planRun.output)}`,
      runUrl: options.runUrl,
      commitSha: options.commitSha,
      artifactName: options.artifactName,
    });
    writeFileSync(join(dir, 'comment.md'), body);
    const result: StackPlanResult = {
      stack,
      ok,
      dir,
      ...(planJson ? { counts: countPlanChanges(planJson) } : {}),
      ...(reason ? { reason } : {}),
    };
    writeFileSync(join(dir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
    log(`${ok ? 'planned' : 'FAILED '} ${stack}${result.counts ? ` (+${result.counts.add} ~${result.counts.change} -${result.counts.destroy})` : ''}${reason ? `: ${reason}` : ''}`);
    results.push(result);
  }
  const exitCode = planRun.code !== 0 ? planRun.code : results.every((r) => r.ok) ? 0 : 1;
  return { exitCode, scope, stacks: results };
}

function isFresh(path: string, since: number): boolean {
  try {
    return statSync(path).mtimeMs >= since;
  } catch {
    return false;
  }
}
