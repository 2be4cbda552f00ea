/**
 * `portico-infra synth | plan | deploy`: the commands behind `pnpm synth`, `pnpm turbo plan` and `pnpm turbo deploy`.
 * In an app's folder they act on that API; in infra (or with `--api`) on the named APIs, else on every one.
 */
import { parseArgs } from 'node:util';
import { selectApis, synthesizeFromEnv } from './app';
import { checkDestroy, chooseStage, deploy, deploySummary } from './deploy';
import type { DiscoveredApi } from './discover';
import { parsePlanArgs, USAGE as PLAN_USAGE } from './plan/cli';
import { planStacks } from './plan/run';

const USAGE = `usage: portico-infra <command> [options]

Commands (run in an app's folder they act on that API; elsewhere on every API under apps/, or those named):
  synth [--api NAME]... [--stage NAME]...    write infra/cdktf.out/stacks/<api>-<stage>/cdk.tf.json
  plan  [--api NAME]... [--stage NAME]...    terraform plan per stack → infra/plans/<api>-<stage>/ (see plan --help)
  deploy [--api NAME]... [--stage NAME] [--destroy [--confirm <stack>]]
                                             terraform apply (or destroy) ONE stage: --stage, else STAGE, else dev;
                                             a stage that protects its data needs --confirm <stack> to be destroyed

Target and state, from the environment:
  AWS_ENDPOINT_URL=http://127.0.0.1:5000   apply to a local AWS emulator (moto_server); state <stack>.emulator.tfstate
  PORTICO_STATE_BUCKET (+ _REGION, _LOCK_TABLE, _PREFIX)   S3 state with locking; default: local, infra/state/
  PORTICO_STATE_DIR    local state directory          PORTICO_CDKTF_OUT   synth output directory
  TF_PLUGIN_MIRROR     install the aws provider from this filesystem mirror (offline)`;

/** Runs one command; resolves to the process exit code. */
export async function run(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'synth':
      return synthCommand(rest, env);
    case 'plan':
      return planCommand(rest, env);
    case 'deploy':
      return deployCommand(rest, env);
    case undefined:
    case '-h':
    case '--help':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`Unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

/** The chosen APIs, refusing a stage none of them declares. */
async function choose(apiNames: readonly string[] | undefined, stages: readonly string[] | undefined): Promise<DiscoveredApi[]> {
  const apis = await selectApis(apiNames);
  if (apis.length === 0) throw new Error('No API to act on: declare one in apps/<name>/portico.config.ts');
  for (const stage of stages ?? []) {
    if (!apis.some((api) => Object.hasOwn(api.config.stages, stage))) {
      const known = [...new Set(apis.flatMap((api) => Object.keys(api.config.stages)))];
      throw new Error(`Unknown stage "${stage}": use one of ${known.join(', ')}`);
    }
  }
  return apis;
}

async function synthCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const args = parsePlanArgs(argv, env);
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const apis = await choose(args.apis, args.stages);
  await synthesizeFromEnv(env, { apis, ...(args.stages ? { stages: args.stages } : {}) });
  return 0;
}

async function planCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const args = parsePlanArgs(argv, env);
  if (args.help) {
    console.log(PLAN_USAGE);
    return 0;
  }
  const apis = await choose(args.apis, args.stages);
  const result = await planStacks({
    env,
    apis,
    ...(args.stages ? { stages: args.stages } : {}),
    ...(args.plansDir ? { plansDir: args.plansDir } : {}),
  });
  return result.ok ? 0 : 1;
}

async function deployCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({
    args: [...argv].filter((arg) => arg !== '--'),
    options: {
      api: { type: 'string', multiple: true },
      stage: { type: 'string' },
      destroy: { type: 'boolean', default: false },
      confirm: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const apis = await choose(values.api?.flatMap((a) => a.split(',')), undefined);
  const { stage, from } = chooseStage(apis, values.stage, env.STAGE, USAGE);
  console.log(`stage ${stage} (${from})`);
  for (const api of apis) checkDestroy(api, stage, values.destroy, values.confirm);
  for (const api of apis) {
    const result = await deploy({ api, stage, destroy: values.destroy, env, echo: true });
    console.log('');
    for (const line of deploySummary(result)) console.log(line);
  }
  return 0;
}
