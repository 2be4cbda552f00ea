/** `portico-infra plan` arguments: see USAGE. */

export const USAGE = `usage: pnpm plan [--api NAME]... [--stage NAME]... [--plans-dir DIR]

Synthesizes the stacks, then per stack runs terraform init, plan, show, and writes
infra/plans/<api>-<stage>/{plan.tfplan,plan.json,plan.txt,summary.md}; summary.md ends with the stack's monthly
cost estimate (traffic: stages.<stage>.traffic in the app's portico.config.ts; prices: infra/cost/prices/<region>.json;
durations: the app's cost/lambda-durations.json; see infra/README.md).

  --api NAME        plan only this API's stacks (repeat, or comma-separate; default: the app the command runs in,
                    else every API under apps/)
  --stage NAME      plan only this stage's stacks (repeat, or comma-separate; default: every stage,
                    or STAGE when it is set)
  --plans-dir DIR   where the plan files go (default: infra/plans)

Without AWS credentials the plan runs offline (nothing read from AWS; see infra/src/target.ts).
TF_PLUGIN_MIRROR installs the AWS provider from a local mirror; TF_PLUGIN_CACHE_DIR is used when set;
PORTICO_PLAN_LOCK=false plans without taking the state lock.`;

export interface PlanArgs {
  readonly apis?: string[];
  readonly stages?: string[];
  readonly plansDir?: string;
  readonly help?: boolean;
}

/**
 * Parses the command line; `STAGE` from the environment applies when no `--stage` is given. Throws on a bad
 * argument. Whether an API declares a stage is checked once the APIs are known.
 */
export function parsePlanArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): PlanArgs {
  const stages: string[] = [];
  const apis: string[] = [];
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
    else if (flag === '--api') apis.push(...value().split(','));
    else if (flag === '--plans-dir') plansDir = value();
    else if (flag === '--') continue;
    else throw new Error(`Unknown argument ${JSON.stringify(arg)}\n\n${USAGE}`);
  }
  if (stages.length === 0 && env.STAGE) stages.push(...env.STAGE.split(','));
  const clean = (list: string[]) => [...new Set(list.map((s) => s.trim()).filter(Boolean))];
  const names = clean(stages);
  const apiNames = clean(apis);
  return {
    ...(apiNames.length > 0 ? { apis: apiNames } : {}),
    ...(names.length > 0 ? { stages: names } : {}),
    ...(plansDir ? { plansDir } : {}),
  };
}
