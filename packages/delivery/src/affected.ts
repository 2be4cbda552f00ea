/**
 * Which API stacks a turbo task touches, as turbo itself decides. A dry run (`turbo run <task> [--affected]
 * --dry=json`) lists the packages whose task would run; turbo's affected logic follows the package graph (a change to
 * a library reaches every app that depends on it, a change to a global input reaches all of them), so nothing here
 * second-guesses it. Each listed package that declares an API (`portico.config.ts`) gives its `<api>-<stage>` stacks.
 *
 * The command a caller then runs is the same turbo invocation without `--dry`, so what is planned or deployed is
 * exactly what was listed.
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { stackName } from '@portico/infra/api';
import { run } from './process';

/** What a turbo run covers: every API, the APIs a change since `base` can affect, or the APIs named. */
export type TurboScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'affected'; readonly base: string }
  | { readonly kind: 'apis'; readonly names: readonly string[] };

/** The file an app declares its API in (infra's `API_CONFIG_FILE`). */
const API_CONFIG_FILE = 'portico.config.ts';

/** What turbo prints for a task whose package has no script of that name. */
const NO_COMMAND = '<NONEXISTENT>';

/**
 * The scope for a comparison base: `--affected` against it, or every API when there is none. A push that creates a
 * branch has the all-zero SHA as its `before`: nothing to compare with either.
 *
 * @example
 * scopeOfBase(process.env.TURBO_SCM_BASE); // { kind: 'affected', base: '9fceb02…' } or { kind: 'all' }
 */
export function scopeOfBase(base: string | undefined): TurboScope {
  const sha = base?.trim();
  return sha && !/^0+$/.test(sha) ? { kind: 'affected', base: sha } : { kind: 'all' };
}

/** How a scope reads in a log line or a step summary. */
export function describeScope(scope: TurboScope): string {
  switch (scope.kind) {
    case 'all':
      return 'every API';
    case 'affected':
      return `what changed since ${scope.base.length === 40 ? scope.base.slice(0, 7) : scope.base}`;
    case 'apis':
      return scope.names.join(', ');
  }
}

export interface AffectedOptions {
  repoRoot: string;
  /** The turbo task: `plan` or `deploy`. */
  task: string;
  scope: TurboScope;
  /**
   * The stage a deploy applies: each API lists that stack alone, and an API that does not declare the stage is left
   * out of the run. @default every stage of each API (a plan)
   */
  stage?: string;
  /** How turbo is called, from the repo root. @default pnpm turbo */
  turbo?: readonly string[];
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface AffectedApi {
  name: string;
  /** The app folder, relative to the repo root, as turbo names it. */
  dir: string;
  /** The app's package name. */
  package: string;
  stacks: string[];
}

export interface AffectedStacks {
  scope: TurboScope;
  /** The turbo command that runs the task over exactly `apis` (run it from the repo root with `env`). */
  command: string[];
  env: NodeJS.ProcessEnv;
  apis: AffectedApi[];
  /** Every stack of `apis`, in order. */
  stacks: string[];
  /** APIs turbo would have run the task for but that lack the stage; the command leaves them out. */
  skipped: Array<{ name: string; dir: string; reason: string }>;
}

interface DryRunTask {
  taskId: string;
  task: string;
  package: string;
  directory: string;
  command: string;
}

/**
 * Lists the stacks `turbo run <task>` would touch in `scope`, and the command that runs it.
 *
 * @example
 * const { stacks, command, env } = await affectedStacks({ repoRoot, task: 'plan', scope: scopeOfBase(prBaseSha) });
 * // stacks: ['orders-api-dev', 'orders-api-prod'], command: ['pnpm', 'turbo', 'run', 'plan', '--affected']
 */
export async function affectedStacks(options: AffectedOptions): Promise<AffectedStacks> {
  const { repoRoot, task, scope } = options;
  const log = options.log ?? (() => {});
  const turbo = options.turbo ?? ['pnpm', 'turbo'];
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env) };
  // turbo reads the comparison base from the environment; a stale one must never narrow a run that covers everything.
  delete env.TURBO_SCM_BASE;
  if (scope.kind === 'affected') env.TURBO_SCM_BASE = scope.base;
  const scopeArgs = await scopeArguments(repoRoot, scope);

  const args = [...turbo.slice(1), 'run', task, ...scopeArgs, '--dry=json'];
  const dry = await run(turbo[0]!, args, { cwd: repoRoot, env, echo: false });
  if (dry.code !== 0) throw new Error(`${[turbo[0], ...args].join(' ')} failed (exit ${dry.code}):\n${dry.output}`);
  // turbo says so on stderr when it cannot compare (a base missing from a shallow clone) and takes everything as changed.
  for (const line of dry.output.split('\n')) if (/WARNING .*git/i.test(line)) log(line.trim());
  const tasks = parseDryRun(dry.stdout).filter((t) => t.task === task && t.command !== NO_COMMAND);

  const { loadApi } = await import('@portico/infra/discover');
  const apis: AffectedApi[] = [];
  const skipped: AffectedStacks['skipped'] = [];
  for (const t of tasks) {
    const dir = join(repoRoot, t.directory);
    if (!existsSync(join(dir, API_CONFIG_FILE))) {
      log(`${t.package} has a ${task} script but declares no API (${API_CONFIG_FILE}): no stack of its own`);
      continue;
    }
    const { config } = await loadApi(dir);
    const stages = Object.keys(config.stages);
    if (options.stage !== undefined && !stages.includes(options.stage)) {
      if (scope.kind === 'apis') throw new Error(`${config.name} has no stage "${options.stage}": it declares ${stages.join(', ')}`);
      skipped.push({ name: config.name, dir: t.directory, reason: `declares no stage "${options.stage}" (only ${stages.join(', ')})` });
      continue;
    }
    const chosen = options.stage === undefined ? stages : [options.stage];
    apis.push({ name: config.name, dir: t.directory, package: t.package, stacks: chosen.map((stage) => stackName(config, stage)) });
  }
  apis.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const exclude = skipped.map((s) => `--filter=!./${s.dir}`);
  return {
    scope,
    command: [...turbo, 'run', task, ...scopeArgs, ...exclude],
    env,
    apis,
    stacks: apis.flatMap((a) => a.stacks),
    skipped,
  };
}

/** `--affected`, nothing (every package), or one `--filter=./<folder>` per named API (a name is not a package name). */
async function scopeArguments(repoRoot: string, scope: TurboScope): Promise<string[]> {
  if (scope.kind === 'all') return [];
  if (scope.kind === 'affected') return ['--affected'];
  const { discoverApis } = await import('@portico/infra/discover');
  const declared = await discoverApis(repoRoot);
  return scope.names.map((name) => {
    const api = declared.find((a) => a.config.name === name);
    if (!api) throw new Error(`No API named "${name}" (declared: ${declared.map((a) => a.config.name).join(', ') || 'none'})`);
    return `--filter=./${relative(repoRoot, api.dir)}`;
  });
}

function parseDryRun(stdout: string): DryRunTask[] {
  // Anything printed before the JSON (a package manager's banner) is not part of it.
  const start = stdout.indexOf('{');
  let plan: { tasks?: DryRunTask[] };
  try {
    plan = JSON.parse(stdout.slice(Math.max(0, start))) as { tasks?: DryRunTask[] };
  } catch (error) {
    throw new Error(`turbo --dry=json printed no JSON plan (${(error as Error).message}):\n${stdout.slice(0, 2000)}`);
  }
  if (!Array.isArray(plan.tasks)) throw new Error('turbo --dry=json printed a plan without "tasks"');
  return plan.tasks;
}
