/**
 * `ci-plan`: plan every stack the way `pnpm turbo plan` does, then gather, per stack, what the PR comment and the
 * artifacts need — the summary, the plan JSON, the raw plan text, whether it failed and why — and render the comment.
 *
 * Failure is per stack: a stack whose plan files were not (re)written by this run failed, and its comment carries the
 * tail of the log, so a reviewer sees "prod failed" on the PR rather than a stale plan.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { countPlanChanges, renderPlanComment, type PlanCommentInput } from './plan-comment';
import { run, tail, type RunResult } from './process';

/** The stacks infra synthesizes (DESIGN.md); used when synth failed before any stack directory existed. */
export const DEFAULT_STACKS = ['users-api-dev', 'users-api-prod'] as const;

export interface CiPlanOptions {
  repoRoot: string;
  /** Where infra writes `<stack>/{plan.tfplan,plan.json,summary.md}`. @default <repoRoot>/infra/plans */
  plansDir?: string;
  /** Synthesized stacks, one directory each, where terraform ran. @default <repoRoot>/infra/cdktf.out/stacks */
  stacksDir?: string;
  /** Expected stacks, for reporting a failure on stacks that never got synthesized. @default DEFAULT_STACKS */
  stacks?: readonly string[];
  /** The plan command, run from the repo root. @default pnpm turbo run plan */
  planCommand?: readonly string[];
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

export interface CiPlanResult {
  /** Non-zero when the plan command failed or any stack has no plan: the check must fail. */
  exitCode: number;
  stacks: StackPlanResult[];
}

export async function ciPlan(options: CiPlanOptions): Promise<CiPlanResult> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.log(line));
  const plansDir = options.plansDir ?? join(options.repoRoot, 'infra', 'plans');
  const stacksDir = options.stacksDir ?? join(options.repoRoot, 'infra', 'cdktf.out', 'stacks');
  const [command, ...args] = options.planCommand ?? ['pnpm', 'turbo', 'run', 'plan'];

  // Whole seconds: some filesystems keep coarse mtimes, and a file from this run must never look older than it.
  const startedAt = Math.floor(Date.now() / 1000) * 1000;
  log(`$ ${[command, ...args].join(' ')}`);
  const planRun: RunResult = await run(command!, args, { cwd: options.repoRoot, env });

  const stacks = uniq([...(options.stacks ?? DEFAULT_STACKS), ...synthesizedStacks(stacksDir)]);
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
  return { exitCode, stacks: results };
}

function synthesizedStacks(stacksDir: string): string[] {
  if (!existsSync(stacksDir)) return [];
  return readdirSync(stacksDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(stacksDir, e.name, 'cdk.tf.json')))
    .map((e) => e.name)
    .sort();
}

function isFresh(path: string, since: number): boolean {
  try {
    return statSync(path).mtimeMs >= since;
  } catch {
    return false;
  }
}

function uniq<T>(values: T[]): T[] {
  return [...new Set(values)];
}
