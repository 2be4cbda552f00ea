/** `pnpm plan [--stage dev] [--plans-dir DIR]`: plan every stack (or the chosen ones); exit 1 if any fails. */
import { isStageName, STAGE_NAMES, type StageName } from '../config';
import { planStacks } from './run';

export const USAGE = `usage: pnpm plan [--stage <${STAGE_NAMES.join('|')}>]... [--plans-dir DIR]

Synthesizes the stacks, then per stack runs terraform init, plan, show, and writes
infra/plans/<stack>/{plan.tfplan,plan.json,plan.txt,summary.md}; summary.md ends with the stack's monthly
cost estimate (traffic: TRAFFIC in src/config.ts; prices: cost/prices/<region>.json; see infra/README.md).

  --stage NAME      plan only this stage's stack (repeat, or comma-separate; default: every stage,
                    or STAGE when it is set)
  --plans-dir DIR   where the plan files go (default: infra/plans)

Without AWS credentials the plan runs offline (nothing read from AWS; see infra/src/target.ts).
TF_PLUGIN_MIRROR installs the AWS provider from a local mirror; TF_PLUGIN_CACHE_DIR is used when set;
PORTICO_PLAN_LOCK=false plans without taking the state lock.`;

export interface PlanArgs {
  readonly stages?: StageName[];
  readonly plansDir?: string;
  readonly help?: boolean;
}

/** Parses the command line; `STAGE` from the environment applies when no `--stage` is given. Throws on a bad argument. */
export function parsePlanArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): PlanArgs {
  const stages: string[] = [];
  let plansDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const next = inline ?? argv[++i];
      if (next === undefined || next === '') throw new Error(`${flag} needs a value\n\n${USAGE}`);
      return next;
    };
    if (flag === '--help' || flag === '-h') return { help: true };
    else if (flag === '--stage') stages.push(...value().split(','));
    else if (flag === '--plans-dir') plansDir = value();
    else if (flag === '--') continue;
    else throw new Error(`Unknown argument ${JSON.stringify(arg)}\n\n${USAGE}`);
  }
  if (stages.length === 0 && env.STAGE) stages.push(...env.STAGE.split(','));
  const names = [...new Set(stages.map((s) => s.trim()).filter(Boolean))];
  const unknown = names.find((name) => !isStageName(name));
  if (unknown) throw new Error(`Unknown stage "${unknown}": use one of ${STAGE_NAMES.join(', ')}`);
  return { ...(names.length > 0 ? { stages: names as StageName[] } : {}), ...(plansDir ? { plansDir } : {}) };
}

async function main(): Promise<number> {
  let args: PlanArgs;
  try {
    args = parsePlanArgs(process.argv.slice(2), process.env);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const result = await planStacks({
    env: process.env,
    ...(args.stages ? { stages: args.stages } : {}),
    ...(args.plansDir ? { plansDir: args.plansDir } : {}),
  });
  return result.ok ? 0 : 1;
}

// Only when run as the entry point (tsx src/plan/cli.ts), not when a test imports parsePlanArgs.
if (process.argv[1] && /[\\/]plan[\\/]cli\.[cm]?[jt]s$/.test(process.argv[1])) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
